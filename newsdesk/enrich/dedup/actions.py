"""Group syndicated copies: every version stays, and each copy points at the earliest one."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet

from newsdesk.enrich.dedup.simhash import CANDIDATE_BITS, MIN_CONTAINMENT, containment, hamming, simhash
from newsdesk.models import Article

# Wire copies appear within days of each other; older texts are not compared.
DUPLICATE_WINDOW = timedelta(days=7)
# Newest fingerprints scanned per article: a popcount each, so tens of thousands cost milliseconds.
MAX_SCANNED = 50_000


def originals(articles: QuerySet) -> QuerySet:
    """Only the earliest version of each syndicated text, so lists show a wire story once."""
    return articles.filter(duplicate_of__isnull=True)


def mark_copies(article: Article) -> Article | None:
    """Fingerprint `article` and link it with its copies; returns the original when it is a copy."""
    fingerprint = simhash(article.text)
    if fingerprint != article.simhash:
        article.simhash = fingerprint
        Article.objects.filter(id=article.id).update(simhash=fingerprint)
    if fingerprint is None:
        return None
    nearby = (
        Article.objects.filter(
            simhash__isnull=False,
            published_at__gte=article.published_at - DUPLICATE_WINDOW,
            published_at__lte=article.published_at + DUPLICATE_WINDOW,
        )
        .exclude(id=article.id)
        .order_by("-published_at")
        .values_list("id", "simhash")[:MAX_SCANNED]
    )
    close = [
        other_id for other_id, other_hash in nearby if hamming(fingerprint, other_hash) <= CANDIDATE_BITS
    ]
    if not close:
        return None
    texts = dict(Article.objects.filter(id__in=close).values_list("id", "text"))
    copies = [other_id for other_id in close if containment(article.text, texts[other_id]) >= MIN_CONTAINMENT]
    if not copies:
        return None
    original = _regroup(article, copies)
    if original.id == article.id:
        return None
    article.duplicate_of_id = original.id
    return original


def _regroup(article: Article, copies: list[str]) -> Article:
    """Point every version of the group at its earliest member, which may be the newcomer."""
    with transaction.atomic():
        roots = set(Article.objects.filter(id__in=copies).values_list("duplicate_of_id", flat=True)) | set(
            copies
        )
        roots.discard(None)
        group = list(
            Article.objects.select_for_update()
            .filter(Q(id__in=roots) | Q(duplicate_of_id__in=roots) | Q(id=article.id))
            .order_by("published_at", "discovered_at", "id")
        )
        original = group[0]
        Article.objects.filter(id=original.id).update(duplicate_of=None)
        Article.objects.filter(id__in=[a.id for a in group[1:]]).update(duplicate_of=original)
    return original
