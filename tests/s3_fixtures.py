"""An S3 bucket in moto's in-process mock (no network): the app's S3 storage talks to it through
boto3 exactly as it would to MinIO, Ceph RGW or AWS S3."""

from __future__ import annotations

import contextlib

import boto3
from moto import mock_aws

BUCKET = "krs-uji"
REGION = "ap-southeast-3"  # Jakarta: a region that needs a LocationConstraint, as a real one would
PREFIX = "krs/uploads/"


@contextlib.contextmanager
def mocked_bucket(monkeypatch, bucket: str = BUCKET):
    """Inside: fake credentials in the environment and an empty bucket; yields a plain client
    for the test's own checks of what landed in the bucket."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "uji")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "uji-rahasia")
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield client


def keys(client, bucket: str = BUCKET) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))
