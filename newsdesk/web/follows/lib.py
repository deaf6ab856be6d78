"""What a reader follows, and the "For you" stream built from it."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.urls import reverse

from newsdesk.enrich.dedup import originals
from newsdesk.models import Article, ArticleHashtag, Category, Follow, Hashtag, Source, Story

Kind = Follow.Kind


@dataclass(frozen=True)
class Followed:
    kind: str
    value: str
    label: str
    url: str


def normalized_value(kind: str, value: str) -> str | None:
    """The stored form of a followable thing, or None when there is no such hashtag, source, ..."""
    value = value.strip()
    if "\x00" in value:  # no such thing, and PostgreSQL refuses to look a NUL byte up
        return None
    if kind == Kind.HASHTAG:
        key = value.lstrip("#").lower()
        return key if Hashtag.objects.filter(key=key).exists() else None
    if kind == Kind.SOURCE:
        return value if Source.objects.filter(slug=value).exists() else None
    if kind == Kind.CATEGORY:
        return value if value in Category.values else None
    if kind == Kind.STORY:
        # ASCII digits only: "²".isdigit() is true, and int() refuses it.
        is_id = value.isascii() and value.isdigit()
        return value if is_id and Story.objects.filter(pk=int(value)).exists() else None
    return None


def followed_values(user: AbstractBaseUser) -> dict[str, set[str]]:
    """Every kind → the values `user` follows (one query; follow buttons read it)."""
    found: dict[str, set[str]] = {kind: set() for kind in Kind.values}
    if user.is_authenticated:
        for kind, value in Follow.objects.filter(user=user).values_list("kind", "value"):
            found[kind].add(value)
    return found


def for_you_articles(user: AbstractBaseUser) -> QuerySet[Article]:
    """Articles carrying a followed hashtag, from a followed source or category, or in a followed story."""
    follows = followed_values(user)
    matches = Q(pk__in=[])
    if follows[Kind.HASHTAG]:
        tagged = ArticleHashtag.objects.filter(hashtag__key__in=follows[Kind.HASHTAG]).values("article_id")
        matches |= Q(pk__in=tagged)
    if follows[Kind.SOURCE]:
        matches |= Q(source__slug__in=follows[Kind.SOURCE])
    if follows[Kind.CATEGORY]:
        matches |= Q(category__in=follows[Kind.CATEGORY])
    if follows[Kind.STORY]:
        matches |= Q(story_id__in=[int(value) for value in follows[Kind.STORY]])
    return originals(
        Article.objects.filter(matches).select_related("source").defer("html").order_by("-published_at", "pk")
    )


def followed_things(user: AbstractBaseUser) -> list[Followed]:
    """The reader's follows with names and links, for the list on the "For you" page."""
    follows = followed_values(user)
    things = [
        Followed(Kind.HASHTAG, tag.key, f"#{tag.name}", tag.get_absolute_url())
        for tag in Hashtag.objects.filter(key__in=follows[Kind.HASHTAG])
    ]
    things += [
        Followed(Kind.SOURCE, source.slug, source.name, reverse("source", args=[source.slug]))
        for source in Source.objects.filter(slug__in=follows[Kind.SOURCE]).order_by("name")
    ]
    things += [
        Followed(Kind.CATEGORY, value, Category(value).label, reverse("category", args=[value]))
        for value in sorted(follows[Kind.CATEGORY])
        if value in Category.values
    ]
    story_ids = [int(value) for value in follows[Kind.STORY] if value.isdigit()]
    things += [
        Followed(Kind.STORY, str(story.pk), story.title, story.get_absolute_url())
        for story in Story.objects.filter(pk__in=story_ids).order_by("-last_published_at")
    ]
    return things
