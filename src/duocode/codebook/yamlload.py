"""Safe YAML loading that remembers the line of every key and item.

Codebooks are data: only ``yaml.SafeLoader`` constructs are used, and nothing is ever evaluated. YAML 1.1 turns
``yes``/``no``/``on``/``off`` into booleans; a codebook full of ``yes``/``no`` value ids must not, so only
``true``/``false`` resolve to booleans here.
"""
from __future__ import annotations

import re
from typing import Any

import yaml

from duocode.errors import InputError

Path_ = tuple  # a path into the loaded document: keys and list indices


class _Loader(yaml.SafeLoader):
    pass


# Copy the resolvers so changing them does not touch yaml.SafeLoader itself.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


def load_yaml_with_lines(text: str, path: str) -> tuple[Any, dict[Path_, int]]:
    """Parse ``text`` and return ``(data, lines)`` where ``lines[path]`` is the 1-based line of that node.

    Duplicate mapping keys are reported as errors (PyYAML silently keeps the last one).
    """
    try:
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError:
        raise InputError("the YAML is nested too deeply", path=path, expected="a codebook") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"not valid YAML: {problem}", path=path, location=where) from None
    if node is None:
        raise InputError("the file is empty", path=path, expected="a YAML mapping with id, title and variables")
    lines: dict[Path_, int] = {}
    duplicates: list[tuple[int, str]] = []
    constructor = _Loader(text)
    seen: set[int] = set()

    def build(n: yaml.Node, p: Path_) -> Any:
        lines[p] = n.start_mark.line + 1
        if id(n) in seen:
            # An alias (*name) reuses a node: expanding them is how a few hundred bytes of YAML become
            # gigabytes ("billion laughs"). A codebook has no need for them.
            raise InputError("the anchor defined here is reused through an alias (*name); anchors and aliases "
                             "are not allowed in a codebook: write the content out", path=path,
                             location=f"line {n.start_mark.line + 1}")
        seen.add(id(n))
        if not n.tag.startswith("tag:yaml.org,2002:") or n.tag.startswith("tag:yaml.org,2002:python"):
            # Application tags (!!python/..., !custom) would mean "construct an object": codebooks are data.
            raise InputError(f"not valid YAML for a codebook: tag '{n.tag}' is not allowed", path=path,
                             location=f"line {n.start_mark.line + 1}", expected="plain YAML data")
        if isinstance(n, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in n.value:
                key = build(key_node, p + ("<key>",))
                if isinstance(key, (dict, list)):
                    key = str(key)
                if key in out:
                    duplicates.append((key_node.start_mark.line + 1, str(key)))
                out[key] = build(value_node, p + (key,))
                lines[p + (key,)] = key_node.start_mark.line + 1
            return out
        if isinstance(n, yaml.SequenceNode):
            return [build(item, p + (i,)) for i, item in enumerate(n.value)]
        try:
            return constructor.construct_object(n, deep=True)
        except (yaml.YAMLError, ValueError, TypeError) as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            raise InputError(f"not valid YAML for a codebook: {problem}", path=path,
                             location=f"line {n.start_mark.line + 1}") from None

    try:
        data = build(node, ())
    except RecursionError:
        raise InputError("the YAML is nested too deeply", path=path, expected="a codebook") from None
    if duplicates:
        from duocode.errors import Problem
        raise InputError(problems=[Problem(f"duplicate key '{k}'", path=path, location=f"line {ln}")
                                   for ln, k in duplicates])
    return data, lines


def line_of(lines: dict[Path_, int], p: Path_) -> int | None:
    """The line of ``p`` or of its nearest ancestor that has one."""
    p = tuple(p)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return lines.get(())


def key_name(p: Path_) -> str:
    """A path into a YAML document as a reader writes it: ``variables[2].values[0].id``."""
    parts = []
    for item in p:
        parts.append(f"[{item}]" if isinstance(item, int) else ("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"
