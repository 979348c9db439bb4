"""``duocode refi export``: a project as a REFI-QDA 1.5 project (``.qdpx``), or its codebook as a ``.qdc``.

What goes where (REFI-QDA 1.5, Project.xsd):

- ``Users``: one per human coder, and ``consensus``;
- ``CodeBook``: the codebook as a tree (:mod:`~duocode.interop.refi.codetree`);
- ``Sources``: every document as ``sources/<GUID>.txt`` (UTF-8, no byte-order mark, the stored text exactly,
  LF line breaks); on it, every case as one ``PlainTextSelection`` per coder who coded it (``creatingUser`` on
  the selection and on each of its codings), code points, end exclusive, the case's text (or its first 200
  characters) as ``name``; a coder's memo on the case as the selection's ``Description`` and as a ``Note``;
- ``Variables`` and ``Cases``: the informant table, one named ``Case`` per informant with a ``VariableValue``
  per attribute and a ``SourceRef`` to the interview (mirrored on the source for readers that look there);
- ``Notes``: memos, the reasons of consensus decisions (attached to the consensus codings they explain), the
  codebook's YAML, and a record of what REFI-QDA has no place for (case ids, the coders' case proposals, who
  decided each consensus value, decisions that a variable stays not coded, document formats and speaker turns),
  so that ``duocode refi import`` restores the project exactly.

GUIDs are name-based (:func:`~duocode.interop.refi.model.stable_guid`) and the zip is written with fixed
timestamps and sorted entries: the same project exports to the same bytes. Nothing of the researcher's disk
(paths, user names) is written. Not exported: pre-coder candidates and suggestions, rejected cases, the event log.
"""
from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from duocode.errors import InputError
from duocode.files import replace_atomically, write_atomic
from duocode.interop.refi.codetree import codebook_tree, value_guid
from duocode.interop.refi.model import (CODEBOOK_NOTE_PREFIX, CODEBOOK_NS, PROJECT_NS, RECORD_FORMAT,
                                        RECORD_NOTE_PREFIX, RECORD_VERSION, RefiCode, stable_guid)

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project

NAME_CHARS = 200
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Characters XML 1.0 cannot hold (control characters other than tab and line breaks): written as U+FFFD.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str | None) -> str:
    """``text`` with the characters XML 1.0 cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text or "")


def _seconds(timestamp: str | None) -> str | None:
    """duocode's ``2024-01-02T03:04:05.123456Z`` as ``2024-01-02T03:04:05Z``."""
    if not timestamp:
        return None
    return timestamp[:19] + "Z" if len(timestamp) >= 19 else None


@dataclass
class RefiExportResult:
    """What :func:`export_refi` wrote."""

    path: str
    kind: str                 # qdpx | qdc
    documents: int = 0
    codes: int = 0
    selections: int = 0
    codings: int = 0
    coders: list[str] = field(default_factory=list)
    informants: int = 0
    notes: int = 0
    bytes: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"file": self.path, "kind": self.kind, "documents": self.documents, "codes": self.codes,
                "selections": self.selections, "codings": self.codings, "coders": self.coders,
                "informants": self.informants, "notes": self.notes, "bytes": self.bytes,
                "warnings": self.warnings}



class _Builder:
    """Element helpers around lxml for one namespace. Free text (``name`` attributes, element text) is passed
    through :func:`xml_text`; the other attributes are GUIDs, numbers and paths made here."""

    def __init__(self, ns: str):
        from lxml import etree

        self.etree = etree
        self.ns = ns
        self._tags: dict[str, str] = {}

    def _tag(self, tag: str) -> str:
        q = self._tags.get(tag)
        if q is None:
            q = self._tags[tag] = f"{{{self.ns}}}{tag}"
        return q

    def root(self, tag: str, **attrs):
        return self.etree.Element(self._tag(tag), self._attrs(attrs), nsmap={None: self.ns})

    def sub(self, parent, tag: str, text: str | None = None, **attrs):
        el = self.etree.SubElement(parent, self._tag(tag), self._attrs(attrs))
        if text is not None:
            el.text = xml_text(text)
        return el

    @staticmethod
    def _attrs(attrs: dict) -> dict:
        out = {k: v for k, v in attrs.items() if v is not None}
        if "name" in out:
            out["name"] = xml_text(out["name"])
        return out

    def tostring(self, root) -> bytes:
        return self.etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _code_elements(b: _Builder, parent, codes: list[RefiCode], *, project: bool) -> int:
    n = 0
    for code in codes:
        el = b.sub(parent, "Code", guid=code.guid, name=code.name, isCodable="true" if code.codable else "false")
        if code.description:
            b.sub(el, "Description", code.description)
        n += 1 + _code_elements(b, el, code.children, project=project)
    return n


def _interval_values(project: "Project", rows) -> dict[str, set[str]]:
    intervals = {v.id for v in project.codebook.variables if not v.is_categorical}
    out: dict[str, set[str]] = {}
    for r in rows:
        if r.variable in intervals and r.value:
            out.setdefault(r.variable, set()).add(r.value)
    return out


def export_refi(project: "Project", output: str | Path) -> RefiExportResult:
    """Write the project to ``output``: a ``.qdpx`` REFI-QDA project, or with ``.qdc`` its codebook only.

    Parameters
    ----------
    project
        The open project.
    output
        The file to write (replaced atomically: an interrupted export leaves no half file).

    Returns
    -------
    RefiExportResult
        What was written, with counts.

    Raises
    ------
    InputError
        ``output`` ends in neither ``.qdpx`` nor ``.qdc``.
    """
    out = Path(output)
    suffix = out.suffix.lower()
    if suffix not in (".qdpx", ".qdc"):
        raise InputError(f"cannot tell what to write from the extension {suffix or '(none)'!r}", path=str(output),
                         expected="FILE.qdpx (the whole project) or FILE.qdc (the codebook)")
    if suffix == ".qdc":
        data, result = _codebook_only(project, str(output))
        write_atomic(out, data)
        result.bytes = len(data)
        return result
    entries, result = _project(project, str(output))

    def write(tmp: str) -> None:
        with zipfile.ZipFile(tmp, "w") as zf:
            for name in sorted(entries, key=lambda n: (n != "project.qde", n)):
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o644 << 16
                zf.writestr(info, entries[name], compresslevel=6)

    replace_atomically(out, write)
    result.bytes = out.stat().st_size
    return result


def _codebook_only(project: "Project", label: str) -> tuple[bytes, RefiExportResult]:
    from duocode import __version__
    from duocode.store import code_rows

    codebook = project.codebook
    rows = [r for r in code_rows(project) if r.value]
    tree = codebook_tree(codebook, _interval_values(project, rows))
    b = _Builder(CODEBOOK_NS)
    root = b.root("CodeBook", origin=f"duocode {__version__} (codebook {codebook.id} {codebook.version})")
    codes = b.sub(root, "Codes")
    n = _code_elements(b, codes, tree, project=False)
    return b.tostring(root), RefiExportResult(label, "qdc", codes=n)


def _project(project: "Project", label: str) -> tuple[dict[str, bytes], RefiExportResult]:
    from duocode import __version__
    from duocode.store import CONSENSUS
    from duocode.store import list_cases
    from duocode.store import code_rows, memos
    from duocode.store import coder_kinds
    from duocode.store import document_ids, get_document, informants
    from duocode.store import adopted_codes
    from duocode.store import list_proposals

    codebook = project.codebook
    pid = project.project_id or "no-project-id"
    result = RefiExportResult(label, "qdpx")
    kinds = coder_kinds(project)
    humans = sorted(c for c, k in kinds.items() if k == "human")
    coders = humans + [CONSENSUS]
    user_guid = {c: stable_guid("project", pid, "user", c) for c in coders}
    cases = list_cases(project)
    accepted = {c.id for c in cases}
    rows = [r for r in code_rows(project) if r.coder in user_guid and r.case_id in accepted]
    by_case: dict[str, dict[str, list]] = {}
    for r in rows:
        by_case.setdefault(r.case_id, {}).setdefault(r.coder, []).append(r)
    memo_of = {(case_id, coder): text for coder in humans for case_id, text in memos(project, coder).items()
               if case_id in accepted}
    rank = {v: i for i, v in enumerate(codebook.variable_ids)}

    b = _Builder(PROJECT_NS)
    root = b.root("Project", name=project.directory.resolve().name or "duocode project",
                  origin=f"duocode {__version__}", creationDateTime=_seconds(project.meta("created_at")))
    users = b.sub(root, "Users")
    for c in coders:
        b.sub(users, "User", guid=user_guid[c], name=c)

    tree = codebook_tree(codebook, _interval_values(project, rows))
    codebook_el = b.sub(root, "CodeBook")
    result.codes = _code_elements(b, b.sub(codebook_el, "Codes"), tree, project=True)

    people = informants(project)
    attributes = sorted({name for inf in people.values() for name in inf.attributes})
    attr_guid = {a: stable_guid("project", pid, "attribute", a) for a in attributes}
    if attributes:
        variables = b.sub(root, "Variables")
        for a in attributes:
            b.sub(variables, "Variable", guid=attr_guid[a], name=a, typeOfVariable="Text")
    doc_ids = document_ids(project)
    doc_guid = {d: stable_guid("project", pid, "document", d) for d in doc_ids}
    informant_of_doc: dict[str, str] = {}
    if people:
        cases_el = b.sub(root, "Cases")
        for inf_id in sorted(people):
            inf = people[inf_id]
            el = b.sub(cases_el, "Case", guid=stable_guid("project", pid, "informant", inf_id), name=inf_id)
            _values(b, el, inf.attributes, attr_guid)
            b.sub(el, "SourceRef", targetGUID=doc_guid[inf.document])
            informant_of_doc.setdefault(inf.document, inf_id)
        result.informants = len(people)

    notes: list[tuple[str, dict, str | None, str | None]] = []   # (guid, attrs, inline text, file name)
    files: dict[str, bytes] = {}
    record = {"format": RECORD_FORMAT, "version": RECORD_VERSION, "duocode": __version__, "project_id": pid,
              "coders": {user_guid[c]: c for c in coders}, "documents": {}, "selections": {}, "cases": {},
              "consensus": {}, "not_coded": [], "adopted": [], "proposals": []}
    reason_notes: dict[tuple[str, str, str], str] = {}

    sources = b.sub(root, "Sources") if doc_ids else None
    cases_by_doc: dict[str, list] = {}
    for c in cases:
        cases_by_doc.setdefault(c.document, []).append(c)
    for doc_id in doc_ids:
        doc = get_document(project, doc_id)
        guid = doc_guid[doc_id]
        files[f"sources/{guid}.txt"] = doc.text.encode("utf-8")
        record["documents"][guid] = {"id": doc_id, "format": doc.format, "encoding": doc.encoding,
                                     "turns": [[t.speaker, t.start, t.end, t.media_start, t.media_end]
                                               for t in doc.turns]}
        src = b.sub(sources, "TextSource", guid=guid, name=doc_id, plainTextPath=f"internal://{guid}.txt")
        for case in sorted(cases_by_doc.get(doc_id, []), key=lambda c: (c.start, c.end, c.id)):
            if case.source != "human" or case.confidence is not None or case.explanation is not None:
                record["cases"][case.id] = [case.source, case.confidence, case.explanation]
            name = case.text if len(case.text) <= NAME_CHARS else case.text[:NAME_CHARS - 1] + "…"
            coded = by_case.get(case.id, {})
            who = [c for c in coders if c in coded or (case.id, c) in memo_of]
            for coder in who or [""]:
                sel_guid = stable_guid("project", pid, "selection", case.id, coder)
                record["selections"][sel_guid] = case.id
                sel = b.sub(src, "PlainTextSelection", guid=sel_guid, name=name, startPosition=str(case.start),
                            endPosition=str(case.end), creatingUser=user_guid.get(coder))
                result.selections += 1
                memo = memo_of.get((case.id, coder))
                if memo:
                    b.sub(sel, "Description", memo)
                for r in sorted(coded.get(coder, []), key=lambda r: rank.get(r.variable, len(rank))):
                    if coder == CONSENSUS and r.value == "":
                        record["not_coded"].append([case.id, r.variable, r.reason, r.decided_by])
                        continue
                    var = codebook.variables_by_id.get(r.variable)
                    if var is None or (var.is_categorical and r.value not in var.value_ids):
                        result.warnings.append(f"case {case.id}: {coder}'s code {r.variable} = {r.value!r} is "
                                               "not in the codebook; not exported")
                        continue
                    coding_guid = stable_guid("project", pid, "coding", case.id, r.variable, coder)
                    coding = b.sub(sel, "Coding", guid=coding_guid, creatingUser=user_guid[coder])
                    b.sub(coding, "CodeRef", targetGUID=value_guid(codebook.id, r.variable, r.value))
                    result.codings += 1
                    if coder == CONSENSUS:
                        record["consensus"][coding_guid] = [r.reason, r.decided_by]
                        if r.reason and not (r.decided_by == "auto"):
                            key = (case.id, r.reason, r.decided_by or "")
                            if key not in reason_notes:
                                digest = hashlib.sha256("\x00".join(key).encode("utf-8")).hexdigest()[:16]
                                reason_notes[key] = stable_guid("project", pid, "reason", case.id, digest)
                                who_decided = f", decided by {r.decided_by}" if r.decided_by else ""
                                notes.append((reason_notes[key], {
                                    "name": f"Consensus reason, case {case.id}{who_decided}",
                                    "creatingUser": user_guid[CONSENSUS]}, r.reason, None))
                            b.sub(coding, "NoteRef", targetGUID=reason_notes[key])
                if memo:
                    note_guid = stable_guid("project", pid, "memo", case.id, coder)
                    notes.append((note_guid, {"name": f"Memo of {coder} on case {case.id}",
                                              "creatingUser": user_guid[coder]}, memo, None))
                    b.sub(sel, "NoteRef", targetGUID=note_guid)
        inf_id = informant_of_doc.get(doc_id)
        if inf_id is not None:
            _values(b, src, people[inf_id].attributes, attr_guid)
    result.documents = len(doc_ids)
    result.coders = [c for c in coders if any(c in v for v in by_case.values())]

    record["proposals"] = [[p.coder, p.document, p.start, p.end, p.case_id] for p in list_proposals(project)]
    record["adopted"] = sorted([list(k) for k in adopted_codes(project) if k[0] in accepted])
    codebook_guid = stable_guid("project", pid, "note", "codebook")
    record_guid = stable_guid("project", pid, "note", "record")
    record["codebook_note"] = codebook_guid
    files[f"sources/{codebook_guid}.txt"] = codebook.text.encode("utf-8")
    files[f"sources/{record_guid}.txt"] = json.dumps(record, ensure_ascii=False, sort_keys=True,
                                                     separators=(",", ":")).encode("utf-8")
    notes = [(codebook_guid, {"name": f"{CODEBOOK_NOTE_PREFIX}: {codebook.id} {codebook.version} (the codebook "
                                      "as YAML)"}, None, f"{codebook_guid}.txt"),
             (record_guid, {"name": f"{RECORD_NOTE_PREFIX} (what REFI-QDA has no place for, read back by "
                                   "`duocode refi import`)"}, None, f"{record_guid}.txt")] + notes
    notes_el = b.sub(root, "Notes")
    for guid, attrs, text, file_name in notes:
        el = b.sub(notes_el, "Note", guid=guid, name=attrs["name"], creatingUser=attrs.get("creatingUser"),
                   plainTextPath=f"internal://{file_name}" if file_name else None)
        if text is not None:
            b.sub(el, "PlainTextContent", text)
    result.notes = len(notes)
    b.sub(root, "NoteRef", targetGUID=codebook_guid)
    b.sub(root, "NoteRef", targetGUID=record_guid)
    files["project.qde"] = b.tostring(root)
    return files, result


def _values(b: _Builder, parent, attributes: dict, attr_guid: dict[str, str]) -> None:
    for name in sorted(attributes):
        vv = b.sub(parent, "VariableValue")
        b.sub(vv, "VariableRef", targetGUID=attr_guid[name])
        b.sub(vv, "TextValue", attributes[name] or "")
