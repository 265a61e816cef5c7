"""Attachments: type decided by content, random stored names, kept outside static/."""

from __future__ import annotations

import io
import os
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

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


def store_upload(file_storage, upload_dir: str, max_bytes: int, keep_location: bool = False) -> StoredFile:
    """Validate a werkzeug FileStorage and write it under a random name.

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
    os.makedirs(upload_dir, exist_ok=True)
    stored_name = secrets.token_hex(16) + ext
    with open(os.path.join(upload_dir, stored_name), "wb") as fh:
        fh.write(data)
    original = os.path.basename(file_storage.filename or "berkas")[:200]
    return StoredFile(original, stored_name, content_type, len(data))


def path_of(upload_dir: str, stored_name: str) -> str:
    return os.path.join(upload_dir, os.path.basename(stored_name))


def send_stored(upload_dir: str, stored_name: str, content_type: str, download_name: str):
    """A stored upload as a response that can never run as a page (sandboxed, the stored type) and is
    never kept by a browser or proxy cache (house photos and documents are personal data)."""
    from flask import send_file

    resp = send_file(
        path_of(upload_dir, stored_name),
        mimetype=content_type,
        as_attachment=content_type == "application/pdf",
        download_name=download_name,
        max_age=0,
    )
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
