"""Opening an untrusted ``.qdpx`` (a zip) or ``.qdc``/``.qde`` (XML) without trusting anything in it.

Refused, before anything is read into a project (each with the file and the entry named):

- a file that is not what its extension says (a ``.qdpx`` that is no zip, a ``.qdc`` that is no XML);
- zip entries with absolute paths, drive letters, ``..`` components, NUL bytes or a name used twice;
- zip bombs: too many entries, a declared total or entry size over the limits, an entry whose declared size
  is far larger than its compressed size (deflate reaches about 1,000:1 on repeated bytes; real project files
  stay well below :data:`MAX_RATIO`), entries whose compressed sizes add up to more than the archive (the
  overlapping-entry trick), and an entry that inflates past its declared size (checked while reading);
- XML with a DOCTYPE (the way entity expansion and external entities arrive: no REFI tool writes one), parsed
  with entity resolution, DTD loading and network access all off.

Lenient, with a warning: a ``.qde`` not named ``project.qde``, a ``Sources/`` folder instead of ``sources/``, a
project zipped inside a folder, ``plainTextPath`` without the ``internal://`` scheme.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from duocode.errors import InputError

MAX_ENTRIES = 100_000
MAX_TOTAL = 1 << 30            # 1 GiB unpacked: about 150 million words of transcripts
MAX_ENTRY = 512 << 20          # one entry (the .qde or one source)
MAX_RATIO = 200                # declared : compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 1 << 20
MAX_XML = MAX_ENTRY
EXPECTED_QDPX = "a REFI-QDA project (.qdpx: a zip holding project.qde and sources/)"


@dataclass
class Container:
    """An opened ``.qdpx``: its project XML and a way to read the internal files it refers to."""

    path: Path
    qde_name: str
    qde: bytes
    warnings: list[str] = field(default_factory=list)
    _zip: zipfile.ZipFile | None = None
    _base: str = ""
    _by_lower: dict[str, str] = field(default_factory=dict)
    _warned_capital: bool = False

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> "Container":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def label(self) -> str:
        return str(self.path)

    def internal_name(self, ref: str) -> tuple[str | None, str | None]:
        """The zip entry a ``plainTextPath``/``richTextPath`` points at, or ``(None, why not)``."""
        ref = ref.strip()
        lower = ref.lower()
        if lower.startswith("internal://"):
            name = ref[len("internal://"):]
        elif "://" in ref:
            return None, f"it refers to a file outside the project ({ref!r}); duocode reads only files inside it"
        else:
            name = ref       # qc 1.3.2 writes bare names (NOTES.md §5): read them, say so
        name = name.replace("\\", "/").lstrip("/")
        candidates = [f"{self._base}sources/{name}", f"{self._base}{name}"]
        for candidate in candidates:
            if self._zip is not None and candidate in self._zip.NameToInfo:
                return candidate, None
        for candidate in candidates:
            actual = self._by_lower.get(candidate.lower())
            if actual is not None:
                if not self._warned_capital and actual.startswith(f"{self._base}Sources/"):
                    self._warned_capital = True
                    self.warnings.append(f"{self.label}: the sources folder is named 'Sources/' (as NVivo for "
                                         "Windows writes it); read as 'sources/'")
                return actual, None
        return None, f"{ref!r} is not in the archive"

    def read(self, entry: str) -> bytes:
        """The bytes of one entry, counted while inflating (never past its declared size or the limits)."""
        assert self._zip is not None
        return _read_entry(self._zip, self._zip.getinfo(entry), self.label)


def _unsafe_name(name: str) -> str | None:
    if "\x00" in name:
        return "a NUL byte in its name"
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    if ".." in name.replace("\\", "/").split("/"):
        return "a '..' component"
    return None


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes:
    limit = min(info.file_size, MAX_ENTRY)
    chunks, total = [], 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                total += len(chunk)
                if total > limit:
                    raise InputError(f"entry {info.filename!r} inflates past its declared size of "
                                     f"{info.file_size:,} bytes; refusing the file", path=label,
                                     expected=EXPECTED_QDPX)
                chunks.append(chunk)
    except InputError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise InputError(f"entry {info.filename!r} cannot be unpacked ({type(exc).__name__}: {exc})",
                         path=label, expected=EXPECTED_QDPX) from None
    return b"".join(chunks)


def check_archive(zf: zipfile.ZipFile, label: str, archive_size: int) -> list[zipfile.ZipInfo]:
    """Every entry of ``zf``, once the archive has passed the checks of the module docstring."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise InputError(f"the archive holds {len(infos):,} entries; refusing it (limit {MAX_ENTRIES:,})",
                         path=label, expected=EXPECTED_QDPX)
    seen: set[str] = set()
    total = packed = 0
    for info in infos:
        why = _unsafe_name(info.filename)
        if why:
            raise InputError(f"entry {info.filename!r} has {why}; refusing the file", path=label,
                             expected=EXPECTED_QDPX)
        if info.filename in seen:
            raise InputError(f"entry {info.filename!r} appears twice; refusing the file", path=label,
                             expected=EXPECTED_QDPX)
        seen.add(info.filename)
        if info.file_size > MAX_ENTRY:
            raise InputError(f"entry {info.filename!r} would unpack to {info.file_size / 2**20:,.0f} MiB; "
                             f"refusing the file (limit {MAX_ENTRY >> 20} MiB per entry)", path=label,
                             expected=EXPECTED_QDPX)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(f"entry {info.filename!r} declares {info.file_size:,} bytes packed into "
                             f"{info.compress_size:,} (ratio over {MAX_RATIO}:1, a zip bomb?); refusing the file",
                             path=label, expected=EXPECTED_QDPX)
        total += info.file_size
        packed += info.compress_size
    if total > MAX_TOTAL:
        raise InputError(f"the archive would unpack to {total / 2**20:,.0f} MiB; refusing it (limit "
                         f"{MAX_TOTAL >> 20} MiB)", path=label, expected=EXPECTED_QDPX)
    if packed > archive_size:
        raise InputError("the archive's entries claim more compressed bytes than the file holds (overlapping "
                         "entries, a zip bomb?); refusing it", path=label, expected=EXPECTED_QDPX)
    return infos


def open_qdpx(path: str | Path) -> Container:
    """Open and check a ``.qdpx``; the project XML is read (not yet parsed)."""
    p = Path(path)
    label = str(path)
    if not p.exists():
        raise InputError("the file does not exist", path=label, expected="an existing .qdpx or .qdc file")
    if p.is_dir():
        raise InputError("is a folder, not a file", path=label, expected=EXPECTED_QDPX)
    try:
        with open(p, "rb") as fh:
            magic = fh.read(4)
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, ValueError, EOFError):
        what = "an XML file" if magic.lstrip()[:1] == b"<" else "not a zip archive"
        raise InputError(f"not a REFI-QDA project: the file is {what}", path=label, expected=EXPECTED_QDPX) \
            from None
    except OSError as exc:
        raise InputError(f"the file cannot be read: {exc.strerror or exc}", path=label) from None
    try:
        infos = check_archive(zf, label, p.stat().st_size)
        container = Container(p, "", b"", _zip=zf)
        container._by_lower = {i.filename.lower(): i.filename for i in infos}
        qde = _find_qde(infos, label, container.warnings)
        container.qde_name = qde.filename
        container._base = str(PurePosixPath(qde.filename).parent) + "/" if "/" in qde.filename else ""
        container.qde = _read_entry(zf, qde, label)
    except BaseException:
        zf.close()
        raise
    return container


def _find_qde(infos: list[zipfile.ZipInfo], label: str, warnings: list[str]) -> zipfile.ZipInfo:
    root = [i for i in infos if "/" not in i.filename and i.filename.lower().endswith(".qde")]
    exact = [i for i in root if i.filename == "project.qde"]
    if exact:
        return exact[0]
    if len(root) == 1:
        warnings.append(f"{label}: the project XML is named {root[0].filename!r} instead of 'project.qde' (as "
                        "ATLAS.ti writes it); read it")
        return root[0]
    if len(root) > 1:
        raise InputError("the archive holds several project XML files (" + ", ".join(i.filename for i in root)
                         + ") and none is named project.qde", path=label, expected=EXPECTED_QDPX)
    nested = [i for i in infos if i.filename.lower().endswith(".qde")]
    if len(nested) == 1 and nested[0].filename.count("/") == 1:
        warnings.append(f"{label}: the project is zipped inside the folder "
                        f"{nested[0].filename.split('/')[0]!r}; read it from there")
        return nested[0]
    raise InputError("the archive holds no project.qde", path=label, expected=EXPECTED_QDPX)


def parse_xml(data: bytes, label: str, entry: str | None = None):
    """Parse untrusted XML with lxml: entities unresolved, no DTD, no network; a DOCTYPE is refused.

    ``label`` is the file and ``entry`` the zip entry (if any), both named in errors. Returns the root element
    (line numbers kept for messages).
    """
    from lxml import etree

    def where(line):
        parts = [p for p in (entry, f"line {line}" if line else None) if p]
        return " ".join(parts) or None

    if not data.strip():
        raise InputError("the XML is empty", path=label, location=entry, expected="a REFI-QDA XML document")
    doctype = data.find(b"<!DOCTYPE")
    if doctype >= 0:
        first_element = re.search(rb"<[A-Za-z_]", data)
        if first_element is None or doctype < first_element.start():
            raise InputError("the XML declares a DOCTYPE (the way entity expansion and external entities "
                             "arrive; no REFI-QDA tool writes one); refusing it", path=label,
                             location=where(data.count(b"\n", 0, doctype) + 1),
                             expected="a REFI-QDA XML document without DOCTYPE or entities")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        msg = str(exc.msg if hasattr(exc, "msg") else exc)
        if "Entity" in msg or "entity" in msg:
            msg += " (entities are not allowed)"
        raise InputError(f"not well-formed XML: {msg}", path=label, location=where(line),
                         expected="a REFI-QDA XML document") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise InputError("the XML declares a DOCTYPE (the way entity expansion and external entities "
                         "arrive; no REFI-QDA tool writes one); refusing it", path=label, location=where(1),
                         expected="a REFI-QDA XML document without DOCTYPE or entities")
    return root
