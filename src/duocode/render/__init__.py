"""What a terminal shows of a result: every rich table and line of text, built from the stages' result objects.

The stages return data (dataclasses with ``to_dict()``) and never import rich; this layer, above them and below
the command line, turns each result into a list of rich renderables. :func:`tables` dispatches on the result's
type: the functions of ``duocode.render.<stage>`` register the result classes of that stage with
:func:`renders`, and a stage's module here is loaded the first time one of its results is shown (so that
showing a reconcile summary imports neither the agreement engine nor the pre-coder). An import-linter contract
in ``pyproject.toml`` keeps rich in this package and in ``duocode.cli``.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

# where a result's class is defined -> the module here that renders it (the longest matching prefix wins)
_MODULE_OF = {"duocode.codebook": "codebook", "duocode.ingest": "ingest", "duocode.coding": "coding",
              "duocode.agreement": "agreement", "duocode.audit": "audit", "duocode.audit.agreement": "agree",
              "duocode.precode": "precode", "duocode.interop": "interop", "duocode.project": "project", "duocode.demo": "project"}

_RENDERERS: dict[type, Callable[[Any], list]] = {}


def renders(cls: type) -> Callable:
    """Register the decorated function as the terminal rendering of ``cls`` (and of its subclasses)."""
    def register(fn: Callable[[Any], list]) -> Callable[[Any], list]:
        _RENDERERS[cls] = fn
        return fn
    return register


def renderer(result: Any) -> Callable[[Any], list] | None:
    """The rendering of ``result``'s type, or ``None`` when it has none."""
    module = type(result).__module__
    prefix = max((p for p in _MODULE_OF if module == p or module.startswith(p + ".")), key=len, default=None)
    if prefix is not None:
        importlib.import_module(f"{__name__}.{_MODULE_OF[prefix]}")
    return next((_RENDERERS[c] for c in type(result).__mro__ if c in _RENDERERS), None)


def tables(result: Any) -> list:
    """Rich renderables (tables, text, markup strings) for ``result``, in the order a terminal shows them.

    Raises
    ------
    TypeError
        ``result`` is of a type that has no terminal rendering.
    """
    fn = renderer(result)
    if fn is None:
        raise TypeError(f"no terminal rendering for {type(result).__name__}")
    return fn(result)


__all__ = ["renderer", "renders", "tables"]
