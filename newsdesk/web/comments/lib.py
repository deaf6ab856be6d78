"""Which comments a reader sees, in what order, and what they may do with them."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from newsdesk.models import Article, Comment, ReaderProfile, Story
from newsdesk.web.pages.paging import PageSlice, queryset_fetcher, slice_page

SORTS = ("newest", "oldest")
Target = Article | Story


@dataclass(frozen=True)
class Thread:
    page: PageSlice  # top-level comments, each with `.shown_replies`
    sort: str
    visible_count: int


def target_filter(target: Target) -> Q:
    return Q(article=target) if isinstance(target, Article) else Q(story=target)


def shadow_banned_authors() -> QuerySet:
    return ReaderProfile.objects.filter(shadow_banned=True).values("user_id")


def public() -> Q:
    """What everyone sees: visible comments by readers who are not shadow-banned."""
    return Q(state=Comment.State.VISIBLE) & ~Q(author_id__in=shadow_banned_authors())


def shown_to(viewer: AbstractBaseUser | AnonymousUser) -> Q:
    """Public comments, plus the viewer's own visible or held ones (a shadow-banned reader sees theirs)."""
    if not viewer.is_authenticated:
        return public()
    return public() | Q(author=viewer, state__in=[Comment.State.VISIBLE, Comment.State.HELD])


def thread(
    target: Target, viewer: AbstractBaseUser | AnonymousUser, sort: str, number: int, size: int
) -> Thread:
    """One page of top-level comments on `target` with their replies (always oldest first).

    A deleted comment stays as a "[deleted]" line while replies to it are shown.
    """
    if not Comment.objects.filter(target_filter(target)).exists():
        # Most articles have no comments: one plain query instead of three with subqueries
        # (they cost a third of an uncached article page).
        return Thread(page=slice_page(lambda limit, offset: [], number, size), sort=sort, visible_count=0)
    shown = shown_to(viewer)
    has_replies = Exists(Comment.objects.filter(shown, parent=OuterRef("pk")))
    order = "-" if sort == "newest" else ""
    top_level = (
        Comment.objects.filter(target_filter(target), parent__isnull=True)
        .alias(has_replies=has_replies)
        .filter(shown | Q(state=Comment.State.DELETED, has_replies=True))
        .select_related("author__profile")
        .order_by(f"{order}created_at", f"{order}pk")
    )
    page = slice_page(queryset_fetcher(top_level), number, size)
    replies = defaultdict(list)
    parent_ids = [comment.pk for comment in page.items]
    for reply in (
        Comment.objects.filter(shown, parent_id__in=parent_ids)
        .select_related("author__profile")
        .order_by("created_at", "pk")
    ):
        replies[reply.parent_id].append(reply)
    for comment in page.items:
        comment.shown_replies = replies[comment.pk]
    visible_count = Comment.objects.filter(target_filter(target)).filter(public()).count()
    return Thread(page=page, sort=sort, visible_count=visible_count)


def requested_sort(raw: str | None) -> str:
    return raw if raw in SORTS else "newest"


def edit_deadline(comment: Comment) -> datetime:
    return comment.created_at + timedelta(minutes=settings.NEWSDESK_COMMENT_EDIT_MINUTES)


def can_edit(comment: Comment, user: AbstractBaseUser | AnonymousUser, now: datetime | None = None) -> bool:
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.state in (Comment.State.VISIBLE, Comment.State.HELD)
        and (now or timezone.now()) <= edit_deadline(comment)
    )


def can_delete(comment: Comment, user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and comment.author_id == user.pk and comment.state != Comment.State.DELETED


def can_report(comment: Comment, user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and comment.author_id != user.pk and comment.state == Comment.State.VISIBLE


def comment_counts(article_ids: Iterable[str]) -> dict[str, int]:
    """Public comment counts for many articles in one query (for lists of cards)."""
    rows = (
        Comment.objects.filter(public(), article_id__in=list(article_ids))
        .values("article_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {row["article_id"]: row["count"] for row in rows}


def target_url(comment: Comment) -> str:
    target = comment.article if comment.article_id else comment.story
    return f"{target.get_absolute_url()}#comment-{comment.pk}"
