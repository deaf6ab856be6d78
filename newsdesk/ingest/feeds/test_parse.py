import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.ingest.feeds import FeedParseError, HtmlPageError, parse_feed

TESTDATA = Path(__file__).with_name("testdata")


def read(name: str) -> bytes:
    return (TESTDATA / name).read_bytes()


def test_rss2_entries_carry_every_field():
    feed = parse_feed(read("rss2.xml"), url="https://daily.example.com/rss/world.xml")
    assert feed.kind == "rss"
    assert feed.title == "Example Daily & Co: World"
    assert feed.link == "https://daily.example.com/"
    floods, markets, podcast = feed.entries
    assert floods.url == "https://daily.example.com/world/2024/05/floods-hit-coast"
    assert floods.guid == "daily-1001"
    assert floods.title == "Floods hit the coast & the valley"
    assert floods.summary == "Heavy rain flooded towns."
    assert floods.content_html.startswith("<p>Heavy rain <em>flooded</em> towns along the coast")
    assert "Rescue teams" in floods.content_html
    assert floods.published == datetime(2024, 5, 5, 6, 30, tzinfo=UTC)
    assert floods.authors == ["Ana Lopes"]
    assert floods.tags == ["World", "Climate"]
    assert floods.image == "https://img.example.com/floods.jpg"
    # FeedBurner's tracking redirect is replaced by the publisher's own URL.
    assert markets.url == "https://daily.example.com/business/markets-rally"
    assert markets.image == "https://img.example.com/markets.png"
    # An audio enclosure is not an image; the thumbnail is.
    assert podcast.image == "https://img.example.com/episode-7-thumb.jpg"
    assert podcast.guid == ""
    assert podcast.published is None


def test_items_without_a_usable_link_are_dropped_and_counted():
    feed = parse_feed(read("rss2.xml"), url="https://daily.example.com/rss/world.xml")
    assert len(feed.entries) == 3
    assert any("dropped 2 item" in warning for warning in feed.warnings)


def test_atom_resolves_relative_links_and_keeps_dates_apart():
    feed = parse_feed(read("atom.xml"), url="https://tech.example.org/feed.atom")
    assert feed.kind == "atom"
    assert feed.warnings == []
    chips, only_updated = feed.entries
    assert chips.url == "https://tech.example.org/posts/chips-and-compilers"
    assert chips.title == "Chips & compilers"
    assert chips.published == datetime(2024, 3, 1, 14, 15, tzinfo=UTC)
    assert chips.updated == datetime(2024, 3, 2, 10, 0, tzinfo=UTC)
    assert chips.authors == ["Kim Park", "Lee Chen"]
    assert chips.tags == ["hardware", "compilers"]
    assert chips.image == "https://tech.example.org/img/chips.jpg"
    assert 'href="https://tech.example.org/glossary/isa"' in chips.content_html
    # Atom's published is optional; we do not fabricate it from updated.
    assert only_updated.published is None
    assert only_updated.content_html == "<p>Line one.</p><p>Line two &lt; three.</p>"


def test_relative_guid_is_kept_as_the_publisher_wrote_it():
    feed = parse_feed(read("truncated.xml"), url="https://wire.example.com/rss/most-read")
    assert [entry.guid for entry in feed.entries] == ["wire-1", "wire-2"]


def test_rdf_dc_date_is_the_publication_date():
    feed = parse_feed(read("rdf.xml"), url="https://science.example.edu/rss")
    assert feed.kind == "rdf"
    (entry,) = feed.entries
    assert entry.published == datetime(2023, 6, 15, 15, 29, 47, tzinfo=UTC)
    assert entry.authors == ["R. Okafor"]
    assert entry.tags == ["Zoology"]


def test_latin1_feed_decodes_to_correct_unicode():
    feed = parse_feed(read("latin1.xml"), url="http://noticias.example.br/rss")
    assert feed.title == "Notícias do Exemplo"
    assert feed.entries[0].title == "Eleição: votação começa às 8h em São Paulo"
    assert feed.warnings == []


def test_latin1_without_prolog_is_recovered_with_a_warning_and_localised_date():
    feed = parse_feed(read("latin1_no_prolog.xml"), url="https://semprologo.example.br/rss")
    (entry,) = feed.entries
    assert entry.title == "Ibope: candidato lidera em simulações de 2º turno"
    assert entry.published == datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)
    assert any("character encoding" in warning and "windows-1252" in warning for warning in feed.warnings)


def test_utf8_bytes_win_over_a_wrong_latin1_declaration():
    for content_type in (None, "text/xml; charset=ISO-8859-1"):
        feed = parse_feed(read("utf8_declared_latin1.xml"), content_type=content_type)
        assert feed.title == "Inovação Exemplo"
        assert feed.entries[0].title == "Revolução nas telas"
        assert any("bytes are UTF-8" in warning for warning in feed.warnings)


def test_http_charset_decides_for_bytes_that_are_not_utf8():
    body = '<rss version="2.0"><channel><title>Über</title><item><title>Straße</title>'
    body += "<link>https://de.example.com/a</link></item></channel></rss>"
    feed = parse_feed(body.encode("latin-1"), content_type="application/rss+xml; charset=iso-8859-1")
    assert feed.entries[0].title == "Straße"
    assert feed.warnings == []


def test_truncated_feed_keeps_the_items_before_the_cut():
    feed = parse_feed(read("truncated.xml"), url="https://wire.example.com/rss/most-read")
    assert [entry.title for entry in feed.entries] == ["First complete story", "Second complete story"]
    assert any("not well-formed XML" in warning for warning in feed.warnings)


def test_truncated_feed_with_no_complete_item_is_an_error():
    cut = read("truncated.xml").split(b"<item>")[0] + b"<item><title>Half"
    with pytest.raises(FeedParseError, match="no complete item could be recovered"):
        parse_feed(cut, url="https://wire.example.com/rss/most-read")


def test_wrong_atom_namespace_is_read_as_atom():
    feed = parse_feed(read("wrong_atom_namespace.xml"), url="https://quotidien.example.fr/atom")
    assert feed.kind == "atom"
    assert feed.entries[0].title == "Élection : les résultats"
    assert feed.entries[0].url == "https://quotidien.example.fr/politique/resultats"
    assert any("https://www.w3.org/2005/Atom" in warning for warning in feed.warnings)


def test_html_page_is_rejected_and_names_the_feeds_it_advertises():
    with pytest.raises(HtmlPageError, match="is an HTML page, not a feed") as caught:
        parse_feed(read("page_with_feeds.html"), url="https://www.daily.example.com/")
    assert caught.value.feed_links[0] == "https://www.daily.example.com/news/feeds/top.xml"
    assert isinstance(caught.value, FeedParseError)


@pytest.mark.parametrize("body", [b"", b"  \r\n\t "])
def test_empty_body_is_a_clear_error(body):
    with pytest.raises(FeedParseError, match="empty"):
        parse_feed(body, url="https://empty.example.com/feed")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<opml version='2.0'><body/></opml>", "not RSS, Atom, RDF, JSON Feed or a sitemap"),
        (b"just some text", "not RSS, Atom, RDF, JSON Feed or a sitemap"),
        (b'{"items": []}', "not a JSON Feed"),
        (b"{broken json", "not valid JSON"),
        (b"\x1f\x8b\x08\x00garbage", "gzip"),
    ],
)
def test_non_feeds_raise_feed_parse_error(body, message):
    with pytest.raises(FeedParseError, match=message):
        parse_feed(body, url="https://odd.example.com/feed")


def test_body_is_never_opened_as_a_file_name():
    # feedparser treats a bytes argument as a path first; a hostile body must not read local files.
    with pytest.raises(FeedParseError):
        parse_feed(str(TESTDATA / "rss2.xml").encode(), url="https://evil.example.com/feed")


def test_gzipped_feed_body_is_decompressed():
    feed = parse_feed(gzip.compress(read("atom.xml")), url="https://tech.example.org/feed.atom.gz")
    assert len(feed.entries) == 2


def test_feed_link_is_the_base_when_no_url_is_given():
    feed = parse_feed(read("truncated.xml").replace(b"https://wire.example.com/story/1", b"/story/1"))
    assert feed.entries[0].url == "https://wire.example.com/story/1"


def test_atom_text_constructs_keep_tag_names_written_as_text():
    feed = parse_feed(read("tag_names_in_text.atom"), url="https://web.example.org/feed.atom")
    assert feed.title == "The <canvas> weekly"
    template, script = feed.entries
    assert template.title == "Understanding the <template> element and Shadow DOM"
    assert template.summary == "<p> is a paragraph tag; <style> holds CSS."
    # type="html" is still markup: tags out, the escaped tag name kept.
    assert script.title == "Why a <script> tag blocks"
    assert script.summary == "Parsing stops."


def test_rss_titles_are_markup_only_when_they_look_like_html():
    feed = parse_feed(read("tag_names_in_text.rss"), url="https://code.example.net/rss")
    assert [entry.title for entry in feed.entries] == [
        "How the <script> tag loads: a guide",
        "std::vector<int> is faster than you think",
        "Styling with <style>, scoped",
        "Release notes: faster builds & Beyoncé",
    ]


def test_am_pm_and_zoneless_dates_honour_the_marker_and_the_feed_zone():
    feed = parse_feed(read("twelve_hour_clock.rss"), url="https://metro.example.com/rss")
    # No zone written: the one the channel's other dates state (-0500).
    assert [entry.published for entry in feed.entries] == [
        datetime(2023, 12, 16, 19, 2, 33, tzinfo=UTC),
        datetime(2023, 12, 16, 5, 10, tzinfo=UTC),
        datetime(2023, 12, 16, 8, 15, tzinfo=UTC),
        datetime(2023, 12, 16, 23, 30, tzinfo=UTC),
        datetime(2023, 12, 16, 18, 30, tzinfo=UTC),  # "-0000" is how feeds write UTC
        datetime(2023, 12, 17, 5, 58, 40, tzinfo=UTC),
    ]


def test_a_zoneless_date_is_utc_when_no_date_of_the_feed_states_a_zone():
    feed = parse_feed(
        b"<rss version='2.0'><channel><title>t</title><item><title>a</title><link>https://z.example/a</link>"
        b"<pubDate>Sat, 16 Dec 2023 18:30:00</pubDate></item></channel></rss>",
        url="https://z.example/rss",
    )
    assert feed.entries[0].published == datetime(2023, 12, 16, 18, 30, tzinfo=UTC)


def test_a_byline_of_several_names_gives_one_author_each():
    feed = parse_feed(read("bylines.rss"), url="https://bylines.example.com/rss")
    assert [entry.authors for entry in feed.entries] == [
        ["Gaby Acevedo", "Jessica Cunnington"],
        ["MANNY FERNANDEZ", "JOHN ELIGON"],
        ["Ed Pilkington", "Jessica Elgot"],
        ["Mike Isaac", "Michael J. de la Merced"],
        ["David Smith"],
        ["JANE ROE"],
        # Kept whole: not every part looks like a name, or a comma follows the last "and".
        ["Staff and agencies"],
        ["Archer, L. A."],
        ["Reuters in New York"],
        ["Rafe Rosner Uddin and Michael Taffe, Financial Times"],
    ]
