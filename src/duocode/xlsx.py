"""Workbook helpers shared by coder workbooks, reconcile workbooks and reports.

Safety rules (see the developers' brief):
- transcript text is data: a string is always written as a string cell, never a formula, with Excel's
  "quote prefix" so that editing the cell does not turn it into one either; the text itself is unchanged;
- untrusted workbooks are opened only after checking that they are a plain (unencrypted) zip of a sane size;
  openpyxl parses their XML through defusedxml when it is installed (it is a dependency).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from pathlib import Path
from typing import Any

from duocode.errors import InputError, Problem
from duocode.files import CSV_FORMULA_TRIGGERS as FORMULA_TRIGGERS, check_zip, replace_atomically

META_SHEET = "_duocode"
# openpyxl holds a whole workbook in memory at roughly 50-70 times its XML size; 64 MiB of XML (a coding workbook
# of some 20,000 cases) keeps that within the machine budget, and a larger file is not a workbook duocode wrote.
MAX_UNCOMPRESSED = 64 * 1024 * 1024
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def set_text(cell, value: Any) -> None:
    """Write ``value`` so that Excel and LibreOffice show it and never evaluate it.

    Strings are stored as string cells; ones starting with a formula trigger also get the quote prefix.
    Characters that XML 1.0 cannot carry are replaced by U+FFFD (they cannot be stored at all otherwise).
    """
    if isinstance(value, str):
        value = ILLEGAL_XML.sub("\ufffd", value)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    else:
        cell.value = value


class StyleStamps:
    """One workbook's styled cells made fast: ``stamps.apply(cell, font=..., fill=...)``.

    openpyxl registers a style object in the workbook each time a cell's style property is set, hashing the
    object's every attribute: half of writing a 500-case coding workbook in the profile. Here the first cell with
    a combination of style objects gets them property by property, and every later cell with the same objects
    gets a copy of that cell's style record (the registered ids). The objects are kept, so their ids, which key
    the combinations, stay unique. A cell that already has a style of its own gets the properties one by one."""

    def __init__(self) -> None:
        self._records: dict[tuple, tuple] = {}

    def apply(self, cell, **styles) -> None:
        from copy import copy

        styles = {name: value for name, value in styles.items() if value is not None}
        key = tuple((name, id(value)) for name, value in styles.items())
        found = self._records.get(key)
        if found is not None and not cell.has_style:
            cell._style = copy(found[0])
            return
        for name, value in styles.items():
            setattr(cell, name, value)
        if found is None and key:
            self._records[key] = (copy(cell._style), tuple(styles.values()))


def write_meta_sheet(workbook, meta: dict[str, Any], password: str | None = None, *, key: str | None = None
                     ) -> None:
    """Add the hidden, protected metadata sheet (key in A, JSON value in B, and a checksum row).

    With ``key`` (the project's secret workbook key) the checksum is an HMAC, so that someone holding the
    workbook but not the project cannot rewrite the metadata (its coder, its case list, whether it showed
    suggestions) and recompute a matching checksum.
    """
    ws = workbook.create_sheet(META_SHEET)
    rows = sorted(meta.items())
    for i, (name, value) in enumerate(rows, start=1):
        set_text(ws.cell(row=i, column=1), name)
        set_text(ws.cell(row=i, column=2), json.dumps(value, ensure_ascii=False, sort_keys=True))
    set_text(ws.cell(row=len(rows) + 1, column=1), "checksum")
    set_text(ws.cell(row=len(rows) + 1, column=2), _checksum(meta, key))
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
    ws.protection.password = password or "duocode"


HMAC_PREFIX = "hmac-sha256:"


def _checksum(meta: dict[str, Any], key: str | None = None) -> str:
    payload = json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8")
    if key:
        return HMAC_PREFIX + hmac.new(key.encode("ascii"), payload, hashlib.sha256).hexdigest()
    return hashlib.sha256(payload).hexdigest()


def read_meta_sheet(workbook, path: str, *, key: str | None = None, project_id: str | None = None
                    ) -> dict[str, Any]:
    """The metadata written by :func:`write_meta_sheet`; ``InputError`` if it is missing or was edited.

    ``key`` and ``project_id`` are the reading project's: a workbook that claims to belong to that project must
    carry its HMAC. A workbook of another project is returned unverified, for the caller to refuse by name.
    Without ``key`` (duocode's own tooling reading a workbook it just wrote) an HMAC is not checked.
    """
    if META_SHEET not in workbook.sheetnames:
        raise InputError(f"the workbook has no '{META_SHEET}' metadata sheet; it was not written by duocode or "
                         "its hidden sheet was removed", path=path, expected="a workbook written by duocode")
    ws = workbook[META_SHEET]
    meta: dict[str, Any] = {}
    checksum = None
    for row in ws.iter_rows(min_row=1, max_col=2, values_only=True):
        name, raw = row[0], row[1]
        if name is None:
            continue
        if name == "checksum":
            checksum = raw
            continue
        try:
            meta[str(name)] = json.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError:
            raise InputError(f"metadata entry '{name}' was edited", path=path, location=f"{META_SHEET}!B") from None
    edited = InputError("the hidden metadata sheet was edited", path=path, location=f"{META_SHEET}!A1",
                        expected="the metadata exactly as duocode wrote it")
    ours = key is not None and project_id is not None and meta.get("project_id") == project_id
    if isinstance(checksum, str) and checksum.startswith(HMAC_PREFIX):
        if ours and not hmac.compare_digest(checksum, _checksum(meta, key)):
            raise edited
    elif checksum != _checksum(meta) or ours:
        # A plain checksum on a workbook that claims to be this project's: duocode signs those, so it was rewritten.
        raise edited
    return meta


def check_workbook_file(path: str | Path) -> Path:
    """Refuse anything that is not a readable, unencrypted, sane-sized .xlsx file, with a clear reason."""
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", path=str(p))
    if p.is_dir():
        raise InputError("is a folder, not a workbook", path=str(p), expected="an .xlsx file")
    suffix = p.suffix.lower()
    if suffix in (".xls", ".csv", ".ods", ".txt"):
        raise InputError(f"{suffix} files cannot be read here", path=str(p),
                         expected="an .xlsx workbook (save it as Excel Workbook .xlsx)")
    if suffix not in (".xlsx", ".xlsm"):
        raise InputError(f"unsupported file type '{suffix or '(none)'}'", path=str(p), expected="an .xlsx workbook")
    try:
        with p.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=str(p)) from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("the workbook is password-protected (encrypted) or an old .xls file saved as .xlsx",
                         path=str(p), expected="an unencrypted .xlsx workbook: remove the password and save again")
    if not head.startswith(b"PK"):
        raise InputError("not an .xlsx workbook (the file is corrupt or of another kind)", path=str(p),
                         expected="an .xlsx workbook")
    check_zip(p, what="workbook", max_total=MAX_UNCOMPRESSED, expected="an .xlsx workbook")
    return p


MAX_FORMULA_PROBLEMS = 20


def load_workbook_safely(path: str | Path, *, read_only: bool = False):
    """Open an untrusted .xlsx for reading typed values; a workbook holding formulas is refused.

    duocode never writes formulas, so a formula in a returned workbook was typed by someone: its cached result
    (or a blank, when none was saved) must not silently become a code. Each formula cell is named.
    """
    import openpyxl

    p = check_workbook_file(path)
    try:
        wb = openpyxl.load_workbook(p, read_only=read_only, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise InputError(f"the workbook cannot be read ({type(exc).__name__}: {exc})", path=str(p),
                         expected="an .xlsx workbook") from None
    problems = []
    for ws in wb.worksheets:
        if ws.title == META_SHEET:
            continue
        for row in ws.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    problems.append(Problem(f"found a formula ({str(cell.value)[:40]}), expected a typed value",
                                            path=str(p), location=f"{ws.title}!{cell.coordinate}",
                                            expected="the value itself: replace the formula by its value"))
    if problems:
        extra = len(problems) - MAX_FORMULA_PROBLEMS
        problems = problems[:MAX_FORMULA_PROBLEMS]
        if extra > 0:
            problems.append(Problem(f"... and {extra} more formula cells", path=str(p)))
        raise InputError(problems=problems)
    return wb


def cell_text(value: Any) -> str | None:
    """A cell's value as a trimmed string (``None`` when blank), tolerant of spreadsheet re-saves.

    Excel and LibreOffice may turn ``3`` into ``3.0``, blanks into empty strings, and add trailing spaces.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            return str(int(value))
        return repr(value)
    text = str(value).strip()
    return text or None


def save_workbook(wb, path: str | Path) -> Path:
    """Save ``wb`` to ``path`` atomically (a temporary file in the same folder, then a rename), creating the
    folder; an interrupted or failed save never leaves half a workbook, and OS errors become InputError."""
    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write the workbook: {exc.strerror}", path=str(out)) from None
    return replace_atomically(out, wb.save, what="workbook")
