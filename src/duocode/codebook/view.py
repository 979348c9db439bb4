"""Views of a codebook for the CLI (``codebook show`` / ``codebook validate``)."""
from __future__ import annotations

from dataclasses import dataclass

from duocode.codebook.model import Codebook, load_codebook


def _resolve(codebook: "Codebook | str") -> Codebook:
    """A codebook as given, or loaded from a YAML path or bundled name. (A project's stored codebook is
    ``project.codebook``: the codebook layer never opens the store.)"""
    return codebook if isinstance(codebook, Codebook) else load_codebook(codebook)


@dataclass
class CodebookView:
    codebook: Codebook

    def to_dict(self) -> dict:
        return self.codebook.to_dict()

    def tables(self) -> list:
        from rich.table import Table

        cb = self.codebook
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


def show_codebook(codebook: "Codebook | str") -> CodebookView:
    """A codebook (or the one at a YAML path or bundled name), to show."""
    return CodebookView(_resolve(codebook))


@dataclass
class ValidationSummary:
    codebook: Codebook

    def to_dict(self) -> dict:
        cb = self.codebook
        return {"valid": True, "id": cb.id, "version": cb.version, "source": cb.source,
                "variables": len(cb.variables), "values": sum(len(v.values) for v in cb.variables),
                "propositions": len(cb.propositions)}

    def tables(self) -> list:
        d = self.to_dict()
        return [f"{d['source']}: valid codebook '{d['id']}' version {d['version']}: {d['variables']} variables, "
                f"{d['values']} values, {d['propositions']} propositions."]


def validate_summary(codebook: "Codebook | str") -> ValidationSummary:
    """Load (and so validate) a codebook; ``InputError`` lists every problem with its YAML line."""
    return ValidationSummary(_resolve(codebook))
