"""A codebook for a terminal (``codebook show`` / ``codebook validate``)."""
from __future__ import annotations

from rich.table import Table

from duocode.codebook import CodebookView, ValidationSummary
from duocode.render import renders


@renders(CodebookView)
def codebook_view(result: CodebookView) -> list:
    cb = result.codebook
    packs = f", pre-coder cue packs: {', '.join(cb.packs)}" if cb.packs else ""
    head = f"[bold]{cb.title}[/bold]  (id {cb.id}, version {cb.version}, {len(cb.variables)} variables{packs})"
    table = Table(show_lines=True)
    for col in ("variable", "level", "values", "definition"):
        table.add_column(col, overflow="fold")
    for v in cb.variables:
        values = ", ".join(v.value_ids) if v.values else v.allowed_text()
        table.add_row(v.id, v.level, values, v.definition)
    out = [head, table]
    if cb.propositions:
        props = Table(title="Propositions")
        props.add_column("id")
        props.add_column("statement", overflow="fold")
        for p in cb.propositions:
            props.add_row(p["id"], p["statement"])
        out.append(props)
    return out


@renders(ValidationSummary)
def validation_summary(result: ValidationSummary) -> list:
    d = result.to_dict()
    return [f"{d['source']}: valid codebook '{d['id']}' version {d['version']}: {d['variables']} variables, "
            f"{d['values']} values, {d['propositions']} propositions."]
