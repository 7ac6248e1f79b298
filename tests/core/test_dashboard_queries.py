"""The case dashboard costs a constant number of SQL queries, however much the case holds."""

from __future__ import annotations

import hashlib

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from secondopinion.records.models import Document
from tests.providers.factories import make_service


def _documents(case, start: int, count: int) -> None:
    Document.objects.bulk_create(
        Document(
            case=case,
            doc_type="pathology" if i % 2 else "imaging_report",
            original_name=f"record {i}.pdf",
            stored_name=f"zz/doc{case.pk}-{i}",
            size=100 + i,
            sha256=hashlib.sha256(str(i).encode()).hexdigest(),
            content_type="application/pdf",
            kind="pdf",
        )
        for i in range(start, start + count)
    )


def _dashboard_queries(client, case) -> int:
    url = reverse("cases:detail", args=[case.public_id])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_it_renders_the_dashboard_with_the_same_queries_for_2_or_200_documents(case, owner_client):
    _documents(case, 0, 2)
    make_service(case, name="Service 0")
    _dashboard_queries(owner_client, case)  # warm caches (content types, sessions)
    small = _dashboard_queries(owner_client, case)

    _documents(case, 2, 198)
    for i in range(1, 10):
        make_service(case, name=f"Service {i}")
    assert Document.objects.filter(case=case).count() == 200
    assert case.services.count() == 10
    large = _dashboard_queries(owner_client, case)
    assert large == small, f"{small} queries with 2 documents, {large} with 200"
