"""Transcripts in, cases out: readers per format, ``ingest()``, informants, and case import/listing.

This ``__init__`` is the stage's one public face (a contract in ``pyproject.toml``).

Readers are pure (a file in, a :class:`~duocode.store.documents.Document` out); :func:`ingest` checks every
input first and writes once. Heavy third-party readers (python-docx, pypdf, webvtt-py, srt) are imported only by
the reader that needs them.
"""
from duocode.decode import decode_bytes, read_text
from duocode.ingest.cases import CaseListResult, CaseRow, CasesResult, import_cases, list_cases_result, parse_case_rows
from duocode.ingest.documents import DocumentListResult, DocumentShowResult, document_show, documents_list
from duocode.ingest.docx import docx_text
from duocode.ingest.ingest import SUPPORTED, IngestResult, ingest, parse_file
from duocode.ingest.text import find_turns

__all__ = ["SUPPORTED", "CaseListResult", "CaseRow", "CasesResult", "DocumentListResult", "DocumentShowResult",
           "IngestResult", "decode_bytes", "docx_text", "find_turns", "document_show", "documents_list", "import_cases", "ingest",
           "list_cases_result", "parse_case_rows", "parse_file", "read_text"]
