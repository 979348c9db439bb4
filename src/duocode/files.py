"""Reading researchers' input files: one place that turns OS errors into messages naming the path."""
from __future__ import annotations

from pathlib import Path

from duocode.errors import InputError


def read_bytes(path: Path | str) -> bytes:
    """A file's bytes; missing, folder or unreadable paths become an :class:`InputError` naming the path."""
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError("the file does not exist", path=str(path), expected="an existing file") from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=str(path), expected="a file") from None
    except PermissionError:
        raise InputError("the file cannot be read (permission denied)", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"the file cannot be read: {exc.strerror or exc}", path=str(path)) from None


# Characters that make a spreadsheet read a CSV cell as a formula (OWASP "CSV injection").
CSV_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """Text for a CSV cell that a spreadsheet will show, not evaluate.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'`` unless it is a plain number
    (``-3`` stays a number). duocode's CSV readers take that ``'`` off again (:func:`csv_unsafe`), so its own
    exports import back unchanged.

    >>> csv_safe('=HYPERLINK("http://x")'), csv_safe("-3"), csv_safe("- and then")
    ('\\'=HYPERLINK("http://x")', '-3', "'- and then")
    """
    text = "" if value is None else str(value)
    if text.startswith(CSV_FORMULA_TRIGGERS):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def csv_unsafe(text: str) -> str:
    """Undo :func:`csv_safe` on a cell read from a CSV file."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(CSV_FORMULA_TRIGGERS):
        return text[1:]
    return text


def check_zip(path, *, what: str, max_total: int, max_part: int | None = None,
              expected: str | None = None, name: str | None = None) -> None:
    """Refuse a zip container (.docx, .xlsx) that is not a readable zip or would unpack too large.

    Only the sizes the archive declares are read, so a zip bomb is refused before anything is inflated (Python's
    zipfile never inflates a member past its declared size).
    """
    import zipfile

    p = path if hasattr(path, "read") else Path(path)
    label = name or str(p)
    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(f"the {what} is corrupt (not a readable zip archive)", path=label,
                         expected=expected or f"a {what} file") from None
    total = sum(i.file_size for i in infos)
    biggest = max((i.file_size for i in infos), default=0)
    limit_mib = max_total // (1024 * 1024)
    if total > max_total or (max_part is not None and biggest > max_part):
        raise InputError(f"the {what} would unpack to {total / 1024 / 1024:,.0f} MiB; refusing to open it "
                         f"(limit {limit_mib} MiB)", path=label, expected=f"a {what} of ordinary size")
    for info in infos:
        if info.filename.startswith(("/", "\\")) or ".." in Path(info.filename).parts:
            raise InputError(f"the {what} holds a part with an unsafe name ({info.filename!r})", path=label)


def replace_atomically(path: Path | str, write, *, what: str = "file") -> Path:
    """Make ``path`` by ``write(tmp)`` into a temporary file in the same folder, then a rename, so an interrupted
    or failed write never leaves half a file (nor the temporary one); OS errors become an :class:`InputError`
    naming the path (``what``: "file", "workbook", ... in the message). The one atomic writer of duocode."""
    import os
    import tempfile

    out = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".duocode-{out.name}.", suffix=".part", dir=str(out.parent))
    except OSError as exc:
        raise InputError(f"cannot write the {what}: {exc.strerror or exc}", path=str(out)) from None
    os.close(fd)
    try:
        write(tmp)
        # mkstemp creates the file readable by its owner only: give it the permissions a plain open() would
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write the {what}: {exc.strerror or exc}", path=str(out)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def write_atomic(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (:func:`replace_atomically`)."""
    return replace_atomically(path, lambda tmp: Path(tmp).write_bytes(data))
