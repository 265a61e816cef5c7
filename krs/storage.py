"""Where uploaded files live: a local directory (default) or an S3-compatible bucket.

Chosen by configuration (UPLOAD_STORAGE = "local" | "s3"). Both keep a file under its random
stored name (krs.uploads.store_upload) and hand it out only through the app's
access-checked routes: there are no public or presigned URLs, so every access decision stays in
krs/access.py. With S3 the object's body is streamed through the app.

Errors: a missing file raises FileNotFoundError; any other failure of the store (disk, network,
credentials, bucket) raises StorageError.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from typing import BinaryIO

log = logging.getLogger(__name__)

BACKENDS = ("local", "s3")


class StorageError(Exception):
    pass


def _base(name: str) -> str:
    """Stored names are flat: any path part is dropped, so a name can never leave the store."""
    base = os.path.basename(name or "")
    if base in ("", ".", ".."):
        raise FileNotFoundError(name)
    return base


class Storage:
    """The operations the app needs; `send` answers a download (headers set by the caller)."""

    kind = ""

    def save(self, name: str, data: bytes, content_type: str | None = None) -> None:
        raise NotImplementedError

    def save_file(self, name: str, file: BinaryIO, content_type: str | None = None) -> None:
        """Save from an open binary file, in pieces (a large export: memory does not grow with it)."""
        self.save(name, file.read(), content_type)

    def read(self, name: str) -> bytes:
        raise NotImplementedError

    def delete(self, name: str) -> None:
        """Remove the file; a file that is already gone is not an error."""
        raise NotImplementedError

    def exists(self, name: str) -> bool:
        raise NotImplementedError

    def send(self, name: str, content_type: str, download_name: str, as_attachment: bool):
        raise NotImplementedError


class LocalStorage(Storage):
    """Files in one directory (UPLOAD_DIR), exactly as before the storage abstraction."""

    kind = "local"

    def __init__(self, directory: str | os.PathLike):
        self.directory = os.fspath(directory)

    def path_of(self, name: str) -> str:
        return os.path.join(self.directory, _base(name))

    def save(self, name: str, data: bytes, content_type: str | None = None) -> None:
        path = self.path_of(name)
        try:
            os.makedirs(self.directory, exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise StorageError(f"cannot write {path}: {exc}") from exc

    def save_file(self, name: str, file: BinaryIO, content_type: str | None = None) -> None:
        path = self.path_of(name)
        try:
            os.makedirs(self.directory, exist_ok=True)
            with open(path, "wb") as fh:
                shutil.copyfileobj(file, fh, 1024 * 1024)
        except OSError as exc:
            raise StorageError(f"cannot write {path}: {exc}") from exc

    def read(self, name: str) -> bytes:
        path = self.path_of(name)
        try:
            with open(path, "rb") as fh:
                return fh.read()
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise StorageError(f"cannot read {path}: {exc}") from exc

    def delete(self, name: str) -> None:
        try:
            os.remove(self.path_of(name))
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise StorageError(f"cannot delete {name}: {exc}") from exc

    def exists(self, name: str) -> bool:
        try:
            return os.path.isfile(self.path_of(name))
        except FileNotFoundError:
            return False

    def send(self, name: str, content_type: str, download_name: str, as_attachment: bool):
        from flask import send_file

        path = self.path_of(name)
        if not os.path.isfile(path):
            raise FileNotFoundError(path)
        try:
            return send_file(
                path,
                mimetype=content_type,
                as_attachment=as_attachment,
                download_name=download_name,
                max_age=0,
            )
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise StorageError(f"cannot read {path}: {exc}") from exc


@dataclass(frozen=True)
class S3Settings:
    bucket: str
    endpoint_url: str | None = None
    region: str | None = None
    prefix: str = ""
    addressing_style: str | None = None


class S3Storage(Storage):
    """Objects in one bucket of an S3-compatible store (MinIO, Ceph RGW, AWS S3), keyed
    `<prefix><stored name>`. Credentials come from boto3's usual chain: AWS_ACCESS_KEY_ID /
    AWS_SECRET_ACCESS_KEY in the environment, a shared credentials file, or an instance role."""

    kind = "s3"
    CHUNK = 64 * 1024

    def __init__(self, settings: S3Settings, client=None):
        if not settings.bucket:
            raise StorageError("S3_BUCKET is not set")
        self.settings = settings
        self.bucket = settings.bucket
        prefix = (settings.prefix or "").strip("/")
        self.prefix = prefix + "/" if prefix else ""
        self.client = client or self._client(settings)

    @staticmethod
    def _client(settings: S3Settings):
        import boto3
        from botocore.config import Config as BotoConfig

        style = settings.addressing_style or ("path" if settings.endpoint_url else "auto")
        config = BotoConfig(
            region_name=settings.region,
            s3={"addressing_style": style},
            # A download holds a worker: fail within seconds rather than hang on a dead store.
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
            # botocore >= 1.36 adds CRC checksums to every upload by default, which several
            # S3-compatible stores (older MinIO, Ceph RGW) refuse: only when the API requires it.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        # A session of our own: boto3's default session is not safe to share between threads.
        return boto3.session.Session().client("s3", endpoint_url=settings.endpoint_url or None, config=config)

    def key(self, name: str) -> str:
        return self.prefix + _base(name)

    def _fail(self, exc: Exception, key: str, action: str) -> Exception:
        from botocore.exceptions import ClientError

        if isinstance(exc, ClientError):
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchKey", "NotFound"):
                return FileNotFoundError(f"s3://{self.bucket}/{key}")
        return StorageError(f"cannot {action} s3://{self.bucket}/{key}: {exc}")

    def save(self, name: str, data: bytes, content_type: str | None = None) -> None:
        key = self.key(name)
        extra = {"ContentType": content_type} if content_type else {}
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data, **extra)
        except Exception as exc:  # noqa: BLE001 - botocore's errors (ClientError, BotoCoreError)
            raise self._fail(exc, key, "write") from exc

    def save_file(self, name: str, file: BinaryIO, content_type: str | None = None) -> None:
        key = self.key(name)
        extra = {"ContentType": content_type} if content_type else {}
        try:  # a managed (multipart) upload: pieces of the file, never all of it in memory
            self.client.upload_fileobj(file, self.bucket, key, ExtraArgs=extra)
        except Exception as exc:  # noqa: BLE001 - botocore's errors (ClientError, BotoCoreError)
            raise self._fail(exc, key, "write") from exc

    def _get(self, name: str) -> dict:
        key = self.key(name)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)
        except Exception as exc:  # noqa: BLE001
            raise self._fail(exc, key, "read") from exc

    def read(self, name: str) -> bytes:
        obj = self._get(name)
        try:
            return obj["Body"].read()
        except Exception as exc:  # noqa: BLE001
            raise self._fail(exc, self.key(name), "read") from exc
        finally:
            obj["Body"].close()

    def delete(self, name: str) -> None:
        try:
            key = self.key(name)
        except FileNotFoundError:
            return
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except Exception as exc:  # noqa: BLE001
            error = self._fail(exc, key, "delete")
            if not isinstance(error, FileNotFoundError):
                raise error from exc

    def exists(self, name: str) -> bool:
        try:
            key = self.key(name)
        except FileNotFoundError:
            return False
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except Exception as exc:  # noqa: BLE001
            error = self._fail(exc, key, "check")
            if isinstance(error, FileNotFoundError):
                return False
            raise error from exc
        return True

    def send(self, name: str, content_type: str, download_name: str, as_attachment: bool):
        """The object's body streamed through the app in chunks (never loaded whole)."""
        from flask import send_file

        obj = self._get(name)
        body = _ClosingStream(obj["Body"], self.CHUNK)
        try:
            resp = send_file(
                body,
                mimetype=content_type,
                as_attachment=as_attachment,
                download_name=download_name,
                max_age=0,
                conditional=False,
                last_modified=obj.get("LastModified"),
            )
        except Exception:
            body.close()
            raise
        if obj.get("ContentLength") is not None:
            resp.content_length = obj["ContentLength"]
        return resp


class _ClosingStream:
    """Only read() and close(): the WSGI server iterates it and closes it when the response ends
    (or the client goes away), which returns the connection to botocore's pool."""

    def __init__(self, body: BinaryIO, chunk: int):
        self._body = body
        self._chunk = chunk

    def read(self, size: int = -1) -> bytes:
        # WSGI servers ask for 8 kB at a time; 64 kB means 8x fewer trips through Python.
        return self._body.read(max(size, self._chunk) if size and size > 0 else None)

    def close(self) -> None:
        self._body.close()


def settings_of(config) -> tuple:
    kind = (config.get("UPLOAD_STORAGE") or "local").strip().lower()
    if kind == "s3":
        return (
            kind,
            S3Settings(
                bucket=config.get("S3_BUCKET") or "",
                endpoint_url=config.get("S3_ENDPOINT_URL") or None,
                region=config.get("S3_REGION") or None,
                prefix=config.get("S3_PREFIX") or "",
                addressing_style=config.get("S3_ADDRESSING_STYLE") or None,
            ),
        )
    return (kind, config.get("UPLOAD_DIR"))


def build(config) -> Storage:
    kind, settings = settings_of(config)
    if kind == "local":
        return LocalStorage(settings)
    if kind == "s3":
        return S3Storage(settings)
    raise StorageError(f"UPLOAD_STORAGE must be one of {', '.join(BACKENDS)}, not {kind!r}")


def check_config(config) -> None:
    """At start-up: refuse an unknown backend or S3 without a bucket (no network is touched)."""
    kind, settings = settings_of(config)
    if kind not in BACKENDS:
        raise RuntimeError(f"UPLOAD_STORAGE must be one of {', '.join(BACKENDS)}, not {kind!r}")
    if kind == "s3" and not settings.bucket:
        raise RuntimeError("UPLOAD_STORAGE=s3 needs S3_BUCKET (see README, configuration)")
    if kind == "local" and not settings:
        raise RuntimeError("UPLOAD_DIR is not set")


def get_storage(app=None) -> Storage:
    """The app's storage, built on first use and rebuilt if its configuration changes."""
    if app is None:
        from flask import current_app

        app = current_app._get_current_object()
    key = settings_of(app.config)
    cached = app.extensions.get("krs.storage")
    if cached is not None and cached[0] == key:
        return cached[1]
    storage = build(app.config)
    app.extensions["krs.storage"] = (key, storage)
    return storage


def as_storage(target: Storage | str | os.PathLike) -> Storage:
    """A Storage as given, or a directory path as LocalStorage (scripts and tests)."""
    return target if isinstance(target, Storage) else LocalStorage(target)
