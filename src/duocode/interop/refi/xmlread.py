"""A REFI-QDA XML document (``project.qde`` or a ``.qdc`` codebook) into :class:`~duocode.interop.refi.model.RefiFile`.

Elements are matched by local name, so a file without the namespace (or with the codebook namespace inside a
project) still reads. Real files break the schema in known ways (NOTES.md §5); each is read with a warning
rather than refused: empty containers such as Taguette's ``<Sets/>``, colours that are not ``#RRGGBB``
(``rgb(...)``), a missing ``isCodable``, malformed GUIDs. Whole-document codings become a selection covering the
document. What duocode has no place for (sets, links, graphs, picture/audio/video sources) is counted and
reported.
"""
from __future__ import annotations

import re
from collections import Counter

from duocode.errors import InputError
from duocode.interop.refi.model import (RefiCase, RefiCode, RefiCoding, RefiFile, RefiNote, RefiSelection,
                                        RefiSource, RefiUser, RefiVariable, stable_guid)

_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")
_COLOUR = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
WHOLE_DOCUMENT = -1      # the end of a selection made from a whole-document coding: the document's length
_CONTAINERS = ("Users", "Codes", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs")
_VALUE_KINDS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")


def local(el) -> str:
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def children(el, name: str | None = None):
    """Child elements (of any namespace) named ``name``, or all child elements."""
    if name is None:
        return (c for c in el if isinstance(c.tag, str))
    return el.iterchildren(f"{{*}}{name}")


def child(el, name: str):
    return el.find(f"{{*}}{name}")


def normal_guid(value: str | None) -> str | None:
    """A GUID as duocode compares them: braces off, lower case."""
    if value is None:
        return None
    return value.strip().strip("{}").lower() or None


class _Reader:
    def __init__(self, label: str, entry: str | None):
        self.label = label
        self.entry = entry
        self.notes: Counter = Counter()        # aggregated warnings: key -> count
        self.examples: dict[str, str] = {}
        self.file = RefiFile(kind="project")

    def where(self, el) -> str:
        line = getattr(el, "sourceline", None)
        return " ".join(p for p in (self.entry, f"line {line}" if line else None) if p)

    def note(self, key: str, example: str) -> None:
        self.notes[key] += 1
        self.examples.setdefault(key, example)

    def guid(self, el, *parts: str) -> str:
        raw = el.get("guid")
        if raw is None or not raw.strip():
            self.note("missing_guid", f"<{local(el)}> at {self.where(el)}")
            return stable_guid("missing", self.label, local(el), str(getattr(el, "sourceline", "")), *parts)
        if not _GUID.match(raw.strip()):
            self.note("bad_guid", f"{raw!r} at {self.where(el)}")
        return normal_guid(raw)

    def text_of(self, el, name: str) -> str:
        c = child(el, name)
        return (c.text or "") if c is not None else ""

    def check_empty(self, el) -> bool:
        """Warn about (and report) a container that has no children: invalid against the schema."""
        if local(el) in _CONTAINERS and next(children(el), None) is None:
            self.file.warnings.append(f"{self.label}: {self.where(el)}: empty <{local(el)}/> (the schema needs at "
                                      "least one child; Taguette writes an empty <Sets/>); ignored")
            return True
        return False

    # -- the parts ---------------------------------------------------------------------------------------------
    def codes(self, container) -> list[RefiCode]:
        if self.check_empty(container):
            return []
        return [self.code(c, None) for c in children(container, "Code")]

    def code(self, el, parent: RefiCode | None) -> RefiCode:
        guid = self.guid(el)
        name = (el.get("name") or "").strip()
        if not name:
            self.note("code_without_name", self.where(el))
            name = guid
        codable_raw = el.get("isCodable")
        if codable_raw is None:
            self.note("no_iscodable", f"{name!r} at {self.where(el)}")
            codable = True
        else:
            codable = codable_raw.strip().lower() in ("true", "1")
            if codable_raw.strip().lower() not in ("true", "false", "1", "0"):
                self.note("bad_iscodable", f"{codable_raw!r} at {self.where(el)}")
        colour = el.get("color")
        if colour is not None and not _COLOUR.match(colour.strip()):
            self.note("bad_colour", f"{colour!r} on {name!r}")
            colour = None
        code = RefiCode(guid, name, codable, self.text_of(el, "Description").strip(), colour,
                        line=getattr(el, "sourceline", None), parent=parent)
        code.children = [self.code(c, code) for c in children(el, "Code")]
        return code

    def users(self, container) -> None:
        if self.check_empty(container):
            return
        for el in children(container, "User"):
            guid = self.guid(el)
            self.file.users[guid] = RefiUser(guid, el.get("name"), el.get("id"))

    def values(self, el) -> list[tuple[str, str]]:
        out = []
        for vv in children(el, "VariableValue"):
            ref = child(vv, "VariableRef")
            target = normal_guid(ref.get("targetGUID")) if ref is not None else None
            value = next((c for c in children(vv) if local(c) in _VALUE_KINDS), None)
            if target is None:
                self.note("value_without_variable", self.where(vv))
                continue
            out.append((target, "" if value is None or value.text is None else value.text.strip()))
        return out

    def variables(self, container) -> None:
        if self.check_empty(container):
            return
        for el in children(container, "Variable"):
            guid = self.guid(el)
            self.file.variables[guid] = RefiVariable(guid, (el.get("name") or guid).strip(),
                                                     el.get("typeOfVariable") or "Text")

    def cases(self, container) -> None:
        if self.check_empty(container):
            return
        for el in children(container, "Case"):
            self.file.cases.append(RefiCase(
                self.guid(el), (el.get("name") or "").strip(), self.values(el),
                [g for g in (normal_guid(r.get("targetGUID")) for r in children(el, "SourceRef")) if g],
                getattr(el, "sourceline", None)))

    def coding(self, el, owner: str) -> RefiCoding | None:
        target, notes = None, []
        for sub in el:                     # one pass: a project holds a coding for every code applied
            tag = sub.tag
            if not isinstance(tag, str):
                continue
            if tag.endswith("CodeRef") and target is None and local(sub) == "CodeRef":
                target = normal_guid(sub.get("targetGUID"))
            elif tag.endswith("NoteRef") and local(sub) == "NoteRef":
                g = normal_guid(sub.get("targetGUID"))
                if g:
                    notes.append(g)
        if target is None:
            self.note("coding_without_code", f"{owner} at {self.where(el)}")
            return None
        return RefiCoding(self.guid(el), target, normal_guid(el.get("creatingUser")), notes, el.sourceline)

    def note_refs(self, el) -> list[str]:
        return [g for g in (normal_guid(r.get("targetGUID")) for r in children(el, "NoteRef")) if g]

    def selection(self, el) -> RefiSelection | None:
        guid = self.guid(el)
        try:
            start, end = int(el.get("startPosition", "").strip()), int(el.get("endPosition", "").strip())
        except ValueError:
            self.file.warnings.append(f"{self.label}: {self.where(el)}: selection {guid} has no whole-number "
                                      "startPosition/endPosition; left out")
            return None
        sel = RefiSelection(guid, start, end, el.get("name") or "",
                            normal_guid(el.get("creatingUser")) or normal_guid(el.get("modifyingUser")),
                            self.text_of(el, "Description").strip(), line=getattr(el, "sourceline", None))
        sel.codings = [c for c in (self.coding(x, f"selection {guid}") for x in children(el, "Coding")) if c]
        sel.notes = self.note_refs(el)
        return sel

    def text_source(self, el, kind: str = "TextSource", name: str | None = None) -> RefiSource:
        guid = self.guid(el)
        content = child(el, "PlainTextContent")
        source = RefiSource(guid, (name if name is not None else el.get("name") or "").strip(),
                            el.get("plainTextPath"), el.get("richTextPath"),
                            None if content is None else (content.text or ""), kind,
                            values=self.values(el), line=getattr(el, "sourceline", None))
        for sel_el in children(el, "PlainTextSelection"):
            sel = self.selection(sel_el)
            if sel is not None:
                source.selections.append(sel)
        whole = [c for c in (self.coding(x, f"source {guid}") for x in children(el, "Coding")) if c]
        if whole:
            self.note("whole_document", source.name or guid)
            for c in whole:
                source.selections.append(RefiSelection(stable_guid("whole", guid, c.guid), 0, WHOLE_DOCUMENT,
                                                       user=c.user, codings=[c], line=c.line))
        return source

    def sources(self, container) -> None:
        if self.check_empty(container):
            return
        for el in children(container):
            kind = local(el)
            if kind == "TextSource":
                self.file.sources.append(self.text_source(el))
            elif kind == "PDFSource" and child(el, "Representation") is not None:
                rep = child(el, "Representation")
                self.file.sources.append(self.text_source(rep, "PDFSource", (el.get("name") or "").strip()))
                if next(children(el, "PDFSelection"), None) is not None:
                    self.file.skipped["PDF area selections"] = self.file.skipped.get("PDF area selections", 0) + \
                        sum(1 for _ in children(el, "PDFSelection"))
            else:
                label = f"{kind}s" + (" without a text representation" if kind == "PDFSource" else "")
                self.file.skipped[label] = self.file.skipped.get(label, 0) + 1

    def notes_(self, container) -> None:
        if self.check_empty(container):
            return
        for el in children(container, "Note"):
            guid = self.guid(el)
            content = child(el, "PlainTextContent")
            self.file.notes[guid] = RefiNote(guid, (el.get("name") or "").strip(),
                                             None if content is None else (content.text or ""),
                                             el.get("plainTextPath"), normal_guid(el.get("creatingUser")),
                                             getattr(el, "sourceline", None))

    def finish(self) -> None:
        messages = {
            "missing_guid": "element(s) without a guid (e.g. {ex}): given one",
            "bad_guid": "GUID(s) not in the 8-4-4-4-12 hex form (e.g. {ex}): kept as they are",
            "code_without_name": "code(s) without a name (e.g. at {ex}): named by their GUID",
            "no_iscodable": "code(s) without isCodable (e.g. {ex}): read as codable",
            "bad_iscodable": "code(s) with an isCodable that is not true or false (e.g. {ex}): read as not codable",
            "bad_colour": "code colour(s) that are not #RRGGBB or #RGB (e.g. {ex}): ignored",
            "value_without_variable": "variable value(s) naming no variable (e.g. at {ex}): left out",
            "coding_without_code": "coding(s) without a CodeRef (e.g. {ex}): left out",
            "whole_document": "whole-document coding(s) (e.g. on {ex}): read as selections covering the document",
        }
        for key, n in self.notes.items():
            self.file.warnings.append(f"{self.label}: {n} " + messages[key].format(ex=self.examples[key]))


def read_refi_xml(root, label: str, entry: str | None = None) -> RefiFile:
    """The content of a parsed REFI-QDA root element (``Project`` or ``CodeBook``).

    Raises
    ------
    InputError
        The root is neither a ``Project`` nor a ``CodeBook``.
    """
    reader = _Reader(label, entry)
    kind = local(root)
    ns = root.tag.partition("}")[0].lstrip("{") if root.tag.startswith("{") else ""
    if kind not in ("Project", "CodeBook"):
        raise InputError(f"the XML's root element is <{kind}>, not a REFI-QDA <Project> or <CodeBook>",
                         path=label, location=reader.where(root),
                         expected="a REFI-QDA project (.qdpx) or codebook (.qdc)")
    expected_ns = "urn:QDA-XML:project:1.0" if kind == "Project" else "urn:QDA-XML:codebook:1.0"
    if ns != expected_ns:
        reader.file.warnings.append(f"{label}: the <{kind}> element is in namespace {ns or '(none)'!r}, not "
                                    f"{expected_ns!r}; read anyway")
    f = reader.file
    f.kind = "project" if kind == "Project" else "codebook"
    f.name = (root.get("name") or "").strip()
    f.origin = (root.get("origin") or "").strip()
    f.creating_user = normal_guid(root.get("creatingUserGUID"))
    for el in children(root):
        name = local(el)
        if name == "Users":
            reader.users(el)
        elif name == "CodeBook":
            codes = child(el, "Codes")
            if codes is not None:
                f.codes = reader.codes(codes)
        elif name == "Codes":                       # the root of a .qdc
            f.codes = reader.codes(el)
        elif name == "Variables":
            reader.variables(el)
        elif name == "Cases":
            reader.cases(el)
        elif name == "Sources":
            reader.sources(el)
        elif name == "Notes":
            reader.notes_(el)
        elif name == "NoteRef":
            g = normal_guid(el.get("targetGUID"))
            if g:
                f.project_notes.append(g)
        elif name in ("Sets", "Links", "Graphs"):
            if not reader.check_empty(el):
                f.skipped[name.lower()] = f.skipped.get(name.lower(), 0) + sum(1 for _ in children(el))
    reader.finish()
    return f
