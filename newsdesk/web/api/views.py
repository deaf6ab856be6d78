"""The API's endpoints: read the parameters, run the query, shape the JSON (all three live beside)."""

import json
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import reverse

from newsdesk.web.api import lib, params, serialize
from newsdesk.web.api.http import ApiError, api_endpoint, not_found
from newsdesk.web.pages.stories import MIN_TOP_SOURCES

OPENAPI_FILE = Path(__file__).with_name("openapi.json")
VERSION = "v1"


def _json(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@api_endpoint
def index(request: HttpRequest) -> JsonResponse:
    params.check_known(request.GET, ())
    links = serialize.Links(request)
    return _json(
        {
            "version": VERSION,
            "documentation": links.api("openapi"),
            "endpoints": {
                "articles": links.api("articles"),
                "article": links.api("articles") + "/{id}",
                "stories": links.api("stories"),
                "story": links.api("stories") + "/{id}",
                "trending_hashtags": links.api("trending_hashtags"),
                "hashtag": links.api("index") + "hashtags/{name}",
                "sources": links.api("sources"),
                "categories": links.api("categories"),
            },
        }
    )


@api_endpoint
def articles(request: HttpRequest) -> JsonResponse:
    page = lib.article_page(params.article_query(request.GET))
    return _json(serialize.article_page_json(page, serialize.Links(request)))


@api_endpoint
def article(request: HttpRequest, article_id: str) -> HttpResponse:
    params.check_known(request.GET, ())
    links = serialize.Links(request)
    try:
        detail = lib.article_detail(article_id, links.absolute(reverse("article", args=[article_id])))
    except ApiError as error:
        moved_to = lib.moved_article_id(article_id) if error.status == 404 else None
        if moved_to is None:
            raise
        return HttpResponsePermanentRedirect(links.api("article", moved_to))
    return _json(serialize.article_detail_json(detail, links))


@api_endpoint
def stories(request: HttpRequest) -> JsonResponse:
    page = lib.story_page(params.story_query(request.GET, MIN_TOP_SOURCES))
    return _json(serialize.story_page_json(page, serialize.Links(request)))


@api_endpoint
def story(request: HttpRequest, story_id: str) -> HttpResponse:
    links = serialize.Links(request)
    try:
        page = lib.coverage_page(int(story_id), params.timeline_query(request.GET))
    except ApiError as error:
        merged_into = lib.merged_story_id(int(story_id)) if error.status == 404 else None
        if merged_into is None:
            raise
        return HttpResponsePermanentRedirect(links.same_query(links.api("story", merged_into)))
    return _json(serialize.story_coverage_json(page, links))


@api_endpoint
def trending_hashtags(request: HttpRequest) -> JsonResponse:
    return _json(
        serialize.trending_json(lib.trending(params.trending_limit(request.GET)), serialize.Links(request))
    )


@api_endpoint
def hashtag(request: HttpRequest, name: str) -> JsonResponse:
    params.check_known(request.GET, ())
    return _json(serialize.hashtag_json(lib.hashtag_detail(name), serialize.Links(request)))


@api_endpoint
def sources(request: HttpRequest) -> JsonResponse:
    page = lib.source_page(params.source_query(request.GET))
    return _json(serialize.source_page_json(page, serialize.Links(request)))


@api_endpoint
def categories(request: HttpRequest) -> JsonResponse:
    params.check_known(request.GET, ())
    return _json(serialize.categories_json(serialize.Links(request)))


@api_endpoint
def openapi(request: HttpRequest) -> JsonResponse:
    params.check_known(request.GET, ())
    return _json(openapi_document())


@cache
def openapi_document() -> dict:
    return json.loads(OPENAPI_FILE.read_text())


@api_endpoint
def unknown(request: HttpRequest) -> JsonResponse:
    """Anything else under /api/: a JSON 404, never the site's HTML one."""
    raise not_found()
