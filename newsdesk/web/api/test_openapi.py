"""The hand-written OpenAPI description against the code: paths, parameters, $refs and field names."""

from datetime import timedelta

import pytest
from django.urls import resolve

from newsdesk.models import Article, Story
from newsdesk.web.api import params
from newsdesk.web.api import urls as api_urls
from newsdesk.web.api.views import openapi_document
from newsdesk.web.testing import make_article, make_source

SPEC = openapi_document()
PREFIX = "/api/v1"
# A value each path parameter's pattern accepts.
SAMPLE_IDS = {"/articles/{id}": "0" * 32, "/stories/{id}": "7"}
ACCEPTED = {
    "/articles": set(params.ARTICLE_PARAMETERS),
    "/stories": set(params.STORY_PARAMETERS),
    "/hashtags/trending": set(params.TRENDING_PARAMETERS),
}


def url_name(path: str) -> str:
    concrete = path.replace("{id}", SAMPLE_IDS[path]) if "{id}" in path else path
    return resolve(PREFIX + concrete).url_name


def test_every_documented_path_is_served_and_every_endpoint_documented():
    assert SPEC["openapi"].startswith("3.1")
    documented = {url_name(path) for path in SPEC["paths"]}
    assert "unknown" not in documented
    served = {pattern.name for pattern in api_urls.urlpatterns} - {"unknown", None}
    assert documented == served


def parameters(operation: dict) -> list[dict]:
    return [resolve_ref(p) for p in operation.get("parameters", [])]


@pytest.mark.parametrize("path", list(SPEC["paths"]))
def test_documented_query_parameters_are_the_accepted_ones(path):
    operation = SPEC["paths"][path]["get"]
    query = {p["name"] for p in parameters(operation) if p["in"] == "query"}
    assert query == ACCEPTED.get(path, set())
    for parameter in parameters(operation):
        if parameter["in"] == "path":
            assert "{" + parameter["name"] + "}" in path and parameter["required"]


def resolve_ref(node: dict) -> dict:
    if "$ref" not in node:
        return node
    found = SPEC
    for part in node["$ref"].removeprefix("#/").split("/"):
        found = found[part]
    return found


def test_every_ref_points_at_a_component():
    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                resolve_ref(node)  # raises KeyError when dangling
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SPEC)


def properties(schema_name: str) -> set[str]:
    schema = SPEC["components"]["schemas"][schema_name]
    names: set[str] = set()
    for part in schema.get("allOf", [schema]):
        names |= set(resolve_ref(part).get("properties", {}))
    return names


@pytest.mark.django_db
def test_documented_fields_are_exactly_the_ones_served(client):
    source = make_source("Harbour Times")
    article = make_article(source, "Lighthouse reopens", hashtags=("Lighthouses",))
    other = make_article(make_source("Coast Courier"), "Light returns", age=timedelta(hours=2))
    story = Story.objects.create(
        title="Light", first_published_at=other.published_at, last_published_at=other.published_at
    )
    Article.objects.filter(id__in=[article.id, other.id]).update(story=story)
    Story.objects.filter(id=story.id).update(source_count=2, article_count=2)

    served = {
        "ArticlePage": client.get(f"{PREFIX}/articles").json(),
        "ArticleSummary": client.get(f"{PREFIX}/articles").json()["results"][0],
        "ArticleDetail": client.get(f"{PREFIX}/articles/{article.id}").json(),
        "StoryPage": client.get(f"{PREFIX}/stories").json(),
        "Story": client.get(f"{PREFIX}/stories").json()["results"][0],
        "StoryCoverage": client.get(f"{PREFIX}/stories/{story.id}").json(),
        "Source": client.get(f"{PREFIX}/sources").json()["results"][0],
        "Index": client.get(f"{PREFIX}/").json(),
    }
    served["ArticleRef"] = served["StoryCoverage"]["timeline"][0]
    served["FirstReport"] = served["Story"]["first_report"]
    for name, body in served.items():
        assert set(body) == properties(name), name
    assert client.get(f"{PREFIX}/openapi.json").json() == SPEC
