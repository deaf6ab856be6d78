"""Every real feed in ../shared/data/feeds gives its entries or a clear FeedParseError."""

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.ingest.feeds import FeedParseError, parse_feed

pytestmark = pytest.mark.shared

MOJIBAKE_MARKS = ("Ã", "â€", "\ufffd")


def feed_files(feeds: Path) -> list[Path]:
    return sorted(path for path in feeds.rglob("*") if path.is_file() and path.suffix not in (".md", ".tsv"))


def parse(feeds: Path, relative: str):
    return parse_feed((feeds / relative).read_bytes(), url=f"https://fixtures.example/{relative}")


def test_every_shared_feed_gives_entries_or_a_clear_error(shared_data):
    feeds = shared_data / "feeds"
    with (feeds / "_summary.tsv").open(encoding="utf-8") as summary_file:
        expected_items = {row["file"]: row["items"] for row in csv.DictReader(summary_file, delimiter="\t")}
    files = feed_files(feeds)
    assert len(files) == 40
    outcomes = {}
    for path in files:
        relative = path.relative_to(feeds).as_posix()
        try:
            feed = parse(feeds, relative)
        except FeedParseError as error:
            assert str(error).strip(), relative
            outcomes[relative] = "error"
            continue
        assert feed.entries, relative
        outcomes[relative] = len(feed.entries)
        if expected_items.get(relative, "-").isdigit():
            assert len(feed.entries) == int(expected_items[relative]), relative
        for entry in feed.entries:
            assert entry.url.startswith(("http://", "https://")) and entry.url == entry.url.strip(), relative
            assert not any(mark in entry.title for mark in MOJIBAKE_MARKS), (relative, entry.title)
            assert entry.published is None or entry.published.tzinfo is not None
    assert [name for name, outcome in outcomes.items() if outcome == "error"] == [
        "feed-rs/rss_2.0_invalid_1.xml"
    ]


def test_latin1_feeds_decode_accents(shared_data):
    feeds = shared_data / "feeds"
    tjrs = parse(feeds, "feed-rs/rss_0.91_encoding_2.xml")
    assert tjrs.title == "Tribunal de Justiça do Estado do Rio Grande do Sul"
    assert tjrs.entries[0].title.startswith(
        "13/08/2020 21:27 - Comitê completa 150 dias de atuação na prevenção"
    )
    jn = parse(feeds, "rss-parser/encoding.rss")
    assert jn.title == "Jornal de Notícias - Últimas Notícias"
    assert jn.entries[0].title == "Mãe de utente é a nova presidente da Raríssimas"
    golem = parse(feeds, "feed-rs/rss_1.0_iso8859.xml")
    assert golem.kind == "rdf"
    assert golem.entries[0].title == "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse"


def test_latin1_feed_without_prolog_is_recovered(shared_data):
    uol = parse(shared_data / "feeds", "rss-parser/uolNoticias.rss")
    assert len(uol.entries) == 15
    assert (
        uol.entries[0].title == "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno"
    )
    # "Seg, 24 Set 2018 19:42:40 -0300": a Portuguese RFC 822 date.
    assert uol.entries[0].published == datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)
    assert any("character encoding" in warning for warning in uol.warnings)


def test_truncated_reuters_feed_has_no_item_before_the_cut(shared_data):
    # The file stops after the channel's <copyright>, before any <item>: nothing to recover.
    with pytest.raises(FeedParseError, match="no element found"):
        parse(shared_data / "feeds", "feed-rs/rss_2.0_invalid_1.xml")


def test_le_monde_wrong_atom_namespace_and_padded_titles(shared_data):
    lemonde = parse(shared_data / "feeds", "lemonde/lemonde.xml")
    assert len(lemonde.entries) == 21
    assert lemonde.title == "Le Monde.fr - Actualités et Infos en France et dans le monde"
    first = lemonde.entries[0]
    assert first.title == "Serbie-Brésil en direct : les Brésiliens mènent grâce à Paulinho et Thiago Silva"
    assert first.url.startswith("https://www.lemonde.fr/mondial-2018/live/2018/06/27/serbie-bresil")
    assert any("https://www.w3.org/2005/Atom" in warning for warning in lemonde.warnings)


def test_washington_post_news_sitemap(shared_data):
    sitemap = parse(shared_data / "feeds", "sitemaps/washingtonpost_news_sitemap_politics_2017-11-23.xml")
    assert sitemap.kind == "sitemap"
    assert sitemap.title == "Washington Post"
    assert len(sitemap.entries) == 4
    first = sitemap.entries[0]
    assert first.url == (
        "https://www.washingtonpost.com/politics/the-latest-roy-moore-thanks-trump-in-new-fundraising-appeal"
        "/2017/11/22/bd14fa82-cff2-11e7-a87b-47f14b73162a_story.html"
    )
    assert first.title == "The Latest: Roy Moore thanks Trump in new fundraising appeal"
    assert first.published == datetime(2017, 11, 23, 2, 5, 12, tzinfo=UTC)
    assert "Roy Moore" in first.tags


def test_feedburner_links_give_the_publisher_url(shared_data):
    jn = parse(shared_data / "feeds", "rss-parser/encoding.rss")
    assert all(entry.url.startswith("https://www.jn.pt/") for entry in jn.entries)


def test_nbc_new_york_am_pm_date_is_in_the_channel_zone(shared_data):
    nbc = parse(shared_data / "feeds", "feed-rs/rss_2.0_nbcny.xml")
    # "Sat, Dec 16 2023 02:02:33 PM", no zone; the channel's other dates say -0500.
    assert nbc.entries[0].published == datetime(2023, 12, 16, 19, 2, 33, tzinfo=UTC)
