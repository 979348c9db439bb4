"""The audit workbook (``duocode audit -o audit.xlsx``).

Sheets: ``Table II`` (laid out like the paper's table, styled to paste and to print on one landscape page),
``Evidence`` (every case, grouped by type and cell, with its quote), ``Propositions``, ``Moderators``,
``Agreement``, ``Cases``, ``Informants``, ``Codebook`` and ``Log`` (the consensus decisions: who, when, why).
Every text that may come from a transcript or a user goes through :func:`duocode.xlsx.set_text`.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from duocode.audit.report import PROPOSITIONS_GROUP, STATUS_WORDS, VERDICT_WORDS
from duocode.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from duocode.audit.report import AuditResult

SHEETS = ("Table II", "Evidence", "Propositions", "Moderators", "Agreement", "Cases", "Informants", "Codebook",
          "Log")
TYPE_WIDTH = 40           # characters; three type columns plus two label columns fit a landscape page
LABEL_WIDTHS = (18, 24)
LINE_HEIGHT = 15          # points per wrapped line at 11 pt


class _Styles:
    """The few styles every sheet shares (created once: openpyxl styles are values)."""

    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.bold = Font(bold=True)
        self.title = Font(bold=True, size=13)
        self.italic = Font(italic=True)
        self.head_fill = PatternFill("solid", fgColor="D9D9D9")
        self.group_fill = PatternFill("solid", fgColor="F2F2F2")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.wrap_center = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.wrap_middle = Alignment(wrap_text=True, vertical="center")


def write_audit_workbook(result: "AuditResult", path) -> None:
    """Write every sheet of the audit workbook to ``path`` (an ``.xlsx``)."""
    import openpyxl

    from duocode.xlsx import save_workbook, write_meta_sheet

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError("the audit workbook must be an .xlsx file", path=str(path), expected="-o FILE.xlsx")
    st = _Styles()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEETS[0]
    _table_ii(ws, result, st)
    _evidence(wb.create_sheet("Evidence"), result, st)
    _propositions(wb.create_sheet("Propositions"), result, st)
    _moderators(wb.create_sheet("Moderators"), result, st)
    _agreement(wb.create_sheet("Agreement"), result, st)
    _cases(wb.create_sheet("Cases"), result, st)
    _informants(wb.create_sheet("Informants"), result, st)
    _codebook(wb.create_sheet("Codebook"), result, st)
    _log(wb.create_sheet("Log"), result, st)
    cb = result.codebook
    write_meta_sheet(wb, {"kind": "audit", "project_id": result.project_id, "codebook_id": cb.id,
                          "codebook_version": cb.version, "codebook_sha256": cb.sha256,
                          "created_at": result.generated_at,
                          "cases": len(result.cases_with("included")),
                          "unresolved_cases": result.cases_with("unresolved")})
    save_workbook(wb, path)


# -- helpers ---------------------------------------------------------------------------------------------------
def _put(ws, row: int, column: int, value, *, font=None, fill=None, alignment=None, border=None):
    from duocode.xlsx import set_text

    empty = value is None or value == ""
    if empty and font is None and fill is None and alignment is None and border is None:
        return None
    cell = ws.cell(row=row, column=column)
    if not empty:
        set_text(cell, value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    return cell


def _header(ws, row: int, names: list[str], st: _Styles, widths: list[int] | None = None) -> None:
    from openpyxl.utils import get_column_letter

    for i, name in enumerate(names, start=1):
        _put(ws, row, i, name, font=st.bold, fill=st.head_fill, alignment=st.wrap, border=st.border)
    if widths:
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(row=row + 1, column=1).coordinate


def _lines_needed(text: str, width: float) -> int:
    """Wrapped lines of ``text`` in a column ``width`` characters wide (openpyxl cannot auto-fit rows)."""
    per_line = max(1, int(width * 1.15) - 2)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def _n(k: int) -> str:
    return f"{k} case" if k == 1 else f"{k} cases"


def _join(ids: list[str]) -> str:
    return ", ".join(ids)


# -- Table II --------------------------------------------------------------------------------------------------
def _table_ii(ws, result: "AuditResult", st: _Styles) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    m = result.matrix
    if not result.has_layout:
        _put(ws, 1, 1, f"Table II. Audit matrix: {result.codebook.title}", font=st.title)
        for i, note in enumerate(result.notes(), start=3):
            _put(ws, i, 1, note, font=st.italic, alignment=st.wrap)
        ws.column_dimensions["A"].width = 120
        return
    n_cols = 2 + len(m.types)
    last = get_column_letter(n_cols)
    _put(ws, 1, 1, f"Table II. Audit matrix: {result.codebook.title}", font=st.title)
    ws.merge_cells(f"A1:{last}1")
    for i in (1, 2):
        _put(ws, 2, i, "", fill=st.head_fill, border=st.border, font=st.bold)
    ws.merge_cells("A2:B2")
    for j, t in enumerate(m.types, start=3):
        _put(ws, 2, j, result.type_label(t), font=st.bold, fill=st.head_fill, alignment=st.wrap_center,
             border=st.border)
    widths = list(LABEL_WIDTHS) + [TYPE_WIDTH] * len(m.types)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w

    row = 3

    def body_row(texts: list[str], label: str = "") -> None:
        lines = _lines_needed(label, widths[1]) if label else 1
        for j, text in enumerate(texts, start=3):
            _put(ws, row, j, text, alignment=st.wrap, border=st.border)
            lines = max(lines, _lines_needed(text, widths[j - 1]))
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 4

    for label, rows in m.row_groups:
        first = row
        for r in rows:
            _put(ws, row, 1, label if row == first else None, font=st.bold, alignment=st.wrap_middle,
                 border=st.border, fill=st.group_fill)
            _put(ws, row, 2, result.row_label(r), alignment=st.wrap, border=st.border)
            body_row(["\n".join(result.cell_lines(m.cells[t][r])) for t in m.types], result.row_label(r))
            row += 1
        if row - 1 > first:
            ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
    if m.summary_variable:
        _put(ws, row, 1, result.summary_group(), font=st.bold,
             alignment=st.wrap_middle, border=st.border, fill=st.group_fill)
        _put(ws, row, 2, None, border=st.border, fill=st.group_fill)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        body_row(["\n".join(result.summary_lines(t)) for t in m.types])
        row += 1
    if result.propositions:
        _put(ws, row, 1, PROPOSITIONS_GROUP, font=st.bold, alignment=st.wrap_middle, border=st.border,
             fill=st.group_fill)
        _put(ws, row, 2, None, border=st.border, fill=st.group_fill)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        body_row(["\n".join(result.proposition_line(p) for p in result.propositions_of(t)) or "—"
                  for t in m.types])
        row += 1
        untyped = result.propositions_of(None)
        if untyped:
            _put(ws, row, 1, "Propositions (all types)", font=st.bold, alignment=st.wrap_middle,
                 border=st.border, fill=st.group_fill)
            _put(ws, row, 2, None, border=st.border, fill=st.group_fill)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
            text = "\n".join(result.proposition_line(p) for p in untyped)
            _put(ws, row, 3, text, alignment=st.wrap, border=st.border)
            for j in range(4, n_cols + 1):
                _put(ws, row, j, None, border=st.border)
            ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=n_cols)
            ws.row_dimensions[row].height = LINE_HEIGHT * _lines_needed(text, TYPE_WIDTH * len(m.types)) + 4
            row += 1
    row += 1
    for note in result.notes():
        _put(ws, row, 1, note, font=st.italic, alignment=st.wrap)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=n_cols)
        ws.row_dimensions[row].height = LINE_HEIGHT * _lines_needed(note, sum(widths)) + 2
        row += 1

    ws.print_area = f"A1:{last}{row - 1}"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.freeze_panes = "C3"
    ws.sheet_view.zoomScale = 90
    ws.sheet_properties.tabColor = "404040"
    ws["A1"].alignment = st.wrap_middle


# -- Evidence --------------------------------------------------------------------------------------------------
def _evidence(ws, result: "AuditResult", st: _Styles) -> None:
    m = result.matrix
    cb = result.codebook
    moderators = list((cb.audit or {}).get("moderators", []))
    by_id = {c.id: c for c in result.cases}
    if not result.has_layout:
        _put(ws, 1, 1, "No Table II layout in the codebook, so no evidence by cell: the cases and their codes are "
                       "on the Cases sheet.", font=st.italic)
        ws.column_dimensions["A"].width = 120
        return
    effect_var = cb.variables_by_id[m.effect_variable]
    no_row = result.no_row_label()
    names = (["Type", "Row group", "Row", effect_var.label, "Case", "Informant", "Document"]
             + ([cb.variables_by_id[m.summary_variable].label] if m.summary_variable else [])
             + [cb.variables_by_id[x].label for x in moderators] + ["Quote"])
    widths = [24, 20, 26, 22, 9, 11, 11] + ([14] if m.summary_variable else []) + [14] * len(moderators) + [90]
    _header(ws, 1, names, st, widths)
    group_of = {r: label for label, rows in m.row_groups for r in rows}
    row = 2

    def heading(text: str) -> None:
        nonlocal row
        _put(ws, row, 1, text, font=st.bold, fill=st.group_fill)
        for j in range(2, len(names) + 1):
            ws.cell(row=row, column=j).fill = st.group_fill
        row += 1

    def line(type_label: str, group: str, attribution: str, case) -> None:
        nonlocal row
        effect = case.codes.get(m.effect_variable)
        values = [type_label, group, attribution,
                  effect_var.value(effect).label if effect in effect_var.value_ids else (effect or ""),
                  case.id, case.informant or "", case.document]
        if m.summary_variable:
            values.append(case.codes.get(m.summary_variable, ""))
        values += [case.codes.get(x, "") for x in moderators]
        values.append(case.text)
        for j, v in enumerate(values, start=1):
            _put(ws, row, j, v, alignment=st.wrap if j == len(values) else None)
        row += 1

    for t in m.types:
        label = result.type_label(t)
        for r in m.rows:
            cell = m.cells[t][r]
            heading(f"{label} · {group_of[r]} · {result.row_label(r)} ({_n(len(cell.cases))})")
            for cid in cell.cases:
                line(label, group_of[r], result.row_label(r), by_id[cid])
        heading(f"{label} · {no_row} ({_n(len(m.no_attribution[t]))})")
        for cid in m.no_attribution[t]:
            line(label, "", no_row, by_id[cid])
    if m.untyped:
        heading(f"Type not coded ({_n(len(m.untyped))})")
        for cid in m.untyped:
            line("", "", "type not coded", by_id[cid])
    type_var = cb.variables_by_id[m.type_variable]
    for status in ("unresolved", "not_a_case"):
        ids = result.cases_with(status)
        if ids:
            words = STATUS_WORDS[status]
            heading(f"{words[0].upper()}{words[1:]} ({_n(len(ids))})")
            for cid in ids:
                t = by_id[cid].codes.get(m.type_variable)
                line(type_var.value(t).label if t in type_var.value_ids else "", "", words, by_id[cid])
    ws.auto_filter.ref = f"A1:{ws.cell(row=1, column=len(names)).column_letter}{max(row - 1, 1)}"
    ws.page_setup.orientation = "landscape"


# -- Propositions and moderators -------------------------------------------------------------------------------
def _propositions(ws, result: "AuditResult", st: _Styles) -> None:
    names = ["Proposition", "Parent", "Type", "Statement", "Rule", "Verdict", "Bearing cases", "Supporting",
             "Supporting cases", "Contradicting", "Contradicting cases", "Test", "p-value", "Effect size",
             "Effect measure", "To decide", "Basis"]
    _header(ws, 1, names, st, [12, 9, 22, 60, 18, 13, 10, 11, 30, 13, 30, 40, 10, 10, 30, 24, 50])
    for i, p in enumerate(result.propositions.values(), start=2):
        decide = result.proposition_stats(p)[3]
        values = [p.id, p.parent or "", result.type_label(p.type) if p.type else "", p.statement, p.rule,
                  VERDICT_WORDS[p.verdict], len(p.cases), len(p.supporting), _join(p.supporting),
                  len(p.contradicting), _join(p.contradicting), p.test,
                  p.p_value if p.p_value is not None else (p.reason or ""),
                  p.effect_size if p.effect_size is not None else "", p.effect_measure or "", decide,
                  p.explanation]
        for j, v in enumerate(values, start=1):
            _put(ws, i, j, v, alignment=st.wrap)


def _moderators(ws, result: "AuditResult", st: _Styles) -> None:
    cb = result.codebook
    m = result.matrix
    ws.column_dimensions["A"].width = 22
    for letter in "BCDEFG":
        ws.column_dimensions[letter].width = 16
    row = 1
    _put(ws, row, 1, "Moderators by proposition: the bearing cases of each value", font=st.title)
    row += 2
    any_prop = False
    for p in result.propositions.values():
        for mid, rows in p.moderators.items():
            any_prop = True
            var = cb.variables_by_id[mid]
            _put(ws, row, 1, f"{p.id} ({VERDICT_WORDS[p.verdict]}) by {var.label}", font=st.bold)
            row += 1
            heads = [var.label, "Cases", "Supporting", "Contradicting"]
            if p.rule == "compare":
                heads.append(f"Mean {p.score}")
            for j, h in enumerate(heads, start=1):
                _put(ws, row, j, h, font=st.bold, fill=st.head_fill, border=st.border)
            row += 1
            for mr in rows:
                values = [_value_label(var, mr.value), len(mr.cases), mr.supporting, mr.contradicting]
                if p.rule == "compare":
                    values.append(None if mr.mean is None else round(mr.mean, 3))
                for j, v in enumerate(values, start=1):
                    _put(ws, row, j, v, border=st.border)
                row += 1
            row += 1
    if not any_prop:
        _put(ws, row, 1, "No proposition of the codebook names moderators.", font=st.italic)
        row += 2
    table = result.moderator_table()
    if table:
        summary = result.summary_group()
        title = "Moderators by type: cases of each value"
        _put(ws, row, 1, f"{title} (with their {_lower(summary)})" if summary else title, font=st.title)
        row += 2
        for mid, by_type in table.items():
            var = cb.variables_by_id[mid]
            heads = [var.label] + [result.type_label(t) for t in m.types]
            for j, h in enumerate(heads, start=1):
                _put(ws, row, j, h, font=st.bold, fill=st.head_fill, border=st.border, alignment=st.wrap)
            row += 1
            labels: list[str] = []
            for t in m.types:
                labels += [v for v in by_type[t] if v not in labels]
            for value in labels:
                _put(ws, row, 1, _value_label(var, value), border=st.border)
                for j, t in enumerate(m.types, start=2):
                    entry = by_type[t].get(value)
                    text = "" if entry is None else _moderator_entry(entry, result)
                    _put(ws, row, j, text, border=st.border, alignment=st.wrap)
                row += 1
            row += 1


def _lower(label: str) -> str:
    # "Summary attribution" -> "summary attribution"; acronyms such as "TMP type" stay as written.
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _value_label(var, value: str) -> str:
    if var.is_categorical and value in var.value_ids:
        return var.value(value).label
    return value


def _moderator_entry(entry: dict, result: "AuditResult") -> str:
    m = result.matrix
    text = f"{entry['n']} case{'s' if entry['n'] != 1 else ''}"
    if m.summary_variable:
        var = result.codebook.variables_by_id[m.summary_variable]
        parts = [f"{var.value(v).label.lower()} {entry[v]}" for v in var.value_ids if entry.get(v)]
        if parts:
            text += " (" + ", ".join(parts) + ")"
    return text


# -- Agreement -------------------------------------------------------------------------------------------------
COEFFICIENT_NAMES = {"percent_agreement": "% agreement", "cohen_kappa": "Cohen's kappa", "scott_pi": "Scott's pi",
                     "fleiss_kappa": "Fleiss' kappa", "krippendorff_alpha": "Krippendorff's alpha",
                     "gwet_ac1": "Gwet's AC1", "brennan_prediger": "Brennan-Prediger"}


def _agreement(ws, result: "AuditResult", st: _Styles) -> None:
    data, error = result.agreement()
    _put(ws, 1, 1, "Agreement between the human coders, per variable (their own codes, before consensus)",
         font=st.title)
    if data is None:
        _put(ws, 3, 1, f"Agreement could not be computed: {error}", font=st.italic)
        ws.column_dimensions["A"].width = 100
        return
    variables = data.get("variables", {})
    names: list[str] = []
    has_ci: dict[str, bool] = {}
    for res in variables.values():
        for name, coef in (res.get("coefficients") or {}).items():
            if name not in names:
                names.append(name)
            if coef and (coef.get("ci_low") is not None or coef.get("ci_high") is not None):
                has_ci[name] = True
    heads = ["Variable", "Level", "Units", "Pairable units", "Coders"]
    for name in names:
        heads.append(COEFFICIENT_NAMES.get(name, name))
        if has_ci.get(name):
            heads.append(f"{COEFFICIENT_NAMES.get(name, name)} 95% CI")
    heads.append("Notes")
    _header(ws, 3, heads, st, [24, 10, 8, 9, 8] + [14] * (len(heads) - 6) + [60])
    row = 4
    for variable, res in variables.items():
        values: list = [variable, res.get("level", ""), res.get("n_units"),
                        (res.get("diagnostics") or {}).get("n_pairable_units"),
                        res.get("n_coders")]
        notes = []
        if res.get("level") in ("ordinal", "interval"):
            notes.append(f"alpha at the {res['level']} level; the other coefficients here treat the categories as "
                         "nominal (weighted versions in `duocode agree -o FILE.xlsx`)")
        notes += (res.get("diagnostics") or {}).get("notes", [])
        for name in names:
            coef = (res.get("coefficients") or {}).get(name) or {}
            value = coef.get("value")
            values.append(None if value is None else round(float(value), 4))
            if value is None and coef.get("reason"):
                notes.append(f"{COEFFICIENT_NAMES.get(name, name)}: {coef['reason']}")
            if has_ci.get(name):
                lo, hi = coef.get("ci_low"), coef.get("ci_high")
                values.append("" if lo is None or hi is None else f"[{lo:.3f}, {hi:.3f}]")
        values.append("; ".join(notes))
        for j, v in enumerate(values, start=1):
            _put(ws, row, j, v)
        row += 1


# -- Cases, Informants, Codebook, Log --------------------------------------------------------------------------
def _cases(ws, result: "AuditResult", st: _Styles) -> None:
    cb = result.codebook
    names = ["Case", "Document", "Informant", "In the audit"] + cb.variable_ids + ["Text"]
    _header(ws, 1, names, st, [9, 11, 11, 30] + [14] * len(cb.variable_ids) + [90])
    for i, case in enumerate(result.cases, start=2):
        values = [case.id, case.document, case.informant or "", STATUS_WORDS[case.status]]
        values += [case.codes.get(v, "") for v in cb.variable_ids]
        values.append(case.text)
        for j, v in enumerate(values, start=1):
            _put(ws, i, j, v)
    ws.auto_filter.ref = f"A1:{ws.cell(row=1, column=len(names)).column_letter}{max(len(result.cases) + 1, 1)}"


def _informants(ws, result: "AuditResult", st: _Styles) -> None:
    attributes: list[str] = []
    for attrs in result.informants.values():
        attributes += [a for a in attrs if a != "document" and a not in attributes]
    n_cases: dict[str, int] = {}
    for case in result.cases:
        if case.informant and case.status == "included":
            n_cases[case.informant] = n_cases.get(case.informant, 0) + 1
    names = ["Informant", "Document", "Cases in the audit"] + attributes
    _header(ws, 1, names, st, [12, 12, 10] + [24] * len(attributes))
    if not result.informants:
        _put(ws, 2, 1, "No informants table was ingested (duocode ingest --informants CSV).", font=st.italic)
    for i, (informant, attrs) in enumerate(sorted(result.informants.items()), start=2):
        values = [informant, attrs.get("document", ""), n_cases.get(informant, 0)]
        values += [attrs.get(a, "") for a in attributes]
        for j, v in enumerate(values, start=1):
            _put(ws, i, j, v)


def _codebook(ws, result: "AuditResult", st: _Styles) -> None:
    cb = result.codebook
    _put(ws, 1, 1, f"{cb.title} (codebook {cb.id}, version {cb.version}, sha256 {cb.sha256[:12]}…)",
         font=st.title)
    _header(ws, 3, ["Variable", "Label", "Level", "Value", "Value label", "Definition"], st,
            [22, 30, 10, 22, 28, 90])
    row = 4
    for var in cb.variables:
        _put(ws, row, 1, var.id, font=st.bold)
        _put(ws, row, 2, var.label, font=st.bold)
        _put(ws, row, 3, var.level)
        _put(ws, row, 4, "" if var.values else var.allowed_text())
        _put(ws, row, 6, var.definition, alignment=st.wrap)
        row += 1
        for value in var.values:
            _put(ws, row, 1, var.id)
            _put(ws, row, 4, value.id)
            _put(ws, row, 5, value.label)
            _put(ws, row, 6, value.definition, alignment=st.wrap)
            row += 1


def _log(ws, result: "AuditResult", st: _Styles) -> None:
    _put(ws, 1, 1, "Consensus decisions: who settled each value, when (UTC) and why", font=st.title)
    _put(ws, 2, 1, f"{result.auto_decisions} values on which all coders agreed were taken over automatically "
                   "(reason 'agreed', decided by 'auto'); they are not listed one by one.", font=st.italic)
    _header(ws, 4, ["When (UTC)", "Case", "Variable", "Before", "Consensus", "Reason", "Decided by", "Source file"],
            st, [26, 9, 22, 16, 16, 70, 18, 40])
    for i, e in enumerate(result.log, start=5):
        values = [e.at, e.case_id, e.variable, _shown(e.old), _shown(e.new), e.reason or "", e.decided_by or "",
                  e.source_file or ""]
        for j, v in enumerate(values, start=1):
            _put(ws, i, j, v, alignment=st.wrap if j == 6 else None)
    if not result.log:
        _put(ws, 5, 1, "No decisions besides the automatic ones.", font=st.italic)


def _shown(value: str | None) -> str:
    from duocode.audit.consensus import NOT_CODED_LABEL

    if value is None:
        return ""
    return NOT_CODED_LABEL if value == "" else value
