"""Which comments a reader sees, in what order, and what they may do with them."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone

from newsdesk.models import Article, Comment, ReaderProfile, Story
from newsdesk.web.paging import PageSlice, queryset_fetcher, slice_page

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


@dataclass(frozen=True)
class CommentCounts:
    articles: dict[str, int]
    stories: dict[int, int]


def comment_counts(article_ids: Iterable[str], story_ids: Iterable[int] = ()) -> CommentCounts:
    """Public comment counts of many articles and stories in one query (for lists of cards)."""
    article_ids, story_ids = list(article_ids), list(story_ids)
    # One grouped query per kind of target, joined by UNION ALL: with an OR of the two lists SQLite
    # reads every visible comment through the state index instead of the two thread indexes.
    # Story ids go as text, as PostgreSQL unites only columns of one type.
    parts = [
        Comment.objects.filter(public(), **{f"{field}__in": ids})
        .values_list(Cast(field, CharField()), Value(field))
        .annotate(count=Count("id"))
        .order_by()
        for field, ids in (("article_id", article_ids), ("story_id", story_ids))
        if ids
    ]
    counts = CommentCounts(articles={}, stories={})
    rows = parts[0].union(*parts[1:], all=True) if parts else []
    for target_id, field, count in rows:
        if field == "article_id":
            counts.articles[target_id] = count
        else:
            counts.stories[int(target_id)] = count
    return counts


def attach_comment_counts(articles: Iterable[Article], stories: Iterable[Story] = ()) -> None:
    """Give each article and story on a page of cards its public `comment_count`, in one query.

    The count is as fresh as the page: every comment change bumps the site's content generation
    (store/generations.py), and listings are cached under it.
    """
    articles, stories = list(articles), list(stories)
    counts = comment_counts([article.pk for article in articles], [story.pk for story in stories])
    for article in articles:
        article.comment_count = counts.articles.get(article.pk, 0)
    for story in stories:
        story.comment_count = counts.stories.get(story.pk, 0)


def written_by(author: AbstractBaseUser) -> QuerySet[Comment]:
    """The comments `author` has not deleted, newest first, for their own list (held and hidden too:
    they should see what became of each)."""
    return (
        Comment.objects.filter(author=author)
        .exclude(state=Comment.State.DELETED)
        .select_related("article", "story")
        .defer("article__html", "article__text")
        .order_by("-created_at", "-pk")
    )
