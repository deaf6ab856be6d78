from io import StringIO

import pytest
from django.core.management import call_command

from newsdesk.ingest.feeds import OpmlOutline
from newsdesk.ingest.sources import import_outlines, source_for
from newsdesk.models import Feed
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


def test_opml_outlines_with_unfetchable_urls_are_reported_not_stored():
    report = import_outlines(
        [
            OpmlOutline("Harbour Times", "https://harbour.example/feed.xml", "https://harbour.example/"),
            OpmlOutline("Old FTP", "ftp://files.example/feed.xml"),
            OpmlOutline("Script", "javascript:alert(1)"),
            OpmlOutline("Relative", "feeds/latest.xml"),
            OpmlOutline("No host", "http:///feed.xml"),
            OpmlOutline("Bad homepage", "https://bad-home.example/feed.xml", "javascript:void(0)"),
        ]
    )
    assert list(Feed.objects.values_list("url", flat=True)) == ["https://harbour.example/feed.xml"]
    assert (report.feeds_created, report.outlines_rejected) == (1, 5)
    assert [url for url, _ in report.rejected_urls] == [
        "ftp://files.example/feed.xml",
        "javascript:alert(1)",
        "feeds/latest.xml",
        "http:///feed.xml",
        "javascript:void(0)",
    ]
    assert all(reason for _, reason in report.rejected_urls)


def test_opml_import_command_lists_the_skipped_urls(tmp_path):
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        '<outline text="Harbour Times" type="rss" xmlUrl="https://harbour.example/feed.xml"/>'
        '<outline text="Old FTP" type="rss" xmlUrl="ftp://files.example/feed.xml"/>'
        "</body></opml>"
    )
    out = StringIO()
    call_command("opml", "import", str(opml), stdout=out)
    assert out.getvalue().splitlines() == [
        "1 sources and 1 feeds added, 0 feeds already present",
        "1 outlines skipped, their URLs cannot be fetched:",
        "  ftp://files.example/feed.xml: ftp: URLs cannot be fetched, only http(s)",
    ]
