"""What a REFI-QDA file holds, as plain data, and the stable GUIDs duocode writes.

The reader (:mod:`~duocode.interop.refi.xmlread`) fills these classes from a ``project.qde`` or a ``.qdc``; the
importer turns them into a duocode project. Only what duocode can use is kept; what it cannot (sets, graphs,
links, picture/audio/video sources) is counted so that the import can say what it left behind.
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

# Every GUID duocode writes is a name-based UUID (RFC 9562, version 5) under this namespace, so the same project
# exports to the same file, and the same codebook gets the same code GUIDs in every project that uses it.
DUOCODE_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://duocode.invalid/refi-qda")

# Names of the two project-level notes through which a duocode export carries what REFI-QDA has no place for.
CODEBOOK_NOTE_PREFIX = "duocode codebook"
RECORD_NOTE_PREFIX = "duocode record"
RECORD_FORMAT = "duocode-refi"
RECORD_VERSION = 1


_NS_BYTES = DUOCODE_NS.bytes


def stable_guid(*parts: str) -> str:
    """A GUID that depends only on ``parts`` (joined with ``/``): the version-5 UUID of that name under duocode's
    namespace, computed directly from SHA-1 (RFC 9562 §5.5), as ``uuid.uuid5`` does, at a fraction of its cost
    (an export makes one per coding).

    >>> stable_guid("codebook", "tmp") == str(uuid.uuid5(DUOCODE_NS, "codebook/tmp"))
    True
    """
    digest = bytearray(hashlib.sha1(_NS_BYTES + "/".join(parts).encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50      # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80      # the RFC variant
    x = digest.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


@dataclass
class RefiUser:
    guid: str
    name: str | None = None
    short: str | None = None   # the ``id`` attribute (initials)

    @property
    def label(self) -> str:
        """The name a person would recognise: ``name``, else ``id``, else the GUID."""
        return (self.name or "").strip() or (self.short or "").strip() or self.guid


@dataclass
class RefiCode:
    guid: str
    name: str
    codable: bool
    description: str = ""
    color: str | None = None
    children: list["RefiCode"] = field(default_factory=list)
    line: int | None = None
    parent: "RefiCode | None" = field(default=None, repr=False, compare=False)

    def walk(self):
        """This code and every code inside it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def path(self) -> str:
        """``Folder › Sub-folder › Code``: a name that tells apart codes of the same name."""
        names = []
        node: RefiCode | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return " › ".join(reversed(names))


@dataclass
class RefiCoding:
    guid: str
    code: str                   # the CodeRef's target GUID
    user: str | None = None
    notes: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class RefiSelection:
    guid: str
    start: int
    end: int
    name: str = ""
    user: str | None = None     # creatingUser, else modifyingUser
    description: str = ""
    codings: list[RefiCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class RefiSource:
    guid: str
    name: str = ""
    plain_path: str | None = None
    rich_path: str | None = None
    inline_text: str | None = None        # PlainTextContent
    kind: str = "TextSource"              # TextSource, or PDFSource read through its text representation
    selections: list[RefiSelection] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)   # (variable GUID, value as text)
    line: int | None = None


@dataclass
class RefiVariable:
    guid: str
    name: str
    type: str = "Text"


@dataclass
class RefiCase:
    guid: str
    name: str = ""
    values: list[tuple[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class RefiNote:
    guid: str
    name: str = ""
    text: str | None = None       # PlainTextContent
    plain_path: str | None = None
    user: str | None = None
    line: int | None = None


@dataclass
class RefiFile:
    """One parsed ``.qdpx`` (kind ``project``) or ``.qdc`` (kind ``codebook``)."""

    kind: str
    name: str = ""
    origin: str = ""
    users: dict[str, RefiUser] = field(default_factory=dict)
    codes: list[RefiCode] = field(default_factory=list)          # the top level of the tree
    variables: dict[str, RefiVariable] = field(default_factory=dict)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: dict[str, RefiNote] = field(default_factory=dict)
    project_notes: list[str] = field(default_factory=list)        # NoteRefs on the project itself
    creating_user: str | None = None
    warnings: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)        # element kind -> how many were not read

    def all_codes(self) -> list[RefiCode]:
        return [c for top in self.codes for c in top.walk()]

    def n_selections(self) -> int:
        return sum(len(s.selections) for s in self.sources)

    def n_codings(self) -> int:
        return sum(len(sel.codings) for s in self.sources for sel in s.selections)
