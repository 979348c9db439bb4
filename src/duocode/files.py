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
