from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from newsdesk.models import Article
from newsdesk.store import search
from newsdesk.store.search import fts5_match_expression, search_articles
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return make_source("Harbour Times")


def titles(articles):
    return [a.title for a in articles]


def found(query: str) -> list[str]:
    """The titles `query` finds, in alphabetical order: for tests of what matches, not of ranking."""
    return sorted(titles(search_articles(query, limit=10, offset=0)))


def test_finds_words_in_the_body_text(source):
    make_article(source, "Council meets", text="The council debated the new lighthouse budget.\n\nNo vote.")
    make_article(source, "Weather", text="Rain all week.")
    assert titles(search_articles("lighthouse budget", limit=10, offset=0)) == ["Council meets"]


def test_requires_every_word(source):
    make_article(source, "Ferry strike", text="Ferry workers strike over pay.")
    make_article(source, "Ferry timetable", text="New ferry timetable published.")
    assert titles(search_articles("ferry strike", limit=10, offset=0)) == ["Ferry strike"]


def test_stems_english_words(source):
    make_article(source, "Sanctions extended", text="The sanctions were extended again.")
    assert titles(search_articles("sanction", limit=10, offset=0)) == ["Sanctions extended"]


@pytest.mark.parametrize(
    "hostile", ['"', "AND (", "NEAR(", "title:", "*", "a OR", ")) --", "NOT", "'; DROP TABLE"]
)
def test_hostile_query_syntax_is_plain_text(source, hostile):
    make_article(source, "Budget AND tax", text="A story about budget and tax.")
    assert isinstance(search_articles(hostile, limit=10, offset=0), list)


def test_or_between_words_finds_either_side_on_every_database(source):
    make_article(source, "Ferry crash", text="A ferry hit the pier.")
    make_article(source, "Train delay", text="Trains ran late all day.")
    make_article(source, "Weather", text="Rain all week.")

    assert found("ferry OR train") == found("train or ferry pier") == ["Ferry crash", "Train delay"]
    assert found("or ferry") == found("ferry or") == ["Ferry crash"]
    assert found("or") == []
    assert fts5_match_expression("ferry or train delay") == '("ferry") OR ("train" "delay")'


def test_operator_words_are_searched_as_words(source):
    make_article(source, "Near the harbour", text="Boats near the harbour wall.")
    assert titles(search_articles("NEAR (harbour", limit=10, offset=0)) == ["Near the harbour"]


def test_empty_query_finds_nothing(source):
    make_article(source, "Anything", text="words")
    assert search_articles("  ", limit=10, offset=0) == []
    assert search_articles("!!! ???", limit=10, offset=0) == []


def test_title_match_outranks_body_mention_at_same_age(source):
    make_article(
        source, "Markets calm", text="Elsewhere, a lighthouse keeper retired.", age=timedelta(hours=2)
    )
    make_article(
        source, "Lighthouse restored", text="Work finished on the old tower.", age=timedelta(hours=2)
    )
    assert titles(search_articles("lighthouse", limit=10, offset=0)) == [
        "Lighthouse restored",
        "Markets calm",
    ]


def test_recent_story_outranks_equal_old_one(source):
    make_article(source, "Old harbour story", text="harbour dredging", age=timedelta(days=90))
    make_article(source, "New harbour story", text="harbour dredging", age=timedelta(hours=1))
    assert titles(search_articles("dredging", limit=10, offset=0)) == [
        "New harbour story",
        "Old harbour story",
    ]


def test_limit_and_offset_page_through_results(source):
    for n in range(5):
        make_article(source, f"Tide report {n}", text="tide tables", age=timedelta(hours=n + 1))
    first = search_articles("tide", limit=2, offset=0)
    second = search_articles("tide", limit=2, offset=2)
    rest = search_articles("tide", limit=10, offset=4)
    assert titles(first) == ["Tide report 0", "Tide report 1"]
    assert titles(second) == ["Tide report 2", "Tide report 3"]
    assert titles(rest) == ["Tide report 4"]


def test_index_follows_updates_and_deletes(source):
    article = make_article(source, "Draft", text="placeholder words")
    article.text = "The harbour master resigned."
    article.save()
    assert titles(search_articles("resigned", limit=10, offset=0)) == ["Draft"]
    assert search_articles("placeholder", limit=10, offset=0) == []
    Article.objects.filter(id=article.id).delete()
    assert search_articles("resigned", limit=10, offset=0) == []


def test_fts5_expression_quotes_every_term():
    assert fts5_match_expression('rates "AND ( hike') == '"rates" "AND hike"'
    assert fts5_match_expression('"central bank" -"interest rates" or ecb') == (
        '("central bank" NOT "interest rates") OR ("ecb")'
    )
    # A hyphen inside a word joins it; only one after a space excludes.
    assert fts5_match_expression("covid-19 -vaccine") == '"covid" "19" NOT "vaccine"'


def test_quoted_phrases_and_excluded_words_on_every_database(source):
    make_article(source, "Central bank holds", text="The central bank held interest rates.")
    make_article(source, "Bank of the central valley", text="A bank opened in the central valley.")
    make_article(source, "Bank profits", text="The bank reported record profits.")

    assert found('"central bank"') == ["Central bank holds"]
    assert found("bank -profits") == ["Bank of the central valley", "Central bank holds"]
    assert found('bank -"interest rates" -valley') == ["Bank profits"]
    # Exclusions alone are no search.
    assert found("-bank") == []


def test_a_corrected_date_moves_the_article_in_the_ranking(source):
    # SQLite ranks by the key table's copy of published_at: it must follow the article's.
    stale = make_article(source, "Harbour dredging begins", text="dredging", age=timedelta(days=90))
    make_article(source, "Harbour dredging halted", text="dredging", age=timedelta(days=3))
    assert titles(search_articles("dredging", limit=10, offset=0))[0] == "Harbour dredging halted"

    Article.objects.filter(id=stale.id).update(published_at=stale.published_at + timedelta(days=89, hours=23))
    assert titles(search_articles("dredging", limit=10, offset=0))[0] == "Harbour dredging begins"


def test_ranks_against_the_site_clock(source, monkeypatch):
    from django.utils import timezone

    make_article(source, "Spring report", text="A tide table.", published_at=datetime(2025, 3, 1, tzinfo=UTC))
    make_article(source, "Winter tide", text="The tide.", published_at=datetime(2024, 12, 1, tzinfo=UTC))
    # The day after: one day against three months old, recency wins over the title match.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 3, 2, tzinfo=UTC))
    assert titles(search_articles("tide", limit=10, offset=0)) == ["Spring report", "Winter tide"]
    # Years later both are old alike, and the title match wins.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2028, 3, 2, tzinfo=UTC))
    assert titles(search_articles("tide", limit=10, offset=0)) == ["Winter tide", "Spring report"]


def test_only_the_newest_matches_are_ranked(source, monkeypatch):
    monkeypatch.setattr(search, "MAX_CANDIDATES", 2)
    make_article(source, "Old dredging report", text="dredging", age=timedelta(days=400))
    make_article(source, "Quay works", text="More dredging.", age=timedelta(hours=2))
    # Fewer recent matches than candidates wanted: the search reaches back past a year.
    assert titles(search_articles("dredging", limit=10, offset=0)) == ["Quay works", "Old dredging report"]

    make_article(source, "Harbour news", text="Dredging again.", age=timedelta(hours=1))
    assert titles(search_articles("dredging", limit=10, offset=0)) == ["Harbour news", "Quay works"]


def test_articles_ranked_alike_come_in_one_order_on_every_page(source):
    """Same words, same time: only a last key keeps offset pages from repeating or skipping one."""
    published = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    made = [make_article(source, f"Ferry timetable {n}", text="Ferry timetable changes.") for n in range(6)]
    Article.objects.filter(id__in=[a.id for a in made]).update(published_at=published)
    pages = [search_articles("ferry timetable", limit=1, offset=n)[0].id for n in range(6)]
    assert pages == sorted(a.id for a in made)


def test_a_copy_stands_as_its_original_once_across_pages(source):
    """A copy ranked on page 1 and its original further down are one result, where the copy ranks."""
    wire = "Lighthouse keepers strike over pay and the harbour goes dark tonight."
    original = make_article(source, "Keepers strike", text=wire, age=timedelta(days=30))
    other = make_article(source, "Keepers strike spreads", text=wire + " More ports.", age=timedelta(days=3))
    copy = make_article(
        make_source("Valley Courier"), "Keepers strike, walk out", text=wire, duplicate_of=original
    )
    # As ranked, copies included: the copy (newest) first, the original last.
    assert search._ranked_ids("keepers strike", timezone.now(), 5) == [copy.id, other.id, original.id]
    pages = [[a.id for a in search_articles("keepers strike", limit=1, offset=n)] for n in range(3)]
    assert pages == [[original.id], [other.id], []]
    assert copy.id not in str(pages)
    # A hit only the copy's own headline has is still found, as its original.
    assert [a.id for a in search_articles("walk out", limit=5)] == [original.id]
