"""The report's pages as images: bounded in size, cached, and a broken PDF shows none."""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from secondopinion.opinions import report_pages
from tests.opinions.factories import make_opinion


def test_it_renders_a_page_no_wider_than_the_limit(case):
    opinion = make_opinion(case, report_sha256="a" * 64)
    assert report_pages.page_count(opinion) == 1
    image = Image.open(io.BytesIO(report_pages.page_png(opinion, 1)))
    assert image.width <= report_pages.WIDTH
    assert image.width * image.height <= report_pages.MAX_PIXELS * 1.01
    assert report_pages.page_png(opinion, 2) is None


def test_a_damaged_report_shows_no_pages(case):
    opinion = make_opinion(case, report_sha256="b" * 64)
    opinion.report_name = default_storage.save(
        "reports/x/broken.pdf", ContentFile(b"%PDF-1.4 junk")
    )
    assert report_pages.page_count(opinion) == 0
    assert report_pages.page_png(opinion, 1) is None
