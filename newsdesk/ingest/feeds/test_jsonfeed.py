from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.ingest.feeds import FeedParseError, parse_feed

TESTDATA = Path(__file__).with_name("testdata")


def test_json_feed_1_1():
    feed = parse_feed((TESTDATA / "feed.json").read_bytes(), url="https://notes.example.com/feed.json")
    assert feed.kind == "json"
    assert feed.title == "Example Notes"
    assert feed.link == "https://notes.example.com/"
    second, first = feed.entries
    assert second.url == "https://notes.example.com/2024/04/second-note"
    assert second.guid == "2"
    assert second.title == "Second & last note"
    assert second.content_html == "<p>Hello <b>world</b>.</p>"
    assert second.summary == "A short note."
    assert second.published == datetime(2024, 4, 2, 8, 0, tzinfo=UTC)
    assert second.updated == datetime(2024, 4, 3, 8, 0, tzinfo=UTC)
    assert second.authors == ["Mia Wong"]
    assert second.tags == ["notes", "meta"]
    assert second.image == "https://notes.example.com/img/2.png"
    # external_url stands in for a missing url; numeric ids become strings; text bodies become HTML.
    assert first.url == "https://elsewhere.example.net/linked"
    assert first.guid == "1"
    assert first.content_html == "<p>First paragraph.</p><p>Second &lt;paragraph&gt;.</p>"
    assert first.image == "https://notes.example.com/img/1.jpg"
    assert any("dropped 1 item" in warning for warning in feed.warnings)


def test_json_feed_1_0_single_author():
    feed = parse_feed((TESTDATA / "feed_v1.json").read_bytes(), url="https://old.example.com/feed.json")
    assert feed.entries[0].authors == ["Sam Roe"]
    assert feed.entries[0].published == datetime(2019, 1, 1, tzinfo=UTC)


def test_json_feed_without_items_list_is_an_error():
    with pytest.raises(FeedParseError, match="items"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1.1", "title": "x"}')


def test_characters_xml_cannot_hold_are_dropped_from_text_fields():
    # Legal in JSON, and once stored they broke every RSS feed of ours that listed the item.
    document = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "Odd\\u0002 Notes", "items": [{'
        b'"id": "1", "url": "https://odd.example.com/1", "title": "Bell\\u0007 rings",'
        b' "summary": "Sum\\u0002mary\\u000b here", "authors": [{"name": "Ann\\u001f Lee"}],'
        b' "content_text": "Body\\u0000 text"}]}'
    )
    feed = parse_feed(document, url="https://odd.example.com/feed.json")
    entry = feed.entries[0]
    assert feed.title == "Odd Notes"
    assert entry.title == "Bell rings"
    assert entry.summary == "Summary here"
    assert entry.authors == ["Ann Lee"]
    assert "\x00" not in entry.content_html
