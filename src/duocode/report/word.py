"""The report as a Word document (python-docx): real headings, tables with a repeated header row, numbered
captions, and the two figures as pictures."""
from __future__ import annotations

import io
from typing import Any

from duocode.report.text import Figure, Heading, Para, Table, report_doc


def report_docx(data: dict[str, Any], *, title: str = "") -> bytes:
    """The ``.docx`` file's bytes."""
    import datetime

    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Inches

    from duocode.report.figures import figure_bytes

    model = report_doc(data, title)
    document = docx.Document()
    props = document.core_properties
    props.title = model.title
    props.author = "duocode"
    # fixed dates: the same project gives the same document
    props.created = props.modified = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
    props.last_modified_by = "duocode"
    props.revision = 1
    document.add_heading(model.title, level=0)
    n_table = n_figure = 0
    for block in model.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level - 1 if block.level > 1 else 1)
        elif isinstance(block, Para):
            document.add_paragraph(block.text)
        elif isinstance(block, Table):
            n_table += 1
            document.add_paragraph(f"Table {n_table}. {block.caption}", style="Caption")
            table = document.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            header = table.rows[0]
            # the first row is the table's header row, repeated on every page (w:tblHeader)
            tr_pr = header._tr.get_or_add_trPr()
            flag = OxmlElement("w:tblHeader")
            flag.set(qn("w:val"), "true")
            tr_pr.append(flag)
            for cell, text in zip(header.cells, block.header):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row):
                    cell.text = text
        elif isinstance(block, Figure):
            png = figure_bytes(block.kind, data, "png")
            if png is None:
                continue
            n_figure += 1
            document.add_picture(io.BytesIO(png), width=Inches(6))
            document.add_paragraph(f"Figure {n_figure}. {block.caption}", style="Caption")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
