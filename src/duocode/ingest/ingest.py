"""``duocode ingest``: transcript files and folders into the project, all or nothing.

Every file is read and checked first, collecting every problem (missing paths, unsupported extensions, bad
encodings, malformed subtitles, duplicate ids, changed documents, the informants CSV); only when there are none
is everything written, in one transaction with one event per document and per informant change.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from duocode.errors import DuocodeError, InputError, Problem, ProblemCollector, RefusedError
from duocode.store import Document, count_words, text_sha256

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".vtt", ".srt")
EXPECTED_EXTENSIONS = "one of " + ", ".join(SUPPORTED)
HIDDEN_PREFIXES = (".", "~$")  # dotfiles and Office lock files: skipped without a word

#: ``progress(done, total, path)``: called after each file is read; the CLI draws a bar with it.
ProgressCallback = Callable[[int, int, str], None]


def parse_file(path: str | Path, doc_id: str | None = None) -> Document:
    """Read one transcript file into a :class:`Document` (not stored); the id defaults to the file's stem.

    Raises
    ------
    InputError
        Unsupported extension, unreadable, empty, binary or undecodable file, malformed VTT/SRT/docx/PDF, a PDF
        without a text layer.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    doc_id = doc_id if doc_id is not None else path.stem
    if suffix in (".txt", ".md"):
        from duocode.ingest.text import parse_text_file as parse
    elif suffix == ".docx":
        from duocode.ingest.docx import parse_docx_file as parse
    elif suffix == ".pdf":
        from duocode.ingest.pdf import parse_pdf_file as parse
    elif suffix == ".vtt":
        from duocode.ingest.vtt import parse_vtt_file as parse
    elif suffix == ".srt":
        from duocode.ingest.srt import parse_srt_file as parse
    else:
        raise InputError(f"unsupported file extension {suffix or '(none)'!r}", path=str(path),
                         expected=EXPECTED_EXTENSIONS)
    return parse(path, doc_id)


@dataclass
class IngestedDocument:
    """What happened to one input file."""

    id: str
    path: str
    format: str
    status: str          # added | replaced | unchanged
    n_words: int
    n_turns: int
    speakers: list[str]
    encoding: str | None

    def to_dict(self) -> dict:
        return {"id": self.id, "path": self.path, "format": self.format, "status": self.status,
                "n_words": self.n_words, "n_turns": self.n_turns, "speakers": self.speakers,
                "encoding": self.encoding}


@dataclass
class SkippedFile:
    """A file found in a folder but not read, and why."""

    path: str
    reason: str

    def to_dict(self) -> dict:
        return {"path": self.path, "reason": self.reason}


def unsupported_reason(path: Path) -> str:
    """Why a file is not read: ``unsupported .rtf; supported: .txt .md .docx .pdf .vtt .srt``."""
    suffix = path.suffix.lower()
    return (f"unsupported {suffix if suffix else 'file without extension'}; supported: "
            + " ".join(SUPPORTED))


@dataclass
class IngestResult:
    """The outcome of :func:`ingest`: each document's status, informant counts when a CSV was given, and the
    files found in folders but skipped (unsupported extensions; hidden and Office lock files are not listed)."""

    documents: list[IngestedDocument] = field(default_factory=list)
    informants: dict[str, int] | None = None
    informants_file: str | None = None
    skipped: list[SkippedFile] = field(default_factory=list)

    def ids(self, status: str) -> list[str]:
        return [d.id for d in self.documents if d.status == status]

    @property
    def n_added(self) -> int:
        return len(self.ids("added"))

    @property
    def n_replaced(self) -> int:
        return len(self.ids("replaced"))

    @property
    def n_unchanged(self) -> int:
        return len(self.ids("unchanged"))

    @property
    def n_words(self) -> int:
        return sum(d.n_words for d in self.documents)

    def to_dict(self) -> dict:
        return {"documents": [d.to_dict() for d in self.documents], "added": self.ids("added"),
                "replaced": self.ids("replaced"), "unchanged": self.ids("unchanged"),
                "informants": self.informants, "skipped": [s.to_dict() for s in self.skipped]}


def collect_files(paths: Iterable[str | Path], problems: ProblemCollector,
                  skipped: list[SkippedFile] | None = None) -> list[Path]:
    """Expand folders (recursively, supported extensions only, hidden and Office lock files skipped).

    Files named explicitly must exist and have a supported extension; the same file reached twice counts once.
    Files in folders with another extension are appended to ``skipped`` (when given) with the reason.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    skipped = [] if skipped is None else skipped
    for given in paths:
        path = Path(given)
        if not path.exists():
            problems.add("the path does not exist", path=str(given), expected="an existing file or folder")
            continue
        if path.is_dir():
            visible = sorted(p for p in path.rglob("*") if p.is_file()
                             and not any(part.startswith(HIDDEN_PREFIXES) for part in p.relative_to(path).parts))
            found = [p for p in visible if p.suffix.lower() in SUPPORTED]
            others = [p for p in visible if p.suffix.lower() not in SUPPORTED]
            if not found:
                shown = ", ".join(str(p.relative_to(path)) for p in others[:5]) + (", ..." if len(others) > 5 else "")
                problems.add("no transcript files in this folder" + (f" (only {shown})" if others else ""),
                             path=str(given), expected=f"files with extension {EXPECTED_EXTENSIONS}")
            else:
                skipped.extend(SkippedFile(str(p), unsupported_reason(p)) for p in others)
        elif path.suffix.lower() not in SUPPORTED:
            problems.add(f"unsupported file extension {path.suffix or '(none)'!r}", path=str(given),
                         expected=EXPECTED_EXTENSIONS)
            continue
        else:
            found = [path]
        for p in found:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                out.append(p)
    return out


def ingest(project: "Project", paths: Iterable[str | Path], *, informants: str | Path | None = None,
           replace: bool = False, progress: ProgressCallback | None = None) -> IngestResult:
    """Ingest transcript files and folders (and optionally an informants CSV) into ``project``.

    Parameters
    ----------
    project : Project
        The open project.
    paths : iterable of str or Path
        Files (``.txt``, ``.md``, ``.docx``, ``.pdf``, ``.vtt``, ``.srt``) and folders (searched recursively).
    informants : str or Path, optional
        An informants CSV; its ``informant`` column names documents stored or ingested now.
    replace : bool
        Replace stored documents whose text changed (refused for a document with cases or proposals).
    progress : callable, optional
        ``progress(done, total, path)`` after each file is read.

    Returns
    -------
    IngestResult
        Each document as ``added``, ``replaced`` or ``unchanged`` (identical text: nothing is written).

    Raises
    ------
    InputError
        Every input problem found (nothing is written).
    RefusedError
        Changed documents without ``replace``, or with cases (nothing is written).
    """
    from duocode.store import document_case_counts, document_hashes, insert_document, write_informants

    if isinstance(paths, (str, Path)):
        paths = [paths]
    problems = ProblemCollector(InputError)
    refusals: list[Problem] = []
    skipped: list[SkippedFile] = []
    files = collect_files(paths, problems, skipped)
    by_id: dict[str, Path] = {}
    for path in files:
        if path.stem in by_id:
            problems.add(f"document id {path.stem!r} also comes from {by_id[path.stem]}", path=str(path),
                         expected="file names that are unique without their extension")
        else:
            by_id[path.stem] = path

    stored = document_hashes(project)
    with_cases = document_case_counts(project) if replace else {}
    parsed: list[tuple[Document, str, str | None]] = []  # document, status, old sha
    for i, path in enumerate(files):
        if by_id.get(path.stem) == path:
            try:
                doc = parse_file(path)
            except DuocodeError as exc:
                problems.extend(exc.problems)
            else:
                doc.sha256 = text_sha256(doc.text)
                old = stored.get(doc.id)
                if old is None:
                    parsed.append((doc, "added", None))
                elif old == doc.sha256:
                    parsed.append((doc, "unchanged", old))
                elif not replace:
                    refusals.append(Problem(f"document {doc.id!r} is already stored with different text",
                                            path=str(path), expected="--replace to replace it"))
                elif doc.id in with_cases:
                    refusals.append(Problem(f"document {doc.id!r} changed but has {with_cases[doc.id]} case(s) or "
                                            "proposal(s) whose offsets index its stored text; not replaced",
                                            path=str(path), expected="a document without cases"))
                else:
                    parsed.append((doc, "replaced", old))
        if progress is not None:
            progress(i + 1, len(files), str(path))

    informant_rows = None
    if informants is not None:
        from duocode.ingest.informants import parse_informants

        try:
            informant_rows = parse_informants(informants, set(stored) | set(by_id))
        except DuocodeError as exc:
            problems.extend(exc.problems)
    if problems:
        problems.extend(refusals)
        problems.raise_if_any()
    if refusals:
        raise RefusedError(problems=refusals)

    result = IngestResult(informants_file=None if informants is None else str(informants), skipped=skipped)
    with project.transaction():
        events = []
        for doc, status, old in parsed:
            if status != "unchanged":
                insert_document(project, doc, replace=status == "replaced")
                events.append({"action": "ingest" if status == "added" else "replace", "entity": "document",
                               "entity_id": doc.id, "old": old, "new": doc.sha256, "source_file": doc.source_path,
                               "detail": {"format": doc.format, "encoding": doc.encoding,
                                          "n_words": count_words(doc.text), "n_turns": len(doc.turns)}})
        if events:
            project.log_events(events)
        if informant_rows is not None:
            result.informants = write_informants(project, informant_rows, source_file=str(informants))
    for doc, status, _ in parsed:
        speakers = list(dict.fromkeys(t.speaker for t in doc.turns if t.speaker is not None))
        result.documents.append(IngestedDocument(doc.id, doc.source_path, doc.format, status,
                                                 count_words(doc.text), len(doc.turns), speakers, doc.encoding))
    return result
