import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from newsdesk.ingest.feeds import (
    OpmlError,
    OpmlOutline,
    default_sources_path,
    load_default_outlines,
    parse_opml,
    read_opml,
    write_opml,
)

TESTDATA = Path(__file__).with_name("testdata")
SECTIONS = {"world", "politics", "business", "technology", "science", "health", "sports", "entertainment"}


def test_nested_folders_category_attribute_and_junk():
    outlines = parse_opml((TESTDATA / "subscriptions.opml").read_bytes())
    assert outlines == [
        OpmlOutline("Top", "https://top.example.com/rss", "https://top.example.com/", ""),
        OpmlOutline(
            "Globe & Mail World",
            "https://globe.example.com/world.xml",
            "https://globe.example.com/world",
            "World",
        ),
        OpmlOutline("Untitled by text", "https://upper.example.com/feed", "", "World"),
        OpmlOutline("Tech Wire", "https://tech.example.com/feed", "", "technology"),
        OpmlOutline("Cricket Daily", "https://cricket.example.com/rss", "", "Sport"),
    ]


def test_round_trip_keeps_every_field_and_escapes():
    outlines = [
        OpmlOutline("Plain", "https://a.example.com/rss", "https://a.example.com/", ""),
        OpmlOutline('Q&A <"quoted">', "https://b.example.com/rss?x=1&y=2", "", "world"),
        OpmlOutline("Second world feed", "https://c.example.com/rss", "https://c.example.com/", "world"),
        OpmlOutline("Ünïcode", "https://d.example.com/feed", "", "Sports & Games"),
    ]
    written = write_opml(outlines, title="Export & more")
    assert written.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert ElementTree.fromstring(written.encode()).get("version") == "2.0"  # strict parser: valid XML
    assert "<title>Export &amp; more</title>" in written
    assert parse_opml(written.encode("utf-8")) == outlines


def test_control_characters_cannot_make_the_export_invalid():
    written = write_opml([OpmlOutline("Bell\x07 title", "https://e.example.com/rss")], title="t\x00")
    assert parse_opml(written.encode()) == [OpmlOutline("Bell title", "https://e.example.com/rss")]


def test_write_groups_categories_in_order_of_first_appearance():
    outlines = [
        OpmlOutline("A", "https://a.example.com/rss", category="world"),
        OpmlOutline("B", "https://b.example.com/rss"),
        OpmlOutline("C", "https://c.example.com/rss", category="world"),
    ]
    assert [outline.title for outline in parse_opml(write_opml(outlines, "x").encode())] == ["A", "C", "B"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"<rss/>", "not an OPML file"), (b"\x00\x01 not xml", "not readable XML")],
)
def test_not_opml_is_a_clear_error(content, message):
    with pytest.raises(OpmlError, match=message):
        parse_opml(content)


def test_default_sources_ship_with_the_package_and_name_real_publishers():
    assert default_sources_path().is_file()
    outlines = load_default_outlines()
    publishers = {outline.title for outline in outlines}
    expected = {"NDTV", "Times of India", "Hindustan Times", "BBC News", "Al Jazeera", "The Guardian", "NPR"}
    assert expected <= publishers
    assert {outline.category for outline in outlines} <= SECTIONS | {""}
    assert all(outline.xml_url.startswith("https://") for outline in outlines)
    assert all(outline.html_url.startswith("https://") for outline in outlines)
    assert len({outline.xml_url for outline in outlines}) == len(outlines)


def test_a_well_formed_file_reads_without_a_problem_and_a_broken_one_says_where():
    whole = b'<opml version="2.0"><body><outline text="A" xmlUrl="https://a.example/rss"/></body></opml>'
    outlines, problem = read_opml(whole)
    assert [o.xml_url for o in outlines] == ["https://a.example/rss"] and problem == ""
    outlines, problem = read_opml(whole.replace(b"</body>", b"</bodyy>"))
    assert "line 1" in problem
