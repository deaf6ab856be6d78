"""Content generations: a counter of "what readers see has changed", which caches key on.

Every cached page or fragment's key carries the current generation of what it shows (the whole
site, or one article). Any write to articles, hashtags, stories, sources or comments bumps the
generation once its transaction commits, so the next request misses and renders fresh; entries
cached under the old generation simply age out (TTL backstop). Writers (the pipeline's tasks,
readers' actions, model signals) bump; the web side's caches read (web/cache.py).

The generation lives in the shared cache (Redis) when there is one, so every web server and
worker agrees. On the embedded default the cache is per process, so the generation is kept in a
small file all processes of the machine read (at most once a second per process: another
process's change shows within a second).
"""

import os
import threading
import time
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

SITE = "site"
# Long beyond any page TTL: a generation that expires is recreated from the clock, never reused.
GENERATION_TIMEOUT = 24 * 3600
# How stale this process's copy of the generation file may be: a read per request cost more
# than the rest of a cache hit.
GENERATION_FILE_REREAD_SECONDS = 1.0


def content_generations(scopes: Iterable[str]) -> tuple[int, ...]:
    """The current generation of each scope (0 for one never bumped)."""
    scopes = tuple(scopes)
    if not _cache_is_shared():
        return (_file_generation(),)
    keys = [_generation_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    return tuple(int(found.get(key, 0)) for key in keys)


def bump_content_generation(article_ids: Iterable[str] = ()) -> None:
    """Invalidate the site's pages and those of `article_ids` (call after the change is committed)."""
    if not _cache_is_shared():
        _touch_generation_file()
        return
    for scope in (SITE, *(f"article:{article_id}" for article_id in article_ids)):
        key = _generation_key(scope)
        try:
            cache.incr(key)
        except ValueError:
            if not cache.add(key, time.time_ns(), GENERATION_TIMEOUT):
                cache.incr(key)


# A story's pages each show its size and first versions; past this many, only the newest pages
# are refreshed at once and the TTL catches the rest.
STORY_PAGES_REFRESHED = 500


def pages_showing_enrichment(article_id: str) -> list[str]:
    """Article pages that change when `article_id` is enriched: its own, and its story's members'."""
    if not _cache_is_shared():
        return [article_id]  # one generation for the whole site: a bump refreshes every page
    from newsdesk.models import Article

    story_id = Article.objects.filter(id=article_id).values_list("story_id", flat=True).first()
    if story_id is None:
        return [article_id]
    members = (
        Article.objects.filter(story_id=story_id)
        .exclude(id=article_id)
        .order_by("-published_at")
        .values_list("id", flat=True)[:STORY_PAGES_REFRESHED]
    )
    return [article_id, *members]


def bump_on_commit(article_ids: Iterable[str] = ()) -> None:
    """Bump once the transaction commits, so no reader caches the old rows under the new generation."""
    transaction.on_commit(partial(bump_content_generation, tuple(article_ids)))


def connect_invalidation_signals() -> None:
    """Bump the generation whenever a model that pages show is saved or deleted."""
    from newsdesk.models import Article, ArticleHashtag, Comment, Hashtag, Source, Story

    article_of = {
        Article: lambda row: row.pk,
        ArticleHashtag: lambda row: row.article_id,
        Comment: lambda row: row.article_id,
        Hashtag: lambda row: None,
        Source: lambda row: None,
        Story: lambda row: None,
    }

    def changed(sender, instance, **kwargs) -> None:
        article_id = article_of[sender](instance)
        bump_on_commit([article_id] if article_id else [])

    for model in article_of:
        uid = f"newsdesk-page-cache-{model.__name__}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)


def _generation_key(scope: str) -> str:
    return f"newsdesk:generation:{scope}"


def _cache_is_shared() -> bool:
    return not isinstance(caches["default"], (LocMemCache, DummyCache))


# Generation file path -> (time.monotonic() when read, generation).
_generation_reads: dict[str, tuple[float, int]] = {}


def _file_generation() -> int:
    path = settings.NEWSDESK_CONTENT_GENERATION_FILE
    now = time.monotonic()
    read_at, generation = _generation_reads.get(path, (float("-inf"), 0))
    if now - read_at < GENERATION_FILE_REREAD_SECONDS:
        return generation
    try:
        generation = int(Path(path).read_text() or 0)
    except (FileNotFoundError, ValueError):
        generation = 0
    _generation_reads[path] = (now, generation)
    return generation


def _touch_generation_file() -> None:
    """Write the clock into the file, replacing it whole so readers never see half a number.

    This process sees its own change at once; the others within GENERATION_FILE_REREAD_SECONDS.
    """
    path = Path(settings.NEWSDESK_CONTENT_GENERATION_FILE)
    generation = time.time_ns()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_text(str(generation))
    os.replace(temporary, path)
    _generation_reads[str(path)] = (time.monotonic(), generation)
