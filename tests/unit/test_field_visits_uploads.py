"""Field visits (issue 16): documents checked by content (PDF, DWG, XLSX, DOCX; disguised files and
macro-enabled packages refused), several photos at once with thumbnails, no GPS EXIF anywhere."""

from __future__ import annotations

import io
import os
import zipfile

import openpyxl
import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from krs.uploads import (
    DOCUMENT_TYPES,
    DOCX,
    DWG,
    THUMBNAIL_SIZE,
    XLSX,
    UploadError,
    save_photos,
    send_stored,
    sniff_document,
    store_upload,
    thumbnail_name,
)
from tests.unit.test_security_uploads import GPS_IFD, photo_with_gps


def _file(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def real_xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "RAB rumah"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CT_DOCX = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument'
    b'.wordprocessingml.document.main+xml"/></Types>'
)
CT_DOCM = CT_DOCX.replace(
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    b"application/vnd.ms-word.document.macroEnabled.main+xml",
)


def zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def real_docx() -> bytes:
    return zip_of({"[Content_Types].xml": CT_DOCX, "word/document.xml": b"<w:document/>", "_rels/.rels": b""})


def xlsm() -> bytes:
    """A workbook with macros: the same package, a vbaProject.bin and the macro-enabled type."""
    with zipfile.ZipFile(io.BytesIO(real_xlsx())) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0macro"
    return zip_of(parts)


DWG_DATA = b"AC1027" + b"\x00" * 200
JPEG = photo_with_gps("JPEG")


@pytest.mark.parametrize(
    "data,content_type,ext",
    [
        (JPEG, "image/jpeg", ".jpg"),
        (photo_with_gps("PNG"), "image/png", ".png"),
        (photo_with_gps("WEBP"), "image/webp", ".webp"),
        (b"%PDF-1.7\n", "application/pdf", ".pdf"),
        (DWG_DATA, DWG, ".dwg"),
        (real_xlsx(), XLSX, ".xlsx"),
        (real_docx(), DOCX, ".docx"),
    ],
)
def test_each_document_type_is_told_by_its_content(data, content_type, ext):
    assert sniff_document(data) == (content_type, ext)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"MZ\x90\x00\x03" + b"\x00" * 100, id="windows-exe-renamed"),
        pytest.param(b"\x7fELF\x02\x01\x01" + b"\x00" * 100, id="elf-renamed"),
        pytest.param(b"<html><script>alert(1)</script></html>", id="html"),
        pytest.param(b"ACAD not a drawing", id="not-dwg"),
        pytest.param(b"AC10xx" + b"\x00" * 10, id="dwg-magic-without-version"),
        pytest.param(xlsm(), id="xlsm-macros"),
        pytest.param(
            zip_of({"[Content_Types].xml": CT_DOCM, "word/document.xml": b"<w/>"}), id="docm-macro-type"
        ),
        pytest.param(
            zip_of(
                {"[Content_Types].xml": CT_DOCX, "word/document.xml": b"<w/>", "word/vbaProject.bin": b"x"}
            ),
            id="docx-with-vba-part",
        ),
        pytest.param(zip_of({"readme.txt": b"hello", "run.exe": b"MZ"}), id="plain-zip"),
        pytest.param(zip_of({"[Content_Types].xml": CT_DOCX}), id="content-types-without-parts"),
        pytest.param(
            zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}), id="undeclared"
        ),
        pytest.param(b"PK\x03\x04broken zip", id="broken-zip"),
    ],
)
def test_disguised_and_macro_enabled_files_are_refused(tmp_path, data):
    assert sniff_document(data) is None
    with pytest.raises(UploadError, match="tidak didukung"):
        store_upload(_file(data, "rab.xlsx"), str(tmp_path), 10**7, allowed=DOCUMENT_TYPES)
    assert os.listdir(tmp_path) == []


def test_documents_are_taken_only_where_a_caller_asks_for_them(tmp_path):
    """The logo and outreach photos keep to photos and PDF: a spreadsheet there is refused."""
    with pytest.raises(UploadError, match="tidak didukung"):
        store_upload(_file(real_xlsx(), "logo.xlsx"), str(tmp_path), 10**7)
    stored = store_upload(_file(real_xlsx(), "rab.pdf"), str(tmp_path), 10**7, allowed=DOCUMENT_TYPES)
    assert stored.content_type == XLSX and stored.stored_name.endswith(".xlsx")
    assert stored.thumbnail_name is None


def test_save_photos_stores_each_with_a_small_thumbnail_and_no_gps(tmp_path):
    big = io.BytesIO()
    img = Image.new("RGB", (1200, 900), (20, 120, 200))
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "S", 2: (6.0, 54.0, 30.0), 3: "E", 4: (107.0, 36.0, 10.0)}
    exif[0x010F] = "KameraHP"
    img.save(big, format="JPEG", exif=exif)
    files = [_file(big.getvalue(), f"rumah{i}.jpg") for i in range(3)] + [_file(b"", "")]
    stored = save_photos(files, str(tmp_path), 10**7)
    assert len(stored) == 3  # the empty part of a form sent without a file is skipped
    for one in stored:
        assert one.thumbnail_name == thumbnail_name(one.stored_name)
        for name in (one.stored_name, one.thumbnail_name):
            data = (tmp_path / name).read_bytes()
            with Image.open(io.BytesIO(data)) as got:
                exif = got.getexif()
                assert not exif.get_ifd(GPS_IFD) and GPS_IFD not in exif and 0x010F not in exif
            assert b"KameraHP" not in data
        with Image.open(tmp_path / one.thumbnail_name) as thumb:
            assert thumb.format == "JPEG" and max(thumb.size) == max(THUMBNAIL_SIZE)
            assert thumb.size == (320, 240)


def test_thumbnail_is_upright_and_flattened(tmp_path):
    stored = save_photos([_file(photo_with_gps(orientation=6), "tegak.jpg")], str(tmp_path), 10**7)
    with Image.open(tmp_path / stored[0].thumbnail_name) as thumb:
        assert thumb.size == (20, 40)
    rgba = io.BytesIO()
    Image.new("RGBA", (50, 30), (0, 0, 0, 0)).save(rgba, format="PNG")
    stored = save_photos([_file(rgba.getvalue(), "transparan.png")], str(tmp_path), 10**7)
    with Image.open(tmp_path / stored[0].thumbnail_name) as thumb:
        assert thumb.mode == "RGB"


def test_save_photos_is_all_or_nothing(tmp_path):
    files = [_file(JPEG, "a.jpg"), _file(JPEG, "b.jpg"), _file(b"MZ\x90\x00", "c.jpg")]
    with pytest.raises(UploadError, match="c.jpg"):
        save_photos(files, str(tmp_path), 10**7)
    assert os.listdir(tmp_path) == []  # the two photos and their thumbnails are removed again


def test_save_photos_limits_how_many_at_once(tmp_path):
    with pytest.raises(UploadError, match="Paling banyak 2"):
        save_photos([_file(JPEG, f"{i}.jpg") for i in range(3)], str(tmp_path), 10**7, max_files=2)
    assert os.listdir(tmp_path) == []


def test_office_that_keeps_location_still_gets_clean_thumbnails(tmp_path):
    stored = save_photos([_file(JPEG, "rumah.jpg")], str(tmp_path), 10**7, keep_location=True)
    with Image.open(tmp_path / stored[0].stored_name) as img:
        assert img.getexif().get_ifd(GPS_IFD)
    with Image.open(tmp_path / stored[0].thumbnail_name) as thumb:
        assert GPS_IFD not in thumb.getexif()


@pytest.mark.parametrize(
    "data,name", [(real_xlsx(), "rab.xlsx"), (real_docx(), "surat.docx"), (DWG_DATA, "denah.dwg")]
)
def test_documents_are_never_served_inline(app, tmp_path, data, name):
    stored = store_upload(_file(data, name), str(tmp_path), 10**7, allowed=DOCUMENT_TYPES)
    with app.test_request_context():
        resp = send_stored(str(tmp_path), stored.stored_name, stored.content_type, name)
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Cache-Control"] == "private, no-store"
    resp.close()
