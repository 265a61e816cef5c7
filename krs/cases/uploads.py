"""Attachments: type decided by content, random stored names, kept outside static/."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

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


def store_upload(file_storage, upload_dir: str, max_bytes: int) -> StoredFile:
    """Validate a werkzeug FileStorage and write it under a random name."""
    data = file_storage.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError(_l("Berkas melebihi batas %(mb)s MB.", mb=max_bytes // (1024 * 1024)))
    if not data:
        raise UploadError(_l("Berkas kosong."))
    kind = sniff(data[:16])
    if kind is None:
        raise UploadError(_l("Jenis berkas tidak didukung. Unggah foto (JPG/PNG/WebP) atau PDF."))
    content_type, ext = kind
    os.makedirs(upload_dir, exist_ok=True)
    stored_name = secrets.token_hex(16) + ext
    with open(os.path.join(upload_dir, stored_name), "wb") as fh:
        fh.write(data)
    original = os.path.basename(file_storage.filename or "berkas")[:200]
    return StoredFile(original, stored_name, content_type, len(data))


def path_of(upload_dir: str, stored_name: str) -> str:
    return os.path.join(upload_dir, os.path.basename(stored_name))
