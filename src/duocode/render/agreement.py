"""Agreement of a long table (:func:`duocode.agreement.agreement`) for a terminal (rich); per variable over a
project: :mod:`duocode.render.agree`. Values are rounded here only; JSON keeps full floats."""
from __future__ import annotations

from rich.table import Table

from duocode.agreement import AgreementResult, benchmark_text, label, level_note
from duocode.render import renders

MAX_CONFUSION_TABLES = 3  # beyond three coder pairs, the matrices go to JSON / xlsx only


def fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def ci_text(c) -> str:
    if c.value is None or c.ci_low is None:
        return ""
    return f"[{fmt(c.ci_low)}, {fmt(c.ci_high)}]"


def _coefficient_table(title: str, coefficients: dict, ci_header: str):
    table = Table(title=title, title_justify="left")
    table.add_column("Coefficient")
    table.add_column("Value", justify="right")
    table.add_column(ci_header, justify="right")
    table.add_column("Benchmark / note")
    for name, c in coefficients.items():
        if c.value is None:
            # the first clause is enough on screen; JSON and xlsx carry the whole reason
            table.add_row(label(name), "undefined", "", (c.reason or "").split(";")[0])
        else:
            table.add_row(label(name), fmt(c.value), ci_text(c), benchmark_text(name, c.value))
    return table


@renders(AgreementResult)
def agreement_result(result: AgreementResult) -> list:
    """Coefficients, weighted variants, bootstrap q, per-category and per-pair diagnostics, notes."""
    level_pct = f"{round(result.alpha_bootstrap.ci_level * 100) if result.alpha_bootstrap else 95}% CI"
    name = f"{result.title}: " if result.title else ""
    head = (f"Agreement - {name}{result.level}, {result.n_units} units, {result.n_coders} coders, "
            f"{result.n_codes} codes")
    out: list = [_coefficient_table(head, result.coefficients, level_pct)]
    weighted = {k: c for k, c in result.weighted.items()
                if result.n_coders == 2 or not k.startswith(("cohen_kappa", "scott_pi"))}
    if weighted:
        out.append(_coefficient_table("Weighted variants", weighted, level_pct))
    note = level_note(result.level)
    if note:
        out.append(f"Note: {note}.")
    if result.alpha_bootstrap is not None:
        b = result.alpha_bootstrap
        q = ", ".join(f"P(alpha < {a:g}) = {p:.3f}" for a, p in b.q.items())
        out.append(f"Krippendorff's bootstrap of alpha: {b.n_boot} replicates of {b.pairs} pairs, seed "
                   f"{result.seed}; {q}.")
    if result.unit_bootstrap is not None:
        out.append(f"Other intervals: unit-resampling bootstrap, {result.unit_bootstrap.n_boot} replicates.")
    d = result.diagnostics
    if d is None:
        return out

    cats = Table(title="Per category (one against the rest)", title_justify="left")
    for col in ("Category", "Codes", "Share", "Specific agreement", "Kappa", "Alpha"):
        cats.add_column(col, justify="left" if col == "Category" else "right")
    for c in d.per_category:
        cats.add_row(c.category, str(c.n_codes), fmt(c.share), fmt(c.specific_agreement), fmt(c.kappa),
                     fmt(c.alpha))
    out.append(cats)

    pairs = Table(title="Coder pairs", title_justify="left")
    for col in ("Coders", "Units", "Agreement", "Cohen's kappa", "Kappa max", "PABAK"):
        pairs.add_column(col, justify="left" if col == "Coders" else "right")
    for p in d.pairs:
        pairs.add_row(" / ".join(p.coders), str(p.n_units), fmt(p.percent_agreement), fmt(p.cohen_kappa),
                      fmt(p.kappa_max), fmt(p.pabak))
    out.append(pairs)

    for p in d.pairs[:MAX_CONFUSION_TABLES]:
        used = [i for i, _ in enumerate(p.categories)
                if sum(p.confusion[i]) or sum(row[i] for row in p.confusion)]
        m = Table(title=f"Confusion {p.coders[0]} x {p.coders[1]}", title_justify="left")
        m.add_column(f"{p.coders[0]} \\ {p.coders[1]}")
        for j in used:
            m.add_column(p.categories[j], justify="right")
        for i in used:
            m.add_row(p.categories[i], *(str(p.confusion[i][j]) for j in used))
        out.append(m)
    sizes = (f"{d.n_pairable_units} pairable units, {d.n_pairable_values:g} pairable values; mean pairwise "
             f"Cohen's kappa (Light 1971): {fmt(d.mean_pairwise_cohen_kappa)}")
    out.append(sizes)
    out.extend(f"Note: {n}" for n in d.notes)
    return out
