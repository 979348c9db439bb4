"""The report as Markdown that pastes into a paper: headings, paragraphs and pipe tables, no HTML."""
from __future__ import annotations

from typing import Any

from duocode.report.text import Figure, Heading, Para, Table, report_doc

_SPECIAL = "\\`*_<>"


def md_escape(text: str) -> str:
    """``text`` safe in Markdown (emphasis, code, links and HTML characters escaped; one line)."""
    out = "".join("\\" + ch if ch in _SPECIAL else ch for ch in str(text))
    return out.replace("\r", " ").replace("\n", " ")


def _cell(text: str) -> str:
    return md_escape(text).replace("|", "\\|")


def report_markdown(data: dict[str, Any], *, title: str = "") -> str:
    doc = report_doc(data, title)
    lines = [f"# {md_escape(doc.title)}", ""]
    n_table = 0
    for block in doc.blocks:
        if isinstance(block, Heading):
            lines += [f"{'#' * (block.level)} {md_escape(block.text)}", ""]
        elif isinstance(block, Para):
            lines += [md_escape(block.text), ""]
        elif isinstance(block, Table):
            n_table += 1
            lines += [f"Table {n_table}. {md_escape(block.caption)}", ""]
            lines.append("| " + " | ".join(_cell(h) for h in block.header) + " |")
            lines.append("| " + " | ".join("---" for _ in block.header) + " |")
            for row in block.rows:
                lines.append("| " + " | ".join(_cell(x) for x in row) + " |")
            lines.append("")
        elif isinstance(block, Figure):
            continue   # figures are in the Word and HTML reports; the tables above hold the same figures
    return "\n".join(lines).rstrip("\n") + "\n"
