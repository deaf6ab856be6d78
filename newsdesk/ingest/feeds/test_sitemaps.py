import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.ingest.feeds import FeedParseError, parse_feed, parse_sitemap

TESTDATA = Path(__file__).with_name("testdata")


def test_news_sitemap_with_any_prefix():
    feed = parse_feed((TESTDATA / "news_sitemap.xml").read_bytes(), url="https://post.example.com/news.xml")
    assert feed.kind == "sitemap"
    assert feed.title == "Example Post"
    senate, relative = feed.entries
    assert senate.url == "https://post.example.com/politics/senate-vote/2024/01/10/abc_story.html"
    assert senate.title == "Senate passes the budget & adjourns"
    assert senate.published == datetime(2024, 1, 10, 16, 5, 12, tzinfo=UTC)
    assert senate.updated == datetime(2024, 1, 10, 12, 30, tzinfo=UTC)
    assert senate.tags == ["Senate", "Budget", "Congress"]
    assert senate.image == "https://img.example.com/senate.jpg"
    assert relative.url == "https://post.example.com/politics/relative-story.html"
    assert relative.published == datetime(2024, 1, 10, tzinfo=UTC)
    assert any("dropped 1 <url>" in warning for warning in feed.warnings)


def test_sitemap_index_lists_children_without_entries():
    feed = parse_feed((TESTDATA / "sitemap_index.xml").read_bytes(), url="https://post.example.com/index.xml")
    assert feed.entries == []
    assert feed.sub_feeds == [
        "https://post.example.com/sitemaps/news.xml",
        "https://post.example.com/sitemaps/2024-01.xml.gz",
    ]


def test_plain_sitemap_without_namespace_and_gzipped():
    body = gzip.compress((TESTDATA / "plain_sitemap.xml").read_bytes())
    feed = parse_feed(body, url="https://blog.example.com/sitemap.xml.gz")
    assert [entry.url for entry in feed.entries] == [
        "https://blog.example.com/a",
        "https://blog.example.com/b",
    ]
    assert feed.entries[0].updated == datetime(2024, 2, 3, tzinfo=UTC)
    assert feed.entries[0].published is None


def test_cut_off_sitemap_keeps_complete_urls_and_warns():
    body = (TESTDATA / "news_sitemap.xml").read_bytes().split(b"<url>\n    <loc>/politics")[0] + b"<url><lo"
    feed = parse_sitemap(body, url="https://post.example.com/news.xml")
    assert len(feed.entries) == 1
    assert any("not well-formed" in warning for warning in feed.warnings)


def test_entities_are_not_expanded():
    body = b"""<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY boom "https://boom.example.com/x">]>
    <urlset><url><loc>&boom;</loc></url></urlset>"""
    feed = parse_sitemap(body, url="https://safe.example.com/sitemap.xml")
    assert feed.entries == []
    assert any("dropped 1 <url>" in warning for warning in feed.warnings)


def test_other_xml_is_not_a_sitemap():
    with pytest.raises(FeedParseError, match="not a sitemap"):
        parse_sitemap(b"<rss/>", url="https://x.example.com/")
