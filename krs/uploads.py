"""Attachments: type decided by content, random stored names, kept outside static/ (in the
configured store, krs/storage.py: UPLOAD_DIR or an S3-compatible bucket)."""

from __future__ import annotations

import io
import logging
import os
import secrets
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


class UploadError(Exception):
    pass


@dataclass
class StoredFile:
    original_name: str
    stored_name: str
    content_type: str
    size_bytes: int


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
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


def store_upload(
    file_storage, storage: Storage | str | os.PathLike, max_bytes: int, keep_location: bool = False
) -> StoredFile:
    """Validate a werkzeug FileStorage and write it under a random name into `storage` (a
    krs.storage.Storage, or a directory path for the local one).

    Photos are re-encoded without metadata (so without GPS position) unless the office chose to
    keep it (KRS_KEEP_IMAGE_LOCATION); PDFs are stored as sent and only ever downloaded.
    """
    data = file_storage.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError(_l("Berkas melebihi batas %(mb)s MB.", mb=max_bytes // (1024 * 1024)))
    if not data:
        raise UploadError(_l("Berkas kosong."))
    kind = sniff(data[:16])
    if kind is None:
        raise UploadError(_l("Jenis berkas tidak didukung. Unggah foto (JPG/PNG/WebP) atau PDF."))
    content_type, ext = kind
    if content_type in PIL_FORMATS and not keep_location:
        data = strip_image_metadata(data, content_type)
    stored_name = secrets.token_hex(16) + ext
    try:
        as_storage(storage).save(stored_name, data, content_type)
    except StorageError as exc:
        log.error("upload not stored: %s", exc)
        raise UploadError(_l("Berkas tidak dapat disimpan saat ini. Coba lagi beberapa saat lagi.")) from exc
    original = os.path.basename(file_storage.filename or "berkas")[:200]
    return StoredFile(original, stored_name, content_type, len(data))


def discard(storage: Storage | str | os.PathLike, stored: list[StoredFile]) -> None:
    """Remove files already stored for a change that was then refused (no row points at them)."""
    for one in stored:
        try:
            as_storage(storage).delete(one.stored_name)
        except StorageError as exc:
            log.warning("orphan upload %s left in the store: %s", one.stored_name, exc)


def send_stored(
    storage: Storage | str | os.PathLike, stored_name: str, content_type: str, download_name: str
):
    """A stored upload as a response that can never run as a page (sandboxed, the stored type) and is
    never kept by a browser or proxy cache (house photos and documents are personal data).

    The caller has already decided access (krs/access.py). A file missing from the store is a
    404 (logged: the row and the store disagree); a store that cannot be reached is a 503."""
    try:
        resp = as_storage(storage).send(
            stored_name, content_type, download_name, as_attachment=content_type == "application/pdf"
        )
    except FileNotFoundError:
        log.warning("stored file %s is missing from the upload store", stored_name)
        abort(404)
    except StorageError as exc:
        log.error("upload store unavailable: %s", exc)
        abort(503)
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
