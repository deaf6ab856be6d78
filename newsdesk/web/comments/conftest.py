"""What the comment tests share: no rate limit carried over from another test, a page and two readers."""

import pytest
from django.core.cache import cache

from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.testing import make_article, make_source


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def article(db):
    return make_article(make_source("Harbour Times"), "Lighthouse reopens", text="The lamp shines.")


@pytest.fixture
def ann(db):
    return make_reader("ann@example.org", "Ann")


@pytest.fixture
def bob(db):
    return make_reader("bob@example.org", "Bob")
