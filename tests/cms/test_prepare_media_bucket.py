import urllib.error
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from tests.cms.test_health import closed_port
from tests.s3 import s3_client, s3_storage_settings


def anonymous_get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - moto on localhost
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def use_bucket(settings, endpoint, bucket, **options):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_settings(endpoint, bucket, default_acl=None, **options),
    }


def test_creates_a_public_read_bucket_and_is_safe_to_rerun(settings, s3_endpoint, capsys):
    """Objects stored privately become readable anonymously through the bucket policy."""
    use_bucket(settings, s3_endpoint, "fresh-media")

    call_command("prepare_media_bucket")
    call_command("prepare_media_bucket")

    assert capsys.readouterr().out.splitlines() == [
        "Created bucket 'fresh-media' (public read).",
        "Found bucket 'fresh-media' (public read).",
    ]
    name = default_storage.save("probe.txt", ContentFile(b"hello"))
    assert anonymous_get(f"{s3_endpoint}/fresh-media/{name}") == 200
    s3_client(s3_endpoint).delete_bucket_policy(Bucket="fresh-media")
    assert anonymous_get(f"{s3_endpoint}/fresh-media/{name}") == 403


def test_signed_url_bucket_stays_private(settings, s3_endpoint, s3_bucket, capsys):
    use_bucket(settings, s3_endpoint, s3_bucket, querystring_auth=True)

    call_command("prepare_media_bucket")

    assert capsys.readouterr().out.strip() == f"Found bucket '{s3_bucket}' (signed URLs only)."
    name = default_storage.save("probe.txt", ContentFile(b"hello"))
    assert anonymous_get(f"{s3_endpoint}/{s3_bucket}/{name}") == 403
    assert anonymous_get(default_storage.url(name)) == 200


def test_keep_policy_leaves_the_bucket_private(settings, s3_endpoint, s3_bucket, capsys):
    use_bucket(settings, s3_endpoint, s3_bucket)

    call_command("prepare_media_bucket", "--keep-policy")

    assert capsys.readouterr().out.strip() == f"Found bucket '{s3_bucket}' (policy left alone)."
    name = default_storage.save("probe.txt", ContentFile(b"hello"))
    assert anonymous_get(f"{s3_endpoint}/{s3_bucket}/{name}") == 403


def test_unreachable_store_is_a_one_line_error(settings, s3_endpoint):
    from botocore.config import Config

    dead = f"http://127.0.0.1:{closed_port()}"
    use_bucket(
        settings,
        dead,
        "media",
        client_config=Config(retries={"max_attempts": 1}, connect_timeout=2),
    )

    with pytest.raises(CommandError, match=r"^Could not prepare bucket 'media': .*"):
        call_command("prepare_media_bucket")


def test_local_media_have_no_bucket_to_prepare():
    with pytest.raises(CommandError, match="stored on local files"):
        call_command("prepare_media_bucket")
