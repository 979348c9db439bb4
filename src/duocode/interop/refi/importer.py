"""``duocode refi import``: a REFI-QDA project (``.qdpx``) or codebook (``.qdc``) into a new or empty project.

Everything is read, checked and planned in memory first; only then is the project created and written in one
transaction. An unsafe or unreadable file is refused with nothing written (a folder created for the import is
removed again).

- **Sources** become documents: the plain text (UTF-8, a byte-order mark removed, line breaks stored as LF), a
  ``.docx`` through its plain-text twin (or, with no twin, read as ``duocode ingest`` reads Word files), a PDF
  through its text representation. A document's id is the source's name (without a file extension).
- **Selections** become cases. With one coder each distinct span is a case. With several coders, each coder's
  selections are stored as that coder's case proposals and merged as ``duocode cases merge`` does (overlapping
  proposals of different coders become one case, and each coder gets ``is_case``). Offsets are converted to code
  points of the stored text (:mod:`~duocode.interop.refi.positions`), and each selection's ``name`` is checked
  against the text it selects.
- **Codings** become the codes of the user who applied them (``creatingUser`` of the coding, else of the
  selection); a coder's selection memo (``Description``, or a note attached to the selection) becomes that
  coder's memo on the case.
- **The code tree** becomes the codebook (:mod:`~duocode.interop.refi.codetree`): restored exactly when the file
  came from duocode, derived by the rules there otherwise.
- **Cases** with a name become informants, their variable values attributes, linked to the first of their
  sources; values set on a source (as MAXQDA writes them) join that source's informant.
- A file written by duocode also carries a record (see :mod:`~duocode.interop.refi.exporter`) from which case ids,
  proposals, consensus decisions and speaker turns come back as they were. When the file's selections no
  longer match the record (edited in another tool), the record is set aside with a warning.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from duocode.errors import DuocodeError, InputError, RefusedError
from duocode.interop.refi.model import (CODEBOOK_NOTE_PREFIX, RECORD_FORMAT, RECORD_NOTE_PREFIX, RefiFile,
                                        RefiNote, RefiSelection, RefiSource)

if TYPE_CHECKING:  # pragma: no cover
    from duocode.codebook import Codebook
    from duocode.interop.refi.container import Container
    from duocode.store import Project
    from duocode.store import Case
    from duocode.store import CodeRow
    from duocode.store import Document, Informant

EXPECTED = "a REFI-QDA project (.qdpx) or codebook (.qdc)"
_CODECS = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16", "utf-32": "utf-32", "cp1252": "cp1252"}
_EXTENSIONS = (".txt", ".docx", ".doc", ".pdf", ".rtf", ".md", ".odt")


@dataclass
class RefiImportResult:
    """What :func:`import_refi` imported; ``to_dict()`` is the contract's JSON."""

    path: str
    project: str
    documents: int = 0
    codes: int = 0
    selections: int = 0
    codings: int = 0
    coders: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    codebook: str = ""
    cases: int = 0

    def to_dict(self) -> dict:
        return {"documents": self.documents, "codes": self.codes, "selections": self.selections,
                "codings": self.codings, "coders": list(self.coders), "warnings": list(self.warnings)}



# -- reading the file ---------------------------------------------------------------------------------------------
def read_refi_file(path: str | Path) -> tuple[RefiFile, "Container | None"]:
    """Open, check and parse ``path`` (``.qdpx``, or ``.qdc``/``.qde`` XML). The caller closes the container.

    Raises
    ------
    InputError
        Unknown extension, unsafe or unreadable file (see :mod:`~duocode.interop.refi.container`).
    """
    from duocode.files import read_bytes
    from duocode.interop.refi.container import open_qdpx, parse_xml
    from duocode.interop.refi.xmlread import read_refi_xml

    label = str(path)
    suffix = Path(path).suffix.lower()
    if suffix == ".qdpx":
        container = open_qdpx(path)
        try:
            root = parse_xml(container.qde, label, container.qde_name)
            file = read_refi_xml(root, label, container.qde_name)
        except BaseException:
            container.close()
            raise
        if file.kind != "project":
            container.close()
            raise InputError(f"{container.qde_name} holds a <CodeBook>, not a <Project>", path=label,
                             expected="a .qdpx holding a project; a codebook alone is a .qdc file")
        return file, container
    if suffix in (".qdc", ".qde"):
        data = read_bytes(path)
        if data[:4] == b"PK\x03\x04":
            raise InputError(f"the file is a zip archive, not the XML a {suffix} file holds", path=label,
                             expected="a .qdc codebook (XML); a zipped project is a .qdpx")
        file = read_refi_xml(parse_xml(data, label), label)
        if suffix == ".qdc" and file.kind != "codebook":
            file.warnings.append(f"{label}: holds a <Project>, not a <CodeBook>; read as a project")
        return file, None
    raise InputError(f"cannot tell what the file is from its extension {suffix or '(none)'!r}", path=label,
                     expected=EXPECTED)


# -- the plan: everything to write, checked ------------------------------------------------------------------------
@dataclass
class _Unit:
    """One coder's selection, converted: a span of a document with that coder's codings on it."""

    document: str
    start: int
    end: int
    coder: str
    codes: list[tuple[str, str]]      # (code GUID, coding GUID), in file order
    memo: str | None
    selection: RefiSelection


@dataclass
class _Plan:
    codebook: "Codebook"
    codebook_how: str                 # embedded | bundled:NAME | derived
    documents: list["Document"] = field(default_factory=list)
    informants: list["Informant"] = field(default_factory=list)
    cases: list["Case"] = field(default_factory=list)
    proposals: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)
    links: list[tuple[str, str, int, int, str]] = field(default_factory=list)   # coder, doc, start, end, case
    merge: bool = False
    units: list[_Unit] = field(default_factory=list)
    codes: list["CodeRow"] = field(default_factory=list)
    adopted: list["CodeRow"] = field(default_factory=list)
    memos: list[tuple[str, str, str]] = field(default_factory=list)            # case, coder, text
    record: dict | None = None


class _Importer:
    def __init__(self, file: RefiFile, container: "Container | None", label: str):
        self.file = file
        self.container = container
        self.label = label
        self.warnings: list[str] = list(file.warnings)
        self.coder_of_user: dict[str, str] = {}
        self.n_selections = 0
        self.n_codings = 0

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    # -- notes and the duocode record -------------------------------------------------------------------------
    def note_text(self, note: RefiNote) -> str | None:
        if note.text is not None:
            return note.text
        if note.plain_path and self.container is not None:
            entry, _why = self.container.internal_name(note.plain_path)
            if entry is not None:
                try:
                    return self.container.read(entry).decode("utf-8-sig")
                except UnicodeDecodeError:
                    return None
        return None

    def duocode_notes(self) -> tuple[str | None, dict | None]:
        """The embedded codebook YAML and the record, when the file carries them."""
        yaml_text = record = None
        for note in self.file.notes.values():
            if note.name.startswith(CODEBOOK_NOTE_PREFIX) and yaml_text is None:
                yaml_text = self.note_text(note)
            elif note.name.startswith(RECORD_NOTE_PREFIX) and record is None:
                text = self.note_text(note)
                try:
                    data = json.loads(text) if text else None
                except ValueError:
                    data = None
                if isinstance(data, dict) and data.get("format") == RECORD_FORMAT:
                    record = data
                else:
                    self.warn(f"{self.label}: the note {note.name!r} is not a readable duocode record; ignored")
        return yaml_text, record

    # -- texts --------------------------------------------------------------------------------------------------
    def source_text(self, source: RefiSource) -> tuple[str | None, str, str | None]:
        """``(raw text, how it was read, encoding)``; ``None`` with a warning when there is no text to read."""
        from duocode.decode import decode_bytes

        name = _shown(source)
        if source.inline_text is not None and source.plain_path is None:
            return (source.inline_text if source.inline_text.strip() else None), "PlainTextContent", None
        if source.plain_path and self.container is not None:
            entry, why = self.container.internal_name(source.plain_path)
            if entry is None:
                self.warn(f"{self.label}: source {name!r}: its plain text {why}; not imported")
                return None, "", None
            if not source.plain_path.lower().startswith("internal://"):
                self.warn(f"{self.label}: source {name!r}: plainTextPath {source.plain_path!r} lacks the "
                          "internal:// scheme (as qc 1.3.2 writes it); read from the archive")
            data = self.container.read(entry)
            where = f"{self.label}:{entry}"
            if not data.strip():
                self.warn(f"{self.label}: source {name!r} has no text ({entry} is empty); not imported")
                return None, "", None
            try:
                decoded = decode_bytes(data, where)
            except InputError as exc:
                self.warn(f"{exc.problems[0]}; source {name!r} not imported")
                return None, "", None
            raw = data.decode(_CODECS.get(decoded.encoding, "utf-8"))
            if raw.startswith("\ufeff"):
                raw = raw[1:]
            if decoded.encoding != "utf-8":
                what = ("starts with a byte-order mark, removed (positions count from after it)"
                        if decoded.encoding.startswith("utf") else f"is {decoded.encoding}, not UTF-8; decoded as such")
                self.warn(f"{self.label}: source {name!r}: {entry} {what}")
            return raw, entry, decoded.encoding
        if source.rich_path and self.container is not None:
            entry, why = self.container.internal_name(source.rich_path)
            if entry is not None and entry.lower().endswith(".docx"):
                from duocode.ingest import docx_text

                try:
                    text = docx_text(self.container.read(entry), f"{self.label}:{entry}")
                except InputError as exc:
                    self.warn(f"{exc.problems[0]}; source {name!r} not imported")
                    return None, "", None
                self.warn(f"{self.label}: source {name!r} has no plain-text twin; its text was read from {entry} "
                          "(paragraphs one per line), so its selections may not land where the other tool had them")
                return text, entry, None
        self.warn(f"{self.label}: source {name!r} has no text duocode can read; not imported")
        return None, "", None

    # -- coders -------------------------------------------------------------------------------------------------
    def coder(self, user: str | None, record: dict | None) -> str:
        from duocode.store import RESERVED_CODERS

        key = user or ""
        if key in self.coder_of_user:
            return self.coder_of_user[key]
        if record is not None and key in record.get("coders", {}):
            name = record["coders"][key]
        else:
            refi_user = self.file.users.get(key)
            if refi_user is not None:
                name = refi_user.label
            elif key:
                name = key
                self.warn(f"{self.label}: user {key} is not declared under <Users>; coder named by the GUID")
            else:
                name = "unattributed"
            if name.casefold() in RESERVED_CODERS:
                renamed = f"{name} ({Path(self.label).stem})"
                self.warn(f"{self.label}: user {name!r} has a name duocode reserves; imported as coder {renamed!r}")
                name = renamed
        taken = set(self.coder_of_user.values())
        base, k = name, 1
        while name in taken:
            k += 1
            name = f"{base} ({k})"
        self.coder_of_user[key] = name
        return name

    def default_user(self) -> str | None:
        if self.file.creating_user in self.file.users:
            return self.file.creating_user
        if len(self.file.users) == 1:
            return next(iter(self.file.users))
        return None

    # -- documents and selections -------------------------------------------------------------------------------
    def documents(self, record: dict | None) -> tuple[list["Document"], dict[str, str], list[tuple]]:
        """Documents, source GUID -> document id, and ``(source, selection, start, end)`` converted spans."""
        from duocode.ingest import find_turns
        from duocode.interop.refi.positions import CP, TextIndex, choose_convention, name_match
        from duocode.interop.refi.xmlread import WHOLE_DOCUMENT
        from duocode.store import Document, Turn, text_sha256

        docs: list[Document] = []
        doc_of: dict[str, str] = {}
        spans: list[tuple] = []
        used: set[str] = set()
        rec_docs = (record or {}).get("documents", {})
        for source in self.file.sources:
            raw, entry, encoding = self.source_text(source)
            if raw is None:
                if source.selections:
                    self.warn(f"{self.label}: {len(source.selections)} selection(s) on source "
                              f"{_shown(source)!r} left out with it")
                continue
            index = TextIndex(raw)
            rec = rec_docs.get(source.guid)
            doc_id = self.document_id(source, rec, used)
            turns = ([Turn(*t) for t in rec["turns"]] if rec is not None
                     else find_turns(index.stored, lines_are_paragraphs=entry.lower().endswith(".docx")))
            fmt = rec["format"] if rec is not None else ("pdf" if source.kind == "PDFSource" else
                                                         "docx" if entry.lower().endswith(".docx") else "txt")
            docs.append(Document(id=doc_id, text=index.stored, format=fmt,
                                 source_path=f"{self.label}:{entry}" if entry else self.label,
                                 sha256=text_sha256(index.stored),
                                 encoding=rec.get("encoding") if rec is not None else encoding, turns=turns))
            doc_of[source.guid] = doc_id
            length = len(index.stored)
            given = [(s.start, length if s.end == WHOLE_DOCUMENT else s.end, s.name) for s in source.selections]
            convention, matched, named = (choose_convention(index, given, self.file.origin) if given
                                          else (CP, 0, 0))
            if convention != CP:
                self.warn(f"{self.label}: source {doc_id!r}: positions are counted in {convention} "
                          f"({matched} of {named} selection names match that way); converted to code points")
            if index.has_crlf:
                self.warn(f"{self.label}: source {doc_id!r} has CRLF line breaks; stored as LF, positions "
                          "converted")
            outside, mismatched = [], []
            for sel, (start, end, name) in zip(source.selections, given):
                a, b = index.to_stored(start, convention), index.to_stored(end, convention)
                if not 0 <= a < b <= length:
                    outside.append(f"{sel.guid} ({start}-{end}, {self.where(sel)})")
                    continue
                if name.strip() and not name_match(name, index.stored[a:b]):
                    mismatched.append(f"{name[:40]!r} at {a}-{b} reads {index.stored[a:b][:40]!r}")
                spans.append((source, sel, a, b))
            if outside:
                self.warn(f"{self.label}: source {doc_id!r}: {len(outside)} selection(s) outside the text "
                          f"(length {length}) left out: " + "; ".join(outside[:3]) + ("; ..." if len(outside) > 3
                                                                                       else ""))
            if mismatched:
                self.warn(f"{self.label}: source {doc_id!r}: {len(mismatched)} of {named} selection names do not "
                          "match the text they select (positions kept as given), e.g. " + "; ".join(mismatched[:2]))
        return docs, doc_of, spans

    def where(self, sel: RefiSelection) -> str:
        entry = self.container.qde_name if self.container is not None else None
        return " ".join(p for p in (entry, f"line {sel.line}" if sel.line else None) if p) or "?"

    @staticmethod
    def document_id(source: RefiSource, rec: dict | None, used: set[str]) -> str:
        if rec is not None:
            name = rec["id"]
        else:
            name = source.name.strip()
            if name.lower().endswith(_EXTENSIONS):
                name = name.rsplit(".", 1)[0]
            if not name and source.plain_path:
                name = Path(source.plain_path.split("://")[-1]).stem
            name = name or source.guid
        base, k = name, 1
        while name in used:
            k += 1
            name = f"{base} ({k})"
        used.add(name)
        return name

    # -- the codebook -------------------------------------------------------------------------------------------
    def resolve_codebook(self, yaml_text: str | None, several: bool, multi_of) -> tuple["Codebook", dict, set, str]:
        """``(codebook, code GUID -> (variable, value), yes/no variable ids, how it was found)``."""
        from duocode.codebook import bundled_codebook_names, codebook_from_text, load_codebook
        from duocode.interop.refi.codetree import derive_codebook, match_codebook, slug

        if yaml_text is not None:
            try:
                embedded = codebook_from_text(yaml_text, f"{self.label} (embedded codebook)")
            except DuocodeError as exc:
                self.warn(f"{self.label}: the embedded duocode codebook does not load ({exc.problems[0]}); "
                          "set aside")
            else:
                mapping = match_codebook(embedded, self.file.codes)
                if mapping is not None:
                    return embedded, mapping, set(), "embedded"
                self.warn(f"{self.label}: the code tree no longer matches the duocode codebook embedded in the "
                          "file (changed in another tool?); a codebook was made from the tree instead")
        if self.file.codes:
            for name in bundled_codebook_names():
                bundled = load_codebook(name)
                if len(bundled.variables) != len(self.file.codes):
                    continue
                mapping = match_codebook(bundled, self.file.codes)
                if mapping is not None:
                    return bundled, mapping, set(), f"bundled:{name}"
        stem = self.file.name or Path(self.label).stem
        multi = multi_of() if self.file.codes else set()
        derived = derive_codebook(
            self.file.codes, codebook_id=slug(stem, fallback="imported"),
            title=f"{stem} (imported from REFI-QDA)",
            description=f"Made by `duocode refi import` from the code tree of {Path(self.label).name}"
                        + (f" ({self.file.origin})" if self.file.origin else "") + ".",
            multi=multi, case_finding=several)
        codebook = codebook_from_text(derived.yaml_text, f"{self.label} (codebook made from its code tree)")
        n_codes = len(self.file.all_codes())
        self.warn(f"{self.label}: the code tree ({n_codes} codes) became a new codebook {codebook.id!r}: "
                  f"{derived.n_nominal} folder(s) of codes as nominal variables (each code inside a value), "
                  f"{derived.n_flags} code(s) as yes/no variables"
                  + (f", {len(multi)} folder(s) whose codes were applied together to one passage split into "
                     "yes/no variables" if multi else "")
                  + (", and is_case for the coders' case finding" if several else ""))
        self.warnings += [f"{self.label}: {w}" for w in derived.warnings]
        return codebook, derived.values, derived.flags, "derived"


def _shown(source: RefiSource) -> str:
    """A source as a person would name it: its name, else its file name, else its GUID."""
    if source.name:
        return source.name
    if source.plain_path:
        return source.plain_path.split("://")[-1]
    return source.guid


def _clusters(units: list[_Unit]) -> dict[int, tuple[str, int]]:
    """id(unit) -> (document, cluster number): spans overlapping each other (transitively, any coder) share a
    cluster, as ``cases merge`` groups proposals in a project without cases."""
    out: dict[int, tuple[str, int]] = {}
    by_doc: dict[str, list[_Unit]] = {}
    for u in units:
        by_doc.setdefault(u.document, []).append(u)
    for doc, items in by_doc.items():
        k, end = -1, -1
        for u in sorted(items, key=lambda u: (u.start, u.end)):
            if k < 0 or u.start >= end:
                k += 1
                end = u.end
            else:
                end = max(end, u.end)
            out[id(u)] = (doc, k)
    return out


def _plan(imp: _Importer) -> _Plan:
    from duocode.coding import next_case_ids
    from duocode.store import CONSENSUS
    from duocode.store import Case
    from duocode.store import CodeRow

    file = imp.file
    yaml_text, record = imp.duocode_notes()
    docs, doc_of, spans = imp.documents(record)
    if record is not None:
        selections = {sel.guid for s in file.sources for sel in s.selections}
        if not selections <= set(record.get("selections", {})):
            imp.warn(f"{imp.label}: the file has selections its duocode record does not list (edited in another "
                     "tool?); imported as a project from another tool")
            record = None
    default_user = imp.default_user()
    memo_notes = file.notes

    def memo_of(sel: RefiSelection) -> str | None:
        texts = [imp.note_text(memo_notes[g]) for g in sel.notes if g in memo_notes]
        texts = [t for t in texts if t and t.strip()]
        if texts:
            return "\n\n".join(dict.fromkeys(texts))
        return sel.description or None

    units: list[_Unit] = []
    for source, sel, a, b in spans:
        by_coder: dict[str, list[tuple[str, str]]] = {}
        for c in sel.codings:
            by_coder.setdefault(imp.coder(c.user or sel.user or default_user, record), []).append((c.code, c.guid))
        if not by_coder:
            # In a duocode export, a case nobody has coded yet is a selection without a user.
            anyone = sel.user or default_user
            by_coder["" if anyone is None and record is not None else imp.coder(anyone, record)] = []
        memo = memo_of(sel)
        owner = imp.coder(sel.user or default_user, record) if (sel.user or default_user) else None
        for coder, codes in by_coder.items():
            units.append(_Unit(doc_of[source.guid], a, b, coder, codes,
                               memo if (owner is None or coder == owner) else None, sel))
    imp.n_selections = len(spans)
    humans = sorted({u.coder for u in units if u.coder and (u.coder != CONSENSUS or record is None)})
    several = record is None and len(humans) > 1
    clusters = _clusters(units) if several else {}

    def multi_folders() -> set[str]:
        parent = {c.guid: (c.parent.guid if c.parent else None) for c in file.all_codes()}
        applied: dict[tuple, dict[str, set[str]]] = {}
        for u in units:
            key = (clusters.get(id(u)) or (u.document, u.start, u.end), u.coder)
            for g, _coding in u.codes:
                if parent.get(g) is not None:
                    applied.setdefault(key, {}).setdefault(parent[g], set()).add(g)
        return {folder for groups in applied.values() for folder, codes in groups.items() if len(codes) > 1}

    codebook, mapping, flags, how = imp.resolve_codebook(yaml_text, several, multi_folders)
    if record is not None and how != "embedded":
        imp.warn(f"{imp.label}: the duocode record needs the embedded codebook; set aside")
        record = None
    plan = _Plan(codebook, how, docs, record=record)
    plan.informants = _informants(imp, doc_of)

    # -- cases -------------------------------------------------------------------------------------------------
    case_of_unit: dict[int, str] = {}
    if record is not None:
        info = record.get("cases", {})
        span_of: dict[str, tuple[str, int, int]] = {}
        for u in units:
            cid = record["selections"][u.selection.guid]
            case_of_unit[id(u)] = cid
            span = (u.document, u.start, u.end)
            if span_of.setdefault(cid, span) != span:
                imp.warn(f"{imp.label}: case {cid}: selections of different spans ({span_of[cid]} and {span}); "
                         "the first is kept")
        for cid, (doc, s, e) in span_of.items():
            source, confidence, explanation = info.get(cid, ["human", None, None])
            plan.cases.append(Case(cid, doc, s, e, "", source=source, status="case", confidence=confidence,
                                   explanation=explanation))
        known = {d.id for d in docs}
        for coder, doc, s, e, cid in record.get("proposals", []):
            if doc not in known:
                continue
            plan.proposals.setdefault(coder, []).append((doc, s, e))
            if cid is not None:
                plan.links.append((coder, doc, s, e, cid))
    elif several:
        for u in units:
            plan.proposals.setdefault(u.coder, [])
            span = (u.document, u.start, u.end)
            if span not in plan.proposals[u.coder]:
                plan.proposals[u.coder].append(span)
        plan.merge = True
        imp.warn(f"{imp.label}: {len(humans)} coders ({', '.join(humans)}) marked passages: their selections "
                 "were stored as each coder's case proposals and merged as `duocode cases merge` does "
                 "(overlapping selections became one case; is_case derived per coder)")
    else:
        distinct = sorted({(u.document, u.start, u.end) for u in units})
        ids = next_case_ids(set(), len(distinct))
        by_span = dict(zip(distinct, ids))
        for (doc, s, e), cid in by_span.items():
            plan.cases.append(Case(cid, doc, s, e, "", source="human", status="case"))
        for u in units:
            case_of_unit[id(u)] = by_span[(u.document, u.start, u.end)]
    plan.units = units

    # -- codes, decided in document order (the first value wins a conflict) ------------------------------------
    def case_key(u: _Unit):
        return case_of_unit.get(id(u)) or clusters[id(u)]

    chosen: dict[tuple, tuple[str, str | None]] = {}   # (case key, variable, coder) -> (value, coding GUID)
    conflicts, unknown = [], 0
    participants: dict[object, set[str]] = {}
    for u in sorted(units, key=lambda u: (u.document, u.start, u.end)):
        key = case_key(u)
        if u.coder:
            participants.setdefault(key, set()).add(u.coder)
        seen: set[str] = set()
        for g, coding in u.codes:
            if g in seen:
                continue
            seen.add(g)
            target = mapping.get(g)
            if target is None:
                unknown += 1
                continue
            imp.n_codings += 1
            variable, value = target
            slot = (key, variable, u.coder)
            if slot in chosen and chosen[slot][0] != value:
                conflicts.append(f"{u.coder} on {key if isinstance(key, str) else 'a passage of ' + key[0]}: "
                                 f"{variable} = {chosen[slot][0]!r} and {value!r}")
                continue
            chosen.setdefault(slot, (value, coding))
        if u.memo:
            plan.memos.append((key, u.coder, u.memo))
    if unknown:
        imp.warn(f"{imp.label}: {unknown} coding(s) apply codes that are not in the code tree or cannot be coded; "
                 "left out")
    if conflicts:
        imp.warn(f"{imp.label}: {len(conflicts)} time(s) a coder applied two values of one variable to one case; "
                 "the first (in document order) was kept, e.g. " + "; ".join(conflicts[:3]))
    # A coder who coded a case but did not apply a yes/no code that another coder applied there said "no".
    for (key, variable, coder), (value, _coding) in list(chosen.items()):
        if variable in flags and value == "yes":
            for other in participants.get(key, ()):
                chosen.setdefault((key, variable, other), ("no", None))
    consensus_info = (record or {}).get("consensus", {})
    adopted = {tuple(x) for x in (record or {}).get("adopted", [])}
    for (key, variable, coder), (value, coding) in chosen.items():
        reason = decided_by = None
        if coder == CONSENSUS and record is not None:
            reason, decided_by = consensus_info.get(coding or "", [None, None])
        row = CodeRow(key, variable, coder, value, reason=reason, decided_by=decided_by)
        (plan.adopted if (key, variable, coder) in adopted else plan.codes).append(row)
    for cid, variable, reason, decided_by in (record or {}).get("not_coded", []):
        plan.codes.append(CodeRow(cid, variable, CONSENSUS, "", reason=reason, decided_by=decided_by))
    return plan


def _informants(imp: _Importer, doc_of: dict[str, str]) -> list["Informant"]:
    from duocode.store import Informant

    names = {g: v.name for g, v in imp.file.variables.items()}
    out: dict[str, Informant] = {}
    informant_of_doc: dict[str, str] = {}
    unnamed_values: dict[str, dict[str, str | None]] = {}
    lost_vars = 0
    for case in imp.file.cases:
        docs = [doc_of[g] for g in case.sources if g in doc_of]
        values = {}
        for var, value in case.values:
            if var in names:
                values[names[var]] = value or None
            else:
                lost_vars += 1
        if not docs:
            imp.warn(f"{imp.label}: case {case.name or case.guid!r} refers to no imported source; its "
                     f"{len(values)} value(s) are not imported (duocode keeps attributes per interview)")
            continue
        if not case.name:
            unnamed_values.setdefault(docs[0], {}).update(values)   # MAXQDA's per-document case
            continue
        inf_id = case.name
        if inf_id in out:
            imp.warn(f"{imp.label}: two cases are named {inf_id!r}; the second is left out")
            continue
        if len(docs) > 1:
            imp.warn(f"{imp.label}: case {inf_id!r} refers to {len(docs)} sources; linked to the first "
                     f"({docs[0]}), as duocode keeps one interview per informant")
        out[inf_id] = Informant(inf_id, docs[0], values)
        informant_of_doc.setdefault(docs[0], inf_id)
    for source in imp.file.sources:
        doc = doc_of.get(source.guid)
        if doc is None:
            continue
        values = dict(unnamed_values.get(doc, {}))
        for var, value in source.values:
            if var in names:
                values.setdefault(names[var], value or None)
        if not values:
            continue
        inf_id = informant_of_doc.get(doc)
        if inf_id is None:
            inf_id = doc if doc not in out else f"{doc} (document)"
            out[inf_id] = Informant(inf_id, doc, {})
            informant_of_doc[doc] = inf_id
        for k, v in values.items():
            out[inf_id].attributes.setdefault(k, v)
    if lost_vars:
        imp.warn(f"{imp.label}: {lost_vars} variable value(s) refer to undeclared variables; left out")
    return list(out.values())


def _losses(imp: _Importer) -> None:
    file = imp.file
    for what, n in sorted(file.skipped.items()):
        imp.warn(f"{imp.label}: {n} {what} not imported (duocode has no place for them)")
    carried = {g for g, n in file.notes.items() if n.name.startswith((CODEBOOK_NOTE_PREFIX, RECORD_NOTE_PREFIX))}
    used = {g for s in file.sources for sel in s.selections for g in sel.notes}
    used |= {g for s in file.sources for sel in s.selections for c in sel.codings for g in c.notes}
    left = [n for g, n in file.notes.items() if g not in carried and g not in used]
    if left:
        imp.warn(f"{imp.label}: {len(left)} note(s) not attached to a selection (project or code memos) not "
                 "imported, e.g. " + ", ".join(repr(n.name or n.guid) for n in left[:3]))
    if file.kind == "project" and not file.codes:
        imp.warn(f"{imp.label}: the file has no codes")


# -- writing ------------------------------------------------------------------------------------------------------
def _target(directory: str | Path) -> tuple[Path, Path | None, bool]:
    """``(folder, first folder to create or None, whether a project is already there)``; refuses a folder that
    holds anything but an empty project."""
    from duocode.store import DB_NAME, URL_NAME

    d = Path(directory)
    if d.exists() and not d.is_dir():
        raise InputError("is not a folder", path=str(d), expected="a new or empty folder for the project")
    if not d.exists():
        first = d
        while not first.parent.exists():
            first = first.parent
        return d, first, False
    if (d / DB_NAME).exists() or (d / URL_NAME).exists():   # a project on SQLite or on PostgreSQL
        return d, None, True
    if any(d.iterdir()):
        raise RefusedError("the folder is not empty; `duocode refi import` makes a new project", path=str(d),
                           expected="a new or empty folder (--project DIR)")
    return d, None, False


def _check_empty_project(project: "Project", codebook: "Codebook") -> None:
    conn = project.conn
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("documents", "cases", "proposals", "codes", "informants")}
    if any(counts.values()):
        held = ", ".join(f"{n} {t}" for t, n in counts.items() if n)
        raise RefusedError(f"the project is not empty ({held}); `duocode refi import` fills only a new or empty "
                           "project", path=str(project.path), expected="a new folder (--project DIR)")
    if project.codebook.sha256 != codebook.sha256:
        raise RefusedError(f"the project's codebook ({project.codebook.id}) is not the file's ({codebook.id})",
                           path=str(project.path), expected="a new folder (--project DIR), where the import "
                                                            "creates the project with the file's codebook")


def _write(project: "Project", plan: _Plan, imp: _Importer, source_file: str) -> int:
    from duocode.coding import merge_cases
    from duocode.store import insert_cases
    from duocode.store import insert_codes, set_codes, set_memo
    from duocode.store import count_words, insert_document, write_informants
    from duocode.store import ADOPT_ACTION
    from duocode.store import insert_proposals, link_proposals, list_proposals

    with project.transaction():
        for doc in plan.documents:
            insert_document(project, doc)
        project.log_events({"action": "import", "entity": "document", "entity_id": d.id, "new": d.sha256,
                            "source_file": source_file,
                            "detail": {"format": d.format, "n_words": count_words(d.text), "n_turns": len(d.turns)}}
                           for d in plan.documents)
        if plan.informants:
            write_informants(project, plan.informants, source_file=source_file)
        if plan.cases:
            insert_cases(project, plan.cases, source_file=source_file)
        for coder, spans in sorted(plan.proposals.items()):
            insert_proposals(project, coder, spans, source_file=source_file)
        case_of: dict = {}
        if plan.links:
            stored = {(p.coder, p.document, p.start, p.end): p for p in list_proposals(project)}
            link_proposals(project, [(stored[(c, d, s, e)], cid) for c, d, s, e, cid in plan.links
                                     if (c, d, s, e) in stored])
        if plan.merge:
            merged = merge_cases(project)
            imp.warnings += [f"{imp.label}: {w}" for w in merged.warnings]
            for p in list_proposals(project):
                case_of[(p.coder, p.document, p.start, p.end)] = p.case_id
            # each cluster's case: the case of any of its units' proposals
            for u in plan.units:
                case_of[id(u)] = case_of[(u.coder, u.document, u.start, u.end)]
            cluster_case = {}
            clusters = _clusters(plan.units)
            for u in plan.units:
                cluster_case[clusters[id(u)]] = case_of[id(u)]

            def resolve(key):
                return key if isinstance(key, str) else cluster_case[key]
        else:
            def resolve(key):
                return key
        if plan.merge:        # cases merge wrote is_case codes: write around them
            rows = [replace(r, case_id=resolve(r.case_id)) for r in plan.codes]
            adopted = [replace(r, case_id=resolve(r.case_id)) for r in plan.adopted]
            write_codes = set_codes
        else:
            rows, adopted, write_codes = plan.codes, plan.adopted, insert_codes
        if rows:
            write_codes(project, rows, source_file=source_file, action="import")
        if adopted:
            write_codes(project, adopted, source_file=source_file, action=ADOPT_ACTION)
        for key, coder, text in plan.memos:
            set_memo(project, resolve(key), coder, text, source_file=source_file)
        project.log_event("import", "project", source_file, detail={
            "documents": len(plan.documents), "selections": imp.n_selections, "codings": imp.n_codings,
            "codebook": plan.codebook.id})
        return project.conn.execute("SELECT count(*) FROM cases").fetchone()[0]


def import_refi(path: str | Path, directory: str | Path) -> RefiImportResult:
    """Import a REFI-QDA project or codebook into a new (or empty) duocode project in ``directory``.

    Parameters
    ----------
    path
        A ``.qdpx`` project or a ``.qdc`` codebook.
    directory
        The project folder: created when it does not exist or is empty; an existing project is accepted only
        when it holds nothing yet and its codebook is the one the file resolves to.

    Returns
    -------
    RefiImportResult
        Counts, the coders, and every warning (what was converted, what could not be imported).

    Raises
    ------
    InputError
        The file is unsafe, of the wrong type or unreadable (nothing is written).
    RefusedError
        The folder holds other files or a project with content.
    """
    from duocode.store import DB_NAME, Project

    folder, first_missing, existing = _target(directory)
    label = str(path)
    file, container = read_refi_file(path)
    try:
        imp = _Importer(file, container, label)
        plan = _plan(imp)
        _losses(imp)
        if container is not None:
            imp.warnings[:0] = container.warnings     # the archive's own, some found while reading sources
    finally:
        if container is not None:
            container.close()
    result = RefiImportResult(label, str(folder), documents=len(plan.documents), codes=len(file.all_codes()),
                              selections=imp.n_selections, codings=imp.n_codings, codebook=plan.codebook.id)
    if existing:
        project = Project.open(folder)
        try:
            _check_empty_project(project, plan.codebook)
            result.cases = _write(project, plan, imp, label)
        finally:
            project.close()
    else:
        project = Project.create(folder, plan.codebook)
        try:
            result.cases = _write(project, plan, imp, label)
        except BaseException:
            project.close()
            for suffix in ("", "-wal", "-shm"):
                Path(str(folder / DB_NAME) + suffix).unlink(missing_ok=True)
            if first_missing is not None:
                shutil.rmtree(first_missing, ignore_errors=True)
            raise
        project.close()
    from duocode.store import CONSENSUS

    coders = {u.coder for u in plan.units if u.coder}
    result.coders = sorted(coders - {CONSENSUS} if plan.record is not None else coders)
    result.warnings = imp.warnings
    return result
