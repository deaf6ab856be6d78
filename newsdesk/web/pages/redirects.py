"""Old addresses of moved articles and merged stories: a permanent redirect, never a dead link.

An article is shown from its feed entry as soon as it is found, and may move to its page's
canonical URL once fetched; a story may be merged into another within its first hour. Links to
the old address are already out (shared by readers, given out by our own RSS feeds).
"""

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect

from newsdesk.models import ArticleRedirect, StoryRedirect


def moved_article(request: HttpRequest, article_id: str) -> HttpResponsePermanentRedirect:
    moved = ArticleRedirect.objects.select_related("article").filter(old_id=article_id).first()
    return _redirect(request, moved.article if moved else None)


def merged_story(request: HttpRequest, story_id: int) -> HttpResponsePermanentRedirect:
    merged = StoryRedirect.objects.select_related("story").filter(old_id=story_id).first()
    return _redirect(request, merged.story if merged else None)


def _redirect(request: HttpRequest, target: Model | None) -> HttpResponsePermanentRedirect:
    if target is None:
        raise Http404("no such page")
    url = target.get_absolute_url()
    if request.GET:
        url += "?" + request.GET.urlencode()
    return HttpResponsePermanentRedirect(url)
