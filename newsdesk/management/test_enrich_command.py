"""`newsdesk enrich`: which articles it picks (store.actions), and enriching stored articles again."""

import io
from datetime import timedelta

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk import pipeline, tasks
from newsdesk.enrich.categories.assign import pack_evidence, unpack_evidence
from newsdesk.enrich.categories.model import shipped_model
from newsdesk.models import (
    Article,
    ArticleEmbedding,
    ArticleHashtag,
    ExtractionState,
    Feed,
    Hashtag,
    RelatedArticle,
    Story,
)
from newsdesk.store.actions import articles_to_enrich_again, id_batches
from newsdesk.testing import harbour_stories
from newsdesk.web.testing import make_article, make_source

EXTRACTED = {"extraction": ExtractionState.PAGE}
CATEGORIES = shipped_model().categories
# Ferry news of earlier days: close in meaning to the ferry story, not the same event.
EARLIER_FERRY_NEWS = [
    (
        "Saltmarsh Ferry Company orders a hybrid ferry for the Port Elwyn crossing",
        "The Saltmarsh Ferry Company has ordered a hybrid ferry from a shipyard on the mainland. "
        "The new boat will carry two hundred passengers and forty cars between Port Elwyn and the "
        "harbour from the summer after next, burning a third less fuel than the ship it replaces.",
        timedelta(days=12),
    ),
    (
        "Port Elwyn harbour council approves a new ferry pier",
        "The harbour council of Port Elwyn voted on Tuesday to build a new pier for the island ferry. "
        "The old pier was damaged in the January storms and ferries have docked at a temporary "
        "pontoon since, which passengers say is slippery and too narrow for wheelchairs.",
        timedelta(days=5),
    ),
]


pytestmark = pytest.mark.usefixtures("fresh_vector_and_story_indexes")


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("enrich", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def archive() -> list[Article]:
    """A small archive enriched as ingest does (the task layer, oldest first): one story told by
    three sources (two syndicated copies), earlier ferry news related to it, unrelated stories."""
    ferry, *others = harbour_stories()
    body = "\n\n".join(ferry.paragraphs)
    gazette, courier, herald = (
        make_source("Harbour Gazette"),
        make_source("Quay Courier"),
        make_source("Herald"),
    )
    articles = [
        make_article(gazette, ferry.title, text=body, age=timedelta(hours=9), **EXTRACTED),
        make_article(
            courier, ferry.title, text=f"By Quay Courier staff\n\n{body}", age=timedelta(hours=8), **EXTRACTED
        ),
        make_article(
            herald,
            "Port Elwyn loses three winter ferry crossings",
            text="\n\n".join([*ferry.paragraphs[:3], "Island shops fear for their winter trade."]),
            age=timedelta(hours=7),
            **EXTRACTED,
        ),
        *[
            make_article(courier, title, text=text, age=age, **EXTRACTED)
            for title, text, age in EARLIER_FERRY_NEWS
        ],
        *[
            make_article(gazette, story.title, text="\n\n".join(story.paragraphs), age=timedelta(hours=6 - i))
            for i, story in enumerate(others)
        ],
    ]
    Article.objects.filter(id__in=[a.id for a in articles[-len(others) :]]).update(
        extraction=ExtractionState.FEED
    )
    articles.sort(key=lambda article: article.published_at)
    for article in articles:
        tasks.run_enrich_inline(article.id)
    return articles


def enrichment() -> dict:
    """Everything enrichment writes, but the time it ran."""
    return {
        "stories": sorted(
            Story.objects.values_list("id", "title", "representative_id", "article_count", "source_count")
        ),
        "articles": sorted(
            Article.objects.values_list(
                "id", "story_id", "duplicate_of_id", "simhash", "language", "category", "last_error"
            )
        ),
        "hashtags": sorted(Hashtag.objects.values_list("key", "name")),
        "taggings": sorted(ArticleHashtag.objects.values_list("article_id", "hashtag__key", "weight")),
        "related": sorted(RelatedArticle.objects.values_list("article_id", "related_id")),
        "vectors": sorted(ArticleEmbedding.objects.values_list("article_id", "model")),
    }


def evidence(article_id: str) -> np.ndarray | None:
    raw = Article.objects.values_list("category_evidence", flat=True).get(id=article_id)
    return unpack_evidence(raw, len(CATEGORIES))


# --- the selection


@pytest.mark.django_db
def test_each_option_selects_exactly_its_articles():
    gazette, courier = make_source("Harbour Gazette"), make_source("Quay Courier")
    overriding = Feed.objects.create(source=gazette, url="https://g.example/rss", category_override="science")
    misspelt = Feed.objects.create(source=gazette, url="https://g.example/x", category_override="weather")
    some = pack_evidence(np.log(np.full(len(CATEGORIES), 1 / len(CATEGORIES))))
    since = timezone.now().replace(microsecond=0) - timedelta(days=1)
    week = timedelta(days=7)
    old_without = make_article(gazette, "Ferry", text="Ferry news.", age=week, **EXTRACTED)
    old_with = make_article(
        gazette, "Ferry", text="Ferry news.", age=week, category_evidence=some, **EXTRACTED
    )
    # Shown from its feed entry (the page failed), published exactly at `since`.
    from_feed_without = make_article(courier, "Pier", published_at=since, extraction=ExtractionState.FEED)
    pending = make_article(courier, "Pier")  # waiting for its page: the pipeline will enrich it
    locked = make_article(courier, "Pier", category_locked=True, **EXTRACTED)  # an operator's category
    overridden = make_article(gazette, "Pier", feed=overriding, **EXTRACTED)  # its feed decides
    misspelt_override = make_article(gazette, "Pier", feed=misspelt, **EXTRACTED)  # ignored: classified
    recent_with = make_article(courier, "Pier", category_evidence=some, **EXTRACTED)

    def picked(**options) -> set[str]:
        return set(articles_to_enrich_again(**options).values_list("id", flat=True))

    def ids(*articles: Article) -> set[str]:
        return {article.id for article in articles}

    recent = ids(from_feed_without, locked, overridden, misspelt_override, recent_with)
    assert picked() == ids(old_without, old_with) | recent
    assert pending.id not in picked()
    assert picked(missing_evidence=True) == ids(old_without, from_feed_without, misspelt_override)
    assert picked(since=since) == recent
    assert picked(source_id=courier.id) == ids(from_feed_without, locked, recent_with)
    assert picked(missing_evidence=True, source_id=courier.id) == ids(from_feed_without)
    assert picked(missing_evidence=True, since=since) == ids(from_feed_without, misspelt_override)
    assert picked(missing_evidence=True, since=since + timedelta(seconds=1)) == ids(misspelt_override)


@pytest.mark.django_db
def test_batches_go_oldest_first_by_keyset_and_miss_nothing_as_the_selection_shrinks():
    source = make_source("Harbour Gazette")
    noon = timezone.now().replace(microsecond=0) - timedelta(days=1)
    # Three share a publication time: the id breaks the tie, across a page boundary too.
    times = [noon, noon, noon, noon - timedelta(hours=1), noon + timedelta(hours=1), noon - timedelta(days=3)]
    for moment in times:
        make_article(source, "Ferry", text="Ferry news.", published_at=moment, **EXTRACTED)
    expected = list(Article.objects.order_by("published_at", "id").values_list("id", flat=True))

    missing = articles_to_enrich_again(missing_evidence=True)
    seen = []
    with CaptureQueriesContext(connection) as queries:
        for batch in id_batches(missing, 2):
            assert len(batch) <= 2
            seen += batch
            # As `newsdesk enrich` does: what was processed leaves the selection.
            Article.objects.filter(id__in=batch).update(category_evidence=b"\0" * 4 * len(CATEGORIES))
    assert seen == expected
    assert not any("OFFSET" in query["sql"].upper() for query in queries.captured_queries)

    everything = articles_to_enrich_again()
    assert [i for batch in id_batches(everything, 4, limit=5) for i in batch] == expected[:5]
    assert [len(batch) for batch in id_batches(everything, 4, limit=5)] == [4, 1]


# --- the command


@pytest.mark.django_db
def test_articles_without_evidence_get_it_back_as_ingest_stored_it():
    articles = archive()
    ingested = enrichment()
    ingested_evidence = {a.id: evidence(a.id) for a in articles}
    assert all(e is not None for e in ingested_evidence.values())
    in_stories = Article.objects.filter(story__isnull=False).count()
    assert in_stories == len(articles)
    assert Story.objects.filter(article_count=3).count() == 1
    # As before migration 0009: no evidence, so never pooled with the story.
    Article.objects.update(category_evidence=None, category="general", category_confidence=0.0)

    out, err = run("--missing-evidence", "--batch-size", "3")

    assert err == ""
    assert f"done: {len(articles)} enriched again, 0 failed" in out
    assert enrichment() == ingested  # stories, categories, copies, hashtags, related: as ingest left them
    for article in articles:
        # Read from the stored (float16) vector now, from the freshly computed one at ingest.
        assert evidence(article.id) == pytest.approx(ingested_evidence[article.id], abs=2e-3)
    assert Article.objects.filter(category_confidence=0.0).count() == 0
    assert run("--missing-evidence")[0].strip() == "done: 0 enriched again, 0 failed"


@pytest.mark.django_db
def test_enriching_everything_twice_changes_no_story_copy_hashtag_or_related_row():
    articles = archive()
    ingested = enrichment()
    assert RelatedArticle.objects.exists() and ArticleHashtag.objects.exists()
    assert Article.objects.filter(duplicate_of__isnull=False).count() == 2
    stamps = dict(Article.objects.values_list("id", "enriched_at"))

    first, _ = run("--all")
    after_once = enrichment()
    second, _ = run("--all")

    assert f"done: {len(articles)} enriched again, 0 failed" in first
    assert f"done: {len(articles)} enriched again, 0 failed" in second
    assert after_once == ingested
    assert enrichment() == ingested
    assert all(
        enriched_at > stamps[article_id]
        for article_id, enriched_at in Article.objects.values_list("id", "enriched_at")
    )


@pytest.mark.django_db
def test_an_article_that_fails_is_reported_and_recorded_and_the_others_complete(monkeypatch):
    articles = archive()
    broken, *others = articles
    Article.objects.filter(id=others[0].id).update(last_error="HTTP 404")  # its page's error stays
    Article.objects.update(category_evidence=None)
    tag = pipeline.tag

    def tag_failing_one(article):
        if article.id == broken.id:
            raise ValueError("hashtag rules broke")
        tag(article)

    monkeypatch.setattr(pipeline, "tag", tag_failing_one)
    out, err = run("--missing-evidence", "--batch-size", "2")

    assert f"done: {len(others)} enriched again, 1 failed (see each article's last_error)" in out
    assert err.strip() == f"article {broken.id}: ValueError: hashtag rules broke"
    assert Article.objects.get(id=broken.id).last_error == "enrich: ValueError: hashtag rules broke"
    assert evidence(broken.id) is None
    assert all(evidence(article.id) is not None for article in others)
    assert Article.objects.get(id=others[0].id).last_error == "HTTP 404"

    monkeypatch.setattr(pipeline, "tag", tag)
    out, err = run("--missing-evidence")
    assert "done: 1 enriched again, 0 failed" in out
    assert Article.objects.get(id=broken.id).last_error == ""
    assert evidence(broken.id) is not None


@pytest.mark.django_db
def test_a_dry_run_counts_and_changes_nothing():
    articles = archive()
    Article.objects.filter(id__in=[a.id for a in articles[:3]]).update(category_evidence=None)
    rows = list(Article.objects.order_by("id").values())

    assert run("--missing-evidence", "--dry-run") == ("would enrich 3 articles again\n", "")
    assert run("--all", "--dry-run", "--limit", "5")[0] == "would enrich 5 articles again\n"
    assert run("--all", "--dry-run", "--limit", "50")[0] == f"would enrich {len(articles)} articles again\n"
    assert list(Article.objects.order_by("id").values()) == rows


@pytest.mark.django_db
def test_sources_are_named_by_slug_or_id():
    gazette, courier = make_source("Harbour Gazette"), make_source("Quay Courier")
    make_article(gazette, "Ferry", **EXTRACTED)
    for _ in range(2):
        make_article(courier, "Pier", **EXTRACTED)
    assert run("--source", "quay-courier", "--dry-run")[0] == "would enrich 2 articles again\n"
    assert run("--source", str(gazette.id), "--dry-run")[0] == "would enrich 1 articles again\n"
    with pytest.raises(CommandError, match="no source with the slug or id 'nowhere'"):
        run("--source", "nowhere")


@pytest.mark.django_db
@pytest.mark.parametrize("args", [(), ("--limit", "10"), ("--dry-run",)])
def test_without_a_selection_nothing_is_done(args):
    make_article(make_source(), "Ferry", **EXTRACTED)
    with pytest.raises(CommandError, match="say which articles to enrich again.*--all for every article"):
        run(*args)
    assert Article.objects.get().enriched_at is None


@pytest.mark.django_db
def test_with_a_broker_the_articles_are_queued_for_the_enrich_workers_oldest_first(monkeypatch):
    source = make_source()
    articles = [
        make_article(source, "Ferry", text="Ferry news.", age=timedelta(hours=hours), **EXTRACTED)
        for hours in (1, 3, 2)
    ]
    queued = []
    monkeypatch.setitem(tasks.app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks.enrich_article, "delay", lambda article_id: queued.append(article_id))

    out, _ = run("--all", "--batch-size", "2")

    assert queued == [articles[1].id, articles[2].id, articles[0].id]
    assert "done: 3 queued for the enrich workers, 0 failed" in out
    assert not Article.objects.filter(enriched_at__isnull=False).exists()
