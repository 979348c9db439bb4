"""The rule vocabulary of codebooks: conditions over one case's codes.

A condition is a mapping; every key must hold. Keys are variable ids (``var: value``, ``var: [v1, v2]`` or
``var: {op: operand}`` with op in lt, lte, gt, gte, eq, ne, in) or the logical keys ``all``, ``any``, ``not``.
Conditions are data: they are interpreted here by a small evaluator, never evaluated as code.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook.model import Codebook

LOGICAL = ("all", "any", "not")
OPERATORS = ("lt", "lte", "gt", "gte", "eq", "ne", "in")


def check_condition(cond: Any, codebook: "Codebook", where: tuple) -> list[tuple[tuple, str, str | None]]:
    """Problems with ``cond`` as ``(path, message, expected)`` tuples; empty when it is valid."""
    out: list[tuple[tuple, str, str | None]] = []
    if not isinstance(cond, Mapping) or not cond:
        return [(where, "a condition must be a non-empty mapping", "e.g. {tmp_type: interaction}")]
    for key, operand in cond.items():
        here = where + (key,)
        if key in ("all", "any"):
            if not isinstance(operand, list) or not operand:
                out.append((here, f"'{key}' needs a non-empty list of conditions", None))
                continue
            for i, sub in enumerate(operand):
                out.extend(check_condition(sub, codebook, here + (i,)))
        elif key == "not":
            out.extend(check_condition(operand, codebook, here))
        else:
            var = codebook.variables_by_id.get(key)
            if var is None:
                out.append((here, f"unknown variable '{key}' in a condition",
                            "one of " + ", ".join(codebook.variable_ids)))
                continue
            out.extend(_check_operand(var, operand, here))
    return out


def _check_operand(var, operand, here) -> list[tuple[tuple, str, str | None]]:
    out = []
    if isinstance(operand, Mapping):
        for op, val in operand.items():
            if op not in OPERATORS:
                out.append((here + (op,), f"unknown comparison '{op}'", "one of " + ", ".join(OPERATORS)))
                continue
            if op in ("lt", "lte", "gt", "gte"):
                if var.level == "nominal":
                    out.append((here + (op,), f"'{op}' needs an ordinal or interval variable; "
                                f"'{var.id}' is nominal", None))
                elif var.level == "interval" and not _is_number(val):
                    out.append((here + (op,), f"'{op}' needs a number for '{var.id}', found {val!r}", None))
                elif var.level == "ordinal" and str(val) not in var.value_ids:
                    out.append((here + (op,), f"unknown value '{val}' of '{var.id}'",
                                "one of " + ", ".join(var.value_ids)))
            else:
                vals = val if isinstance(val, list) else [val]
                out.extend(_check_values(var, vals, here + (op,)))
        return out
    vals = operand if isinstance(operand, list) else [operand]
    return _check_values(var, vals, here)


def _check_values(var, vals, here):
    out = []
    for v in vals:
        if var.level == "interval":
            if not _is_number(v):
                out.append((here, f"'{var.id}' is interval; {v!r} is not a number", None))
        elif str(v) not in var.value_ids:
            out.append((here, f"unknown value '{v}' of '{var.id}'", "one of " + ", ".join(var.value_ids)))
    return out


def _is_number(v) -> bool:
    if isinstance(v, bool):
        return False
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def matches(cond: Mapping, codes: Mapping[str, str | None], codebook: "Codebook") -> bool:
    """Whether a case with ``codes`` (variable id -> value id or None) satisfies ``cond``.

    A missing code never satisfies a comparison (so ``not`` of it is true).
    """
    for key, operand in cond.items():
        if key == "all":
            ok = all(matches(c, codes, codebook) for c in operand)
        elif key == "any":
            ok = any(matches(c, codes, codebook) for c in operand)
        elif key == "not":
            ok = not matches(operand, codes, codebook)
        else:
            ok = _match_variable(codebook.variables_by_id[key], operand, codes.get(key))
        if not ok:
            return False
    return True


def _match_variable(var, operand, value) -> bool:
    if value is None or value == "":
        return False
    if isinstance(operand, Mapping):
        return all(_compare(var, op, arg, value) for op, arg in operand.items())
    if isinstance(operand, list):
        return any(_equal(var, value, a) for a in operand)
    return _equal(var, value, operand)


def _rank(var, value):
    if var.level == "interval":
        return float(value)
    return var.value_ids.index(str(value)) if str(value) in var.value_ids else None


def _equal(var, value, target) -> bool:
    if var.level == "interval":
        return float(value) == float(target)
    return str(value) == str(target)


def _compare(var, op, arg, value) -> bool:
    if op == "eq":
        return _equal(var, value, arg)
    if op == "ne":
        return not _equal(var, value, arg)
    if op == "in":
        return any(_equal(var, value, a) for a in (arg if isinstance(arg, list) else [arg]))
    left, right = _rank(var, value), _rank(var, arg)
    if left is None or right is None:
        return False
    return {"lt": left < right, "lte": left <= right, "gt": left > right, "gte": left >= right}[op]


def variables_in(cond: Any) -> set[str]:
    """Every variable id a condition mentions."""
    found: set[str] = set()
    if isinstance(cond, Mapping):
        for key, operand in cond.items():
            if key in ("all", "any"):
                for sub in operand or []:
                    found |= variables_in(sub)
            elif key == "not":
                found |= variables_in(operand)
            else:
                found.add(key)
    return found
