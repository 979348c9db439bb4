"""Coder workbooks (``duocode sheet``): one row per case, one dropdown column per codebook variable.

The workbook is blind: it holds the case texts, the codebook and this coder's own earlier codes and memos, and
nothing of any other coder, the consensus or the pre-coder (unless ``with_suggestions``, which the project must
allow with ``duocode precode settings --show-suggestions``: then in separate, clearly labelled columns, and the event
log records that this coder saw them).

Layout of the ``Coding`` sheet (row 1 is the header; one row per case from row 2)::

    case_id | document | informant | speaker | context before | case text | context after | <variables> | memo
    [| suggested <variable> ...]

A hidden, protected ``_duocode`` sheet records the project, coder, codebook version, the case ids in row order,
a workbook id, the write time and, per case, the coder's codes (and a hash of the memo) the workbook was written
with, so that ``import-sheet`` puts every code back in the right place (rows are matched by their case id),
refuses a workbook whose structure or read-only texts were edited, and refuses to overwrite a code that was
changed in the project after the workbook was written.
"""
from __future__ import annotations

import hashlib
import json
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duocode import __version__
from duocode.coding._common import (check_coder, log_suggestions_shown, precoder_suggestions, select_cases,
                                    select_variables, suggestion_text)
from duocode.errors import InputError
from duocode.xlsx import ILLEGAL_XML, save_workbook

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook import Variable
    from duocode.store import Project

KIND = "coding"
FORMAT_VERSION = 2              # 2: workbook_id, written_codes, written_memos
SHEET = "Coding"
CODEBOOK_SHEET = "Codebook"
LISTS_SHEET = "Lists"
FIRST_ROW = 2
# (header, width in characters) of the columns before the variables
FIXED_COLUMNS = [("case_id", 11), ("document", 13), ("informant", 12), ("speaker", 12),
                 ("context before", 34), ("case text", 70), ("context after", 34)]
CONTEXT_CHARS = 300
MEMO_HEADER = "memo"
SUGGESTION_PREFIX = "precoder suggestion: "
MAX_CELL_TEXT = 32_000          # Excel refuses cells longer than 32,767 characters
MAX_META_CELL = 20_000          # keep each metadata cell well below that limit
PROMPT_TITLE_MAX = 32           # Excel's limits for a data validation's input message
PROMPT_MAX = 255
ERROR_MAX = 225                 # ... and for its error alert
INLINE_LIST_MAX = 255           # Excel's limit for an inline list ("a,b,c") in a data validation
# What each read-only column is called in a message ("the case text was edited; it is read-only").
READ_ONLY_NAMES = {"document": "document", "informant": "informant", "speaker": "speaker",
                   "context before": "context before the case", "case text": "case text",
                   "context after": "context after the case"}


@dataclass
class SheetResult:
    path: str
    coder: str
    cases: int
    variables: list[str]
    seed: int
    order: str
    with_suggestions: bool
    prefilled: int = 0
    case_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"workbook": self.path, "coder": self.coder, "cases": self.cases, "variables": self.variables,
                "seed": self.seed, "order": self.order, "with_suggestions": self.with_suggestions,
                "prefilled_codes": self.prefilled}


def default_seed(project: "Project") -> int:
    """A reproducible seed per project, used when none is given."""
    return int(hashlib.sha256(project.project_id.encode("utf-8")).hexdigest()[:8], 16)


def case_order(case_ids: list[str], coder: str, seed: int) -> list[str]:
    """The coder's random case order, seeded by ``(seed, coder)`` so that orders differ between coders."""
    rng = random.Random(f"duocode:{seed}:{coder}")
    order = list(case_ids)
    rng.shuffle(order)
    return order


def chunk_list(items: list, budget: int = MAX_META_CELL) -> list[list]:
    """Split ``items`` so that each part's JSON stays under ``budget`` characters (one metadata cell each)."""
    parts: list[list] = [[]]
    size = 2
    for item in items:
        n = len(json.dumps(item, ensure_ascii=False)) + 1
        if parts[-1] and size + n > budget:
            parts.append([])
            size = 2
        parts[-1].append(item)
        size += n
    return parts


def join_chunks(meta: dict, key: str) -> list | None:
    """Inverse of the chunking in the metadata: ``key`` -> the concatenated list (``None`` if absent)."""
    n = meta.get(f"{key}_chunks")
    if not isinstance(n, int):
        return None
    out: list = []
    for i in range(n):
        part = meta.get(f"{key}_{i}")
        if not isinstance(part, list):
            return None
        out.extend(part)
    return out


def _truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def _prompt(var: "Variable") -> tuple[str, str]:
    """The data validation's input message: (title <= 32 chars, text <= 255 chars)."""
    title = _truncate(var.label or var.id, PROMPT_TITLE_MAX)
    text = " ".join((var.definition or var.label).split())
    if var.is_categorical:
        choices = " Choose: " + ", ".join(var.value_ids) + "."
    else:
        choices = " Enter " + var.allowed_text() + "."
    if len(choices) > PROMPT_MAX // 2:
        choices = " Choose from the dropdown (every value is on the Codebook sheet)."
    if len(text) + len(choices) <= PROMPT_MAX:
        return title, text + choices
    return title, _truncate(text, PROMPT_MAX - len(choices)) + choices


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _row_height(texts: list[tuple[str, int]]) -> float:
    # Excel does not grow rows for wrapped text written by a library, so estimate the lines of the tallest cell.
    lines = 1
    for text, width in texts:
        if not text:
            continue
        per_line = max(10, int(width * 1.15))
        n = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
        lines = max(lines, n)
    return float(min(409, max(30, 15 * lines + 4)))


def write_sheet(project: "Project", coder: str, path: str | Path, *, cases=None, variables=None,
                seed: int | None = None, with_suggestions: bool = False, order: str = "random") -> SheetResult:
    """Write a blind coding workbook for one coder.

    Parameters
    ----------
    project
        The open project.
    coder
        The human coder the workbook is for (``precoder`` and ``consensus`` are refused).
    path
        Where to write the ``.xlsx`` (replaced if it exists; written to a temporary file first).
    cases, variables
        Comma-separated ids or lists restricting the rows / variable columns; default: every accepted case and
        every codebook variable.
    seed
        Seed of the random case order; combined with the coder's name so that two coders never share an order.
        Default: derived from the project id (reproducible).
    with_suggestions
        Add the pre-coder's suggestions in separate, labelled columns; only allowed when the project's
        ``hide_suggestions`` setting is off (the event log records that this coder was shown them). Never the
        default.
    order
        ``random`` (per coder, seeded) or ``document`` (by document and position).

    Returns
    -------
    SheetResult

    Raises
    ------
    InputError
        Unknown case or variable ids, a path that is not ``.xlsx``, or a project without cases.
    RefusedError
        A reserved coder name, or ``with_suggestions`` while the project hides suggestions from coders.
    """
    import openpyxl

    from duocode.store import codes_by_case, memos

    coder = check_coder(coder)
    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise InputError("a coding workbook must be written as .xlsx", path=str(out), expected="-o FILE.xlsx")
    if order not in ("random", "document"):
        raise InputError(f"unknown order '{order}'", expected="random or document")
    chosen_vars = select_variables(project, variables)
    var_ids = [v.id for v in chosen_vars]
    suggestions = precoder_suggestions(project, var_ids) if with_suggestions else {}
    chosen_cases = select_cases(project, cases)
    if not chosen_cases:
        raise InputError("the project has no cases to code", path=str(project.directory),
                         expected="cases first: `duocode cases import CSV` or `duocode cases merge`")
    seed = default_seed(project) if seed is None else int(seed)
    if order == "random":
        by_id = {c.id: c for c in chosen_cases}
        chosen_cases = [by_id[cid] for cid in case_order([c.id for c in chosen_cases], coder, seed)]

    own = codes_by_case(project, coder, variables=var_ids)
    own_memos = memos(project, coder)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    header = [name for name, _ in FIXED_COLUMNS] + var_ids + [MEMO_HEADER]
    if with_suggestions:
        header += [SUGGESTION_PREFIX + vid for vid in var_ids]
    styles = _Styles()
    _write_header(ws, header, styles)

    prefilled_rows, n_prefilled = _write_rows(project, ws, chosen_cases, chosen_vars, own, own_memos,
                                              suggestions if with_suggestions else None, styles)

    last_row = FIRST_ROW + len(chosen_cases) - 1
    _add_validations(wb, ws, chosen_vars, len(FIXED_COLUMNS), last_row)
    _setup_sheet(ws, header, chosen_vars, with_suggestions, last_row)
    _write_codebook_sheet(wb, project.codebook, chosen_vars, styles)

    workbook_id = uuid.uuid4().hex
    written_codes = [dict(sorted(own.get(c.id, {}).items())) for c in chosen_cases]
    written_memos = [memo_hash(own_memos.get(c.id)) for c in chosen_cases]
    meta = _metadata(project, coder, header, var_ids, [c.id for c in chosen_cases], prefilled_rows, seed, order,
                     with_suggestions, workbook_id, written_codes, written_memos)
    from duocode.xlsx import write_meta_sheet

    write_meta_sheet(wb, meta, key=project.ensure_workbook_key())
    save_workbook(wb, out)

    with project.transaction():
        project.ensure_coder(coder, "human")
        project.log_event("sheet", "workbook", out.name, coder=coder, source_file=str(out),
                          detail={"cases": len(chosen_cases), "variables": var_ids, "seed": seed, "order": order,
                                  "with_suggestions": with_suggestions, "workbook_id": workbook_id,
                                  "written_at": meta["written_at"]})
        if with_suggestions:
            log_suggestions_shown(project, coder, str(out), suggestions, chosen_cases)
    return SheetResult(str(out), coder, len(chosen_cases), var_ids, seed, order, with_suggestions, n_prefilled,
                       [c.id for c in chosen_cases])


def _write_rows(project: "Project", ws, cases: list, variables: list["Variable"], own: dict, own_memos: dict,
                suggestions: dict | None, styles) -> tuple[list[str], int]:
    """One row per case; returns, per row, which cells hold this coder's earlier codes ("0,3,m": variable
    indices and ``m`` for the memo), and how many codes were filled in."""
    n_fixed = len(FIXED_COLUMNS)
    memo_col = n_fixed + len(variables) + 1
    prefilled_rows: list[str] = []
    n_prefilled = 0
    widths = [w for _, w in FIXED_COLUMNS]
    for i, case in enumerate(cases):
        r = FIRST_ROW + i
        fixed = fixed_texts(project, case)
        for j, value in enumerate(fixed, start=1):
            cell = ws.cell(row=r, column=j)
            # the style first: a stamp replaces the whole style record, and _set may add a quote prefix to it
            if j in (5, 7):
                styles.stamps.apply(cell, font=styles.context, alignment=styles.wrap)
            else:
                styles.stamps.apply(cell, font=styles.body, alignment=styles.wrap)
            if value:
                _set(cell, value[:MAX_CELL_TEXT])
        marks = []
        codes = own.get(case.id, {})
        for k, var in enumerate(variables):
            cell = ws.cell(row=r, column=n_fixed + 1 + k)
            styles.stamps.apply(cell, fill=styles.entry, protection=styles.unlocked, alignment=styles.top)
            value = codes.get(var.id)
            if value is not None:
                marks.append(str(k))
                n_prefilled += 1
                if var.level == "interval":
                    number = float(value)
                    cell.value = int(number) if number.is_integer() else number
                else:
                    _set(cell, value)
        memo_cell = ws.cell(row=r, column=memo_col)
        styles.stamps.apply(memo_cell, fill=styles.entry, protection=styles.unlocked, alignment=styles.wrap)
        if case.id in own_memos:
            _set(memo_cell, own_memos[case.id])
            marks.append("m")
        for k, var in enumerate(variables if suggestions is not None else []):
            sug = suggestions.get(case.id, {}).get(var.id)
            cell = ws.cell(row=r, column=memo_col + 1 + k)
            styles.stamps.apply(cell, font=styles.suggestion, fill=styles.suggestion_fill, alignment=styles.wrap)
            if sug is not None:
                _set(cell, suggestion_text(sug))
        prefilled_rows.append(",".join(marks))
        ws.row_dimensions[r].height = _row_height([(fixed[j], widths[j]) for j in (4, 5, 6)])
    return prefilled_rows, n_prefilled


def fixed_texts(project: "Project", case) -> list[str]:
    """The texts of a case's read-only columns (``FIXED_COLUMNS``, case id first), as the workbook gets them
    (before the cell-length limit)."""
    from duocode.store import case_context, case_informant, case_speaker

    before, after = case_context(project, case, CONTEXT_CHARS)
    return [case.id, case.document, case_informant(project, case) or "", case_speaker(project, case) or "",
            before.strip(), case.text, after.strip()]


def comparable_text(text: str | None) -> str:
    """A read-only cell's text as compared on import: what a cell can hold, whitespace runs as one space (a
    LibreOffice or Excel re-save may change line ends and trailing spaces)."""
    text = ILLEGAL_XML.sub("\ufffd", (text or "")[:MAX_CELL_TEXT])
    return " ".join(text.split())


def memo_hash(text: str | None) -> str | None:
    """A short fingerprint of a memo, kept in the metadata (the memo itself is in the sheet)."""
    if text is None or not text.strip():
        return None
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16]


def _set(cell, value: Any) -> None:
    from duocode.xlsx import set_text

    set_text(cell, value)


class _Styles:
    """The few styles of a coding workbook, created once (openpyxl shares equal styles anyway); one per
    workbook."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill, Protection

        self.header = Font(bold=True)
        self.header_fill = PatternFill("solid", fgColor="D9D9D9")
        self.body = Font()
        self.context = Font(italic=True, color="808080")
        self.suggestion = Font(italic=True, color="7F6000")
        self.suggestion_fill = PatternFill("solid", fgColor="FFF2CC")
        self.entry = PatternFill("solid", fgColor="EAF1FB")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")
        self.unlocked = Protection(locked=False)
        from duocode.xlsx import StyleStamps

        self.stamps = StyleStamps()   # styles.stamps.apply(cell, font=..., ...): the cells' styles, fast


def _write_header(ws, header: list[str], styles) -> None:
    for j, name in enumerate(header, start=1):
        cell = ws.cell(row=1, column=j)
        _set(cell, name)
        cell.font = styles.header
        cell.fill = styles.suggestion_fill if name.startswith(SUGGESTION_PREFIX) else styles.header_fill
        cell.alignment = styles.wrap


def _add_validations(wb, ws, variables: list["Variable"], n_fixed: int, last_row: int) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    if last_row < FIRST_ROW:
        return
    lists_ws = None
    for k, var in enumerate(variables):
        col = _column_letter(n_fixed + 1 + k)
        title, prompt = _prompt(var)
        common = dict(showInputMessage=True, showErrorMessage=True, allow_blank=True, promptTitle=title,
                      prompt=prompt, errorTitle=_truncate(f"Not a value of {var.id}", PROMPT_TITLE_MAX),
                      error=_truncate(f"Enter {var.allowed_text()}, or leave the cell blank.", ERROR_MAX))
        if var.is_categorical:
            inline = ",".join(var.value_ids)
            if len(inline) + 2 <= INLINE_LIST_MAX:
                formula = f'"{inline}"'
            else:
                if lists_ws is None:
                    lists_ws = wb.create_sheet(LISTS_SHEET)
                    lists_ws.sheet_state = "hidden"
                list_col = _column_letter(k + 1)
                for m, value_id in enumerate(var.value_ids, start=1):
                    _set(lists_ws.cell(row=m, column=k + 1), value_id)
                formula = f"'{LISTS_SHEET}'!${list_col}$1:${list_col}${len(var.value_ids)}"
            dv = DataValidation(type="list", formula1=formula, **common)
        else:
            kind = "whole" if var.integer else "decimal"
            if var.min is not None and var.max is not None:
                dv = DataValidation(type=kind, operator="between", formula1=str(var.min), formula2=str(var.max),
                                    **common)
            elif var.min is not None:
                dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(var.min), **common)
            elif var.max is not None:
                dv = DataValidation(type=kind, operator="lessThanOrEqual", formula1=str(var.max), **common)
            else:
                dv = DataValidation(type=kind, operator="between", formula1="-1E+307", formula2="1E+307", **common)
        dv.add(f"{col}{FIRST_ROW}:{col}{last_row}")
        ws.add_data_validation(dv)


def _setup_sheet(ws, header: list[str], variables: list["Variable"], with_suggestions: bool, last_row: int) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    n_fixed = len(FIXED_COLUMNS)
    for j, (_, width) in enumerate(FIXED_COLUMNS, start=1):
        ws.column_dimensions[_column_letter(j)].width = width
    for k, var in enumerate(variables):
        longest = max([len(var.id)] + [len(v) for v in var.value_ids]) if var.is_categorical else len(var.id)
        ws.column_dimensions[_column_letter(n_fixed + 1 + k)].width = min(28, max(12, longest + 4))
    memo_col = n_fixed + len(variables) + 1
    ws.column_dimensions[_column_letter(memo_col)].width = 40
    if with_suggestions:
        for k in range(len(variables)):
            ws.column_dimensions[_column_letter(memo_col + 1 + k)].width = 30
    ws.freeze_panes = "C2"          # header row and the id columns (case_id, document) stay in view
    ws.auto_filter.ref = f"A1:{_column_letter(len(header))}{max(last_row, FIRST_ROW)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    # Protection without a password: the texts and ids cannot be changed by accident, the coding cells can;
    # filtering, resizing and formatting stay allowed.
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False


def _write_codebook_sheet(wb, codebook, variables: list["Variable"], styles) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    ws = wb.create_sheet(CODEBOOK_SHEET)
    _set(ws.cell(row=1, column=1), f"{codebook.title} (codebook {codebook.id}, version {codebook.version})")
    ws.cell(row=1, column=1).font = styles.header
    columns = [("variable", 22), ("value", 22), ("label", 24), ("level", 10), ("definition", 60),
               ("include", 40), ("exclude", 40), ("examples", 50)]
    for j, (name, width) in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=j)
        _set(cell, name)
        cell.font = styles.header
        cell.fill = styles.header_fill
        ws.column_dimensions[_column_letter(j)].width = width
    r = 3

    def put(values: list[str], bold: bool) -> None:
        nonlocal r
        for j, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=j)
            if value:
                _set(cell, value)
            cell.alignment = styles.wrap
            if bold:
                cell.font = styles.header
        r += 1

    def examples(items) -> str:
        return "\n".join(f"• {e}" for e in items)

    for var in variables:
        level = var.level + ("" if var.is_categorical else f" ({var.allowed_text()})")
        put([var.id, "", var.label, level, var.definition, var.include, var.exclude, examples(var.examples)], True)
        for val in var.values:
            put(["", val.id, val.label, "", val.definition, val.include, val.exclude, examples(val.examples)], False)
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _metadata(project: "Project", coder: str, header: list[str], var_ids: list[str], case_ids: list[str],
              prefilled: list[str], seed: int, order: str, with_suggestions: bool, workbook_id: str,
              written_codes: list[dict], written_memos: list) -> dict:
    from duocode.store import utcnow

    codebook = project.codebook
    meta: dict[str, Any] = {
        "kind": KIND, "format": FORMAT_VERSION, "project_id": project.project_id, "coder": coder,
        "codebook_id": codebook.id, "codebook_version": codebook.version, "codebook_sha256": codebook.sha256,
        "sheet": SHEET, "first_row": FIRST_ROW, "header": header, "variables": var_ids,
        "memo_column": len(FIXED_COLUMNS) + len(var_ids) + 1, "seed": seed, "order": order,
        "with_suggestions": with_suggestions, "duocode_version": __version__, "written_at": utcnow(),
        "n_cases": len(case_ids), "workbook_id": workbook_id}
    for key, items in (("case_ids", case_ids), ("prefilled", prefilled), ("written_codes", written_codes),
                       ("written_memos", written_memos)):
        parts = chunk_list(items)
        meta[f"{key}_chunks"] = len(parts)
        for i, part in enumerate(parts):
            meta[f"{key}_{i}"] = part
    return meta
