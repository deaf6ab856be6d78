"""The AI panel over HTTP: a page for browsers without JavaScript, server-sent events for the rest."""

import json
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from newsdesk.ai.features import PanelError, PanelRequest, answer, cached_answer, stream_answer
from newsdesk.models import Article
from newsdesk.models.sources import DisplayPolicy
from newsdesk.web.aipanel.limits import compute_refusal
from newsdesk.web.pages.article_page import article_aside, article_context
from newsdesk.web.pages.redirects import moved_article
from newsdesk.web.templatetags.newsdesk_ai import EXCERPT_ONLY, ai_result


def _article(article_id: str) -> Article | None:
    return Article.objects.select_related("source").filter(id=article_id).first()


def _parse(request: HttpRequest, article: Article) -> PanelRequest:
    if article.source.effective_display_policy == DisplayPolicy.EXCERPT:
        raise PanelError(EXCERPT_ONLY)
    return PanelRequest.parse(
        request.GET.get("feature", ""), request.GET.get("question", ""), request.GET.get("language", "")
    )


def _article_page(request: HttpRequest, article: Article, status: int = 200, **panel) -> HttpResponse:
    """The article page with the panel showing a result or an error."""
    context = article_context(article, request.build_absolute_uri(article.get_absolute_url()))
    context["aside"] = article_aside(article)
    context.update({f"panel_{name}": value for name, value in panel.items()})
    response = render(request, "newsdesk/article.html", context, status=status)
    # One page per question would be an endless crawl of near-copies.
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def article_panel(request: HttpRequest, article_id: str) -> HttpResponse:
    article = _article(article_id)
    if article is None:
        return moved_article(request, article_id, "ai_article")
    try:
        panel_request = _parse(request, article)
    except PanelError as error:
        return _article_page(request, article, status=400, error=str(error))
    result = cached_answer(article, panel_request)
    if result is None:
        refusal = compute_refusal(request)
        if refusal:
            response = _article_page(request, article, status=429, error=refusal[0])
            response["Retry-After"] = str(refusal[1])
            return response
        result = answer(article, panel_request)
    return _article_page(request, article, result=result)


def _event(name: str, payload: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(payload)}\n\n"


def _events(article: Article, panel_request: PanelRequest) -> Iterator[str]:
    for name, payload in stream_answer(article, panel_request):
        if name == "result":
            html = render_to_string("newsdesk/ai/result.html", ai_result(payload))
            yield _event("result", {"html": html, "cached": payload.get("cached", False)})
        else:
            yield _event(name, payload)


@require_GET
def article_stream(request: HttpRequest, article_id: str) -> HttpResponse:
    """Server-sent events: `delta` pieces of text while a model writes, then the rendered `result`."""
    article = _article(article_id)
    if article is None:
        return moved_article(request, article_id, "ai_article_stream")
    try:
        panel_request = _parse(request, article)
    except PanelError as error:
        return JsonResponse({"error": str(error)}, status=400)
    if cached_answer(article, panel_request) is None:
        refusal = compute_refusal(request)
        if refusal:
            response = JsonResponse({"error": refusal[0]}, status=429)
            response["Retry-After"] = str(refusal[1])
            return response
    response = StreamingHttpResponse(_events(article, panel_request), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    # Proxies such as nginx would otherwise hold the stream back until it ends.
    response["X-Accel-Buffering"] = "no"
    return response
