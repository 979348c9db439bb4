"""Reading filled workbooks back (``duocode import-sheet``): checked cell by cell, then written all at once.

The hidden ``_duocode`` sheet says what the workbook is (``kind``): a coder's ``coding`` workbook is handled
here; other kinds (a ``reconcile`` workbook) go to the importer the caller names in ``other_kinds``.

Checks, all reported together as ``Sheet!Cell: found X, expected Y``: the workbook belongs to this project and
its codebook version; the header row is unchanged; rows are matched by the case id in column A, so sorted or
reordered rows are fine, but every case the workbook was written with must be there once and no other row may
be added; the read-only texts (document, informant, speaker, context, case text) are as written; every coding
cell holds a value the codebook allows; and no cell would overwrite a code (or memo) that was changed in the
project after the workbook was written or last imported (a stale workbook: write a fresh one with ``duocode
sheet``). Spreadsheet re-saves are tolerated: numbers stored as floats (``3.0``), empty strings, trailing spaces,
changed line ends, letter case, value labels instead of ids, dropped dropdowns.

A blank cell leaves the coder's code alone, except where the workbook was written with that coder's earlier code
in it: clearing such a cell removes the code. Every change is logged with its old and new value.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duocode.coding import sheet as layout
from duocode.store import ADOPT_ACTION, PRECODER
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


def _shown(value: Any) -> str:
    """A cell's content as typed, for messages (a spreadsheet's boolean TRUE is shown as TRUE)."""
    from duocode.xlsx import cell_text

    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    text = cell_text(value)
    return "a blank cell" if text is None else repr(text)


def import_sheet(project: "Project", path: str | Path, *, other_kinds: dict[str, Any] | None = None):
    """Import a filled workbook written by ``duocode sheet`` (or another kind the caller knows how to read).

    Parameters
    ----------
    project
        The open project the workbook was written for.
    path
        The ``.xlsx`` file.
    other_kinds
        Importers of other duocode workbooks, by the kind in their metadata sheet: each is called as
        ``importer(project, path, workbook, meta)``. The CLI's ``import-sheet`` hands ``reconcile`` workbooks to
        :func:`duocode.audit.reconcile.import_reconcile_sheet` this way; the coding layer never imports audit.

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
        meta = read_meta_sheet(wb, source, key=project.workbook_key, project_id=project.project_id)
        kind = meta.get("kind")
        if kind in (other_kinds or {}) and kind != layout.KIND:
            return other_kinds[kind](project, path, wb, meta)
        if kind != layout.KIND:
            others = "".join(f" or a `duocode {k}` workbook" for k in sorted(other_kinds or {}))
            raise InputError(f"the workbook is of kind '{kind}', which import-sheet does not read", path=source,
                             expected=f"a coding workbook from `duocode sheet`{others}")
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
    workbook_id: str | None = None


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
    aligned = sheet.align_rows(project, expected_ids)
    sheet.check_read_only(project, expected_ids, aligned)
    codes, memos = sheet.read_values(project, coder, expected_ids, prefilled, aligned)
    sheet.check_later_changes(project, coder, meta, expected_ids, codes, memos)
    sheet.problems.raise_if_any()
    workbook_id = meta.get("workbook_id") if isinstance(meta.get("workbook_id"), str) else None
    return _Plan(coder, len(aligned), codes, memos, bool(meta.get("with_suggestions")), workbook_id)


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

    def align_rows(self, project: "Project", expected_ids: list[str]) -> list[tuple[int, int]]:
        """Pairs (index in ``expected_ids``, index in ``self.data``) matched by the case id in column A, so that
        sorted or reordered rows read fine. A blank, unknown, added or repeated id, and a case the workbook was
        written with but no row holds any more, is one problem each."""
        from duocode.store import case_ids
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
        index_of = {cid: i for i, cid in enumerate(expected_ids)}
        row_of: dict[str, int] = {}
        project_cases: set[str] | None = None
        aligned: list[tuple[int, int]] = []
        for j, row in enumerate(self.data):
            row_no = self.first_row + j
            cid = cell_text(row[0])
            if cid is None:
                if any(cell_text(v) is not None for v in row[:width]):
                    self.bad(f"A{row_no}", "a blank cell",
                             "the row's case id (the case_id column cannot be cleared)")
                continue
            if cid in row_of:
                self.bad(f"A{row_no}", f"'{cid}'", f"each case once (case {cid} is also in row {row_of[cid]}; rows "
                                                   "cannot be copied)")
                continue
            if cid not in index_of:
                if project_cases is None:
                    project_cases = case_ids(project, status=None)
                why = (f"case {cid} was not written to this workbook; rows cannot be added (write a workbook "
                       "with it with `duocode sheet`)" if cid in project_cases
                       else "rows cannot be added and case ids cannot be changed")
                self.bad(f"A{row_no}", f"'{cid}'", f"one of the case ids the workbook was written with ({why})")
                continue
            row_of[cid] = row_no
            aligned.append((index_of[cid], j))
        for cid in expected_ids:
            if cid not in row_of:
                self.problems.add(f"no row holds case {cid} (its row was deleted or its case id changed)",
                                  path=self.source, location=self.name,
                                  expected="every case the workbook was written with, once (rows may be sorted)")
        aligned.sort()
        return aligned

    def check_read_only(self, project: "Project", expected_ids: list[str], aligned: list[tuple[int, int]]) -> None:
        """The document, informant, speaker, context and case text cells still hold what was written (compared
        with the project, whitespace runs as one space)."""
        from duocode.store import list_cases
        from duocode.xlsx import cell_text

        wanted = [expected_ids[i] for i, _ in aligned]
        cases = {c.id: c for c in list_cases(project, status=None, ids=wanted)} if wanted else {}
        names = [name for name, _ in layout.FIXED_COLUMNS]
        for i, j in aligned:
            case = cases.get(expected_ids[i])
            if case is None:
                continue                 # reported by read_values
            written = layout.fixed_texts(project, case)
            row, row_no = self.data[j], self.first_row + j
            for k in range(1, len(names)):
                raw = row[k]
                found = raw if isinstance(raw, str) else cell_text(raw)
                if layout.comparable_text(found) != layout.comparable_text(written[k]):
                    self.problems.add(f"the {layout.READ_ONLY_NAMES[names[k]]} was edited; it is read-only",
                                      path=self.source, location=f"{self.name}!{layout._column_letter(k + 1)}{row_no}")

    def read_values(self, project: "Project", coder: str, expected_ids: list[str], prefilled: list,
                    aligned: list[tuple[int, int]]) -> tuple[list, dict[str, str | None]]:
        """The codes and memos of the aligned rows; each value the codebook does not allow is a problem.

        A blank cell is only a change (removing the code or memo) where the workbook was written with one."""
        from duocode.store import CodeRow, case_ids
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
        self.cell_of: dict[tuple[str, str], tuple[str, Any]] = {}     # (case, variable or "") -> (ref, raw)
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
                    self.cell_of[(case_id, var.id)] = (f"{layout._column_letter(n_fixed + 1 + k)}{row_no}", raw)
            memo = cell_text(row[self.memo_col - 1])
            if memo is not None or "m" in marks:
                memos[case_id] = memo
                self.cell_of[(case_id, "")] = (f"{layout._column_letter(self.memo_col)}{row_no}",
                                               row[self.memo_col - 1])
        return codes, memos

    def check_later_changes(self, project: "Project", coder: str, meta: dict, expected_ids: list[str],
                            codes: list, memos: dict[str, str | None]) -> None:
        """Refuse cells that would overwrite a code or memo changed in the project after the workbook was
        written (or last imported): a stale workbook must not undo later decisions. A cell whose project value
        did not change since imports as usual, and so does one that already equals the project's value."""
        from duocode.store import changes_since, codes_by_case, memos as memo_texts, workbook_baseline

        workbook_id = meta.get("workbook_id")
        base = workbook_baseline(project, workbook_id) if isinstance(workbook_id, str) and workbook_id else None
        written_codes = layout.join_chunks(meta, "written_codes")
        written_memos = layout.join_chunks(meta, "written_memos")
        current = codes_by_case(project, coder)
        current_memos = {cid: text.strip() for cid, text in memo_texts(project, coder).items()}
        when = "written"
        if base is not None:
            changed, changed_memos = changes_since(project, coder, after_id=base[0])
            when = "last imported" if base[1] == "import" else "written"
        elif (written_codes is not None and written_memos is not None
              and len(written_codes) == len(written_memos) == len(expected_ids)):
            # no record of the workbook in the log (it cannot be told when what changed): compare with what it
            # was written with
            changed, changed_memos = {}, {}
            for cid, had, had_memo in zip(expected_ids, written_codes, written_memos):
                had = had if isinstance(had, dict) else {}
                now = current.get(cid, {})
                for var in set(had) | set(now):
                    if had.get(var) != now.get(var):
                        changed[(cid, var)] = had.get(var)
                if had_memo != layout.memo_hash(current_memos.get(cid)):
                    changed_memos[cid] = None
        elif isinstance(meta.get("written_at"), str):
            # a workbook of format 1: changes after its write time, except those imported from this very file
            changed, changed_memos = changes_since(project, coder, after_at=meta["written_at"],
                                                   exclude_source=self.source)
        else:
            return
        if not changed and not changed_memos:
            return
        fresh = (f"the project's value here, or a fresh workbook with the current codes: `duocode sheet --coder "
                 f"{coder} -o FILE.xlsx`")
        for row in codes:
            key = (row.case_id, row.variable)
            now = current.get(row.case_id, {}).get(row.variable)
            if key not in changed or row.value == now:
                continue
            ref, raw = self.cell_of[key]
            had = "no value" if changed[key] is None else f"'{changed[key]}'"
            what = "was removed" if now is None else f"'{now}' was changed"
            self.problems.add(f"the project value {what} after this workbook was {when} (it had {had}); found "
                              f"{_shown(raw)}", path=self.source, location=f"{self.name}!{ref}", expected=fresh)
        for cid, text in memos.items():
            if cid not in changed_memos or text == current_memos.get(cid):
                continue
            ref, raw = self.cell_of[(cid, "")]
            self.problems.add(f"the memo was changed in the project after this workbook was {when}; found "
                              f"{_short(raw)}", path=self.source, location=f"{self.name}!{ref}", expected=fresh)


def _short(value: Any, limit: int = 60) -> str:
    shown = _shown(value)
    return shown if len(shown) <= limit else shown[:limit - 2] + "…'"


def _apply(project: "Project", plan: _Plan, source: str) -> ImportSheetResult:
    from duocode.store import codes_by_case, set_codes, set_memo

    with project.transaction():
        project.ensure_coder(plan.coder, "human")
        # A workbook that showed the pre-coder's suggestions: a value equal to the suggestion is logged as
        # taken from the pre-coder, so that an audit can see where a human judgement may have been anchored.
        shown = codes_by_case(project, PRECODER) if plan.with_suggestions else {}
        taken = [c for c in plan.codes if c.value is not None and shown.get(c.case_id, {}).get(c.variable) == c.value]
        own = [c for c in plan.codes if c not in taken]
        counts = set_codes(project, own, source_file=source, action="code")
        if taken:
            more = set_codes(project, taken, source_file=source, action=ADOPT_ACTION)
            counts = {k: counts[k] + more[k] for k in counts}
        memos_changed = sum(set_memo(project, cid, plan.coder, text, source_file=source)
                            for cid, text in plan.memos.items())
        detail = {"cases": plan.cases, **counts, "memos_changed": memos_changed}
        if plan.workbook_id:
            detail["workbook_id"] = plan.workbook_id      # later imports compare against this point
        project.log_event("import", "workbook", Path(source).name, coder=plan.coder, source_file=source,
                          detail=detail)
    return ImportSheetResult(layout.KIND, plan.coder, source, plan.cases, counts, memos_changed)

