"""Attachments: type decided by content, random stored names, kept outside static/ (in the
configured store, krs/storage.py: UPLOAD_DIR or an S3-compatible bucket)."""

from __future__ import annotations

import io
import logging
import os
import secrets
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from flask import abort
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

from krs.storage import Storage, StorageError, as_storage

log = logging.getLogger(__name__)

# A photo from a phone is ~12-50 megapixels; anything far beyond is a decompression bomb.
Image.MAX_IMAGE_PIXELS = 80_000_000
PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)

# Drawings and cost sheets (issue 16, field visits): accepted only where a caller asks for them
# (`allowed=DOCUMENT_TYPES`), and always served as a download (`send_stored`).
DWG = "image/vnd.dwg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IMAGE_TYPES = frozenset(PIL_FORMATS)
PHOTO_AND_PDF_TYPES = IMAGE_TYPES | {"application/pdf"}  # what store_upload takes by default
DOCUMENT_TYPES = PHOTO_AND_PDF_TYPES | {DWG, XLSX, DOCX}
# the main part an Office Open XML package must declare to be a plain (macro-free) workbook/document
OOXML_MAIN = {
    XLSX: ("xl/workbook.xml", b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    DOCX: (
        "word/document.xml",
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
}
OOXML_EXT = {XLSX: ".xlsx", DOCX: ".docx"}
MAX_ZIP_MEMBERS = 5000

THUMBNAIL_SIZE = (320, 320)  # the longest side on the timeline; stored as JPEG
MAX_FILES_PER_UPLOAD = 10


class UploadError(Exception):
    pass


@dataclass
class StoredFile:
    original_name: str
    stored_name: str
    content_type: str
    size_bytes: int
    thumbnail_name: str | None = None  # photos saved by save_photos: a small JPEG beside it


def sniff(head: bytes) -> tuple[str, str] | None:
    """The type of a photo or PDF by its first bytes (16 are enough); None for anything else."""
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


def sniff_document(data: bytes) -> tuple[str, str] | None:
    """The type of a whole file among DOCUMENT_TYPES, by content: a photo or PDF (`sniff`), an
    AutoCAD drawing (DWG: "AC10" and a version), or an Office Open XML workbook/document (a ZIP
    with [Content_Types].xml declaring a macro-free main part, and that part present). Macro-enabled
    files (xlsm/docm, a vbaProject.bin), other ZIPs and renamed executables are None."""
    kind = sniff(data[:16])
    if kind is not None:
        return kind
    if data[:4] == b"AC10" and data[4:6].isdigit():
        return DWG, ".dwg"
    if data[:4] == b"PK\x03\x04":
        return _sniff_ooxml(data)
    return None


def _sniff_ooxml(data: bytes) -> tuple[str, str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                return None
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names:
                return None
            if any("vbaproject" in name.lower() for name in names):  # macros, whatever the type says
                return None
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                return None
            declared = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError, EOFError):
        return None
    if b"macroEnabled" in declared or b"vbaProject" in declared:
        return None
    for content_type, (part, main) in OOXML_MAIN.items():
        prefix = part.split("/")[0] + "/"
        if part in names and main in declared and any(n.startswith(prefix) for n in names):
            return content_type, OOXML_EXT[content_type]
    return None


def strip_image_metadata(data: bytes, content_type: str) -> bytes:
    """Re-encode a photo without its metadata (EXIF GPS position, camera, text chunks).

    The picture is first turned upright by its EXIF orientation, which is then dropped with the
    rest. A file that is not a readable image of the sniffed type is refused.
    """
    fmt = PIL_FORMATS[content_type]
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != fmt:
                raise UploadError(_l("Isi berkas tidak sesuai dengan jenis gambarnya."))
            img.load()
            clean = ImageOps.exif_transpose(img)
            if fmt == "JPEG" and clean.mode not in ("RGB", "L"):
                clean = clean.convert("RGB")
            out = io.BytesIO()
            options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {"optimize": True}
            clean.save(out, format=fmt, **options)  # no exif=, no pnginfo=: nothing carried over
            return out.getvalue()
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadError(_l("Gambar terlalu besar (resolusi). Perkecil foto lalu unggah lagi.")) from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a broken or disguised file
        raise UploadError(_l("Berkas gambar rusak atau tidak dapat dibaca. Unggah ulang fotonya.")) from exc


def make_thumbnail(data: bytes) -> bytes:
    """A small JPEG of a photo (longest side THUMBNAIL_SIZE), upright and without any metadata."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.draft("RGB", THUMBNAIL_SIZE)  # JPEG: decode at a reduced scale (fast on 12 MP photos)
            small = ImageOps.exif_transpose(img)
            small.thumbnail(THUMBNAIL_SIZE)
            if small.mode not in ("RGB", "L"):
                small = small.convert("RGBA") if "A" in small.getbands() else small.convert("RGB")
                if small.mode == "RGBA":
                    back = Image.new("RGB", small.size, (255, 255, 255))
                    back.paste(small, mask=small.getchannel("A"))
                    small = back
            out = io.BytesIO()
            small.save(out, format="JPEG", quality=80, optimize=True)  # no exif=: nothing carried over
            return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadError(_l("Gambar terlalu besar (resolusi). Perkecil foto lalu unggah lagi.")) from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a broken or disguised file
        raise UploadError(_l("Berkas gambar rusak atau tidak dapat dibaca. Unggah ulang fotonya.")) from exc


def thumbnail_name(stored_name: str) -> str:
    """The stored name of a photo's thumbnail: its own random name with a `.thumb.jpg` ending."""
    stem = os.path.basename(stored_name).split(".", 1)[0]
    return f"{stem}.thumb.jpg"


UNSUPPORTED = {
    "default": _l("Jenis berkas tidak didukung. Unggah foto (JPG/PNG/WebP) atau PDF."),
    "documents": _l(
        "Jenis berkas tidak didukung. Unggah foto (JPG/PNG/WebP), PDF, gambar DWG, XLSX atau DOCX "
        "(tanpa makro)."
    ),
}


def store_upload(
    file_storage,
    storage: Storage | str | os.PathLike,
    max_bytes: int,
    keep_location: bool = False,
    allowed: frozenset[str] | set[str] = PHOTO_AND_PDF_TYPES,
    thumbnail: bool = False,
) -> StoredFile:
    """Validate a werkzeug FileStorage and write it under a random name into `storage` (a
    krs.storage.Storage, or a directory path for the local one).

    `allowed`: the content types taken (default photos and PDF; DOCUMENT_TYPES adds DWG, XLSX,
    DOCX), decided by content, never by the name. Photos are re-encoded without metadata (so
    without GPS position) unless the office chose to keep it (KRS_KEEP_IMAGE_LOCATION); other files
    are stored as sent and only ever downloaded. `thumbnail`: a photo also gets a small JPEG stored
    under `thumbnail_name(stored_name)` (always without metadata), named in the result.
    """
    data = file_storage.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError(_l("Berkas melebihi batas %(mb)s MB.", mb=max_bytes // (1024 * 1024)))
    if not data:
        raise UploadError(_l("Berkas kosong."))
    kind = sniff_document(data) if allowed - PHOTO_AND_PDF_TYPES else sniff(data[:16])
    if kind is None or kind[0] not in allowed:
        raise UploadError(UNSUPPORTED["documents" if allowed - PHOTO_AND_PDF_TYPES else "default"])
    content_type, ext = kind
    if content_type in PIL_FORMATS and not keep_location:
        data = strip_image_metadata(data, content_type)
    thumb = make_thumbnail(data) if thumbnail and content_type in PIL_FORMATS else None
    stored_name = secrets.token_hex(16) + ext
    thumb_name = thumbnail_name(stored_name) if thumb is not None else None
    store = as_storage(storage)
    try:
        store.save(stored_name, data, content_type)
        if thumb is not None:
            store.save(thumb_name, thumb, "image/jpeg")
    except StorageError as exc:
        log.error("upload not stored: %s", exc)
        discard(store, [StoredFile("", stored_name, content_type, 0, thumb_name)])
        raise UploadError(_l("Berkas tidak dapat disimpan saat ini. Coba lagi beberapa saat lagi.")) from exc
    original = os.path.basename(file_storage.filename or "berkas")[:200]
    return StoredFile(original, stored_name, content_type, len(data), thumb_name)


def save_photos(
    files: Iterable,
    storage: Storage | str | os.PathLike,
    max_bytes: int,
    keep_location: bool = False,
    allowed: frozenset[str] | set[str] = PHOTO_AND_PDF_TYPES,
    max_files: int = MAX_FILES_PER_UPLOAD,
) -> list[StoredFile]:
    """Several uploads at once (a phone camera's `<input type=file multiple>`): each checked and
    stored like `store_upload`, photos with a thumbnail. All or nothing: when one is refused, the
    ones already stored are removed and the UploadError names the file. Empty parts (a form sent
    without choosing a file) are skipped. The caller saves the rows in one transaction and calls
    `discard` if that transaction is refused."""
    chosen = [f for f in files if f is not None and getattr(f, "filename", "")]
    if len(chosen) > max_files:
        raise UploadError(_l("Paling banyak %(n)s berkas sekali unggah.", n=max_files))
    stored: list[StoredFile] = []
    for one in chosen:
        try:
            stored.append(store_upload(one, storage, max_bytes, keep_location, allowed, thumbnail=True))
        except UploadError as exc:
            discard(storage, stored)
            name = os.path.basename(one.filename or "")[:80]
            raise UploadError(f"{name}: {exc}") from exc
    return stored


def discard(storage: Storage | str | os.PathLike, stored: list[StoredFile]) -> None:
    """Remove files already stored for a change that was then refused (no row points at them),
    with their thumbnails."""
    store = as_storage(storage)
    for one in stored:
        for name in (one.stored_name, one.thumbnail_name):
            if not name:
                continue
            try:
                store.delete(name)
            except StorageError as exc:
                log.warning("orphan upload %s left in the store: %s", name, exc)


def send_stored(
    storage: Storage | str | os.PathLike, stored_name: str, content_type: str, download_name: str
):
    """A stored upload as a response that can never run as a page (sandboxed, the stored type) and is
    never kept by a browser or proxy cache (house photos and documents are personal data).

    The caller has already decided access (krs/access.py). A file missing from the store is a
    404 (logged: the row and the store disagree); a store that cannot be reached is a 503."""
    try:
        # only photos are shown in the page; PDFs, drawings and cost sheets are always downloads
        resp = as_storage(storage).send(
            stored_name, content_type, download_name, as_attachment=content_type not in PIL_FORMATS
        )
    except FileNotFoundError:
        log.warning("stored file %s is missing from the upload store", stored_name)
        abort(404)
    except StorageError as exc:
        log.error("upload store unavailable: %s", exc)
        abort(503)
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
