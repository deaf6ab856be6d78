from io import StringIO

import pytest
from django.core.management import call_command

from newsdesk.ingest.sources import source_for
from newsdesk.pipeline import reset_shared_fetcher
from newsdesk.testing import FixtureFeed, FixtureWeb, Publisher

pytestmark = pytest.mark.django_db


def test_two_sites_on_one_host_are_two_publishers():
    first, first_created = source_for("Local Notes", "http://127.0.0.1:8799/")
    second, second_created = source_for("Dead Feed", "http://127.0.0.1:1/")
    assert first_created and second_created and first != second
    assert source_for("Local Notes again", "http://127.0.0.1:8799/news/") == (first, False)
    # "www." and the scheme's own port still name the same site.
    harbour, _ = source_for("Harbour Times", "https://www.harbour.example/")
    assert source_for("Harbour", "https://harbour.example:443/world/") == (harbour, False)


def test_adding_a_feed_twice_says_it_was_already_there():
    reset_shared_fetcher()
    publisher = Publisher("Harbour Gazette")
    publisher.add_feed(FixtureFeed("/feed.xml", "Harbour Gazette: latest", []))
    with FixtureWeb([publisher]):
        url = publisher.feed_urls()[0]
        first, second = StringIO(), StringIO()
        call_command("sources", "add", url, "--name", "Harbour Gazette", stdout=first)
        call_command("sources", "add", url, "--name", "Harbour Gazette", stdout=second)
    reset_shared_fetcher()
    assert first.getvalue() == f"added Harbour Gazette: {url}\n"
    assert second.getvalue() == f"already present Harbour Gazette: {url}\n"
