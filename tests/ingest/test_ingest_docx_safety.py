"""Untrusted .docx files: zip bombs and entity declarations are refused before python-docx parses them."""
import io
import zipfile

import pytest

from duocode.errors import InputError
from duocode.ingest.docx import MAX_UNCOMPRESSED, docx_text


def _docx(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_docx_zip_bomb_is_refused_from_its_declared_size():
    data = _docx({"[Content_Types].xml": b"<Types/>", "word/media/image1.png": b"\0" * (MAX_UNCOMPRESSED + 1)})
    with pytest.raises(InputError) as info:
        docx_text(data, "bomb.docx")
    assert str(info.value).startswith("bomb.docx: the Word document would unpack to 200 MiB; refusing")


def test_a_docx_declaring_entities_is_refused():
    xml = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&xxe;</w:document>')
    with pytest.raises(InputError, match="word/document.xml declares a DOCTYPE or entities"):
        docx_text(_docx({"[Content_Types].xml": b"<Types/>", "word/document.xml": xml}), "x.docx")
