"""The hand-written OpenAPI description against the code: paths, parameters, $refs, field names,
which fields are required, and every status an endpoint answers, checked against real answers."""

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import resolve

from newsdesk.models import Article, ArticleRedirect, Story, StoryRedirect
from newsdesk.models.sources import DisplayPolicy
from newsdesk.web.api import params, views
from newsdesk.web.api import urls as api_urls
from newsdesk.web.api.views import openapi_document
from newsdesk.web.testing import make_article, make_source

SPEC = openapi_document()
PREFIX = "/api/v1"
# A value each path parameter's pattern accepts.
SAMPLE_IDS = {"/articles/{id}": "0" * 32, "/stories/{id}": "7", "/hashtags/{name}": "Lighthouses"}
ACCEPTED = {
    "/articles": set(params.ARTICLE_PARAMETERS),
    "/stories": set(params.STORY_PARAMETERS),
    "/stories/{id}": set(params.COVERAGE_PARAMETERS),
    "/hashtags/trending": set(params.TRENDING_PARAMETERS),
    "/sources": set(params.SOURCE_PARAMETERS),
}


def with_id(path: str, value: str) -> str:
    """`path` with its one path parameter ({id} or {name}) filled in."""
    return re.sub(r"\{\w+\}", value, path)


def url_name(path: str) -> str:
    return resolve(PREFIX + with_id(path, SAMPLE_IDS.get(path, ""))).url_name


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


def schema_parts(schema_name: str) -> list[dict]:
    schema = SPEC["components"]["schemas"][schema_name]
    return [resolve_ref(part) for part in schema.get("allOf", [schema])]


def properties(schema_name: str) -> set[str]:
    return {name for part in schema_parts(schema_name) for name in part.get("properties", {})}


def required(schema_name: str) -> set[str]:
    return {name for part in schema_parts(schema_name) for name in part.get("required", [])}


JSON_TYPES = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
}


def schema_errors(value, schema: dict, where: str = "$") -> list[str]:
    """Where `value` breaks `schema`, for the part of JSON Schema this document uses.

    jsonschema is not a dependency; this reads $ref, allOf, oneOf, type, enum, required,
    properties, additionalProperties and items, and ignores annotations (format, description).
    """
    schema = resolve_ref(schema)
    errors = [error for part in schema.get("allOf", []) for error in schema_errors(value, part, where)]
    if "oneOf" in schema:
        matching = [part for part in schema["oneOf"] if not schema_errors(value, part, where)]
        if len(matching) != 1:
            errors.append(f"{where}: matches {len(matching)} of oneOf")
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(JSON_TYPES[name](value) for name in types):
            return [*errors, f"{where}: {value!r} is not {' or '.join(types)}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, dict):
        errors += [f"{where}: {name} is missing" for name in schema.get("required", []) if name not in value]
        known = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for name, item in value.items():
            if name in known:
                errors += schema_errors(item, known[name], f"{where}.{name}")
            elif isinstance(extra, dict):
                errors += schema_errors(item, extra, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors += schema_errors(item, schema["items"], f"{where}[{index}]")
    return errors


def test_the_schema_checker_catches_a_missing_field_a_wrong_type_and_a_wrong_branch():
    schema = {
        "type": "object",
        "required": ["id", "link"],
        "properties": {
            "id": {"type": "string"},
            "link": {"oneOf": [{"type": "object", "required": ["url"]}, {"type": "null"}]},
            "tags": {"type": "array", "items": {"type": "string", "enum": ["a"]}},
        },
    }
    assert schema_errors({"id": "1", "link": None, "tags": ["a"]}, schema) == []
    assert schema_errors({"link": None}, schema) == ["$: id is missing"]
    assert schema_errors({"id": 1, "link": None}, schema) == ["$.id: 1 is not string"]
    assert schema_errors({"id": "1", "link": {}}, schema) == ["$.link: matches 0 of oneOf"]
    assert schema_errors({"id": "1", "link": None, "tags": ["b"]}, schema) == [
        "$.tags[0]: 'b' is not one of ['a']"
    ]


@pytest.fixture
def story_world():
    """Two sources telling one story, one of them under the excerpt policy, with a trending hashtag."""
    source = make_source("Harbour Times", homepage_url="https://harbour.example/")
    article = make_article(source, "Lighthouse reopens", hashtags=("Lighthouses",), text="The light shines.")
    strict = make_source("Coast Courier", display_policy=DisplayPolicy.EXCERPT)
    other = make_article(strict, "Light returns", hashtags=("Lighthouses",), age=timedelta(hours=2))
    make_article(strict, "Keepers return", hashtags=("Lighthouses",), age=timedelta(hours=3))
    story = Story.objects.create(
        title="Light",
        representative=article,
        first_published_at=other.published_at,
        last_published_at=article.published_at,
    )
    Article.objects.filter(id__in=[article.id, other.id]).update(story=story)
    Story.objects.filter(id=story.id).update(source_count=2, article_count=2)
    return article, other, story


@pytest.mark.django_db
def test_documented_fields_are_exactly_the_ones_served_and_all_are_required(client, story_world):
    """The serializers always emit every field (null when unknown), so every field is required."""
    article, other, story = story_world
    served = {
        "ArticlePage": client.get(f"{PREFIX}/articles").json(),
        "ArticleSummary": client.get(f"{PREFIX}/articles").json()["results"][0],
        "ArticleDetail": client.get(f"{PREFIX}/articles/{article.id}").json(),
        "StoryPage": client.get(f"{PREFIX}/stories").json(),
        "Story": client.get(f"{PREFIX}/stories").json()["results"][0],
        "StoryCoverage": client.get(f"{PREFIX}/stories/{story.id}").json(),
        "Source": client.get(f"{PREFIX}/sources").json()["results"][0],
        "SourceList": client.get(f"{PREFIX}/sources").json(),
        "TrendingPage": client.get(f"{PREFIX}/hashtags/trending").json(),
        "TrendingHashtag": client.get(f"{PREFIX}/hashtags/trending").json()["results"][0],
        "Hashtag": client.get(f"{PREFIX}/hashtags/lighthouses").json(),
        "CategoryList": client.get(f"{PREFIX}/categories").json(),
        "Category": client.get(f"{PREFIX}/categories").json()["results"][0],
        "Index": client.get(f"{PREFIX}/").json(),
    }
    served["ArticleRef"] = served["StoryCoverage"]["timeline"][0]
    served["CoverageGroup"] = served["StoryCoverage"]["coverage"][0]
    served["FirstReport"] = served["Story"]["first_report"]
    served["StoryLink"] = served["ArticleSummary"]["story"]
    served["Error"] = client.get(f"{PREFIX}/nowhere").json()
    for name, body in served.items():
        assert set(body) == properties(name), name
        assert set(body) == required(name), name
    assert set(served["Index"]["endpoints"]) == set(
        SPEC["components"]["schemas"]["Index"]["properties"]["endpoints"]["required"]
    )
    assert client.get(f"{PREFIX}/openapi.json").json() == SPEC


def documented_schema(path: str, status: int) -> dict:
    response = resolve_ref(SPEC["paths"][path]["get"]["responses"][str(status)])
    return response["content"]["application/json"]["schema"]


def concrete(path: str, article_id: str, story_id: str, hashtag: str = "Lighthouses") -> str:
    ids = {"/articles/{id}": article_id, "/stories/{id}": story_id, "/hashtags/{name}": hashtag}
    return PREFIX + with_id(path, ids[path]) if path in ids else PREFIX + path


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(SPEC["paths"]))
def test_every_answer_matches_the_schema_documented_for_its_status(
    client, story_world, monkeypatch, settings, path
):
    article, other, story = story_world
    url = concrete(path, article.id, str(story.id))
    answers = {"ok": client.get(url), "unknown parameter": client.get(url, {"nope": "1"})}
    if path.endswith("}"):
        answers["no such id"] = client.get(concrete(path, "0" * 32, str(story.id + 1), "NeverUsed"))
    if path == "/articles/{id}":
        answers["excerpt policy"] = client.get(concrete(path, other.id, str(story.id)))
    if path == "/articles":
        too_many = "&".join(["a"] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
        answers["too many parameters"] = client.get(f"{url}?{too_many}")
    answers["POST"] = client.post(url)
    answers["stale If-Match"] = client.get(url, headers={"if-match": '"stale"'})
    with override_settings(NEWSDESK_API_RATE_PER_MINUTE=0):
        answers["over the limit"] = client.get(url)

    revalidated = client.get(url, headers={"if-none-match": answers["ok"]["ETag"]})
    assert revalidated.status_code == 304 and "304" in SPEC["paths"][path]["get"]["responses"]

    def broken(data):
        raise RuntimeError("failed")

    monkeypatch.setattr(views, "_json", broken)
    answers["failure"] = client.get(url)

    statuses = {str(response.status_code) for response in answers.values()}
    expected = {"200", "400", "405", "412", "429", "500"} | ({"404"} if path.endswith("}") else set())
    assert statuses == expected
    for what, response in answers.items():
        errors = schema_errors(response.json(), documented_schema(path, response.status_code))
        assert not errors, (what, errors)
    # Every header a status documents is on the answer (the rest of docs/api.md's promises too).
    for what, response in [*answers.items(), ("revalidated", revalidated)]:
        documented = resolve_ref(SPEC["paths"][path]["get"]["responses"][str(response.status_code)])
        missing = set(documented.get("headers", {})) - set(response.headers)
        assert not missing, (what, missing)


@pytest.mark.django_db
def test_a_moved_id_answers_with_the_headers_documented_for_its_301(client, story_world):
    article, other, story = story_world
    ArticleRedirect.objects.create(old_id="f" * 32, article=article)
    StoryRedirect.objects.create(old_id=story.id + 1000, story=story)
    for path in ("/articles/{id}", "/stories/{id}"):
        response = client.get(concrete(path, "f" * 32, str(story.id + 1000)))
        assert response.status_code == 301
        documented = resolve_ref(SPEC["paths"][path]["get"]["responses"]["301"])
        assert not set(documented["headers"]) - set(response.headers), path
