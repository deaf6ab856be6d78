from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from newsdesk.models import Source, Story
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db


def items(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    return [{child.tag: child.text for child in item} for item in channel.findall("item")]


def test_latest_feed_lists_originals_newest_first_with_teasers(client):
    harbour = make_source("Harbour Times")
    older = make_article(
        harbour, "Ferry strike ends", description="Crossings resume on Monday.", age=timedelta(hours=3)
    )
    newer = make_article(harbour, "Lighthouse sold", text="The old lighthouse was sold at auction. " * 40)
    make_article(make_source("Wire Copy"), "Ferry strike ends", duplicate_of=older, age=timedelta(hours=2))

    found = items(client, reverse("feed"))

    assert [item["title"] for item in found] == ["Lighthouse sold", "Ferry strike ends"]
    assert found[0]["link"].endswith(newer.get_absolute_url())
    assert found[0]["guid"] == newer.id
    assert found[1]["description"] == "Crossings resume on Monday."
    assert items(client, reverse("feed")) == found  # the second answer comes from the page cache
    # A teaser, never the whole body: the publisher's excerpt policy holds in feed readers too.
    assert len(found[0]["description"].split()) <= 61
    assert found[0]["description"].endswith("…")


def test_category_source_hashtag_and_story_feeds_hold_their_own_articles(client):
    harbour, island = make_source("Harbour Times"), make_source("Island Post")
    now = timezone.now()
    story = Story.objects.create(title="Ferry strike", first_published_at=now, last_published_at=now)
    strike = make_article(harbour, "Ferry strike", category="business", hashtags=("Ferries",), story=story)
    make_article(island, "Strike talks", category="politics", hashtags=("Ferries",), story=story)
    make_article(island, "Cup final", category="sports")

    assert [i["title"] for i in items(client, reverse("category_feed", args=["sports"]))] == ["Cup final"]
    assert {i["title"] for i in items(client, reverse("source_feed", args=[island.slug]))} == {
        "Strike talks",
        "Cup final",
    }
    # Named as the hashtag page names it: any case, with or without its '#'.
    for name in ("ferries", "#Ferries"):
        assert {i["title"] for i in items(client, reverse("hashtag_feed", args=[name]))} == {
            "Ferry strike",
            "Strike talks",
        }
    story_items = items(client, reverse("story_feed", args=[story.id]))
    assert {i["title"] for i in story_items} == {"Ferry strike", "Strike talks"}
    # Each version names its publisher.
    creators = {i["title"]: i["{http://purl.org/dc/elements/1.1/}creator"] for i in story_items}
    assert creators == {"Ferry strike": strike.source.name, "Strike talks": island.name}


@pytest.mark.parametrize(
    "url",
    [
        "/en/category/astrology/feed/",
        "/en/source/nobody/feed/",
        "/en/hashtag/Nothing/feed/",
        "/en/story/999/feed/",
    ],
)
def test_unknown_lists_have_no_feed(client, url):
    assert client.get(url).status_code == 404


def test_list_pages_announce_their_feed(client):
    source = make_source("Harbour Times")
    make_article(source, "Ferry strike", category="business")
    page = client.get(reverse("source", args=[source.slug])).content.decode()
    feed = reverse("source_feed", args=[source.slug])
    assert f'type="application/rss+xml" title="Harbour Times (RSS)" href="{feed}"' in page
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("feed")}"' in home


def test_a_stored_control_character_does_not_break_the_feed(client):
    # Stored before ingest dropped such characters, or typed into the admin.
    harbour = make_source("Harbour Times")
    Source.objects.filter(id=harbour.id).update(name="Harbour\x0b Times")
    make_article(harbour, "Bell\x07 rings at noon", description="Sum\x02mary of the day.")

    found = items(client, reverse("feed"))
    assert found[0]["title"] == "Bell rings at noon"
    assert found[0]["description"] == "Summary of the day."
    response = client.get(reverse("source_feed", args=[harbour.slug]))
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel.find("title").text.endswith(": Harbour Times")
