"""An article's path, stage by stage: poll → fetch page → extract → enrich.

Each stage is a plain function of ids, safe to repeat, and is run through the task
layer (`newsdesk.tasks`): in process on the embedded default, on Celery workers at scale.
"""

import logging
import threading
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import numpy as np
from django.conf import settings
from django.utils import timezone

from newsdesk.ai.features import precompute_summary
from newsdesk.enrich.categories.assign import categorize_article, story_category
from newsdesk.enrich.dedup import mark_copies
from newsdesk.enrich.embeddings import EmbeddingError
from newsdesk.enrich.hashtags import build_hashtags
from newsdesk.enrich.hashtags.learned import learned_aliases
from newsdesk.enrich.language import label_language
from newsdesk.enrich.related import relate_article
from newsdesk.enrich.stories.actions import join_story
from newsdesk.enrich.vectors import embed_article
from newsdesk.extract import ExtractedArticle, ExtractionError, extract_article
from newsdesk.extract.processes import extract_in_processes
from newsdesk.ingest.fetch import Fetcher, FetchError, HostCoolingDown
from newsdesk.ingest.poll import PollOutcome, poll_feed
from newsdesk.models import Article, ExtractionState, Feed, FetchFailure
from newsdesk.store.actions import (
    clear_failure,
    drop_duplicate_article,
    find_same_text,
    record_failure,
    rekey_article,
    replace_hashtags,
)
from newsdesk.store.identity import canonicalize_url, content_hash

log = logging.getLogger(__name__)

# A page that fails this often is shown from its feed entry instead.
MAX_PAGE_ATTEMPTS = 3
# Under this many characters, a page's text must at least match its feed entry's to replace it.
MIN_PAGE_TEXT_CHARS = 280
# A bare day from a page is stored as its midnight UTC; in the publisher's own time zone that
# day may run from 14 h before that midnight to 36 h after it.
BARE_DAY_END = timedelta(hours=36)

_fetcher: Fetcher | None = None
_fetcher_lock = threading.Lock()


def shared_fetcher() -> Fetcher:
    """One fetcher per process, so per-host politeness holds across threads."""
    global _fetcher
    with _fetcher_lock:
        if _fetcher is None:
            _fetcher = Fetcher.from_settings()
        return _fetcher


def reset_shared_fetcher() -> None:
    """Drop the process fetcher (settings changed, e.g. in tests)."""
    global _fetcher
    with _fetcher_lock:
        if _fetcher is not None:
            _fetcher.close()
        _fetcher = None


def poll_stage(feed_id: int) -> PollOutcome:
    feed = Feed.objects.select_related("source").get(id=feed_id)
    return poll_feed(feed, shared_fetcher())


def extract_page(content: bytes, url: str) -> ExtractedArticle:
    """Extracted in a worker process when the crawl has them (NEWSDESK_EXTRACT_PROCESSES)."""
    processes = settings.NEWSDESK_EXTRACT_PROCESSES
    if processes > 0:
        return extract_in_processes(content, url, processes)
    return extract_article(content, url=url)


def extract_stage(article_id: str) -> str | None:
    """Fetch and extract an article's page; returns the id it ends under (None if it was a duplicate).

    When the page keeps failing the article stays, shown from its feed entry.
    """
    article = Article.objects.select_related("source", "feed").filter(id=article_id).first()
    if article is None or article.extraction != ExtractionState.PENDING:
        return article.id if article else None
    Article.objects.filter(id=article.id).update(extract_attempts=article.extract_attempts + 1)
    article.extract_attempts += 1
    try:
        result = shared_fetcher().get(article.url)
        extracted = extract_page(result.content, result.url)
        if len(extracted.text) < MIN_PAGE_TEXT_CHARS and len(extracted.text) < len(article.text):
            # A stub, a consent wall, a page emptied by the publisher: its feed entry says more.
            raise ExtractionError("the page holds less text than its feed entry")
    except HostCoolingDown as error:
        # Never sent: the publisher asked for a pause over another request. Counted, one 429 in a
        # crawl of twenty new articles would use up their attempts and leave them feed-only;
        # the article stays pending for the sweep that re-queues waiting pages.
        Article.objects.filter(id=article.id).update(extract_attempts=article.extract_attempts - 1)
        log.info("page %s not fetched this turn: %s", article.url, error)
        return article.id
    except (FetchError, ExtractionError) as error:
        status = getattr(error, "status", None)
        stage = FetchFailure.Stage.PAGE if isinstance(error, FetchError) else FetchFailure.Stage.EXTRACT
        record_failure(article.url, stage, str(error), feed=article.feed, status_code=status)
        # A 404, a redirect loop, an oversized body or a robots.txt refusal will not heal on retry.
        transient = isinstance(error, FetchError) and error.transient
        if not transient or article.extract_attempts >= MAX_PAGE_ATTEMPTS:
            Article.objects.filter(id=article.id).update(
                extraction=ExtractionState.FEED, last_error=str(error)
            )
        else:
            Article.objects.filter(id=article.id).update(last_error=str(error))
        return article.id

    clear_failure(article.url, FetchFailure.Stage.PAGE, FetchFailure.Stage.EXTRACT)
    article.title = extracted.title or article.title
    article.text = extracted.text
    article.html = extracted.html
    article.description = extracted.description or article.description
    article.authors = extracted.authors or article.authors
    article.image_url = (extracted.image or article.image_url)[:2000]
    article.language = extracted.language or article.language
    article.site_name = extracted.site_name or article.site_name
    article.tags = _merge_tags(article.tags, extracted.tags)
    if extracted.published and not article.feed_id:
        article.published_at = extracted.published
    elif extracted.published and _page_date_is_earlier(extracted, article.published_at):
        article.published_at = extracted.published
    article.modified_at = extracted.modified
    article.content_hash = content_hash(extracted.text)
    article.extraction = ExtractionState.PAGE
    article.last_error = ""
    article.save()

    same = find_same_text(article)
    if same is not None:
        drop_duplicate_article(article.id, same.id)
        return same.id
    page_canonical = extracted.canonical_url
    if page_canonical and _trustworthy_canonical(page_canonical, article.url):
        article = rekey_article(article, page_canonical)
    return article.id


def enrich_stage(article_id: str) -> None:
    """Every enrichment step, in order; each one is idempotent.

    The vector comes first: classification reads it too. The category is decided from the
    article's own evidence first, then again from that evidence pooled with its story's once the
    article has joined one. Language, category and the evidence are written with `enriched_at` in
    one UPDATE at the end, not one autocommit each: every write waits for SQLite's single write
    lock, which all the crawl's threads share.
    """
    article = Article.objects.select_related("source", "feed").filter(id=article_id).first()
    if article is None:
        return
    labels = ("language", "category", "category_confidence", "category_evidence")
    before = [getattr(article, name) for name in labels]
    vector = embed_article(article)
    label_language(article, save=False)
    classify(article, vector, save=False)
    tag(article)
    mark_copies(article)
    story = join_story(article, vector)
    if story is not None:
        pool_with_story(article, story.id)
    relate_article(article, vector)
    precompute_summary(article)
    after = [getattr(article, name) for name in labels]
    changed = {name: new for name, old, new in zip(labels, before, after, strict=True) if new != old}
    Article.objects.filter(id=article.id).update(**changed, enriched_at=timezone.now())


def classify(article: Article, vector: np.ndarray | None = None, *, save: bool = True) -> None:
    """Set the article's category, confidence and own evidence (`save=False`: the caller writes).

    Without a vector the classifier embeds the article itself; when the embedder is what failed,
    the article keeps its category and goes on to the next steps rather than stopping here.
    """
    try:
        decision, evidence = categorize_article(article, vector)
    except EmbeddingError as error:
        log.warning("article %s not categorised: %s", article.id, error)
        return
    if evidence is not None:
        article.category_evidence = evidence
    if decision is not None:
        article.category, article.category_confidence = decision
    if save and (decision is not None or evidence is not None):
        Article.objects.filter(id=article.id).update(
            category=article.category,
            category_confidence=article.category_confidence,
            category_evidence=article.category_evidence,
        )


def pool_with_story(article: Article, story_id: int) -> None:
    """Re-decide the category from the article's evidence pooled with its story's (the article in
    memory only: enrich_stage writes it), and its story's newest members' from the same pool. A
    story shares one category, so a straggler follows its story and its first articles follow
    what the later ones say. A locked or overridden article is left alone.
    """
    decisions = story_category(article, story_id)
    if decisions is None:
        return
    article.category, article.category_confidence = decisions.article
    changed = [
        Article(id=member_id, category=category, category_confidence=confidence)
        for member_id, (category, confidence) in decisions.members.items()
    ]
    # Their pages are refreshed with the story's when enrichment ends (tasks.enrich_article).
    Article.objects.bulk_update(changed, ["category", "category_confidence"])


def tag(article: Article) -> None:
    tags = build_hashtags(
        feed_tags=article.tags,
        title=article.title,
        text=article.text,
        source_name=article.source.name,
        cap=settings.NEWSDESK_MAX_HASHTAGS,
        aliases=learned_aliases(),
    )
    replace_hashtags(article, tags)


def process_article(article_id: str) -> str | None:
    """Extract then enrich one article; the id it ends under."""
    final_id = extract_stage(article_id)
    if final_id is not None:
        enrich_stage(final_id)
    return final_id


def _page_date_is_earlier(extracted: ExtractedArticle, feed_time: datetime) -> bool:
    """An earlier page date corrects the feed's (feeds re-date old items); a bare day must have ended.

    Otherwise a page that only says "2 March" would move a story the feed timed at 21:36 that day
    to midnight.
    """
    if extracted.published_date_only:
        return extracted.published + BARE_DAY_END <= feed_time
    return extracted.published < feed_time


def _merge_tags(first: list[str], second: list[str]) -> list[str]:
    seen = {t.lower() for t in first}
    return [*first, *[t for t in second if t.lower() not in seen]]


def _trustworthy_canonical(canonical: str, page_url: str) -> bool:
    """Publishers sometimes point every page's canonical at the homepage; ignore such links."""
    declared, fetched = urlsplit(canonicalize_url(canonical)), urlsplit(canonicalize_url(page_url))
    same_site = (
        declared.hostname
        and fetched.hostname
        and (declared.hostname.removeprefix("www.") == fetched.hostname.removeprefix("www."))
    )
    return bool(same_site) and declared.path not in ("", "/")
