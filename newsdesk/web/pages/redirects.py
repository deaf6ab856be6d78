"""Old addresses of moved articles and merged stories: a permanent redirect, never a dead link.

An article is shown from its feed entry as soon as it is found, and may move to its page's
canonical URL once fetched; a story may be merged into another within its first hour. Links to
the old address are already out (shared by readers, given out by our own RSS feeds).
"""

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect
from django.urls import reverse

from newsdesk.models import ArticleRedirect, StoryRedirect


def moved_article(
    request: HttpRequest, article_id: str, view_name: str = "article"
) -> HttpResponsePermanentRedirect:
    """The article page, or another page of the article (its AI panel), at the article's new id."""
    moved = ArticleRedirect.objects.filter(old_id=article_id).values_list("article_id", flat=True).first()
    if moved is None:
        raise Http404("no such article")
    return _to(request, reverse(view_name, args=[moved]))


def merged_story(request: HttpRequest, story_id: int) -> HttpResponsePermanentRedirect:
    merged = StoryRedirect.objects.select_related("story").filter(old_id=story_id).first()
    return _redirect(request, merged.story if merged else None)


def _redirect(request: HttpRequest, target: Model | None) -> HttpResponsePermanentRedirect:
    if target is None:
        raise Http404("no such page")
    return _to(request, target.get_absolute_url())


def _to(request: HttpRequest, url: str) -> HttpResponsePermanentRedirect:
    if request.GET:
        url += "?" + request.GET.urlencode()
    return HttpResponsePermanentRedirect(url)
