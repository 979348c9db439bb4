"""Bytes to stored text, per the contract's Transcripts section.

Accepted: UTF-8 with or without a byte-order mark (BOM), UTF-16 and UTF-32 with a BOM, and Windows-1252 (cp1252)
as the fallback for bytes that are not UTF-8. Line endings are normalised to LF (CRLF and lone CR both become
LF); nothing else is changed, so every offset computed later indexes exactly the text a researcher sees.

Binary data (NUL bytes, or many other control bytes) is refused rather than decoded into garbage: cp1252 maps
almost every byte to some character, so without this check a PDF or a zip renamed to ``.txt`` would "decode".
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from duocode.errors import InputError
from duocode.files import read_bytes  # noqa: F401  (re-exported: ingest's readers use it from here)

EXPECTED_ENCODINGS = "UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252 text"

# Longest BOM first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_NAMES = {"utf-32-le": "utf-32", "utf-32-be": "utf-32", "utf-16-le": "utf-16", "utf-16-be": "utf-16",
              "utf-8-sig": "utf-8-sig"}

# C0 control bytes that never occur in ordinary text (tab, LF, VT, FF, CR and ESC are allowed).
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1A, 0x1B))
_SNIFF = 65536


@dataclass(frozen=True)
class Decoded:
    """Decoded text (line endings already LF) and the encoding it was read with."""

    text: str
    encoding: str


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _line_of(data: bytes, index: int) -> int:
    return data.count(b"\n", 0, index) + 1


def decode_bytes(data: bytes, path: str = "<bytes>") -> Decoded:
    """Decode a file's bytes to text with LF line endings.

    Parameters
    ----------
    data : bytes
        The raw file content.
    path : str
        Named in error messages.

    Returns
    -------
    Decoded
        ``text`` (no BOM, LF line endings) and ``encoding`` (``utf-8``, ``utf-8-sig``, ``utf-16``, ``utf-32``
        or ``cp1252``).

    Raises
    ------
    InputError
        Empty or whitespace-only content, binary content, or bytes that decode in no supported encoding.
    """
    if not data:
        raise InputError("the file is empty", path=path, expected="a transcript with some text")
    encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(name)
            except UnicodeDecodeError as exc:
                raise InputError(f"starts with a {_BOM_NAMES[name].upper()} byte-order mark but byte "
                                 f"{exc.start + len(bom)} does not decode as {_BOM_NAMES[name].upper()}",
                                 path=path, expected=EXPECTED_ENCODINGS) from None
            encoding = _BOM_NAMES[name]
            break
    else:
        _refuse_binary(data, path)
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
                encoding = "cp1252"
            except UnicodeDecodeError as exc:
                bad = data[exc.start]
                raise InputError(f"byte 0x{bad:02X} at byte offset {exc.start} decodes in no supported "
                                 "encoding (it is neither UTF-8 nor Windows-1252)", path=path,
                                 location=f"line {_line_of(data, exc.start)}",
                                 expected=EXPECTED_ENCODINGS) from None
    if "\x00" in text:
        raise InputError("contains NUL characters: this looks like a binary file, not text", path=path,
                         expected=EXPECTED_ENCODINGS)
    if text.startswith("\ufeff"):  # a second BOM left by a careless converter
        text = text[1:]
    text = normalize_newlines(text)
    if not text.strip():
        raise InputError("the file has no text (only whitespace)", path=path,
                         expected="a transcript with some text")
    return Decoded(text, encoding)


def _refuse_binary(data: bytes, path: str) -> None:
    head = data[:_SNIFF]
    if b"\x00" in data:
        hint = ""
        # UTF-16 without a BOM has a NUL in every other byte of ASCII text: say how to fix it.
        if len(head) >= 4 and (head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4):
            hint = " (if it is UTF-16 text, save it again with a byte-order mark or as UTF-8)"
        raise InputError(f"contains NUL bytes: this looks like a binary file, not text{hint}", path=path,
                         expected=EXPECTED_ENCODINGS)
    controls = sum(head.count(b) for b in _CONTROL_BYTES)
    if controls > max(2, len(head) // 100):
        raise InputError(f"{controls} control bytes in the first {len(head)} bytes: this looks like a binary "
                         "file, not text", path=path, expected=EXPECTED_ENCODINGS)


def read_text(path: Path | str) -> Decoded:
    """Read and decode a text file (see :func:`decode_bytes`)."""
    return decode_bytes(read_bytes(path), str(path))
