"""Codebooks both ways: a duocode codebook as a REFI code tree, and a foreign code tree as a duocode codebook.

**Out.** Each variable is a folder code (``isCodable="false"``) named by its label; each value is a codable code
inside it. An interval variable's folder holds one code per number coded in the project. Definitions (with the
inclusion and exclusion notes) go into ``Description``. The code GUIDs depend only on the codebook id and the
variable and value ids, so every project that uses the same codebook writes the same code GUIDs.

**In.** A file whose tree is exactly the tree of a codebook (the one embedded in a duocode export, or a bundled
one) gets that codebook back, byte for byte. Any other tree becomes a codebook by these rules:

1. a code with codes inside it (a folder) becomes a nominal variable whose values are the codable codes directly
   inside it; a codable folder at the top level, which nothing else holds, also gets a value for itself;
2. a codable code at the top level with nothing inside it (a lone code) becomes a yes/no variable;
3. a folder from which one coder applied two or more codes to the same passage cannot be one nominal variable
   (a variable holds one value per case), so each of its codable codes becomes a yes/no variable instead;
4. a code that is neither codable nor holds codes is left out.

With yes/no variables, a coder who coded a case but did not apply the code there gets ``no`` where another coder
applied it (the importer does this), so agreement sees the disagreement instead of a missing rating.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

from duocode.interop.refi.model import RefiCode, stable_guid

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook import Codebook

CASE_FINDING_LABEL = "Case (from the coders' selections)"


@lru_cache(maxsize=4096)
def variable_guid(codebook_id: str, variable_id: str) -> str:
    return stable_guid("codebook", codebook_id, "variable", variable_id)


@lru_cache(maxsize=65536)
def value_guid(codebook_id: str, variable_id: str, value_id: str) -> str:
    return stable_guid("codebook", codebook_id, "variable", variable_id, "value", value_id)


def _definition_text(definition: str, include: str = "", exclude: str = "") -> str:
    parts = [" ".join(definition.split())]
    if include:
        parts.append("Include: " + " ".join(include.split()))
    if exclude:
        parts.append("Exclude: " + " ".join(exclude.split()))
    return "\n\n".join(p for p in parts if p)


def codebook_tree(codebook: "Codebook", interval_values: dict[str, set[str]] | None = None) -> list[RefiCode]:
    """The code tree of ``codebook`` (see the module docstring); ``interval_values`` gives, per interval
    variable, the numbers coded in the project (each becomes a code)."""
    interval_values = interval_values or {}
    tree = []
    for var in codebook.variables:
        folder = RefiCode(variable_guid(codebook.id, var.id), var.label, False,
                          _definition_text(var.definition, var.include, var.exclude))
        if var.is_categorical:
            for val in var.values:
                folder.children.append(RefiCode(value_guid(codebook.id, var.id, val.id), val.label, True,
                                                _definition_text(val.definition, val.include, val.exclude),
                                                parent=folder))
        else:
            for number in sorted(interval_values.get(var.id, ()), key=_number_key):
                folder.children.append(RefiCode(value_guid(codebook.id, var.id, number), number, True, "",
                                                parent=folder))
        tree.append(folder)
    return tree


def _number_key(text: str) -> tuple[float, str]:
    try:
        return float(text), text
    except ValueError:
        return float("inf"), text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _finder(by_guid: dict, items) -> Callable[[RefiCode], Any]:
    """Look a file's code up among ``items`` (variables or values): by GUID, else by a label only one of them
    has; ``None`` when neither finds it."""
    by_label: dict[str, list] = {}
    for item in items:
        by_label.setdefault(item.label, []).append(item)

    def find(code: RefiCode):
        found = by_guid.get(code.guid)
        if found is None and len(by_label.get(code.name, [])) == 1:
            found = by_label[code.name][0]
        return found
    return find


def match_codebook(codebook: "Codebook", codes: list[RefiCode]) -> dict[str, tuple[str, str]] | None:
    """``code GUID -> (variable id, value id)`` when the file's tree ``codes`` is exactly ``codebook``'s
    tree (codes found by GUID, else by name; every variable and value present, nothing else), else ``None``."""
    variables = codebook.variables
    if len(codes) != len(variables):
        return None
    find_variable = _finder({variable_guid(codebook.id, v.id): v for v in variables}, variables)
    mapping: dict[str, tuple[str, str]] = {}
    seen: set[str] = set()
    for top in codes:
        var = find_variable(top)
        if var is None or var.id in seen or top.codable:
            return None
        seen.add(var.id)
        if var.is_categorical:
            find_value = _finder({value_guid(codebook.id, var.id, val.id): val for val in var.values}, var.values)
            got: set[str] = set()
            for ch in top.children:
                val = find_value(ch)
                if val is None or val.id in got or ch.children:
                    return None
                got.add(val.id)
                mapping[ch.guid] = (var.id, val.id)
            if got != set(var.value_ids):
                return None
        else:
            for ch in top.children:
                if not _is_number(ch.name) or ch.children:
                    return None
                mapping[ch.guid] = (var.id, var.normalize(ch.name) or ch.name)
    return mapping


# -- a foreign tree as a codebook ---------------------------------------------------------------------------------
def slug(name: str, *, fallback: str = "code") -> str:
    """An id from a code name: ASCII letters, digits and ``_``, lower case, starting with a letter.

    >>> slug("Health care"), slug("2nd wave"), slug("Über-Sicht"), slug("健康")
    ('health_care', 'c_2nd_wave', 'uber_sicht', 'code')
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:48].rstrip("_")
    if not text:
        return fallback
    return text if text[0].isalpha() else f"c_{text}"


class _Ids:
    """Unique ids: ``name``, then ``name_2``, ``name_3``..."""

    def __init__(self, reserved: set[str] | None = None):
        self.used = set(reserved or ())

    def take(self, base: str) -> str:
        candidate, k = base, 1
        while candidate in self.used:
            k += 1
            candidate = f"{base}_{k}"
        self.used.add(candidate)
        return candidate


@dataclass
class DerivedCodebook:
    """A codebook derived from a foreign tree: its YAML, and where each code's codings go."""

    yaml_text: str
    values: dict[str, tuple[str, str]]          # code GUID -> (variable id, value id)
    flags: set[str]                             # variable ids of yes/no variables made from codes
    warnings: list[str] = field(default_factory=list)
    n_nominal: int = 0
    n_flags: int = 0


def derive_codebook(codes: list[RefiCode], *, codebook_id: str, title: str, description: str,
                    multi: set[str] = frozenset(), case_finding: bool = False) -> DerivedCodebook:
    """A duocode codebook from a foreign code tree, by the rules of the module docstring.

    Parameters
    ----------
    codes
        The file's top-level codes (each with its children).
    codebook_id, title, description
        Of the new codebook.
    multi
        GUIDs of folders from which one coder applied several codes to one passage (rule 3).
    case_finding
        Add the ``is_case`` yes/no variable that ``cases merge`` derives (several coders).
    """
    import yaml

    ids = _Ids({"is_case"} if case_finding else set())
    variables: list[dict] = []
    values: dict[str, tuple[str, str]] = {}
    flags: set[str] = set()
    warnings: list[str] = []
    n_nominal = 0
    if case_finding:
        variables.append(_yes_no("is_case", CASE_FINDING_LABEL,
                                 "Whether the passage is a case. Derived by `duocode cases merge` from the coders' "
                                 "selections: yes where a selection of the coder overlaps the case, no where none "
                                 "does.", "a selection of this coder overlaps the case",
                                 "no selection of this coder overlaps the case"))

    def flag(code: RefiCode, label: str) -> None:
        vid = ids.take(slug(code.name))
        variables.append(_yes_no(vid, label, code.description or f"Whether the code “{code.path}” applies to the "
                                 "case (imported from REFI-QDA).", f"the coder applied “{code.name}”",
                                 f"the coder coded the case but did not apply “{code.name}” where another coder did"))
        values[code.guid] = (vid, "yes")
        flags.add(vid)

    skipped = []
    for code in (c for top in codes for c in top.walk()):
        inner = [ch for ch in code.children if ch.codable]
        own = code.codable and code.parent is None and bool(code.children)
        if code.children:
            if not inner and not own:
                continue        # a folder of folders: its folders become variables of their own
            if code.guid in multi:
                if own:
                    flag(code, f"{code.path} (the folder code itself)")
                for ch in inner:
                    flag(ch, ch.path)
                continue
            vid = ids.take(slug(code.name))
            value_ids = _Ids()
            vals = []
            if own:
                own_id = value_ids.take(slug(code.name))
                vals.append({"id": own_id, "label": f"{code.name} (the folder code itself)"})
                values[code.guid] = (vid, own_id)
            for ch in inner:
                val_id = value_ids.take(slug(ch.name))
                val = {"id": val_id, "label": ch.name}
                if ch.description:
                    val["definition"] = ch.description
                vals.append(val)
                values[ch.guid] = (vid, val_id)
            variables.append({"id": vid, "label": code.path,
                              "definition": code.description or f"Which code of the folder “{code.path}” applies "
                                                                "(imported from REFI-QDA).",
                              "level": "nominal", "values": vals})
            n_nominal += 1
        elif code.parent is None:
            if code.codable:
                flag(code, code.name)
            else:
                skipped.append(code.name)
    if skipped:
        shown = ", ".join(repr(s) for s in skipped[:5]) + (", ..." if len(skipped) > 5 else "")
        warnings.append(f"{len(skipped)} code(s) neither codable nor holding codes ({shown}) left out of the "
                        "codebook")
    if not variables:
        variables.append(_yes_no("no_codes", "No codes", "The file holds no codable code.", "-", "-"))
        warnings.append("the file holds no codable code; the codebook has one placeholder variable")
    data = {"id": codebook_id, "version": "1", "title": title, "description": description, "variables": variables}
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return DerivedCodebook(text, values, flags, warnings, n_nominal, len(flags))


def _yes_no(vid: str, label: str, definition: str, yes: str, no: str) -> dict:
    return {"id": vid, "label": label, "definition": definition, "level": "nominal",
            "values": [{"id": "yes", "label": "Yes", "definition": yes[0].upper() + yes[1:] + "."},
                       {"id": "no", "label": "No", "definition": no[0].upper() + no[1:] + "."}]}
