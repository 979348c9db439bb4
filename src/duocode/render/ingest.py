"""Documents and cases for a terminal (rich)."""
from __future__ import annotations

from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from duocode.ingest import CaseListResult, CasesResult, DocumentListResult, DocumentShowResult, IngestResult
from duocode.render import renders


@renders(CasesResult)
def cases_result(result: CasesResult) -> list:
    return [Text(f"Imported {len(result.cases)} case(s) from {result.source_file}."),
            *case_list_result(CaseListResult(result.cases))]


@renders(CaseListResult)
def case_list_result(result: CaseListResult) -> list:
    if not result.cases:
        return ["No cases."]
    table = Table(title=f"{len(result.cases)} case(s)")
    for col in ("case_id", "document", "start", "end", "source") + (("status",) if result.with_status else ()):
        table.add_column(col, justify="right" if col in ("start", "end") else "left", no_wrap=True)
    table.add_column("text", overflow="fold")
    for c in result.cases:
        text = " ".join(c.text.split())
        text = text if len(text) <= 100 else text[:97] + "..."
        table.add_row(Text(c.id), Text(c.document), str(c.start), str(c.end), c.source,
                      *((c.status,) if result.with_status else ()), Text(text))
    return [table]


@renders(DocumentListResult)
def document_list_result(result: DocumentListResult) -> list:
    if not result.documents:
        return ["No documents yet: add some with `duocode ingest PATH`."]
    table = Table(title=f"{len(result.documents)} document(s), {sum(d.n_words for d in result.documents)} words")
    for col, justify in (("id", "left"), ("format", "left"), ("words", "right"), ("turns", "right"),
                         ("speakers", "left"), ("informant", "left")):
        table.add_column(col, justify=justify, overflow="fold")
    for d in result.documents:
        speakers = ", ".join(d.speakers[:4]) + (f" (+{len(d.speakers) - 4})" if len(d.speakers) > 4 else "")
        table.add_row(Text(d.id), d.format, str(d.n_words), str(d.n_turns), Text(speakers),
                      Text(d.informant or ""))
    return [table]


@renders(DocumentShowResult)
def document_show_result(result: DocumentShowResult) -> list:
    doc = result.document
    speakers = sorted({t.speaker for t in doc.turns if t.speaker is not None})
    head = Text(f"{doc.id} ({doc.format}, {len(doc.text)} characters, {len(doc.turns)} turns"
                + (f"; speakers: {', '.join(speakers)}" if speakers else "") + f")\nfrom {doc.source_path}")
    if not doc.turns:
        return [head, Rule(), Text(doc.text)]
    # One row per turn with its offsets and media times, so that the times of a subtitle file stay visible.
    table = Table(show_header=True, show_lines=False, box=None, pad_edge=False)
    for col, justify in (("#", "right"), ("time", "left"), ("speaker", "left"), ("offsets", "right"),
                         ("text", "left")):
        table.add_column(col, justify=justify, overflow="fold")
    for i, t in enumerate(doc.turns, start=1):
        time = "" if t.media_start is None else f"{_clock(t.media_start)}–{_clock(t.media_end)}"
        table.add_row(str(i), time, Text(t.speaker or ""), f"{t.start}–{t.end}", Text(doc.text[t.start:t.end]))
    return [head, Rule(), table]


@renders(IngestResult)
def ingest_result(result: IngestResult) -> list:
    table = Table(title="Ingested documents")
    for col, justify in (("id", "left"), ("format", "left"), ("status", "left"), ("words", "right"),
                         ("turns", "right"), ("speakers", "left")):
        table.add_column(col, justify=justify, overflow="fold")
    for d in result.documents:
        speakers = ", ".join(d.speakers[:4]) + (f" (+{len(d.speakers) - 4})" if len(d.speakers) > 4 else "")
        table.add_row(Text(d.id), d.format, d.status, str(d.n_words), str(d.n_turns), Text(speakers))
    summary = (f"{len(result.ids('added'))} added, {len(result.ids('replaced'))} replaced, "
               f"{len(result.ids('unchanged'))} unchanged ({result.n_words} words).")
    out: list = [table, summary]
    if result.informants is not None:
        out.append(Text(f"Informants from {result.informants_file}: {result.informants['added']} added, "
                        f"{result.informants['updated']} updated, {result.informants['unchanged']} unchanged."))
    for s in result.skipped:
        out.append(Text(f"skipped {s.path} ({s.reason})"))
    return out


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}.{int(round((seconds - whole) * 1000)):03d}"
