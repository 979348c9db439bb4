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


def validate_summary(codebook: "Codebook | str") -> ValidationSummary:
    """Load (and so validate) a codebook; ``InputError`` lists every problem with its YAML line."""
    return ValidationSummary(_resolve(codebook))
