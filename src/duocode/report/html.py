"""The report as one self-contained HTML file: every text escaped, the figures embedded as base64 PNG."""
from __future__ import annotations

import base64
from html import escape
from typing import Any

from duocode.report.text import Figure, Heading, Para, Table, report_doc

_STYLE = ("body{font-family:Georgia,serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
          "table{border-collapse:collapse;margin:0 0 1.2rem}th,td{border:1px solid #999;padding:.2rem .45rem;"
          "vertical-align:top;text-align:left}th{background:#eee}caption{caption-side:top;text-align:left;"
          "font-style:italic;padding:.3rem 0}figure{margin:1rem 0}img{max-width:100%}")


def report_html(data: dict[str, Any], *, title: str = "") -> str:
    from duocode.report.figures import figure_bytes

    model = report_doc(data, title)
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{escape(model.title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
           f"<h1>{escape(model.title)}</h1>"]
    n_table = n_figure = 0
    for block in model.blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{escape(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            out.append(f"<p>{escape(block.text)}</p>")
        elif isinstance(block, Table):
            n_table += 1
            out.append(f"<table>\n<caption>Table {n_table}. {escape(block.caption)}</caption>")
            out.append("<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in block.header) + "</tr></thead>")
            out.append("<tbody>")
            out += ["<tr>" + "".join(f"<td>{escape(x)}</td>" for x in row) + "</tr>" for row in block.rows]
            out.append("</tbody>\n</table>")
        elif isinstance(block, Figure):
            png = figure_bytes(block.kind, data, "png")
            if png is None:
                continue
            n_figure += 1
            src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            caption = f"Figure {n_figure}. {block.caption}"
            out.append(f'<figure><img src="{src}" alt="{escape(caption)}">'
                       f"<figcaption>{escape(caption)}</figcaption></figure>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
