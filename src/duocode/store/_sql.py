"""SQL fragments shared by the store's query modules."""
from __future__ import annotations

from typing import Any, Iterable


def in_clause(column: str, items: Iterable[Any], args: list) -> str:
    """``column IN (?,?,...)`` with one placeholder per item; the items are appended to ``args``.

    An empty ``items`` gives ``column IN ()``, which SQLite accepts and which matches nothing.

    >>> args = ["x"]
    >>> in_clause("k.variable", ("a", "b"), args), args
    ('k.variable IN (?,?)', ['x', 'a', 'b'])
    """
    items = list(items)
    args += items
    return f"{column} IN ({','.join('?' * len(items))})"
