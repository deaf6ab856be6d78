"""The hashtag page's lookups, shared with the API: which hashtag an address names, and its articles."""

from django.db.models import QuerySet

from newsdesk.enrich.hashtags.names import hashtag_key
from newsdesk.models import ArticleHashtag, Hashtag


def hashtag_named(tag: str) -> Hashtag | None:
    """The hashtag `tag` names in any case and Unicode form, with or without its '#' (by the key
    tagging stored it under); None when none has that name."""
    key = hashtag_key(tag)
    return Hashtag.objects.filter(key=key).first() if key else None


def hashtag_taggings(hashtag: Hashtag) -> QuerySet[ArticleHashtag]:
    """The hashtag's taggings of originals (a syndicated copy is left out, as on every list).

    Each carries its article's date, indexed with the hashtag: "latest with #Tag" and a date
    window are one index range.
    """
    return ArticleHashtag.objects.filter(hashtag=hashtag, article__duplicate_of__isnull=True)
