"""Issue 3 end to end: one wire story from several loopback publishers, crawled, grouped and shown.

crawl_once runs its stages on a thread pool, so this uses a transactional database.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from newsdesk.enrich.related import related_articles
from newsdesk.enrich.stories.actions import reset_story_cache
from newsdesk.enrich.vectors import reset_vector_index
from newsdesk.ingest.sources import add_source
from newsdesk.models import Article, ArticleHashtag, Hashtag, Story
from newsdesk.pipeline import reset_shared_fetcher, shared_fetcher
from newsdesk.tasks import crawl_once
from newsdesk.testing import FixtureArticle, FixtureFeed, FixtureWeb, Publisher

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)
WIRE = [
    "President Trump said on Tuesday that the harbour authority of Port Ellen would receive federal money "
    "to replace the storm gates of the northern breakwater, which were wrecked in the January gales.",
    "Donald Trump made the announcement during a visit to the port, where engineers showed him the damaged "
    "gates and the temporary pontoon now used by the island ferry and the fishing fleet.",
    "The repairs are expected to cost about 4.2 million dollars and to close the breakwater for six weeks "
    "from next month, the harbour authority said in a statement after the visit.",
    "Trump told reporters the money would come from an emergency fund set up after the storms and that "
    "work should start before the spring holidays, when visitors return to the harbour town.",
]
UNRELATED = {
    "Quay Courier": [
        (
            "Titanfall review roundup: critics praise the mech shooter",
            "Critics have praised Titanfall, the mech shooter from Respawn, for its fast matches, its pilots "
            "who run along walls and the giant robots that drop from the sky on command.",
        )
    ],
    "Island Herald": [
        (
            "Island choir wins national folk song contest",
            "The island choir won the national folk song contest on Saturday with a medley of fishing songs, "
            "beating thirty other choirs from across the country in the final round of the competition.",
        )
    ],
}


def wire_copy(publisher: str, slug: str, title: str, minutes: int, byline: str) -> FixtureArticle:
    return FixtureArticle(
        key=f"{publisher}:{slug}",
        path=f"/news/{slug}",
        title=title,
        published=START + timedelta(minutes=minutes),
        paragraphs=[byline, *WIRE],
        section="politics",
    )


def other_article(publisher: str, index: int, title: str, body: str) -> FixtureArticle:
    paragraphs = [body, body.replace("the", "this", 2), "More details will follow as the news develops."]
    return FixtureArticle(
        key=f"{publisher}:other-{index}",
        path=f"/news/other-{index}",
        title=title,
        published=START + timedelta(hours=2, minutes=index),
        paragraphs=paragraphs,
    )


def publishers() -> list[Publisher]:
    wire_titles = {
        "Harbour Gazette": (
            "trump-harbour-money",
            "Trump pledges federal money for Port Ellen storm gates",
            0,
        ),
        "Quay Courier": ("port-ellen-gates", "Donald Trump promises storm gate repairs at Port Ellen", 20),
        "Island Herald": (
            "president-visits-port",
            "President Trump visits Port Ellen, pledges gate repairs",
            45,
        ),
    }
    sites = []
    for name, (slug, title, minutes) in wire_titles.items():
        site = Publisher(name)
        stories = [wire_copy(name, slug, title, minutes, f"By {name} staff, with wire reports")]
        stories += [other_article(name, i, t, b) for i, (t, b) in enumerate(UNRELATED.get(name, []))]
        site.add_feed(FixtureFeed("/feed.xml", f"{name}: latest", stories))
        sites.append(site)
    return sites


@pytest.fixture(autouse=True)
def fresh_process_state():
    for reset in (reset_shared_fetcher, reset_vector_index, reset_story_cache):
        reset()
    yield
    for reset in (reset_shared_fetcher, reset_vector_index, reset_story_cache):
        reset()


@pytest.fixture
def crawled():
    with FixtureWeb(publishers()) as web:
        for publisher in web.publishers:
            add_source(publisher.feed_urls()[0], shared_fetcher(), name=publisher.name)
        report = crawl_once(workers=2)
        assert report.errors == []
        yield web


def wire_versions() -> list[Article]:
    return list(
        Article.objects.filter(text__contains="Port Ellen would receive federal money").order_by(
            "published_at"
        )
    )


def test_one_story_page_lists_every_version_and_who_reported_first(client, crawled):
    versions = wire_versions()
    assert len(versions) == 3
    original, *copies = versions
    assert {copy.duplicate_of_id for copy in copies} == {original.id}
    assert len({v.story_id for v in versions}) == 1
    story = Story.objects.get(id=original.story_id)
    assert story.source_count == 3
    assert story.article_count == 3

    page = client.get(reverse("story", args=[story.id])).content.decode()
    for version in versions:
        assert version.get_absolute_url() in page
        assert version.source.name in page
    assert "3 sources" in page
    assert "first reported by" in page and original.source.name in page.split("first reported by")[1][:400]

    article_page = client.get(original.get_absolute_url()).content.decode()
    assert "More on this story (3 sources)" in article_page
    assert reverse("story", args=[story.id]) in article_page


def test_syndicated_copies_appear_once_in_lists_and_never_as_related(client, crawled):
    original, *copies = wire_versions()
    home = client.get(reverse("home")).content.decode()
    assert original.get_absolute_url() in home
    for copy in copies:
        assert copy.get_absolute_url() not in home
    category = client.get(reverse("category", args=[original.category])).content.decode()
    assert original.get_absolute_url() in category
    assert all(copy.get_absolute_url() not in category for copy in copies)
    assert "Top stories" in home and reverse("story", args=[original.story_id]) in home

    related_ids = {a.id for a in related_articles(original)}
    assert related_ids, "the unrelated articles should still fill the related list"
    assert not related_ids & {copy.id for copy in copies}


def test_the_hashtags_fold_the_aliases_of_one_person(crawled):
    original = wire_versions()[0]
    names = set(ArticleHashtag.objects.filter(article=original).values_list("hashtag__name", flat=True))
    assert "DonaldTrump" in names
    assert not {"Trump", "PresidentTrump"} & set(Hashtag.objects.values_list("name", flat=True))
