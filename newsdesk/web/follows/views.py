"""Follow and save buttons, the "For you" page and saved articles; all per reader, never cached."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newsdesk.models import Article, Follow, SavedArticle
from newsdesk.web.comments.refusal import same_site_next, signed_in_to_post
from newsdesk.web.follows.actions import follow, save_article, unfollow, unsave_article
from newsdesk.web.follows.lib import followed_things, for_you_articles, normalized_value
from newsdesk.web.paging import articles_page, queryset_fetcher, requested_page, slice_page


def _home() -> str:
    return reverse("home")


def _page_of_article(article_id: str) -> str:
    return get_object_or_404(Article, pk=article_id).get_absolute_url()


@require_POST
@signed_in_to_post(_home)
def toggle_follow(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    if kind not in Follow.Kind.values:
        raise Http404("nothing of that kind to follow")
    value = normalized_value(kind, request.POST.get("value", ""))
    if value is None:
        raise Http404("nothing by that name to follow")
    if request.POST.get("action") == "unfollow":
        unfollow(request.user, kind, value)
    else:
        follow(request.user, kind, value)
    return _back(request)


@require_POST
@signed_in_to_post(_page_of_article)
def toggle_save(request: HttpRequest, article_id: str) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    if request.POST.get("action") == "unsave":
        unsave_article(request.user, article)
    else:
        save_article(request.user, article)
    return _back(request)


@never_cache
@login_required
def for_you(request: HttpRequest) -> HttpResponse:
    page = slice_page(
        queryset_fetcher(for_you_articles(request.user)), requested_page(request), settings.NEWSDESK_PAGE_SIZE
    )
    return render(
        request, "newsdesk/follows/for_you.html", {"page": page, "followed": followed_things(request.user)}
    )


@never_cache
@login_required
def saved(request: HttpRequest) -> HttpResponse:
    rows = (
        SavedArticle.objects.filter(user=request.user)
        .select_related("article__source")
        .defer("article__html")
    )
    return render(request, "newsdesk/follows/saved.html", {"page": articles_page(request, rows)})


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(same_site_next(request) or "for_you")
