from pathlib import Path

import pytest

from newsdesk.ingest.feeds import discover_feed_links, looks_like_feed

TESTDATA = Path(__file__).with_name("testdata")


def test_alternate_links_in_page_order_absolute_and_deduplicated():
    links = discover_feed_links(
        (TESTDATA / "page_with_feeds.html").read_bytes(), "https://www.daily.example.com/"
    )
    assert links == [
        "https://www.daily.example.com/news/feeds/top.xml",
        "https://www.daily.example.com/atom",
        "https://www.daily.example.com/feed.json",
        "https://api.daily.example.com/feed.json",
        "https://www.daily.example.com/comments/feed",
    ]


def test_page_without_feeds_gives_nothing():
    assert discover_feed_links("<html><head><title>x</title></head></html>", "https://x.example.com/") == []


def test_relative_links_resolve_against_the_page_without_base():
    html = '<link rel="alternate" type="application/atom+xml" href="../feed.atom">'
    assert discover_feed_links(html, "https://x.example.com/a/b/page") == [
        "https://x.example.com/a/feed.atom"
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("rss2.xml", True),
        ("atom.xml", True),
        ("rdf.xml", True),
        ("feed.json", True),
        ("news_sitemap.xml", True),
        ("sitemap_index.xml", True),
        ("latin1_no_prolog.xml", True),
        ("page_with_feeds.html", False),
        ("subscriptions.opml", False),
    ],
)
def test_looks_like_feed_judges_the_body(name, expected):
    assert looks_like_feed((TESTDATA / name).read_bytes(), "text/html") is expected


def test_looks_like_feed_edge_cases():
    assert (
        looks_like_feed(b'<?xml version="1.0"?>\n<!-- c -->\n<html><body/></html>', "application/xml")
        is False
    )
    assert looks_like_feed(b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', None) is True
    assert looks_like_feed(b'{"data": []}', "application/json") is False
    assert looks_like_feed(b"", "application/rss+xml") is False
    assert looks_like_feed(b"<!DOCTYPE html>\n<head><title>x</title></head>", "application/rss+xml") is False
    in_cdata = (
        b"<rss version='2.0'><channel><description><![CDATA[<!DOCTYPE html>]]></description></channel></rss>"
    )
    assert looks_like_feed(in_cdata, "text/html") is True
    assert looks_like_feed(b"\xff\xfe" + "<rss version='2.0'/>".encode("utf-16-le"), None) is True
