"""Text files saved in UTF-16 or Windows-1252/Latin-1 are stored and read as text, like UTF-8."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from secondopinion.records.models import Document

NOTE = "Consultation note: señora Núñez, résumé of treatment; tumor 2.1 cm, margins négatives."


@pytest.mark.parametrize(
    ("codec", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16", b""),
        ("utf-16-le", b""),
        ("cp1252", b""),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le", "windows-1252"],
)
def test_it_reads_a_text_file_in_any_common_encoding(
    owner_client, case, django_capture_on_commit_callbacks, codec, prefix
):
    upload = SimpleUploadedFile("note.txt", prefix + NOTE.encode(codec), content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("records:upload", args=[case.public_id]), {"files": [upload]}, follow=True
        )
    assert response.status_code == 200
    document = Document.objects.get(case=case)
    assert (document.kind, document.text_status) == ("text", "done")
    assert document.text.lstrip("\ufeff") == NOTE
