"""Dual coding: coders' CSV codes, blind coding workbooks and their import, terminal coding, progress, and
double-coded case finding (proposals and ``cases merge``).

This ``__init__`` is the stage's one public face (a contract in ``pyproject.toml``). Modules:
:mod:`~duocode.coding.csvcodes`, :mod:`~duocode.coding.sheet`, :mod:`~duocode.coding.importsheet`,
:mod:`~duocode.coding.terminal`, :mod:`~duocode.coding.status`, :mod:`~duocode.coding.proposals`,
:mod:`~duocode.coding.demo`. None of them imports a heavy library at import time (openpyxl is loaded by the
functions that read or write workbooks), so the CLI starts fast.
"""
from duocode.coding.csvcodes import (CodesExport, CodesImportResult, WideRow, export_codes, import_codes,
                                     read_wide_csv)
from duocode.coding.demo import code_demo
from duocode.coding.importsheet import ImportSheetResult, import_sheet
from duocode.coding.proposals import (MergeResult, ProposalsImportResult, import_proposals, merge_cases,
                                      next_case_ids)
from duocode.coding.sheet import SheetResult, write_sheet
from duocode.coding.span_agreement import DEFAULT_BOOTSTRAP as SPAN_BOOTSTRAP
from duocode.coding.span_agreement import SpanAgreementResult, span_agreement
from duocode.coding.status import CoderProgress, StatusResult, status
from duocode.coding.terminal import CaseScreen, TerminalResult, code_interactively

__all__ = ["SPAN_BOOTSTRAP", "SpanAgreementResult", "span_agreement", "CaseScreen", "CodesExport", "CodesImportResult", "CoderProgress", "ImportSheetResult", "MergeResult",
           "ProposalsImportResult", "SheetResult", "StatusResult", "TerminalResult", "WideRow", "code_demo",
           "code_interactively", "export_codes", "import_codes", "import_proposals", "import_sheet", "merge_cases", "next_case_ids",
           "read_wide_csv", "status", "write_sheet"]
