"""Transcripts in, cases out: readers per format, ``ingest()``, informants, and case import/listing.

Readers are pure (a file in, a :class:`~duocode.store.documents.Document` out); :func:`ingest` checks every
input first and writes once. Heavy third-party readers (python-docx, pypdf, webvtt-py, srt) are imported only by
the reader that needs them.
"""
from duocode.ingest.cases import CaseRow, import_cases, list_cases_result, parse_case_rows
from duocode.decode import decode_bytes, read_text
from duocode.ingest.documents import document_show, documents_list
from duocode.ingest.ingest import SUPPORTED, IngestResult, ingest, parse_file

__all__ = ["SUPPORTED", "CaseRow", "IngestResult", "decode_bytes", "document_show", "documents_list",
           "import_cases", "ingest", "list_cases_result", "parse_case_rows", "parse_file", "read_text"]
