"""``duocode precode detect|accept|reject|suggest|evaluate|next|adopt|settings``."""
from __future__ import annotations

import click

from duocode._util import split_ids
from duocode.cli._base import emit, format_option, group, open_project, output_option, project_option, stage_progress

precode_group = group("precode", "NLP pre-coding (offline): candidate cases, suggested codes, evaluation. "
                                 "Suggestions are stored as coder 'precoder' and never count as a human coder.")


# the backends' names, without importing the pre-coder (`duocode --help` stays light); a test checks they agree
EMBEDDINGS = ("wordllama", "minilm")
embedding_option = click.option(
    "--embedding", type=click.Choice(EMBEDDINGS), default=None,
    help="The trained detector's embedding model: wordllama (fast, the default) or minilm (optional: `make "
         "minilm`; reads meaning in context, ~1,400 words/s per core, its vectors kept in the project). "
         "Default: the project's setting (`precode settings --embedding`).")


def _finite(ctx, param, value):
    """Reject nan / inf, which click's float ranges let through (usage error, exit 2)."""
    import math

    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number", ctx=ctx, param=param)
    return value


@precode_group.command("detect")
@click.option("--documents", default=None, help="Comma-separated document ids to scan (default: all).")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Store only candidates at least this confident.")
@click.option("--threshold", type=click.FloatRange(min=0), default=None, callback=_finite,
              help="What a sentence needs to be a hit: the rules' score (default 1.25) or the trained detector's "
                   "probability (default 0.3). Lower finds more, less precisely.")
@click.option("--method", type=click.Choice(["auto", "rules", "trained", "seed"]), default="auto",
              show_default=True,
              help="rules: the codebook's keywords and cue rules; trained: a detector trained on the project's "
                   "cases; seed: trained on the codebook's seed corpus; auto: trained once there are 8 cases in "
                   "2 documents, the seed corpus before that where the codebook names one, else the rules.")
@click.option("--dry-run", is_flag=True, help="Report what would be proposed; store no candidates.")
@embedding_option
@project_option
@format_option(["table", "json"])
def precode_detect(documents, min_confidence, threshold, method, dry_run, embedding, project, fmt):
    """Find candidate cases in the transcripts and store them (source precoder, status candidate).

    Every informant sentence is scored by a logistic regression over its words, its meaning (embeddings of the
    sentence and its neighbours) and the codebook's cue rules, and hit sentences grow into whole passages.
    Once coders have marked 8 cases in 2 documents, the detector learns from those documents; before that
    from the coded seed corpus the codebook names (TMP: the demo corpus), else the codebook's keywords and cue
    rules alone (--method rules keeps the rules). Spans already covered by a case, candidate or rejected
    candidate are not proposed again.

    \b
    Example:
      duocode precode detect --project study
      duocode precode detect --documents P01,P02 --dry-run --format json --project study
      duocode precode detect --method rules --threshold 1.0 --project study
      duocode precode detect --embedding minilm --project study
    """
    from duocode import precode   # the function detect shares its module's name: call it through the face

    with open_project(project) as proj:
        with stage_progress() as report:
            result = precode.detect(proj, documents=split_ids(documents), min_confidence=min_confidence,
                                    dry_run=dry_run, threshold=threshold, method=method, progress=report,
                                    embedding=embedding)
        emit(result, fmt)


@precode_group.command("accept")
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Accept every pending candidate.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None,
              help="Accept the pending candidates at least this confident.")
@project_option
@format_option(["table", "json"])
def precode_accept(ids, all_, min_confidence, project, fmt):
    """Turn candidate cases into cases, one by one (IDS) or in bulk; logged as accepted-from-precoder.

    A rejected candidate is accepted only when named in IDS; --all and --min-confidence pick pending ones only.

    \b
    Example:
      duocode precode accept pc-P01-001 pc-P01-003 --project study
      duocode precode accept --all --min-confidence 0.8 --project study
    """
    from duocode.precode import accept

    with open_project(project) as proj:
        emit(accept(proj, list(ids) or None, all_=all_, min_confidence=min_confidence), fmt)


@precode_group.command("reject")
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Reject every pending candidate.")
@click.option("--max-confidence", type=click.FloatRange(0, 1), default=None,
              help="Reject the pending candidates at most this confident.")
@project_option
@format_option(["table", "json"])
def precode_reject(ids, all_, max_confidence, project, fmt):
    """Discard candidate cases, one by one (IDS) or in bulk (kept as rejected, never proposed again).

    \b
    Example:
      duocode precode reject pc-P01-002 --project study
      duocode precode reject --all --max-confidence 0.5 --project study
    """
    from duocode.precode import reject

    with open_project(project) as proj:
        emit(reject(proj, list(ids) or None, all_=all_, max_confidence=max_confidence), fmt)


@precode_group.command("suggest")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the calibration folds.")
@click.option("--variables", default=None, help="Comma-separated variable ids (default: every categorical one).")
@click.option("--include-candidates", is_flag=True, help="Also suggest for candidates not yet accepted.")
@click.option("--dry-run", is_flag=True, help="Compute and show; store nothing.")
@project_option
@format_option(["table", "json"])
@output_option
def precode_suggest(seed, variables, include_candidates, dry_run, project, fmt, output):
    """Suggest a value, a confidence and an explanation for every case and categorical variable.

    Cold start uses the codebook (keywords, examples, definitions); once humans have coded enough cases, a
    calibrated classifier trained on their consensus or agreed codes takes over per variable. Stored as coder
    precoder; the JSON lists every suggestion.

    \b
    Example:
      duocode precode suggest --project study
      duocode precode suggest --format json --project study > suggestions.json
    """
    from duocode import precode

    with open_project(project) as proj:
        with stage_progress() as report:
            result = precode.suggest(proj, seed=seed, variables=split_ids(variables),
                                     include_candidates=include_candidates, dry_run=dry_run, progress=report)
        emit(result, fmt, output)


@precode_group.command("evaluate")
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True,
              help="Cross-validation folds (at least 2).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the folds.")
@click.option("--variables", default=None, help="Comma-separated variable ids (default: every categorical one).")
@click.option("--no-learning-curve", is_flag=True, help="Skip the learning curve (faster).")
@click.option("--no-detection", is_flag=True, help="Skip measuring case detection.")
@click.option("--external", "external", default=None, type=click.Path(file_okay=False),
              help="Score instead on a folder the pre-coder never saw: interviews/*.txt plus gold.csv "
                   "(document, quote, a column per variable), trained as detect and suggest would train.")
@embedding_option
@project_option
@format_option(["table", "json", "xlsx"])
@output_option
def precode_evaluate(folds, seed, variables, no_learning_curve, no_detection, external, embedding, project, fmt,
                     output):
    """Measure the pre-coder against the human codes by cross-validation.

    Accuracy, macro-F1, Cohen's kappa (next to the human coders' kappa), per-class precision and recall,
    expected calibration error, a learning curve, and detection recall and precision against human cases.
    Only the summary figures are kept in the project, with the date, for `duocode report`.

    \b
    Example:
      duocode precode evaluate --project study
      duocode precode evaluate --folds 10 -o precoder.xlsx --project study
      duocode precode evaluate --external heldout/ --project study
    """
    from duocode import precode

    if external is not None:
        if fmt == "xlsx":
            raise click.UsageError("--external reports as table or json")
        with open_project(project) as proj:
            emit(precode.evaluate_external(proj, external, seed=seed, embedding=embedding), fmt, output)
        return
    with open_project(project) as proj:
        with stage_progress() as report:
            result = precode.evaluate(proj, folds=folds, seed=seed, variables=split_ids(variables),
                                      learning_curve=not no_learning_curve, detection=not no_detection,
                                      progress=report, embedding=embedding)
        precode.record_evaluation(proj, result)
        emit(result, fmt, output)


@precode_group.command("next")
@click.option("-n", "n", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many cases to propose (at least 1).")
@click.option("--coder", default=None, help="Propose cases this coder has not finished coding.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the calibration folds.")
@project_option
@format_option(["table", "json"])
def precode_next(n, coder, seed, project, fmt):
    """Which cases to code next to improve the pre-coder most (it never shows its suggestions here).

    \b
    Example:
      duocode precode next -n 10 --coder ines --project study
    """
    from duocode.precode import next_cases

    with open_project(project) as proj:
        emit(next_cases(proj, n, coder, seed=seed), fmt)


@precode_group.command("adopt")
@click.option("--coder", required=True, help="The human coder whose codes receive the suggestions.")
@click.option("--variables", default=None, help="Comma-separated variable ids (default: all suggested).")
@click.option("--cases", default=None, help="Comma-separated case ids (default: all).")
@project_option
@format_option(["table", "json"])
def precode_adopt(coder, variables, cases, project, fmt):
    """Copy pre-coder suggestions into a coder's codes where the coder has none (only when asked).

    Each copied code is logged as accepted-from-precoder; the coder's own codes are never overwritten. The
    coder must already have codes of their own (a name with none, e.g. a typo, is refused), and `duocode agree`
    reports per variable how many counted codes were adopted.

    \b
    Example:
      duocode precode adopt --coder ines --variables channel --project study
    """
    from duocode.precode import adopt

    with open_project(project) as proj:
        emit(adopt(proj, coder, variables=split_ids(variables), cases=split_ids(cases)), fmt)


@precode_group.command("settings")
@click.option("--hide-suggestions/--show-suggestions", "hide", default=None,
              help="Keep suggestions out of coders' sight (the default) or show them.")
@click.option("--embedding", type=click.Choice(EMBEDDINGS), default=None,
              help="The trained detector's embedding model from now on: wordllama (the default) or minilm "
                   "(optional, installed with `make minilm`; its vectors are kept in the project).")
@project_option
@format_option(["table", "json"])
def precode_settings(hide, embedding, project, fmt):
    """Show or change whether pre-coder suggestions are hidden from coders, and the embedding model.

    \b
    Example:
      duocode precode settings --project study
      duocode precode settings --show-suggestions --project study
      duocode precode settings --embedding minilm --project study
    """
    from duocode.precode import change_settings

    with open_project(project) as proj:
        emit(change_settings(proj, hide=hide, embedding=embedding), fmt)
