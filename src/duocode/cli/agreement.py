"""``duocode agreement CSV`` and ``duocode agree``: inter-coder agreement with confidence intervals."""
from __future__ import annotations

import click

from duocode.cli._base import emit, format_option, main, open_project, output_option, project_option

LEVEL_HELP = "Level of measurement: nominal, ordinal or interval (default nominal)."
BOOTSTRAP_HELP = ("Bootstrap replicates for 95% CIs (Krippendorff's bootstrap for alpha, unit resampling for "
                  "the others); 0 = no CIs.")
SEED_HELP = "Seed of the bootstrap: the same seed gives the same intervals."


@main.command("agreement")
@click.argument("csv_path", type=click.Path())
@click.option("--level", default="nominal", show_default=True, metavar="LEVEL", help=LEVEL_HELP)
@click.option("--categories", default=None, metavar="A,B,C",
              help="Category order, lowest first (needed for ordinal text codes).")
@click.option("--bootstrap", type=click.IntRange(min=0), default=0, show_default=True, help=BOOTSTRAP_HELP)
@click.option("--seed", type=int, default=None, help=SEED_HELP)
@project_option
@format_option(["table", "json", "xlsx"])
@output_option
def agreement_command(csv_path, level, categories, bootstrap, seed, project, fmt, output):
    """Agreement coefficients for a long CSV file with columns unit,coder,code (a missing rating is an absent
    row): percent agreement, Cohen's kappa, Scott's pi, Fleiss' kappa, Krippendorff's alpha, Gwet's AC1,
    Brennan-Prediger, weighted variants and diagnostics.

    \b
    Example:
      duocode agreement codes.csv --level ordinal --categories negative,equilibrium,positive
      duocode agreement codes.csv --bootstrap 1000 --seed 1 --format json
    """
    from duocode.agreement import agreement, read_long_table

    data = read_long_table(csv_path, level=level)   # no pandas on this path: it is a third of the start-up
    order = [c.strip() for c in categories.split(",")] if categories else None
    result = agreement(data, level=level, categories=order, bootstrap=bootstrap, seed=seed,
                       title=click.format_filename(csv_path, shorten=True))
    emit(result, fmt, output)


@main.command("agree")
@click.option("--variables", default=None, metavar="IDS", help="Comma-separated variable ids (default: all).")
@click.option("--coders", default=None, metavar="NAMES",
              help="Comma-separated coder names (default: every human coder; precoder and consensus only "
                   "when named here).")
@click.option("--spans", is_flag=True,
              help="Agreement of the coders' proposed case spans instead (Krippendorff's |uα with a bootstrap "
                   "CI and Mathet's γ, per document and overall).")
@click.option("--bootstrap", type=click.IntRange(min=0), default=None,
              help=BOOTSTRAP_HELP + " Default 0, with --spans 1000.")
@click.option("--seed", type=int, default=None, help=SEED_HELP + " With --spans the default is 0.")
@project_option
@format_option(["table", "json", "xlsx"])
@output_option
def agree_command(variables, coders, spans, bootstrap, seed, project, fmt, output):
    """Agreement per variable over the project's coded cases, case finding (is_case) included.

    \b
    Example:
      duocode agree --project study
      duocode agree --variables tmp_type,summary --coders anna,ben --bootstrap 1000 --seed 7 -o agreement.xlsx
      duocode agree --spans --format json --project study
    """
    if spans and variables:
        raise click.UsageError("--spans measures the case spans, not variables: drop --variables")
    with open_project(project) as proj:
        if spans:
            from duocode import coding

            result = coding.span_agreement(proj, coders=coders, seed=seed,
                                           bootstrap=coding.SPAN_BOOTSTRAP if bootstrap is None else bootstrap)
        else:
            from duocode.audit import agree

            result = agree(proj, variables=variables, coders=coders, bootstrap=bootstrap or 0, seed=seed)
    emit(result, fmt, output)
