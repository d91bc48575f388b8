"""Where media live: local files, or S3 (or any S3-compatible store) when a bucket is set.

Imported by ``base``; the Content-Security-Policy (security.py) asks ``media_origins`` which
origins the admin may load images from.
"""

from urllib.parse import urlsplit

import environ

env = environ.Env()

# Media: local files unless a bucket is configured, then S3 (or any S3-compatible store).
# Credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an
# instance role), never from settings files. Optional values left empty mean "not set".
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "region_name": env("AWS_S3_REGION_NAME", default="") or None,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
            # "path" for stores without per-bucket DNS names (SeaweedFS, MinIO, moto).
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="") or None,
            "signature_version": env("AWS_S3_SIGNATURE_VERSION", default="s3v4"),
            # A CDN or the store's public name; URLs on it are never signed.
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "url_protocol": env("AWS_S3_URL_PROTOCOL", default="https:"),
            # False: plain public URLs (the bucket must allow anonymous reads).
            # True: private bucket, URLs signed for AWS_QUERYSTRING_EXPIRE seconds.
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
            "default_acl": env("AWS_DEFAULT_ACL", default="") or None,
            # File names never repeat (Wagtail adds a suffix), so objects can be cached long.
            "object_parameters": {
                "CacheControl": env("AWS_S3_CACHE_CONTROL", default="public, max-age=86400")
            },
            "file_overwrite": False,
        },
    }


def origin(url: str) -> str | None:
    """``https://media.example.org`` from a URL or a bare host (``localhost:8333/bucket``)."""
    parts = urlsplit(url if "//" in url else f"//{url}")
    return f"{parts.scheme or 'https'}://{parts.netloc}" if parts.netloc else None


def media_origins() -> list[str]:
    """Where the admin loads images from when media live in a bucket: its custom domain (a
    CDN, compose's published store), its endpoint (signed URLs) or AWS S3 itself."""
    if not env("AWS_STORAGE_BUCKET_NAME", default=""):
        return []
    protocol = env("AWS_S3_URL_PROTOCOL", default="https:").rstrip(":")
    custom = env("AWS_S3_CUSTOM_DOMAIN", default="")
    endpoint = env("AWS_S3_ENDPOINT_URL", default="")
    found = [origin(f"{protocol}://{custom}") if custom else None, origin(endpoint)]
    if not custom and not endpoint:
        found.append("https://*.amazonaws.com")
    return [value for value in found if value]
