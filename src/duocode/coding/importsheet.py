"""Reading filled workbooks back (``duocode import-sheet``): checked cell by cell, then written all at once.

The hidden ``_duocode`` sheet says what the workbook is (``kind``): a coder's ``coding`` workbook is handled
here; a ``reconcile`` workbook is handed to :func:`duocode.audit.reconcile.import_reconcile_sheet`.

Checks, all reported together as ``Sheet!Cell: found X, expected Y``: the workbook belongs to this project and
its codebook version; the header row is unchanged; every row still holds the case id written there (no row
deleted, added, sorted or renamed); every coding cell holds a value the codebook allows. Spreadsheet re-saves
are tolerated: numbers stored as floats (``3.0``), empty strings, trailing spaces, letter case, value labels
instead of ids, dropped dropdowns.

A blank cell leaves the coder's code alone, except where the workbook was written with that coder's earlier code
in it: clearing such a cell removes the code. Every change is logged with its old and new value.
"""
from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duocode.coding import sheet as layout
from duocode.coding._common import plural
from duocode.errors import InputError, ProblemCollector

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project


@dataclass
class ImportSheetResult:
    kind: str
    coder: str
    path: str
    cases: int
    counts: dict[str, int] = field(default_factory=dict)
    memos_changed: int = 0

    def to_dict(self) -> dict:
        return {"kind": self.kind, "coder": self.coder, "workbook": self.path, "cases": self.cases,
                **self.counts, "memos_changed": self.memos_changed}

    def tables(self) -> list:
        c = self.counts
        return [f"Imported {self.path} for coder [bold]{self.coder}[/bold] ({plural(self.cases, 'case')}): "
                f"{c.get('added', 0)} codes added, {c.get('changed', 0)} changed, {c.get('removed', 0)} removed, "
                f"{c.get('unchanged', 0)} unchanged; {plural(self.memos_changed, 'memo')} changed."]


def _shown(value: Any) -> str:
    from duocode.xlsx import cell_text

    text = cell_text(value)
    return "a blank cell" if text is None else repr(text)


def import_sheet(project: "Project", path: str | Path):
    """Import a filled workbook written by ``duocode sheet`` (or ``duocode reconcile``).

    Parameters
    ----------
    project
        The open project the workbook was written for.
    path
        The ``.xlsx`` file.

    Returns
    -------
    ImportSheetResult
        For a coding workbook (a reconcile workbook returns what the reconcile importer returns).

    Raises
    ------
    InputError
        Not a readable, unencrypted ``.xlsx``; no or edited metadata sheet; another project or codebook version;
        edited structure; invalid values. Every problem at once; nothing is written.
    """
    from duocode.xlsx import load_workbook_safely, read_meta_sheet

    source = str(path)
    with warnings.catch_warnings():
        # openpyxl warns about Excel features it drops on reading (extensions, default styles); they are not
        # problems of the workbook and would clutter the one-line-per-problem output.
        warnings.simplefilter("ignore")
        wb = load_workbook_safely(path)
    try:
        meta = read_meta_sheet(wb, source)
        kind = meta.get("kind")
        if kind == "reconcile":
            from duocode.audit.reconcile import import_reconcile_sheet

            return import_reconcile_sheet(project, path, wb, meta)
        if kind != layout.KIND:
            raise InputError(f"the workbook is of kind '{kind}', which import-sheet does not read", path=source,
                             expected="a coding workbook from `duocode sheet` or a `duocode reconcile` workbook")
        _check_identity(project, meta, source)
        plan = _read_coding_sheet(project, wb, meta, source)
    finally:
        wb.close()
    return _apply(project, plan, source)


def _check_identity(project: "Project", meta: dict, source: str) -> None:
    problems = ProblemCollector(InputError)
    if not isinstance(meta.get("format"), int) or meta["format"] > layout.FORMAT_VERSION:
        problems.add(f"the workbook was written by a newer duocode (format {meta.get('format')})", path=source,
                     expected=f"format {layout.FORMAT_VERSION} or older")
    if meta.get("project_id") != project.project_id:
        problems.add(f"the workbook belongs to another project (project id {meta.get('project_id')}, this "
                     f"project is {project.project_id})", path=source,
                     expected="a workbook written by `duocode sheet` for this project")
    cb = project.codebook
    wb_cb = (meta.get("codebook_id"), meta.get("codebook_version"))
    if wb_cb != (cb.id, cb.version):
        problems.add(f"the workbook was written for codebook {wb_cb[0]} version {wb_cb[1]}; the project's codebook "
                     f"is {cb.id} version {cb.version}", path=source,
                     expected="a workbook for the current codebook: write a new one with `duocode sheet`")
    elif meta.get("codebook_sha256") != cb.sha256:
        problems.add(f"the codebook changed since the workbook was written (same version {cb.version}, different "
                     "content)", path=source,
                     expected="a workbook for the current codebook: write a new one with `duocode sheet`")
    problems.raise_if_any()


@dataclass
class _Plan:
    coder: str
    cases: int
    codes: list
    memos: dict[str, str | None]
    with_suggestions: bool = False


def _read_coding_sheet(project: "Project", wb, meta: dict, source: str) -> _Plan:
    from duocode.coding._common import check_coder

    coder = check_coder(meta.get("coder"))
    expected_ids = layout.join_chunks(meta, "case_ids")
    prefilled = layout.join_chunks(meta, "prefilled")
    sheet_name = meta.get("sheet") or layout.SHEET
    if (expected_ids is None or prefilled is None or len(prefilled) != len(expected_ids)
            or not meta.get("memo_column") or not meta.get("header")):
        raise InputError("the metadata sheet is incomplete", path=source, location="_duocode!A1",
                         expected="a workbook written by `duocode sheet`")
    if sheet_name not in wb.sheetnames:
        raise InputError(f"the '{sheet_name}' sheet is missing (renamed or deleted)", path=source,
                         expected=f"the workbook's sheet '{sheet_name}' as duocode wrote it")
    sheet = _Sheet(wb[sheet_name], sheet_name, meta, source)
    sheet.check_header()
    # Columns moved or deleted: the cells below cannot be read meaningfully, so stop here.
    sheet.problems.raise_if_any()
    aligned = sheet.align_rows(expected_ids)
    codes, memos = sheet.read_values(project, coder, expected_ids, prefilled, aligned)
    sheet.problems.raise_if_any()
    return _Plan(coder, len(aligned), codes, memos, bool(meta.get("with_suggestions")))


class _Sheet:
    """The coding sheet of one workbook being checked; every problem goes to ``problems``."""

    def __init__(self, ws, name: str, meta: dict, source: str):
        self.name, self.source = name, source
        self.header: list[str] = meta["header"]
        self.var_ids: list[str] = meta.get("variables") or []
        self.first_row = int(meta.get("first_row") or layout.FIRST_ROW)
        self.memo_col = int(meta["memo_column"])
        self.problems = ProblemCollector(InputError)
        self.rows = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]

    def bad(self, cell_ref: str, found: str, expected: str) -> None:
        self.problems.add(f"found {found}, expected {expected}", path=self.source,
                          location=f"{self.name}!{cell_ref}")

    def check_header(self) -> None:
        """Row 1 holds the headers as written, and nothing to their right."""
        from duocode.xlsx import cell_text

        letter = layout._column_letter
        head = self.rows[0] if self.rows else []
        for j, name in enumerate(self.header):
            found = head[j] if j < len(head) else None
            if cell_text(found) != name:
                self.bad(f"{letter(j + 1)}1", _shown(found),
                         f"the column header '{name}' (columns cannot be renamed, moved or deleted)")
        for j in range(len(self.header), len(head)):
            if cell_text(head[j]) is not None:
                self.bad(f"{letter(j + 1)}1", _shown(head[j]),
                         "no column here (columns cannot be added; use the memo column)")

    def align_rows(self, expected_ids: list[str]) -> list[tuple[int, int]]:
        """Pairs (index in ``expected_ids``, index in ``self.data``) of rows still holding the id written there;
        every row deleted, added, sorted or renamed is a problem."""
        from duocode.xlsx import cell_text

        width = len(self.header)
        self.data = [r + [None] * (width - len(r)) for r in self.rows[self.first_row - 1:]]
        while self.data and all(cell_text(v) is None for v in self.data[-1]):
            self.data.pop()
        for j, row in enumerate(self.data):
            for k in range(width, len(row)):
                if cell_text(row[k]) is not None:
                    self.bad(f"{layout._column_letter(k + 1)}{self.first_row + j}", _shown(row[k]),
                             "an empty cell outside the table (write notes in the memo column)")
        found_ids = [cell_text(r[0]) for r in self.data]
        aligned: list[tuple[int, int]] = []
        where_written = {cid: self.first_row + i for i, cid in enumerate(expected_ids)}
        matcher = difflib.SequenceMatcher(None, expected_ids, found_ids, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                aligned.extend(zip(range(i1, i2), range(j1, j2)))
                continue
            for k in range(max(i2 - i1, j2 - j1)):
                i, j = i1 + k, j1 + k
                row = self.first_row + min(j, j2)
                found_id = found_ids[j] if j < j2 else None
                if found_id:
                    found = f"'{found_id}'"
                elif j < j2:
                    found = "a blank cell"
                else:
                    found = f"'{found_ids[j2]}'" if j2 < len(found_ids) else "no row"
                note = ""
                if found_id and found_id in where_written and where_written[found_id] != row:
                    note = f"; case {found_id} was written in row {where_written[found_id]}"
                if i < i2:
                    what = f"case id '{expected_ids[i]}' (rows cannot be deleted, inserted, sorted or renamed{note})"
                else:
                    what = f"no row here (rows cannot be added, copied or moved{note})"
                self.bad(f"A{row}", found, what)
        return aligned

    def read_values(self, project: "Project", coder: str, expected_ids: list[str], prefilled: list,
                    aligned: list[tuple[int, int]]) -> tuple[list, dict[str, str | None]]:
        """The codes and memos of the aligned rows; each value the codebook does not allow is a problem.

        A blank cell is only a change (removing the code or memo) where the workbook was written with one."""
        from duocode.store.cases import case_ids
        from duocode.store.codes import CodeRow
        from duocode.xlsx import cell_text

        codebook = project.codebook
        unknown = [vid for vid in self.var_ids if vid not in codebook.variables_by_id]
        if unknown:   # cannot happen with an unchanged codebook (checked before); guards a hand-made workbook
            raise InputError("the workbook has columns for variables the codebook does not have: "
                             + ", ".join(unknown), path=self.source, expected="a workbook for the current codebook")
        variables = [codebook.variables_by_id[vid] for vid in self.var_ids]
        known_cases = case_ids(project, status="case")
        n_fixed = len(layout.FIXED_COLUMNS)
        codes: list = []
        memos: dict[str, str | None] = {}
        for i, j in aligned:
            case_id, row_no, row = expected_ids[i], self.first_row + j, self.data[j]
            if case_id not in known_cases:
                self.bad(f"A{row_no}", f"'{case_id}'", "a case of this project (it is no longer an accepted case)")
                continue
            marks = set(filter(None, str(prefilled[i]).split(",")))
            for k, var in enumerate(variables):
                raw = row[n_fixed + k]
                try:
                    # cell_text first: a dropdown value "1" that a spreadsheet stored as the number 1.0 reads "1"
                    value = var.normalize(cell_text(raw))
                except ValueError:
                    self.bad(f"{layout._column_letter(n_fixed + 1 + k)}{row_no}", _shown(raw), var.allowed_text())
                    continue
                if value is not None or str(k) in marks:
                    codes.append(CodeRow(case_id, var.id, coder, value))
            memo = cell_text(row[self.memo_col - 1])
            if memo is not None or "m" in marks:
                memos[case_id] = memo
        return codes, memos


def _apply(project: "Project", plan: _Plan, source: str) -> ImportSheetResult:
    from duocode.store.codes import codes_by_case, set_codes, set_memo

    with project.transaction():
        project.ensure_coder(plan.coder, "human")
        # A workbook that showed the pre-coder's suggestions: a value equal to the suggestion is logged as
        # taken from the pre-coder, so that an audit can see where a human judgement may have been anchored.
        shown = codes_by_case(project, "precoder") if plan.with_suggestions else {}
        taken = [c for c in plan.codes if c.value is not None and shown.get(c.case_id, {}).get(c.variable) == c.value]
        own = [c for c in plan.codes if c not in taken]
        counts = set_codes(project, own, source_file=source, action="code")
        if taken:
            more = set_codes(project, taken, source_file=source, action="accepted-from-precoder")
            counts = {k: counts[k] + more[k] for k in counts}
        memos_changed = sum(set_memo(project, cid, plan.coder, text, source_file=source)
                            for cid, text in plan.memos.items())
        project.log_event("import", "workbook", Path(source).name, coder=plan.coder, source_file=source,
                          detail={"cases": plan.cases, **counts, "memos_changed": memos_changed})
    return ImportSheetResult(layout.KIND, plan.coder, source, plan.cases, counts, memos_changed)

