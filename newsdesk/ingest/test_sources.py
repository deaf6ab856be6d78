from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsdesk.ingest.feeds import OpmlOutline
from newsdesk.ingest.sources import SourceError, import_outlines, source_for, web_address
from newsdesk.models import Feed, Source
from newsdesk.pipeline import poll_stage, reset_shared_fetcher
from newsdesk.testing import FixtureFeed, FixtureWeb, Publisher, harbour_stories

pytestmark = pytest.mark.django_db


def test_two_sites_on_one_host_are_two_publishers():
    first, first_created = source_for("Local Notes", "http://127.0.0.1:8799/")
    second, second_created = source_for("Dead Feed", "http://127.0.0.1:1/")
    assert first_created and second_created and first != second
    assert source_for("Local Notes again", "http://127.0.0.1:8799/news/") == (first, False)
    # "www." and the scheme's own port still name the same site.
    harbour, _ = source_for("Harbour Times", "https://www.harbour.example/")
    assert source_for("Harbour", "https://harbour.example:443/world/") == (harbour, False)


def test_feeds_on_a_feed_service_are_filed_by_name_not_by_its_host():
    report = import_outlines(
        [
            OpmlOutline("Alpha Daily", "https://feeds.feedburner.com/AlphaDaily"),
            OpmlOutline("Beta Weekly", "http://feeds.feedburner.com/BetaWeekly"),
            OpmlOutline("Gamma", "https://feedproxy.google.com/Gamma"),
            OpmlOutline("Alpha Daily", "https://feeds.feedburner.com/AlphaDaily-sport"),
        ]
    )
    assert report.sources_created == 3
    assert list(Source.objects.values_list("name", flat=True)) == ["Alpha Daily", "Beta Weekly", "Gamma"]
    assert Source.objects.get(name="Alpha Daily").feeds.count() == 2


def test_a_user_path_on_a_shared_host_is_its_own_publisher():
    alice, _ = source_for("Alice", "https://medium.com/@alice")
    bob, bob_created = source_for("Bob", "https://medium.com/@bob/")
    assert bob_created and bob != alice
    assert source_for("Alice's stories", "https://medium.com/@alice/a-post-1234") == (alice, False)
    tilde, _ = source_for("Carol", "http://people.example/~carol/")
    assert source_for("Dave", "http://people.example/~dave/")[0] != tilde
    # Without a homepage, a per-user feed still names its user.
    import_outlines([OpmlOutline("Erin", "https://medium.com/feed/@erin")])
    assert Source.objects.get(name="Erin").homepage_url == "https://medium.com/@erin/"


def test_an_outline_without_homepage_keeps_its_feeds_port():
    import_outlines(
        [
            OpmlOutline("Local Notes", "http://127.0.0.1:8799/feed.xml"),
            OpmlOutline("Other Notes", "http://127.0.0.1:8800/feed.xml"),
        ]
    )
    assert dict(Source.objects.values_list("name", "homepage_url")) == {
        "Local Notes": "http://127.0.0.1:8799/",
        "Other Notes": "http://127.0.0.1:8800/",
    }


def test_an_explicit_name_wins_over_the_host_only_when_a_source_has_it():
    harbour, _ = source_for("Harbour Times", "https://harbour.example/")
    wire, _ = source_for("Harbour Wire", "https://wire.example/")
    assert source_for("Harbour Wire", "https://harbour.example/wire/", explicit_name=True) == (wire, False)
    # A feed's own title is no operator's choice: the host still decides.
    assert source_for("Harbour Wire", "https://harbour.example/wire/") == (harbour, False)
    # A name no source has joins the host's source rather than splitting the publisher.
    assert source_for("Harbour Sport", "https://harbour.example/", explicit_name=True) == (harbour, False)


def test_sources_add_files_the_feed_under_the_named_source():
    reset_shared_fetcher()
    publisher = Publisher("Harbour Gazette")
    publisher.add_feed(FixtureFeed("/feed.xml", "Harbour Gazette: latest", []))
    with FixtureWeb([publisher]):
        Source.objects.create(
            name="Gazette Group", slug="gazette-group", homepage_url="https://group.example/"
        )
        Source.objects.create(name="Harbour", slug="harbour", homepage_url=publisher.url("/"))
        out = StringIO()
        call_command("sources", "add", publisher.feed_urls()[0], "--name", "Gazette Group", stdout=out)
    reset_shared_fetcher()
    assert out.getvalue() == f"added Gazette Group: {publisher.feed_urls()[0]}\n"


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


def test_a_feed_added_without_fetching_is_read_on_the_next_poll():
    """The publisher is down when the operator adds it: the URL is stored, and polled once it is up."""
    reset_shared_fetcher()
    publisher = Publisher("Harbour Gazette")
    with FixtureWeb([publisher]):
        url = publisher.url("/feed.xml")  # not there yet
        with pytest.raises(CommandError, match="could not fetch"):
            call_command("sources", "add", url, stdout=StringIO())
        out = StringIO()
        call_command("sources", "add", url, "--no-fetch", "--section", "business", stdout=out)
        feed = Feed.objects.select_related("source").get(url=url)
        assert out.getvalue() == f"added {feed.source.name}: {url}\n"
        assert feed.section == "business" and feed.source.homepage_url == publisher.url("/")
        again = StringIO()
        call_command("sources", "add", url, "--no-fetch", stdout=again)
        assert again.getvalue() == f"already present {feed.source.name}: {url}\n"
        publisher.add_feed(FixtureFeed("/feed.xml", "Harbour Gazette: latest", harbour_stories()[:2]))
        outcome = poll_stage(feed.id)
    reset_shared_fetcher()
    assert outcome.error == "" and len(outcome.new_article_ids) == 2
    with pytest.raises(CommandError, match="not a web address"):
        call_command("sources", "add", "ftp://files.example/feed.xml", "--no-fetch")


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


def test_opml_export_to_a_file_it_cannot_write_is_a_one_line_error(tmp_path):
    with pytest.raises(CommandError, match=r"cannot write .*missing/feeds.opml: .*No such file"):
        call_command("opml", "export", "--output", str(tmp_path / "missing" / "feeds.opml"))


def test_sources_list_shows_why_a_failing_feed_fails():
    source = Source.objects.create(
        name="Harbour Times", slug="harbour-times", homepage_url="https://harbour.example/"
    )
    Feed.objects.create(source=source, url="https://harbour.example/ok.xml", last_status=200)
    Feed.objects.create(
        source=source,
        url="https://harbour.example/broken.xml",
        last_status=500,
        consecutive_errors=2,
        last_error="HTTP 500 from the server " + "x" * 200 + "\nTraceback line",
    )
    out = StringIO()
    call_command("sources", "list", stdout=out)
    healthy, failing = sorted(out.getvalue().splitlines(), key=lambda line: "broken" in line)
    assert "error" not in healthy.split("\t")[-1]
    last_error = failing.split("\t")[-1]
    assert last_error.startswith("last error: HTTP 500 from the server xxx")
    assert len(last_error) == len("last error: ") + 100 and "Traceback" not in last_error


def test_a_name_slugify_drops_takes_its_sites_slug():
    assert source_for("日本経済新聞", "https://www.nikkei.com/")[0].slug == "nikkei-com"
    assert source_for("الجزيرة", "https://www.aljazeera.net/news/")[0].slug == "aljazeera-net"
    assert source_for("📰", "https://medium.com/@alice")[0].slug == "medium-com-alice"
    assert source_for("📰📰", "http://127.0.0.1:8799/")[0].slug == "127-0-0-1-8799"
    assert source_for("🗞️", "")[0].slug == "source"


@pytest.mark.parametrize(
    "typed, address",
    [
        ("example.org", "https://example.org"),
        (" news.example.org/feed.xml ", "https://news.example.org/feed.xml"),
        ("127.0.0.1:8799/rss", "https://127.0.0.1:8799/rss"),
        ("http://example.org/feed", "http://example.org/feed"),
    ],
)
def test_an_address_typed_without_its_scheme_is_https(typed, address):
    assert web_address(typed) == address


@pytest.mark.parametrize(
    "typed", ["notaurl", "ftp://example.org/feed", "https://", "mailto:news@example.org"]
)
def test_what_is_not_a_web_address_is_refused_once_and_plainly(typed):
    with pytest.raises(SourceError, match="is not a web address") as refused:
        web_address(typed)
    assert str(refused.value).count(repr(typed)) == 1


def test_sources_list_on_a_new_site_says_how_to_add_some():
    out = StringIO()
    call_command("sources", "list", stdout=out)
    assert "sources add URL" in out.getvalue() and "load-defaults" in out.getvalue()


@pytest.mark.django_db
def test_an_opml_file_broken_part_way_imports_what_it_can_and_says_what_may_be_missing(tmp_path):
    opml = tmp_path / "hand-edited.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        '<outline text="Harbour Times" type="rss" xmlUrl="https://harbour.example/feed.xml"/>'
        "</bodyy>"
        '<outline text="Valley Courier" type="rss" xmlUrl="https://valley.example/feed.xml"/>'
        "</body></opml>"
    )
    out, err = StringIO(), StringIO()
    call_command("opml", "import", str(opml), stdout=out, stderr=err)
    assert out.getvalue().startswith("1 sources and 1 feeds added")
    assert "not well-formed XML" in err.getvalue() and "may be missing" in err.getvalue()
