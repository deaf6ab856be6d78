"""Aliases learnt from the archive's own hashtags, refreshed now and then, for the pipeline."""

import threading
import time
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from newsdesk.enrich.hashtags.aliases import MIN_FULL_NAME_USES, Aliases, learn_surnames
from newsdesk.models import ArticleHashtag

LEARN_WINDOW = timedelta(days=30)
REFRESH_SECONDS = 600

_lock = threading.Lock()
_cached: tuple[float, Aliases] | None = None


def archive_aliases(now: datetime | None = None) -> Aliases:
    """Surname -> full name, from the hashtags used in the last LEARN_WINDOW."""
    since = (now or timezone.now()) - LEARN_WINDOW
    usage = (
        ArticleHashtag.objects.filter(published_at__gte=since)
        .values("hashtag__name")
        .annotate(uses=Count("id"))
        .filter(uses__gte=MIN_FULL_NAME_USES)
        .values_list("hashtag__name", "uses")
    )
    return Aliases(learn_surnames(usage))


def learned_aliases() -> Aliases:
    """The process's copy of archive_aliases, at most REFRESH_SECONDS old (one query per refresh)."""
    global _cached
    with _lock:
        if _cached is None or time.monotonic() - _cached[0] > REFRESH_SECONDS:
            _cached = (time.monotonic(), archive_aliases())
        return _cached[1]
