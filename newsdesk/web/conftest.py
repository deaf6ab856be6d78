"""Fixtures shared by the reader side's tests."""

import pytest
from django.core.cache import cache
from django.test import override_settings


@pytest.fixture
def page_cache(tmp_path):
    """The page cache on, in a private in-process cache with its own content-generation file."""
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}},
        NEWSDESK_PAGE_CACHE_SECONDS=300,
        NEWSDESK_CONTENT_GENERATION_FILE=str(tmp_path / "generation"),
    ):
        cache.clear()
        yield


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the page cache's generation bump as if each write had committed."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run
