"""``duocode report``: the methods-and-results report, every figure traceable to the project (issue 18).

This ``__init__`` is the package's public face. :func:`build_report` gathers the figures (read only) into a
:class:`Report`, whose ``to_dict()`` is the JSON of ``duocode report --format json`` (keys ``corpus``,
``case_finding``, ``coding``, ``agreement``, ``reconciliation``, ``audit``, ``precoder``); :func:`write_report`
writes it as Markdown, Word or HTML, chosen by the file's extension, atomically. The prose is written from that
dict alone (:mod:`duocode.report.text`), so no writer computes a number. matplotlib and python-docx are imported
only when a figure or a Word file is made.
"""
from pathlib import Path

from duocode.errors import InputError
from duocode.report.build import REPORT_KEYS, Report, build_report

FORMATS = {".md": "md", ".docx": "docx", ".html": "html", ".htm": "html"}


def report_format(path: str | Path) -> str:
    """The format named by ``path``'s extension.

    Raises
    ------
    InputError
        An extension the report cannot be written as.
    """
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(f"cannot write a report as {Path(path).suffix or 'a file without an extension'}",
                         path=str(path), expected="a file name ending in .md, .docx or .html")
    return fmt


def write_report(report: Report, path: str | Path) -> Report:
    """Write ``report`` to ``path`` (.md, .docx or .html), replacing the file atomically; returns ``report``
    with ``path`` set."""
    from duocode.files import write_atomic

    fmt = report_format(path)
    data = report.to_dict()
    if fmt == "md":
        payload = report.to_markdown().encode("utf-8")
    elif fmt == "docx":
        from duocode.report.word import report_docx

        payload = report_docx(data, title=report.title)
    else:
        from duocode.report.html import report_html

        payload = report_html(data, title=report.title).encode("utf-8")
    write_atomic(path, payload)
    report.path = str(path)
    return report


__all__ = ["FORMATS", "REPORT_KEYS", "Report", "build_report", "report_format", "write_report"]
