"""The pre-coder's results for a terminal (rich)."""
from __future__ import annotations

from rich import box
from rich.table import Table

from duocode._util import plural
from duocode.precode import (LIST_CANDIDATES, OVERLAP_RULE, AdoptResult, DetectResult, EvaluationResult,
                             ExternalEvaluation, NextResult, ReviewResult, SettingResult, SuggestResult,
                             detection_method)
from duocode.render import renders
from duocode.store import ADOPT_ACTION


@renders(NextResult)
def next_result(result: NextResult) -> list:
    who = f"for {result.coder} " if result.coder else ""
    t = Table(title=f"Code these next {who}({len(result.cases)} of {result.pool} uncoded cases; {result.strategy})")
    for col in ("rank", "case", "document", "uncertainty", "most uncertain on"):
        t.add_column(col, overflow="fold")
    for i, c in enumerate(result.cases, start=1):
        t.add_row(str(i), c["case_id"], c["document"], f"{c['uncertainty']:.3f}", ", ".join(c["most_uncertain"]))
    return [t]


@renders(DetectResult)
def detect_result(result: DetectResult) -> list:
    verb = "found (dry run, nothing stored)" if result.dry_run else "stored as candidates"
    t = Table(title=f"{len(result.candidates)} candidate cases {verb} in {result.n_documents} documents "
                    f"({result.n_words:,} words)")
    for col in ("id", "document", "span", "confidence", "why", "text"):
        t.add_column(col, overflow="fold")
    for c in result.candidates:
        snippet = c.text if len(c.text) <= 90 else c.text[:87] + "..."
        t.add_row(c.id or "", c.document, f"{c.start}-{c.end}", f"{c.confidence:.2f}", c.explanation, snippet)
    out: list = [t, f"Detector: {result.model}."]
    notes = []
    if result.skipped_existing:
        notes.append(f"{result.skipped_existing} spans overlap existing cases or earlier candidates and were not "
                     "proposed again")
    if result.below_confidence:
        notes.append(f"{result.below_confidence} spans below --min-confidence were left out")
    out += notes + [f"warning: {w}" for w in result.warnings]
    if result.candidates and not result.dry_run:
        out.append(f"Review with `{LIST_CANDIDATES}` (status column: candidate), then "
                   "`duocode precode accept IDS` (or --all / --min-confidence) and `duocode precode reject`.")
    return out


@renders(ReviewResult)
def review_result(result: ReviewResult) -> list:
    verb = "accepted as cases" if result.action == "accept" else "rejected"
    out: list = [f"{plural(len(result.changed), 'candidate')} {verb}"
                 + (f": {', '.join(result.changed)}" if result.changed and len(result.changed) <= 20 else "")]
    out += [f"skipped {i}: {r}" for i, r in result.skipped]
    return out


@renders(EvaluationResult)
def evaluation_result(result: EvaluationResult) -> list:
    out: list = []
    t = Table(title=f"Pre-coder vs human codes: {result.folds}-fold cross-validation (seed {result.seed})",
              box=box.SIMPLE_HEAD, pad_edge=False)
    for col, width in (("variable", 17), ("n", 3), ("model", 7), ("acc", 4), ("F1", 4), ("kappa", 5),
                       ("human", 5), ("ECE", 4), ("rules", 5)):
        t.add_column(col, justify="left" if col in ("variable", "model") else "right", no_wrap=True,
                     overflow="ellipsis", width=width)
    for row in result.summary_rows():
        name, n, mode, acc, f1, kappa, hk, ece, cacc, _cf1 = row
        t.add_row(name, str(n), _short_mode(mode), *[_fmt2(x) for x in (acc, f1, kappa, hk, ece, cacc)])
    t.caption = ("acc, F1: accuracy and macro-F1 out of fold; kappa: Cohen's kappa of the pre-coder vs the "
                 "labels; human: Cohen's kappa between the two human coders, or Fleiss' kappa for more; "
                 "rules: accuracy of the codebook alone")
    out.append(t)
    if result.pooled:
        out.append(f"All variables pooled: accuracy {_fmt(result.pooled.get('accuracy'))}, ECE "
                   f"{_fmt(result.pooled.get('ece'))} over {result.pooled.get('n', 0)} out-of-fold suggestions")
    if result.learning_curve:
        lc = Table(title="Learning curve (mean over variables)")
        for col in ("training cases", "accuracy", "macro-F1", "variables"):
            lc.add_column(col, justify="right")
        for p in result.learning_curve:
            size = ("cold start" if p["n_train"] == 0 else
                    f"all folds (mean {p['mean_n_train']:.0f})" if p["n_train"] == "all" else str(p["n_train"]))
            lc.add_row(size, _fmt(p["accuracy"]), _fmt(p["macro_f1"]), str(p["n_variables"]))
        out.append(lc)
    if result.detection is not None:
        d = result.detection
        dt = Table(title=f"Case detection vs {d.n_human} human cases ({len(d.documents)} documents)")
        for col in ("method", "threshold", "candidates", "matched", "recall", "precision"):
            dt.add_column(col, justify="left" if col == "method" else "right")
        for row in d.by_threshold:
            mark = " (default)" if row["method"] == d.method and row["threshold"] == d.threshold else ""
            dt.add_row(detection_method(row["method"], d.folds), f"{row['threshold']}{mark}",
                       str(row["n_candidates"]), str(row["n_matched"]), _fmt(row["recall"]),
                       _fmt(row["precision"]))
        out.append(dt)
        out.append(f"Overlap rule: {d.rule}.")
    out += [f"skipped {k}: {v}" for k, v in result.skipped.items()]
    out += [f"warning: {w}" for w in result.warnings]
    return out


@renders(ExternalEvaluation)
def external_evaluation(result: ExternalEvaluation) -> list:
    out: list = [f"External evaluation on {result.directory}: {result.n_documents} interviews, "
                 f"{result.n_words:,} words, {result.n_gold} gold cases; trained on {result.trained_on}."]
    d = Table(title="Case detection against the gold cases", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("method", "threshold", "candidates", "found", "recall", "precision"):
        d.add_column(col, justify="left" if col == "method" else "right")
    for r in result.detection_rows:
        mark = " *" if (r["method"], r["threshold"]) == (result.detection["method"],
                                                         result.detection["threshold"]) else ""
        d.add_row(r["method"] + mark, f"{r['threshold']:g}", str(r["n_candidates"]),
                  f"{r['n_matched']}/{result.n_gold}", _f(r["recall"]), _f(r["precision"]))
    d.caption = "* what `precode detect` would use. " + _rule()
    out.append(d)
    if result.variables:
        t = Table(title="Suggestions on the gold passages", box=box.SIMPLE_HEAD, pad_edge=False)
        for col in ("variable", "n", "model", "acc", "F1", "rules acc", "rules F1"):
            t.add_column(col, justify="left" if col in ("variable", "model") else "right")
        for v, r in result.variables.items():
            t.add_row(v, str(r["n"]), r["mode"], _f(r["accuracy"]), _f(r["macro_f1"]),
                      _f(r["cold_accuracy"]), _f(r["cold_macro_f1"]))
        out.append(t)
        out.append(f"Pooled: accuracy {_f(result.pooled.get('accuracy'))}, ECE {_f(result.pooled.get('ece'))} over "
                   f"{result.pooled.get('n', 0)} suggestions; F1 of 'yes' over the yes/no variables "
                   f"{_f(result.yes_f1.get('f1'))} (codebook alone {_f(result.yes_f1.get('cold_f1'))})")
    out += [f"warning: {w}" for w in result.warnings]
    return out


@renders(SuggestResult)
def suggest_result(result: SuggestResult) -> list:
    t = Table(title=f"Pre-coder suggestions for {result.n_cases} cases (coder 'precoder', seed {result.seed})")
    for col in ("variable", "how", "suggested", "mean confidence"):
        t.add_column(col, overflow="fold")
    per_var: dict[str, list] = {}
    for s in result.suggestions:
        per_var.setdefault(s.variable, []).append(s)
    for var, how in result.models.items():
        rows = per_var.get(var, [])
        mean = sum(s.confidence for s in rows) / len(rows) if rows else None
        t.add_row(var, how, str(len(rows)), "—" if mean is None else f"{mean:.2f}")
    out: list = [t]
    if result.counts:
        out.append("stored: " + ", ".join(f"{k} {v}" for k, v in result.counts.items()))
    out += [f"warning: {w}" for w in result.warnings]
    note = ("Coders do not see these (project setting hide_suggestions is on)" if result.hidden_from_coders
            else "The project shows suggestions to coders (hide_suggestions is off)")
    out.append(f"{note}; values per case: `duocode precode suggest --format json`.")
    return out


@renders(AdoptResult)
def adopt_result(result: AdoptResult) -> list:
    return [f"{result.adopted} suggestions copied into {result.coder}'s codes (logged as {ADOPT_ACTION}); "
            f"{result.kept_own} codes {result.coder} had already entered were left as they were"]


@renders(SettingResult)
def setting_result(result: SettingResult) -> list:
    state = ("hidden from coders (`sheet --with-suggestions` is refused until a methodologist runs "
             "`duocode precode settings --show-suggestions`)" if result.hide_suggestions else
             "allowed: a coder workbook shows them when written with `sheet --with-suggestions`")
    return [f"Pre-coder suggestions are {state}" + ("" if result.changed else " (unchanged)"),
            f"The trained detector's embedding model: {result.embedding} (`duocode precode settings --embedding "
            "wordllama|minilm`)"]


def _short_mode(mode: str) -> str:
    if mode.startswith("mixed"):
        return "mixed"
    return {"cold start": "rules", "trained (one class)": "1 class"}.get(mode, mode)


def _fmt2(x) -> str:
    return "—" if x is None else f"{x:.2f}"


def _fmt(x) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.3f}"
    return str(x)


def _rule() -> str:
    return OVERLAP_RULE[0].upper() + OVERLAP_RULE[1:] + "."


def _f(x) -> str:
    return "-" if x is None else f"{x:.2f}"
