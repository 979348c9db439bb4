"""Codebooks: YAML data validated on load (see docs/CODEBOOK_FORMAT.md)."""
from duocode.codebook.model import (CASE_VARIABLE, Codebook, Value, Variable, bundled_codebook_names,
                                    bundled_pack_names, bundled_packs_dir, codebook_from_text, load_codebook,
                                    resolve_codebook_path)

__all__ = ["CASE_VARIABLE", "Codebook", "Value", "Variable", "bundled_codebook_names", "bundled_pack_names",
           "bundled_packs_dir", "codebook_from_text", "load_codebook", "resolve_codebook_path", "validate_codebook"]


def validate_codebook(name_or_path) -> Codebook:
    """Load a codebook and return it; raises ``InputError`` listing every problem with its YAML line."""
    return load_codebook(name_or_path)
