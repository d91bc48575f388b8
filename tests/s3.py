"""A real S3-compatible HTTP server (moto) for media tests, started by the test process.

Dummy credentials are set in this process only; nothing leaves localhost.
"""

import io
import os
import uuid

import boto3
import pytest
from django.core.cache import caches
from moto.server import ThreadedMotoServer
from PIL import Image as PILImage

REGION = "us-east-1"


@pytest.fixture(scope="session")
def s3_endpoint():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ACCESS_KEY_ID", "test-access-key")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
        server.stop()


def s3_client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION)


def s3_storage_settings(endpoint: str, bucket: str, **options) -> dict:
    """STORAGES as cms.settings.storage builds them from the environment, aimed at moto."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "region_name": REGION,
            "endpoint_url": endpoint,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "querystring_auth": False,
            "default_acl": "public-read",
            "object_parameters": {"CacheControl": "public, max-age=86400"},
            "file_overwrite": False,
            **options,
        },
    }


@pytest.fixture
def s3_bucket(s3_endpoint):
    """A fresh, empty bucket for one test, with no rendition cached from an earlier one.

    Wagtail caches renditions by image id and file hash: test databases restart their ids
    and the tests make identical images, so a cached rendition could name another bucket.
    """
    caches["default"].clear()
    name = f"media-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_media(settings, s3_endpoint, s3_bucket):
    """Media on the moto server with public URLs, as production runs with a public bucket."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_settings(s3_endpoint, s3_bucket),
    }
    return s3_bucket


def image_bytes(fmt: str = "JPEG", size=(1200, 800), color=(40, 120, 200)) -> bytes:
    """An image file in memory; ``color=None`` gives noise, which does not compress."""
    if color is None:
        image = PILImage.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = PILImage.new("RGB", size, color)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()
