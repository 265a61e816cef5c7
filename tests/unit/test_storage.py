"""krs/storage.py: the local directory and the S3-compatible store keep the same contract (save,
read, exists, delete, send; a missing file is FileNotFoundError, a broken store StorageError),
and the configuration picks one or refuses to start."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage

from config import TestConfig
from krs import create_app
from krs import storage as storage_module
from krs.storage import (
    LocalStorage,
    S3Settings,
    S3Storage,
    StorageError,
    check_config,
    get_storage,
)
from krs.uploads import UploadError, send_stored, store_upload
from tests.s3_fixtures import BUCKET, PREFIX, REGION, keys, mocked_bucket

PDF = b"%PDF-1.4\n% uji\n" + bytes(range(256)) * 300  # binary, ~77 kB: several stream chunks


@pytest.fixture
def s3(monkeypatch):
    with mocked_bucket(monkeypatch) as client:
        yield client


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path, monkeypatch):
    if request.param == "local":
        yield LocalStorage(tmp_path / "uploads")
        return
    with mocked_bucket(monkeypatch):
        yield S3Storage(S3Settings(bucket=BUCKET, region=REGION, prefix=PREFIX))


def test_save_read_exists_delete_round_trip(storage):
    assert not storage.exists("a1.pdf")
    storage.save("a1.pdf", PDF, "application/pdf")
    assert storage.exists("a1.pdf")
    assert storage.read("a1.pdf") == PDF
    storage.save("a1.pdf", b"%PDF-2", "application/pdf")  # same name: replaced, as on a disk
    assert storage.read("a1.pdf") == b"%PDF-2"
    storage.delete("a1.pdf")
    assert not storage.exists("a1.pdf")
    storage.delete("a1.pdf")  # already gone: not an error
    with pytest.raises(FileNotFoundError):
        storage.read("a1.pdf")


def test_names_cannot_leave_the_store(storage):
    storage.save("../../etc/x.pdf", b"%PDF-x")
    assert storage.read("x.pdf") == b"%PDF-x"
    for bad in ("", "..", "../"):
        with pytest.raises(FileNotFoundError):
            storage.read(bad)
        assert not storage.exists(bad)


def test_send_streams_the_file_with_its_type_and_name(storage):
    storage.save("b2.pdf", PDF, "application/pdf")
    app = Flask(__name__)
    with app.test_request_context():
        resp = storage.send("b2.pdf", "application/pdf", "RAB rumah.pdf", as_attachment=True)
        resp.direct_passthrough = False
        assert resp.get_data() == PDF
    assert resp.mimetype == "application/pdf"
    assert resp.content_length == len(PDF)
    assert resp.headers["Content-Disposition"] == 'attachment; filename="RAB rumah.pdf"'
    with app.test_request_context(), pytest.raises(FileNotFoundError):
        storage.send("tidak-ada.pdf", "application/pdf", "x.pdf", as_attachment=True)


def test_s3_keys_carry_the_prefix_and_the_content_type(s3):
    store = S3Storage(S3Settings(bucket=BUCKET, region=REGION, prefix="/krs/uploads/"))
    store.save("c3.jpg", b"\xff\xd8\xff", "image/jpeg")
    assert keys(s3) == ["krs/uploads/c3.jpg"]
    assert s3.head_object(Bucket=BUCKET, Key="krs/uploads/c3.jpg")["ContentType"] == "image/jpeg"
    bare = S3Storage(S3Settings(bucket=BUCKET, region=REGION))
    bare.save("d4.pdf", b"%PDF-")
    assert keys(s3) == ["d4.pdf", "krs/uploads/c3.jpg"]
    assert not bare.exists("c3.jpg")  # another prefix is another store


def test_an_unreachable_bucket_is_a_storage_error_not_a_missing_file(s3):
    store = S3Storage(S3Settings(bucket="tidak-ada", region=REGION))
    with pytest.raises(StorageError):
        store.save("e5.pdf", b"%PDF-")
    with pytest.raises(StorageError):
        store.read("e5.pdf")
    with pytest.raises(StorageError):
        store.delete("e5.pdf")


def test_an_s3_compatible_endpoint_uses_path_style_addressing(monkeypatch):
    # MinIO / Ceph RGW on the intranet: http://host:9000/<bucket>/<key>, not <bucket>.host
    monkeypatch.setenv("MOTO_S3_CUSTOM_ENDPOINTS", "http://minio.intranet:9000")
    with mocked_bucket(monkeypatch) as client:
        store = S3Storage(S3Settings(bucket=BUCKET, endpoint_url="http://minio.intranet:9000", region=REGION))
        seen = []
        store.client.meta.events.register("before-send.s3", lambda request, **_: seen.append(request.url))
        store.save("f6.pdf", b"%PDF-f6")
        assert seen == [f"http://minio.intranet:9000/{BUCKET}/f6.pdf"]
        assert client.get_object(Bucket=BUCKET, Key="f6.pdf")["Body"].read() == b"%PDF-f6"


def test_store_upload_writes_into_s3_and_reports_a_broken_store_as_an_upload_error(s3):
    store = S3Storage(S3Settings(bucket=BUCKET, region=REGION, prefix=PREFIX))
    stored = store_upload(FileStorage(io.BytesIO(PDF), filename="rab.pdf"), store, 10**7)
    assert keys(s3) == [PREFIX + stored.stored_name]
    assert store.read(stored.stored_name) == PDF
    broken = S3Storage(S3Settings(bucket="tidak-ada", region=REGION))
    with pytest.raises(UploadError, match="tidak dapat disimpan"):
        store_upload(FileStorage(io.BytesIO(PDF), filename="rab.pdf"), broken, 10**7)


def test_send_stored_answers_404_for_a_missing_file_and_503_for_a_broken_store(s3):
    from werkzeug.exceptions import NotFound, ServiceUnavailable

    app = Flask(__name__)
    with app.test_request_context():
        with pytest.raises(NotFound):
            send_stored(S3Storage(S3Settings(bucket=BUCKET, region=REGION)), "g7.pdf", "application/pdf", "x")
        with pytest.raises(ServiceUnavailable):
            send_stored(
                S3Storage(S3Settings(bucket="tidak-ada", region=REGION)), "g7.pdf", "application/pdf", "x"
            )


def test_configuration_picks_the_backend_and_refuses_a_bad_one(tmp_path):
    check_config({"UPLOAD_STORAGE": "local", "UPLOAD_DIR": str(tmp_path)})
    check_config({"UPLOAD_STORAGE": "S3", "S3_BUCKET": "krs"})
    with pytest.raises(RuntimeError, match="S3_BUCKET"):
        check_config({"UPLOAD_STORAGE": "s3", "S3_BUCKET": ""})
    with pytest.raises(RuntimeError, match="UPLOAD_STORAGE"):
        check_config({"UPLOAD_STORAGE": "ftp", "UPLOAD_DIR": str(tmp_path)})

    class Bad(TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        UPLOAD_STORAGE = "s3"
        S3_BUCKET = ""

    with pytest.raises(RuntimeError, match="S3_BUCKET"):
        create_app(Bad)


def test_the_app_storage_follows_its_configuration(app, s3, monkeypatch, tmp_path):
    local = get_storage(app)
    assert isinstance(local, LocalStorage) and local.directory == app.config["UPLOAD_DIR"]
    assert get_storage(app) is local  # built once, not per request
    monkeypatch.setitem(app.config, "UPLOAD_STORAGE", "s3")
    monkeypatch.setitem(app.config, "S3_BUCKET", BUCKET)
    monkeypatch.setitem(app.config, "S3_REGION", REGION)
    monkeypatch.setitem(app.config, "S3_PREFIX", PREFIX)
    remote = get_storage(app)
    assert isinstance(remote, S3Storage) and remote.bucket == BUCKET and remote.prefix == PREFIX
    assert get_storage(app) is remote


def test_s3_downloads_are_streamed_in_chunks_and_the_body_closed(s3, monkeypatch):
    closed = []
    original = storage_module._ClosingStream.close
    spy = lambda self: closed.append(1) or original(self)  # noqa: E731
    monkeypatch.setattr(storage_module._ClosingStream, "close", spy)
    store = S3Storage(S3Settings(bucket=BUCKET, region=REGION))
    big = PDF * 4  # ~300 kB
    store.save("h8.pdf", big, "application/pdf")
    with Flask(__name__).test_request_context():
        resp = store.send("h8.pdf", "application/pdf", "h8.pdf", as_attachment=True)
    chunks = list(resp.response)
    assert b"".join(chunks) == big
    assert len(chunks) == 5 and max(map(len, chunks)) == S3Storage.CHUNK  # never the whole file at once
    assert not closed
    resp.close()  # the WSGI server does this when the response is sent or the client went away
    assert closed == [1]


def test_an_s3_app_builds_its_client_at_start_without_contacting_the_store(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "uji")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "uji-rahasia")

    class S3Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        UPLOAD_STORAGE = "s3"
        S3_BUCKET = "krs"
        S3_ENDPOINT_URL = "http://127.0.0.1:9"  # nothing listens there: building must not connect

    app = create_app(S3Config)
    _key, built = app.extensions["krs.storage"]
    assert isinstance(built, S3Storage) and get_storage(app) is built
    assert built.client.meta.endpoint_url == "http://127.0.0.1:9"


def test_save_file_stores_an_open_file_in_pieces(storage):
    """Issue 17: an export job's file goes into the store from its temporary file."""
    big = PDF * 20  # ~1.5 MB
    storage.save_file("job-1.xlsx", io.BytesIO(big), "application/vnd.ms-excel")
    assert storage.read("job-1.xlsx") == big
    storage.delete("job-1.xlsx")
    assert not storage.exists("job-1.xlsx")
