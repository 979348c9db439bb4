"""SQL fragments shared by the store's query modules."""
from __future__ import annotations

from typing import Any, Iterable


def in_clause(column: str, items: Iterable[Any], args: list) -> str:
    """``column IN (?,?,...)`` with one placeholder per item; the items are appended to ``args``.

    An empty ``items`` gives ``column IN (NULL)``, which matches nothing on both backends (PostgreSQL refuses
    ``IN ()``).

    >>> args = ["x"]
    >>> in_clause("k.variable", ("a", "b"), args), args
    ('k.variable IN (?,?)', ['x', 'a', 'b'])
    """
    items = list(items)
    if not items:
        return f"{column} IN (NULL)"
    args += items
    return f"{column} IN ({','.join('?' * len(items))})"
