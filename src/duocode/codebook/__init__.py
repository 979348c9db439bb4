"""Codebooks: YAML data validated on load (see docs/CODEBOOK_FORMAT.md).

This ``__init__`` is the codebook's one public face (a contract in ``pyproject.toml``): the model
(:class:`Codebook`, :class:`Variable`, :class:`Value`), loading and validation, the rule conditions of the
codebook (:func:`matches`, :func:`variables_in`) and what ``codebook show`` / ``codebook validate`` return. The
codebook layer sits below the store and never opens a project.
"""
from duocode.codebook.conditions import matches, variables_in
from duocode.codebook.model import (CASE_VARIABLE, Codebook, Value, Variable, bundled_codebook_names,
                                    bundled_pack_names, bundled_packs_dir, codebook_from_text, load_codebook,
                                    resolve_codebook_path)
from duocode.codebook.view import CodebookView, ValidationSummary, show_codebook, validate_summary
from duocode.codebook.yamlload import key_name, line_of, load_yaml_with_lines

__all__ = ["CASE_VARIABLE", "Codebook", "CodebookView", "ValidationSummary", "Value", "Variable",
           "bundled_codebook_names", "bundled_pack_names", "bundled_packs_dir", "codebook_from_text", "key_name",
           "line_of", "load_codebook", "load_yaml_with_lines", "matches", "resolve_codebook_path", "show_codebook",
           "validate_codebook", "validate_summary", "variables_in"]


def validate_codebook(name_or_path) -> Codebook:
    """Load a codebook and return it; raises ``InputError`` listing every problem with its YAML line."""
    return load_codebook(name_or_path)
