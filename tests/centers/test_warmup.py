"""The start-up warm-up builds the search page once, so the first real search is not slower."""

from django.template import engines

from secondopinion.centers.views import search_page_warm
from secondopinion.core.warmup import WARMERS


def test_the_warm_up_renders_the_search_page_without_touching_the_database():
    # No django_db mark: any query here would fail the test. The warm-up runs in a background
    # thread at start, so it must not open a database connection of its own.
    assert any(getattr(w, "__name__", "") == "_search_page_warm" for w in WARMERS)
    search_page_warm()
    loader = engines["django"].engine.template_loaders[0]
    assert "centers/search.html" in {key.split("-")[0] for key in loader.get_template_cache}
