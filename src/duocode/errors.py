"""One error family for every stage.

Validators collect every :class:`Problem` they find and raise once, so a researcher can fix a file in one
pass. ``duocode.cli`` turns a :class:`DuocodeError` into exit status 1 and one stderr line per problem.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what was expected there."""

    message: str
    path: str | None = None
    location: str | None = None  # "line 12", "row 4", "Codes!C7", "case C03"
    expected: str | None = None

    def __str__(self) -> str:
        where = ":".join(p for p in (self.path, self.location) if p)
        text = f"{where}: {self.message}" if where else self.message
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class DuocodeError(Exception):
    """Base class: carries one or more problems; the CLI prints each on its own line and exits 1."""

    def __init__(self, message: str | None = None, *, path: str | None = None, location: str | None = None,
                 expected: str | None = None, problems: list[Problem] | None = None):
        probs = list(problems or [])
        if message is not None:
            probs.insert(0, Problem(message, path=path, location=location, expected=expected))
        if not probs:
            probs = [Problem("unknown error")]
        self.problems = probs
        super().__init__("\n".join(str(p) for p in probs))

    @property
    def path(self) -> str | None:
        return self.problems[0].path

    @property
    def location(self) -> str | None:
        return self.problems[0].location


class InputError(DuocodeError):
    """An input file or value is wrong (missing, unreadable, malformed, or not what the codebook allows)."""


class RefusedError(DuocodeError):
    """The action is refused in the project's current state (e.g. replacing a document that has cases)."""


class ProblemCollector:
    """Collects problems during validation and raises them all at once.

    >>> c = ProblemCollector(InputError)
    >>> c.add("bad value", path="codes.csv", location="line 3")
    >>> c.raise_if_any()
    Traceback (most recent call last):
    ...
    duocode.errors.InputError: codes.csv:line 3: bad value
    """

    def __init__(self, error_class: type[DuocodeError] = InputError):
        self.error_class = error_class
        self.problems: list[Problem] = []

    def add(self, message: str, *, path: str | None = None, location: str | None = None,
            expected: str | None = None) -> None:
        self.problems.append(Problem(message, path=path, location=location, expected=expected))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise self.error_class(problems=self.problems)
