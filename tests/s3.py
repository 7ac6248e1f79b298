"""One in-process S3 (moto) for the tests that run the app on object storage.

`s3` switches the default storage to django-storages' S3 backend on a fresh bucket, the way
STORAGE_BACKEND=s3 does in settings, and yields that storage. Records stage their files in a
tmp folder before moving them into the bucket.
"""

from __future__ import annotations

import boto3
import pytest
from django.core.files.storage import storages
from moto import mock_aws

BUCKET = "secondopinion-test"


@pytest.fixture
def s3(settings, monkeypatch, tmp_path):
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    settings.RECORDS_STAGING_DIR = str(tmp_path / "staging")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "us-east-1",
                    "default_acl": "private",
                    "file_overwrite": False,
                    "object_parameters": {"ServerSideEncryption": "AES256"},
                },
            },
        }
        # Changing STORAGES resets Django's storage handler, so default_storage is now S3.
        yield storages["default"]
