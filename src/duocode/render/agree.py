"""Agreement per variable over a project (:func:`duocode.audit.agree`) for a terminal (rich).

A module of its own, so that ``duocode agreement FILE.csv`` draws its result without importing the audit."""
from __future__ import annotations

from rich.table import Table

from duocode.agreement import krippendorff_benchmark
from duocode.audit import ProjectAgreement
from duocode.codebook import CASE_VARIABLE
from duocode.render import renders
from duocode.render.agreement import ci_text, fmt


@renders(ProjectAgreement)
def project_agreement(pa: ProjectAgreement) -> list:
    """One row per variable: sizes, the main coefficients with CIs, the number of disagreeing cases.

    "Cases" counts the pairable cases (coded by at least two coders), the ones the coefficients rest on; cases
    coded by one coder only get their own column when there are any.
    """
    def pairable(r) -> int:
        return r.diagnostics.n_pairable_units if r.diagnostics is not None else 0

    single = {var: r.n_units - pairable(r) for var, r in pa.results.items()}
    show_single = any(single.values())
    t = Table(title=f"Agreement per variable (coders: {', '.join(pa.coders) or 'none'})", title_justify="left")
    columns = ["Variable", "Level", "Cases", *(["Coded by one coder only"] if show_single else []), "Coders",
               "Agreement", "Kappa", "Alpha", "Alpha CI", "AC1", "Disagree", "Alpha benchmark"]
    for col in columns:
        t.add_column(col, justify="left" if col in ("Variable", "Level", "Alpha benchmark") else "right")

    notes = []
    for var, r in pa.results.items():
        c = r.coefficients
        kappa = c["cohen_kappa"] if r.n_coders == 2 else c["fleiss_kappa"]
        alpha = c["krippendorff_alpha"]
        name = f"{var} (case finding)" if var == CASE_VARIABLE else var
        t.add_row(name, r.level, str(pairable(r)), *([str(single[var])] if show_single else []), str(r.n_coders),
                  fmt(c["percent_agreement"].value), fmt(kappa.value), fmt(alpha.value), ci_text(alpha),
                  fmt(c["gwet_ac1"].value), str(len(pa.disagreements.get(var, []))),
                  krippendorff_benchmark(alpha.value) or "")
        if alpha.value is None and alpha.reason:
            notes.append(f"{var}: alpha undefined - {alpha.reason}")
        n_adopted = pa.adopted_from_precoder.get(var, 0)
        if n_adopted:
            notes.append(f"{var}: {n_adopted} code{'s were' if n_adopted != 1 else ' was'} taken from pre-coder "
                         "suggestions (precode adopt or accepted in a workbook), not coded independently.")
    out: list = [t, "Cases: coded by at least two coders (the cases the coefficients rest on). "
                    "Kappa: Cohen's for two coders, Fleiss' for more."]
    if any(r.level != "nominal" for r in pa.results.values()):
        out.append("Ordinal / interval variables: Agreement, Kappa and AC1 here treat the categories as nominal; "
                   "Alpha is at the variable's level. Weighted variants: --format json or -o FILE.xlsx.")
    out.extend(notes)
    return out
