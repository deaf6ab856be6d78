"""/api/v1/stories and /api/v1/stories/<id>: the home page's ranking; full coverage grouped as on its page."""

import pytest

from newsdesk.models import Article, Story, StoryRedirect
from newsdesk.web.pages import test_stories as story_page_tests
from newsdesk.web.pages.test_stories import NOON, publish, story_of

pytestmark = pytest.mark.django_db
# The full-coverage page's own fixture: one story told by three sources, one of them a copy.
harbour_story = story_page_tests.harbour_story

STORIES = "/api/v1/stories"


def ranked(story: Story, rank: float) -> Story:
    Story.objects.filter(id=story.id).update(rank_score=rank)
    return story


def test_stories_are_ranked_as_the_home_page_ranks_them(get_json):
    low = ranked(story_of(publish("Gazette", "Low a", 0), publish("Courier", "Low b", 5)), 1.0)
    high = ranked(story_of(publish("Gazette", "High a", 10), publish("Courier", "High b", 3)), 5.0)
    lonely = ranked(story_of(publish("Gazette", "Lonely", 0)), 9.0)  # one source: not a top story

    body = get_json(STORIES).json()

    assert [s["id"] for s in body["results"]] == [str(high.id), str(low.id)]
    top = body["results"][0]
    assert (top["source_count"], top["article_count"]) == (2, 2)
    assert top["first_report"]["source"]["slug"] == "courier"
    assert top["first_report"]["published_at"] == "2024-03-05T12:03:00Z"
    assert top["api_url"] == f"http://testserver/api/v1/stories/{high.id}"
    assert top["site_url"] == f"http://testserver/en/story/{high.id}/"
    assert top["last_published_at"] == "2024-03-05T12:10:00Z"
    assert str(lonely.id) in [s["id"] for s in get_json(STORIES, {"min_sources": 1}).json()["results"]]


def test_story_pages_follow_the_ranking(get_json):
    made = [
        ranked(story_of(publish("Gazette", f"A{i}", i), publish("Courier", f"B{i}", i)), float(10 - i))
        for i in range(5)
    ]
    first = get_json(STORIES, {"page_size": 2}).json()
    second = get_json(first["next"]).json()
    third = get_json(second["next"]).json()
    listed = [s["id"] for page in (first, second, third) for s in page["results"]]
    assert listed == [str(story.id) for story in made]
    assert third["next"] is None and first["previous"] is None
    assert [s["id"] for s in get_json(second["previous"]).json()["results"]] == listed[:2]


def test_stories_ranked_alike_come_in_one_order_whatever_the_page_size(get_json):
    """Ties in rank (unranked stories all score 0) are broken by the newer story first, so offset
    pages neither repeat nor skip one: the database's own order of ties changes with the LIMIT."""
    made = [
        story_of(*(publish(name, f"{name} {i}", i) for name in ("Gazette", "Courier", "Herald")[: 2 + i % 2]))
        for i in range(6)
    ]
    Story.objects.update(rank_score=1.0)

    whole = [s["id"] for s in get_json(STORIES, {"page_size": 6}).json()["results"]]
    walked, url = [], f"{STORIES}?page_size=1"
    while url:
        body = get_json(url).json()
        walked += [s["id"] for s in body["results"]]
        url = body["next"]

    assert walked == whole == [str(story.id) for story in sorted(made, key=lambda s: s.id, reverse=True)]


def test_a_story_list_page_costs_the_same_few_queries_whatever_its_size(
    get_json, django_assert_max_num_queries
):
    for i in range(30):
        ranked(
            story_of(*(publish(name, f"{name} {i}", i) for name in ("Gazette", "Courier", "Herald"))),
            float(i),
        )
    counts = []
    for size in (3, 30):
        with django_assert_max_num_queries(2) as queries:
            assert len(get_json(STORIES, {"page_size": size}).json()["results"]) == size
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_full_coverage_groups_versions_by_source_with_the_first_reporter_first(get_json, harbour_story):
    story, timeline = harbour_story
    first, courier, copy, follow_up = timeline

    body = get_json(f"{STORIES}/{story.id}").json()

    assert body["id"] == str(story.id)
    assert (body["source_count"], body["article_count"]) == (3, 4)
    assert body["first_report"]["article_id"] == first.id
    assert [g["source"]["name"] for g in body["coverage"]] == ["Gazette", "Courier", "Herald"]
    assert [g["first_to_report"] for g in body["coverage"]] == [True, False, False]
    assert [a["id"] for a in body["coverage"][0]["articles"]] == [first.id, follow_up.id]
    assert body["coverage"][2]["articles"][0]["duplicate_of"] == first.id
    assert [a["id"] for a in body["timeline"]] == [a.id for a in timeline]
    assert body["timeline"][1]["published_at"] == "2024-03-05T12:30:00Z"
    assert [g["more_articles"] for g in body["coverage"]] == [0, 0, 0]
    assert body["next"] is None and body["previous"] is None


def test_a_big_story_comes_in_bounded_pieces_and_its_timeline_in_pages(
    get_json, django_assert_max_num_queries
):
    gazette = [publish("Gazette", f"Gazette {i}", i) for i in range(7)]
    courier = publish("Courier", "Courier", 3)
    story = story_of(*gazette, courier)
    told = sorted([*gazette, courier], key=lambda article: article.published_at)

    with django_assert_max_num_queries(4):
        body = get_json(f"{STORIES}/{story.id}", {"page_size": 3}).json()

    assert (body["source_count"], body["article_count"]) == (2, 8)
    first_group = body["coverage"][0]
    assert [a["id"] for a in first_group["articles"]] == [a.id for a in gazette[:3]]
    assert first_group["more_articles"] == 4
    pages, page = [], body
    while True:
        pages.append([a["id"] for a in page["timeline"]])
        if page["next"] is None:
            break
        page = get_json(page["next"]).json()
    assert [len(ids) for ids in pages] == [3, 3, 2]
    assert sum(pages, []) == [a.id for a in told]
    assert [a["id"] for a in get_json(page["previous"]).json()["timeline"]] == pages[1]


def test_a_merged_story_answers_with_the_address_of_the_one_it_joined(client, harbour_story):
    story, _ = harbour_story
    StoryRedirect.objects.create(old_id=story.id + 1000, story=story)

    response = client.get(f"{STORIES}/{story.id + 1000}")

    assert response.status_code == 301 and response["Location"] == f"http://testserver{STORIES}/{story.id}"


def test_a_merged_story_keeps_the_query_it_was_asked_with(client, harbour_story):
    story, _ = harbour_story
    StoryRedirect.objects.create(old_id=story.id + 1000, story=story)

    response = client.get(f"{STORIES}/{story.id + 1000}", {"page_size": 2})

    assert response["Location"] == f"http://testserver{STORIES}/{story.id}?page_size=2"
    assert response["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("story_id", ["999999", "999999999999999999", "abc"])
def test_an_unknown_story_is_a_json_404(get_json, story_id):
    response = get_json(f"{STORIES}/{story_id}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "params",
    [
        {"min_sources": "0"},
        {"page_size": "500"},
        {"cursor": "x"},
        {"cursor": "eyJvIjogMTAwMDAwMDAwMDAwMDAwMDAwMDAwMDB9"},  # {"o": 10**22}: past any database's OFFSET
        {"sort": "new"},
    ],
)
def test_bad_story_parameters_are_400s(get_json, params):
    response = get_json(STORIES, params)
    assert response.status_code == 400
    assert next(iter(params)) in response.json()["error"]["message"]


@pytest.mark.parametrize("params", [{"page_size": "0"}, {"cursor": "x"}, {"min_sources": "2"}])
def test_bad_coverage_parameters_are_400s(get_json, harbour_story, params):
    story, _ = harbour_story
    response = get_json(f"{STORIES}/{story.id}", params)
    assert response.status_code == 400
    assert next(iter(params)) in response.json()["error"]["message"]


def test_the_list_and_the_story_name_the_same_first_report_when_two_tie(get_json):
    # Stored first, but its id sorts last: the story page breaks the tie by id.
    courier = publish("Courier", "Gates", 0)
    Article.objects.filter(id=courier.id).update(id="f" * 32)
    gazette = publish("Gazette", "Breakwater", 0)
    both = Article.objects.filter(title__in=["Gates", "Breakwater"])
    both.update(discovered_at=NOON)
    story = ranked(story_of(*both), 1.0)

    listed = get_json(STORIES).json()["results"][0]["first_report"]
    detail = get_json(f"{STORIES}/{story.id}").json()["first_report"]

    assert listed == detail
    assert listed["article_id"] == gazette.id
