"""Create the media bucket and, for public URLs, let anyone read its objects. Safe to re-run.

Run once per deployment before the web container starts (docker-compose.yml's ``s3-init``);
it uses the same settings and credentials as the storage, so it checks them too.
"""

import json

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from storages.backends.s3 import S3Storage


def public_read_policy(bucket: str) -> str:
    """Anonymous GET of objects only: listing the bucket and writing stay private."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicReadMedia",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetObject"],
                    "Resource": [f"arn:aws:s3:::{bucket}/*"],
                }
            ],
        }
    )


class Command(BaseCommand):
    help = "Create the S3 media bucket if missing; allow public reads unless URLs are signed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-policy",
            action="store_true",
            help="Leave the bucket policy alone (a CDN with its own access reads the bucket).",
        )

    def handle(self, *args, keep_policy=False, **options):
        storage = storages["default"]
        if not isinstance(storage, S3Storage):
            raise CommandError(
                "Media are stored on local files (AWS_STORAGE_BUCKET_NAME is empty); "
                "there is no bucket to prepare."
            )
        client = storage.connection.meta.client
        bucket = storage.bucket_name
        try:
            created = self.ensure_bucket(client, bucket, storage.region_name)
            if not storage.querystring_auth and not keep_policy:
                client.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket))
        except (BotoCoreError, ClientError) as exc:
            raise CommandError(f"Could not prepare bucket {bucket!r}: {exc}") from exc
        if storage.querystring_auth:
            access = "signed URLs only"
        else:
            access = "policy left alone" if keep_policy else "public read"
        verb = "Created" if created else "Found"
        self.stdout.write(f"{verb} bucket {bucket!r} ({access}).")

    def ensure_bucket(self, client, bucket: str, region: str | None) -> bool:
        try:
            client.head_bucket(Bucket=bucket)
            return False
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
                raise
        options = {}
        if region and region != "us-east-1":
            options["CreateBucketConfiguration"] = {"LocationConstraint": region}
        client.create_bucket(Bucket=bucket, **options)
        return True
