"""The hashtag page's lookups, shared with the API: which hashtag an address names, and its articles."""

from django.db.models import QuerySet

from newsdesk.models import ArticleHashtag, Hashtag


def hashtag_named(tag: str) -> Hashtag | None:
    """The hashtag `tag` names in any case, with or without its '#'; None when none has that name."""
    return Hashtag.objects.filter(key=tag.removeprefix("#").lower()).first()


def hashtag_taggings(hashtag: Hashtag) -> QuerySet[ArticleHashtag]:
    """The hashtag's taggings of originals (a syndicated copy is left out, as on every list).

    Each carries its article's date, indexed with the hashtag: "latest with #Tag" and a date
    window are one index range.
    """
    return ArticleHashtag.objects.filter(hashtag=hashtag, article__duplicate_of__isnull=True)
