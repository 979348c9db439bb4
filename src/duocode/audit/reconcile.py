"""The reconcile workbook: every open disagreement on one row, settled by the coders and read back as consensus.

``duocode reconcile -o FILE.xlsx`` writes it (after taking over the values all coders agree on);
``duocode import-sheet FILE.xlsx`` hands it to :func:`import_reconcile_sheet` (the workbook's hidden metadata says
``kind: reconcile``). Sheet ``Reconcile``: one row per (case, variable) where the coders differ, each coder's value
side by side, the agreed value (a dropdown of the variable's values and ``(not coded)``), the reason, who
decided, and the case text. A blank agreed value leaves that disagreement open.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duocode.audit.consensus import (NOT_CODED, NOT_CODED_LABEL, default_decided_by, vote_table)
from duocode.errors import InputError, ProblemCollector
from duocode.rows import Column, TableSpec, read_rows
from duocode.store import CONSENSUS

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project

KIND = "reconcile"
SHEET = "Reconcile"
VALUES_SHEET = "Values"
LISTS_SHEET = "_lists"
CASE_HEADER, VARIABLE_HEADER = "Case", "Variable"
AGREED_HEADER, REASON_HEADER, DECIDED_HEADER = "Agreed value", "Reason", "Decided by"
DOCUMENT_HEADER, TEXT_HEADER = "Document", "Case text"
FORMAT_VERSION = 1


def _columns(coders: list[str]) -> list[str]:
    return ([CASE_HEADER, VARIABLE_HEADER] + coders
            + [AGREED_HEADER, REASON_HEADER, DECIDED_HEADER, DOCUMENT_HEADER, TEXT_HEADER])


def _shown(value: str | None) -> str:
    return NOT_CODED_LABEL if value is None or value == NOT_CODED else value


@dataclass
class ReconcileWorkbook:
    """What :func:`write_reconcile` wrote."""

    path: str
    disagreements: int
    cases: int
    coders: list[str]
    auto_agreed: int = 0

    def to_dict(self) -> dict:
        return {"file": self.path, "disagreements": self.disagreements, "cases": self.cases,
                "coders": self.coders, "auto_agreed": self.auto_agreed}


def write_reconcile(project: "Project", path: str | Path, *, auto: bool = True) -> ReconcileWorkbook:
    """Write the reconcile workbook of every open disagreement.

    Parameters
    ----------
    project
        The open project.
    path
        Where to write the ``.xlsx``.
    auto
        First take over the values all coders agree on as consensus (reason ``agreed``), as ``reconcile`` does.

    Returns
    -------
    ReconcileWorkbook
        The path and how many disagreements, cases and coders it holds.
    """
    # One transaction around the taking-over of agreed values, the save and its log entry: if the workbook
    # cannot be written, the project stays as it was.
    with project.transaction():
        return _write_reconcile(project, path, auto=auto)


def _write_reconcile(project: "Project", path: str | Path, *, auto: bool) -> ReconcileWorkbook:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    from duocode.audit.consensus import auto_consensus
    from duocode.store import list_cases, utcnow
    from duocode.xlsx import save_workbook, set_text, write_meta_sheet

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError("the reconcile workbook must be an .xlsx file", path=str(path), expected="-o FILE.xlsx")
    table = vote_table(project)
    agreed = auto_consensus(project, table).agreed if auto else 0
    open_ = table.open_disagreements()
    codebook = project.codebook
    coders = sorted({c for d in open_ for c in d.values})
    columns = _columns(coders)
    col = {name: i + 1 for i, name in enumerate(columns)}
    cases = {c.id: c for c in list_cases(project, ids=sorted({d.case_id for d in open_}))} if open_ else {}

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDDDDD")
    fill_in = PatternFill("solid", fgColor="FFF2CC")
    top_wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    wrapped = {AGREED_HEADER, REASON_HEADER, DECIDED_HEADER, TEXT_HEADER}
    unlocked = Protection(locked=False)
    for name, i in col.items():
        cell = ws.cell(row=1, column=i)
        set_text(cell, name)
        cell.font = bold
        cell.fill = head_fill
    widths = {CASE_HEADER: 10, VARIABLE_HEADER: 22, AGREED_HEADER: 20, REASON_HEADER: 40, DECIDED_HEADER: 16,
              DOCUMENT_HEADER: 12, TEXT_HEADER: 80}
    for name, i in col.items():
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = widths.get(name, 18)

    # Dropdown sources: one column per categorical variable on a hidden sheet (a list typed into the rule
    # itself is limited to 255 characters). OOXML's <formula1> holds the reference without a leading "=".
    lists = wb.create_sheet(LISTS_SHEET)
    list_ref: dict[str, str] = {}
    for j, var in enumerate([v for v in codebook.variables if v.is_categorical], start=1):
        letter = openpyxl.utils.get_column_letter(j)
        set_text(lists.cell(row=1, column=j), var.id)
        options = var.value_ids + [NOT_CODED_LABEL]
        for k, option in enumerate(options, start=2):
            set_text(lists.cell(row=k, column=j), option)
        list_ref[var.id] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(options) + 1}"
    lists.sheet_state = "hidden"

    validations: dict[str, Any] = {}
    agreed_letter = openpyxl.utils.get_column_letter(col[AGREED_HEADER])
    for r, d in enumerate(open_, start=2):
        case = cases[d.case_id]
        var = codebook.variables_by_id[d.variable]
        set_text(ws.cell(row=r, column=col[CASE_HEADER]), d.case_id)
        set_text(ws.cell(row=r, column=col[VARIABLE_HEADER]), d.variable)
        for coder in coders:  # a coder who never coded this case shows "(not coded)" like a blank
            set_text(ws.cell(row=r, column=col[coder]), _shown(d.values.get(coder)))
        set_text(ws.cell(row=r, column=col[DOCUMENT_HEADER]), case.document)
        set_text(ws.cell(row=r, column=col[TEXT_HEADER]), case.text)
        for name, c in col.items():
            ws.cell(row=r, column=c).alignment = top_wrap if name in wrapped else top
        for name in (AGREED_HEADER, REASON_HEADER, DECIDED_HEADER):
            cell = ws.cell(row=r, column=col[name])
            cell.protection = unlocked
            cell.fill = fill_in
        if var.is_categorical:
            dv = validations.get(var.id)
            if dv is None:
                dv = DataValidation(type="list", formula1=list_ref[var.id], allow_blank=True,
                                    showErrorMessage=True, errorTitle="Not a value of " + var.id,
                                    error=f"Choose {var.allowed_text()} or {NOT_CODED_LABEL}.")
                validations[var.id] = dv
                ws.add_data_validation(dv)
            dv.add(f"{agreed_letter}{r}")
        else:
            shown = sorted({_shown(v) for v in d.values.values()} | {NOT_CODED_LABEL})
            dv = DataValidation(type="list", formula1='"' + ",".join(shown) + '"', allow_blank=True,
                                showErrorMessage=False, prompt=f"{var.allowed_text()} or {NOT_CODED_LABEL}",
                                showInputMessage=True)
            ws.add_data_validation(dv)
            dv.add(f"{agreed_letter}{r}")
    ws.freeze_panes = "C2"
    if open_:
        ws.auto_filter.ref = f"A1:{openpyxl.utils.get_column_letter(len(columns))}{len(open_) + 1}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = False

    _write_values_sheet(wb.create_sheet(VALUES_SHEET), codebook, {d.variable for d in open_})
    write_meta_sheet(wb, {"kind": KIND, "format_version": FORMAT_VERSION, "project_id": project.project_id,
                          "codebook_id": codebook.id, "codebook_version": codebook.version,
                          "codebook_sha256": codebook.sha256, "created_at": utcnow(), "sheet": SHEET,
                          "columns": columns, "coders": coders, "rows": len(open_)},
                     key=project.ensure_workbook_key())
    save_workbook(wb, path)
    with project.transaction():
        project.log_event("write", "reconcile-sheet", None, source_file=str(path),
                          detail={"disagreements": len(open_), "coders": coders})
    return ReconcileWorkbook(str(path), len(open_), len({d.case_id for d in open_}), coders, agreed)


def _write_values_sheet(ws, codebook, used: set[str]) -> None:
    from openpyxl.styles import Alignment, Font

    from duocode.xlsx import set_text

    heads = ["Variable", "Label", "Value", "Value label", "Definition"]
    for i, h in enumerate(heads, start=1):
        set_text(ws.cell(row=1, column=i), h)
        ws.cell(row=1, column=i).font = Font(bold=True)
    r = 2
    for var in codebook.variables:
        if var.id not in used:
            continue
        entries = [(v.id, v.label, v.definition) for v in var.values] or [(var.allowed_text(), "", "")]
        entries.append((NOT_CODED_LABEL, "Not coded", "The coders agree that this variable stays blank for "
                                                      "the case."))
        set_text(ws.cell(row=r, column=5), var.definition)
        for value_id, label, definition in entries:
            set_text(ws.cell(row=r, column=1), var.id)
            set_text(ws.cell(row=r, column=2), var.label)
            set_text(ws.cell(row=r, column=3), value_id)
            set_text(ws.cell(row=r, column=4), label)
            if definition:
                set_text(ws.cell(row=r, column=5), definition)
            ws.cell(row=r, column=5).alignment = Alignment(wrap_text=True, vertical="top")
            r += 1
    for letter, width in zip("ABCDE", (22, 30, 22, 26, 80)):
        ws.column_dimensions[letter].width = width


# -- reading it back ------------------------------------------------------------------------------------------
@dataclass
class ReconcileImportResult:
    """What :func:`import_reconcile_sheet` wrote."""

    path: str
    settled: int
    counts: dict[str, int]
    left_open: int
    open_disagreements: int
    coder: str = CONSENSUS
    rows: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"file": self.path, "kind": KIND, "coder": self.coder, "settled": self.settled, **self.counts,
                "left_blank": self.left_open, "open_disagreements": self.open_disagreements}


def import_reconcile_sheet(project: "Project", path: str | Path, workbook=None, meta: dict | None = None
                           ) -> ReconcileImportResult:
    """Read a filled reconcile workbook back as consensus codes: all rows checked first, then written at once.

    Parameters
    ----------
    project
        The open project.
    path
        The workbook's path (named in every problem and in the log).
    workbook, meta
        The already opened workbook and its checked metadata (``duocode import-sheet`` passes them); opened
        here when omitted.

    Returns
    -------
    ReconcileImportResult
        How many disagreements were settled, and how many are still open.

    Raises
    ------
    InputError
        Every problem, each naming its cell (``Reconcile!F7``): an agreed value the codebook does not allow, an
        unknown case or variable, a row for a case and variable on which the coders did not disagree, a coder's
        value that no longer matches the project, the same disagreement settled twice, or a workbook written for
        another project or codebook. Nothing is written.
    """
    from duocode.store import CodeRow, case_ids, consensus_codes, set_codes
    from duocode.xlsx import load_workbook_safely, read_meta_sheet

    source = str(path)
    if workbook is None:
        workbook = load_workbook_safely(path)
    if meta is None:
        meta = read_meta_sheet(workbook, source, key=project.workbook_key, project_id=project.project_id)
    problems = ProblemCollector(InputError)
    codebook = project.codebook
    if meta.get("kind") != KIND:
        raise InputError(f"not a reconcile workbook (kind '{meta.get('kind')}')", path=source,
                         expected="a workbook written by `duocode reconcile`")
    if meta.get("project_id") != project.project_id:
        problems.add("the workbook was written for another project", path=source,
                     expected=f"a reconcile workbook written by `duocode reconcile` for {project.directory}")
    if meta.get("codebook_sha256") != codebook.sha256:
        problems.add("the project's codebook changed since the workbook was written", path=source,
                     expected="a reconcile workbook written with the current codebook (run `duocode reconcile` "
                              "again)")
    sheet_name = meta.get("sheet", SHEET)
    if sheet_name not in workbook.sheetnames:
        problems.add(f"the sheet '{sheet_name}' is missing", path=source, expected="the workbook as duocode wrote it")
        problems.raise_if_any()
    columns = list(meta.get("columns") or [])
    coders = list(meta.get("coders") or [])
    sheet = read_rows(workbook[sheet_name], TableSpec(
        "reconcile workbook", tuple(Column(name) for name in columns),
        header_expected="the header row as duocode wrote it", fixed="the header row as duocode wrote it"),
        path=source, problems=problems)
    problems.raise_if_any()   # the workbook's own problems (another project, a changed codebook) come first

    known_cases = case_ids(project)
    table = vote_table(project)
    # A decision taken after this workbook was written (e.g. by `consensus import`) is not silently undone.
    written_at = str(meta.get("created_at") or "")
    later = {(c.case_id, c.variable): c for c in consensus_codes(project) if c.updated_at > written_at}
    seen: dict[tuple[str, str], str] = {}
    writes: list[CodeRow] = []
    settled = left_open = 0
    for row in sheet:
        cells, where = row.cells, row.where
        agreed_raw, reason, decided_by = cells[AGREED_HEADER], cells[REASON_HEADER], cells[DECIDED_HEADER]
        if agreed_raw is None:
            left_open += 1
            if reason is None and decided_by is None:
                continue
            sheet.add("a reason or decider is given but no agreed value", location=where(AGREED_HEADER),
                      expected="the agreed value (or clear the row's reason to leave it open)")
            continue
        case_id, variable = cells[CASE_HEADER], cells[VARIABLE_HEADER]
        row_ok = True
        if not case_id:
            sheet.add(f"the {CASE_HEADER} cell is blank", location=where(CASE_HEADER),
                      expected="the case id duocode wrote")
            row_ok = False
        elif case_id not in known_cases:
            sheet.add(f"unknown case '{case_id}'", location=where(CASE_HEADER),
                      expected="a case id of this project (`duocode cases list`)")
            row_ok = False
        var = codebook.variables_by_id.get(variable or "")
        if var is None:
            sheet.add(f"unknown variable '{variable or ''}'", location=where(VARIABLE_HEADER),
                      expected="one of " + ", ".join(codebook.variable_ids))
            row_ok = False
        value: str | None = None
        if var is not None:
            if agreed_raw.casefold() == NOT_CODED_LABEL.casefold():
                value = NOT_CODED
            else:
                try:
                    value = var.normalize(agreed_raw)
                except ValueError as exc:
                    sheet.add(str(exc), location=where(AGREED_HEADER),
                              expected=f"{var.allowed_text()} or {NOT_CODED_LABEL}")
                    row_ok = False
        if not row_ok:
            continue
        key = (case_id, var.id)
        if not table.differs(case_id, var.id):
            sheet.add(f"case {case_id}, {var.id}: the coders did not disagree here, so there is nothing to "
                      "settle", location=where(AGREED_HEADER),
                      expected="agreed values only on the rows duocode wrote for disagreements")
            continue
        if key in seen:
            sheet.add(f"case {case_id}, {var.id} is settled twice (also at {seen[key]})",
                      location=where(AGREED_HEADER), expected="one row per disagreement")
            continue
        seen[key] = where(AGREED_HEADER)
        decided = later.get(key)
        if decided is not None and decided.value != value:
            sheet.add(f"case {case_id}, {var.id} was settled as '{_shown(decided.value)}' after this workbook "
                      f"was written ({decided.reason or 'no reason given'}); found '{agreed_raw}'",
                      location=where(AGREED_HEADER),
                      expected="that later decision (clear this cell), or a new workbook: duocode reconcile")
            continue
        current = table.votes[key]
        stale = False
        for coder in coders:
            shown = cells[coder]
            if coder not in current:
                if shown is not None and shown != NOT_CODED_LABEL:
                    sheet.add(f"{coder} has not coded case {case_id}, {var.id}; the workbook shows '{shown}'",
                              location=where(coder),
                              expected="the coders' values as duocode wrote them (write a new workbook)")
                    stale = True
                continue
            now = _shown(current[coder])
            if shown != now:
                sheet.add(f"{coder}'s value of case {case_id}, {var.id} is '{now}' in the project but "
                          f"'{shown or ''}' here", location=where(coder),
                          expected="the coders' values as duocode wrote them (run `duocode reconcile` again)")
                stale = True
        if stale:
            continue
        settled += 1
        writes.append(CodeRow(case_id, var.id, CONSENSUS, value, reason=reason,
                              decided_by=decided_by or default_decided_by(sorted(current))))
    sheet.raise_if_any()
    with project.transaction():
        counts = set_codes(project, writes, source_file=source, action="consensus")
        project.log_event("import", "reconcile-sheet", None, coder=CONSENSUS, source_file=source,
                          detail={"settled": settled, "left_blank": left_open, **counts})
    return ReconcileImportResult(source, settled, counts, left_open, len(vote_table(project).open_disagreements()))
