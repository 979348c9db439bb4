"""Small helpers shared by the stages and the command line, with no dependencies of their own."""
from __future__ import annotations

from typing import Callable, Iterable, Optional

#: ``progress(stage, done=None, total=None)``: what a long step reports as it goes. A new ``stage`` text starts a
#: new stage; ``done`` of ``total`` items (both None: no count) moves its bar. The command line draws it (a rich
#: bar on a terminal, a line per stage elsewhere); the Python API's default is to report nothing.
Progress = Callable[..., None]


def no_progress(stage: str, done: Optional[int] = None, total: Optional[int] = None) -> None:
    """The :data:`Progress` that reports nothing."""


def split_ids(text: str | Iterable[str] | None) -> list[str] | None:
    """``"C01, C02"`` or a list -> ``["C01", "C02"]``: trimmed, blanks and repeats dropped, order kept.

    ``None`` stays ``None`` (meaning: all).

    >>> split_ids(" C01, C02,,C01 "), split_ids(None)
    (['C01', 'C02'], None)
    """
    if text is None:
        return None
    parts = text.split(",") if isinstance(text, str) else list(text)
    out: list[str] = []
    for part in parts:
        part = str(part).strip()
        if part and part not in out:
            out.append(part)
    return out


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 case``, ``2 cases``; ``many`` for an irregular plural."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
