"""Unsafe or wrong files are refused: exit 1, one clear message naming the file (and the zip entry or XML
line), and nothing written (no project folder left behind). Every malicious file is built here, in tmp_path."""
from __future__ import annotations

import struct
import warnings
import zipfile

import pytest

from refi_helpers import SOURCE, one_source, project_xml, selection, write_qdpx, PHONE, ANA

GOOD_QDE = project_xml(one_source(selection(1, 0, 5, ANA, [PHONE])))
GOOD_TXT = "Hello world, they knew my name.\n"


def _patch_central(path, entry: str, *, compress_size: int | None = None, file_size: int | None = None) -> None:
    """Rewrite the sizes an entry declares in the zip's central directory (what zipfile trusts)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_len].decode() == entry:
            if compress_size is not None:
                struct.pack_into("<I", data, at + 20, compress_size)
            if file_size is not None:
                struct.pack_into("<I", data, at + 24, file_size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


BILLION_LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
                  '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="a0000000-0000-4000-8000-'
                  '000000000001" name="&lol3;" isCodable="true"/></Codes></CodeBook>')
XXE = ('<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       + GOOD_QDE.split("\n", 1)[1].replace('name="t"', 'name="&xxe;"'))


def _not_a_zip(tmp):
    (tmp / "x.qdpx").write_text("just some text, not a zip\n")
    return tmp / "x.qdpx", "not a REFI-QDA project: the file is not a zip archive"


def _xml_named_qdpx(tmp):
    (tmp / "x.qdpx").write_text(GOOD_QDE)
    return tmp / "x.qdpx", "not a REFI-QDA project: the file is an XML file"


def _zip_named_qdc(tmp):
    return write_qdpx(tmp / "x.qdc", {"project.qde": GOOD_QDE}), "the file is a zip archive, not the XML"


def _billion_laughs_qdc(tmp):
    (tmp / "x.qdc").write_text(BILLION_LAUGHS)
    return tmp / "x.qdc", "x.qdc:line 2: the XML declares a DOCTYPE"


def _xxe_in_project(tmp):
    return (write_qdpx(tmp / "x.qdpx", {"project.qde": XXE, f"sources/{SOURCE}.txt": GOOD_TXT}),
            "project.qde line 2: the XML declares a DOCTYPE")


def _dotdot_entry(tmp):
    return (write_qdpx(tmp / "x.qdpx", {"project.qde": GOOD_QDE, "../evil.txt": "x"}),
            "entry '../evil.txt' has a '..' component")


def _dotdot_backslash(tmp):
    return (write_qdpx(tmp / "x.qdpx", {"project.qde": GOOD_QDE, "sources\\..\\..\\evil.txt": "x"}),
            "has a '..' component")


def _absolute_entry(tmp):
    path = tmp / "x.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", GOOD_QDE)
        info = zipfile.ZipInfo("sources/x.txt")
        zf.writestr(info, "x")
    _rename_entry(path, "sources/x.txt", "/etc/passwd.x")
    return path, "entry '/etc/passwd.x' has an absolute path"


def _rename_entry(path, old: str, new: str) -> None:
    assert len(old) == len(new)
    path.write_bytes(path.read_bytes().replace(old.encode(), new.encode()))


def _zip_bomb_ratio(tmp):
    return (write_qdpx(tmp / "x.qdpx", {"project.qde": GOOD_QDE, f"sources/{SOURCE}.txt": b"\0" * (20 << 20)}),
            "ratio over 200:1, a zip bomb?")


def _declared_too_big(tmp):
    path = write_qdpx(tmp / "x.qdpx", {"project.qde": GOOD_QDE, f"sources/{SOURCE}.txt": GOOD_TXT})
    _patch_central(path, f"sources/{SOURCE}.txt", file_size=0xFFFF0000)
    return path, f"entry 'sources/{SOURCE}.txt' would unpack to"


def _overlapping(tmp):
    path = write_qdpx(tmp / "x.qdpx", {"project.qde": GOOD_QDE, f"sources/{SOURCE}.txt": GOOD_TXT})
    _patch_central(path, f"sources/{SOURCE}.txt", compress_size=50_000_000)
    return path, "claim more compressed bytes than the file holds"


def _inflates_past_declared_size(tmp):
    path = write_qdpx(tmp / "x.qdpx", {"project.qde": GOOD_QDE, f"sources/{SOURCE}.txt": GOOD_TXT * 500})
    _patch_central(path, f"sources/{SOURCE}.txt", file_size=10)
    return path, f"entry 'sources/{SOURCE}.txt'"


def _duplicate_entries(tmp):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return (write_qdpx(tmp / "x.qdpx", {"project.qde": GOOD_QDE}) and _dup(tmp / "x.qdpx"),
                "entry 'project.qde' appears twice")


def _dup(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr("project.qde", GOOD_QDE)
    return path


def _no_qde(tmp):
    return write_qdpx(tmp / "x.qdpx", {f"sources/{SOURCE}.txt": GOOD_TXT}), "the archive holds no project.qde"


def _not_well_formed(tmp):
    return (write_qdpx(tmp / "x.qdpx", {"project.qde": GOOD_QDE.replace("</Project>", "")}),
            "project.qde line 2: not well-formed XML")


def _wrong_root(tmp):
    (tmp / "x.qdc").write_text("<html><body>hello</body></html>")
    return tmp / "x.qdc", "root element is <html>"


def _codebook_in_qdpx(tmp):
    return (write_qdpx(tmp / "x.qdpx", {"project.qde": '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                                        '<Code guid="a0000000-0000-4000-8000-000000000001" name="x" '
                                        'isCodable="true"/></Codes></CodeBook>'}),
            "holds a <CodeBook>, not a <Project>")


def _wrong_extension(tmp):
    return write_qdpx(tmp / "x.zip", {"project.qde": GOOD_QDE}), "cannot tell what the file is from its extension"


CASES = [_not_a_zip, _xml_named_qdpx, _zip_named_qdc, _billion_laughs_qdc, _xxe_in_project, _dotdot_entry,
         _dotdot_backslash, _absolute_entry, _zip_bomb_ratio, _declared_too_big, _overlapping,
         _inflates_past_declared_size, _duplicate_entries, _no_qde, _not_well_formed, _wrong_root,
         _codebook_in_qdpx, _wrong_extension]


@pytest.mark.parametrize("make", CASES, ids=[c.__name__.lstrip("_") for c in CASES])
def test_unsafe_or_wrong_file_is_refused_and_nothing_is_written(make, tmp_path, runner):
    from duocode.cli import main

    path, message = make(tmp_path)
    target = tmp_path / "new" / "project"
    result = runner.invoke(main, ["refi", "import", str(path), "--project", str(target)])
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert result.stderr.startswith(f"Error: {path}")
    assert "Traceback" not in result.output
    assert not (tmp_path / "new").exists()


def test_too_many_entries_are_refused(tmp_path, monkeypatch):
    from duocode.errors import InputError
    from duocode.interop.refi import container
    from duocode.interop.refi.importer import import_refi

    monkeypatch.setattr(container, "MAX_ENTRIES", 2)
    path = write_qdpx(tmp_path / "x.qdpx", {"project.qde": GOOD_QDE, "sources/a.txt": "a", "sources/b.txt": "b"})
    with pytest.raises(InputError, match="holds 3 entries"):
        import_refi(path, tmp_path / "p")
    assert not (tmp_path / "p").exists()


def test_a_doctype_after_a_long_comment_is_still_refused():
    from duocode.errors import InputError
    from duocode.interop.refi.container import parse_xml

    hidden = XXE.replace("<!DOCTYPE", "<!--" + "x" * 100_000 + "-->\n<!DOCTYPE", 1)
    with pytest.raises(InputError, match="declares a DOCTYPE"):
        parse_xml(hidden.encode(), "x.qde")


def test_doctype_words_inside_the_text_are_not_a_doctype():
    from duocode.interop.refi.container import parse_xml

    root = parse_xml(GOOD_QDE.replace("</Project>", "<Description><![CDATA[a memo quoting <!DOCTYPE html>]]>"
                                      "</Description></Project>").encode(), "x.qde")
    assert root.findtext("{urn:QDA-XML:project:1.0}Description") == "a memo quoting <!DOCTYPE html>"


def test_a_failure_while_writing_removes_the_new_project_folder(tmp_path, monkeypatch):
    import duocode.store as codes
    from duocode.interop.refi.importer import import_refi

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(codes, "set_codes", boom)
    monkeypatch.setattr(codes, "insert_codes", boom)
    path = write_qdpx(tmp_path / "x.qdpx", {"project.qde": GOOD_QDE, f"sources/{SOURCE}.txt": GOOD_TXT})
    with pytest.raises(RuntimeError):
        import_refi(path, tmp_path / "a" / "b")
    assert not (tmp_path / "a").exists()


def test_a_folder_with_files_is_refused(tmp_path, runner):
    from duocode.cli import main

    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    path = write_qdpx(tmp_path / "x.qdpx", {"project.qde": GOOD_QDE, f"sources/{SOURCE}.txt": GOOD_TXT})
    result = runner.invoke(main, ["refi", "import", str(path), "--project", str(tmp_path / "busy")])
    assert result.exit_code == 1 and "the folder is not empty" in result.stderr
    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["notes.txt"]


def test_a_project_with_content_is_refused_unchanged(small_project, tmp_path, take_snapshot):
    from duocode.errors import RefusedError
    from duocode.interop.refi.exporter import export_refi
    from duocode.interop.refi.importer import import_refi

    export_refi(small_project, tmp_path / "x.qdpx")
    before = take_snapshot(small_project)
    with pytest.raises(RefusedError, match="the project is not empty"):
        import_refi(tmp_path / "x.qdpx", small_project.directory)
    assert take_snapshot(small_project) == before


def test_an_empty_project_with_the_same_codebook_takes_the_import(small_project, tmp_path):
    from duocode.codebook import load_codebook
    from duocode.errors import RefusedError
    from duocode.interop.refi.exporter import export_refi
    from duocode.interop.refi.importer import import_refi
    from duocode.store import Project
    from refi_helpers import MINI

    export_refi(small_project, tmp_path / "x.qdpx")
    Project.create(tmp_path / "empty", load_codebook(MINI)).close()
    assert import_refi(tmp_path / "x.qdpx", tmp_path / "empty").documents == 2
    Project.create(tmp_path / "other", load_codebook("telecare")).close()
    with pytest.raises(RefusedError, match="is not the file's"):
        import_refi(tmp_path / "x.qdpx", tmp_path / "other")


def test_an_empty_project_on_postgresql_takes_the_import(small_project, tmp_path, pg_url):
    """A team's PostgreSQL project folder holds only ``duocode.url``: that is a project, not a busy folder."""
    from duocode.codebook import load_codebook
    from duocode.interop.refi.exporter import export_refi
    from duocode.interop.refi.importer import import_refi
    from duocode.store import Project, list_documents
    from refi_helpers import MINI

    export_refi(small_project, tmp_path / "x.qdpx")
    Project.create(tmp_path / "team", load_codebook(MINI), database=pg_url).close()
    assert [p.name for p in (tmp_path / "team").iterdir()] == ["duocode.url"]
    assert import_refi(tmp_path / "x.qdpx", tmp_path / "team").documents == 2
    with Project.open(tmp_path / "team") as project:
        assert project.backend == "postgresql" and len(list_documents(project)) == 2
