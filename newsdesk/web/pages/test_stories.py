from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from newsdesk.enrich.stories.actions import refresh_story
from newsdesk.models import Article, Source, Story
from newsdesk.web.pages.stories import more_on_this_story, story_context, top_stories

NOON = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)


def publish(source_name: str, title: str, minutes: int, story: Story | None = None, **fields) -> Article:
    source, _ = Source.objects.get_or_create(slug=source_name.lower(), defaults={"name": source_name})
    number = Article.objects.count()
    return Article.objects.create(
        id=f"{number:032x}",
        url=f"https://{source.slug}.example/{number}",
        canonical_url=f"https://{source.slug}.example/{number}",
        source=source,
        title=title,
        published_at=NOON + timedelta(minutes=minutes),
        story=story,
        **fields,
    )


def story_of(*articles: Article) -> Story:
    story = Story.objects.create(title="", first_published_at=NOON, last_published_at=NOON)
    Article.objects.filter(id__in=[a.id for a in articles]).update(story=story)
    return refresh_story(story)


@pytest.fixture
def harbour_story():
    first = publish("Gazette", "Breakwater to close", 0)
    follow_up = publish("Gazette", "Breakwater closure: what it means", 120)
    courier = publish("Courier", "Harbour gates to be replaced", 30)
    copy = publish("Herald", "Breakwater to close (wire)", 45, duplicate_of=first)
    return story_of(first, follow_up, courier, copy), [first, courier, copy, follow_up]


@pytest.mark.django_db
def test_story_context_groups_by_source_with_the_first_reporter_first(harbour_story):
    story, timeline = harbour_story
    context = story_context(story)
    assert context["timeline"] == timeline
    assert context["first_report"] == timeline[0]
    assert context["source_count"] == 3
    assert [group.source.name for group in context["coverage"]] == ["Gazette", "Courier", "Herald"]
    assert [a.title for a in context["coverage"][0].articles] == [
        "Breakwater to close",
        "Breakwater closure: what it means",
    ]


@pytest.mark.django_db
def test_the_story_page_shows_every_version_and_the_source_count(client, harbour_story):
    story, timeline = harbour_story
    response = client.get(reverse("story", args=[story.id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 sources" in page
    for article in timeline:
        assert article.get_absolute_url() in page
    assert "copy of the" in page
    assert client.get(reverse("story", args=[story.id + 1000])).status_code == 404


@pytest.mark.django_db
def test_more_on_this_story_lists_other_sources_once_each(harbour_story):
    story, (first, courier, copy, follow_up) = harbour_story
    coverage = more_on_this_story(Article.objects.get(id=first.id))
    assert coverage["story"] == story
    assert coverage["articles"] == [courier, copy]
    lonely = publish("Gazette", "Choir wins contest", 10)
    assert more_on_this_story(lonely) is None


@pytest.mark.django_db
def test_top_stories_rank_breadth_and_freshness_and_skip_single_source_stories(client, harbour_story):
    broad, _ = harbour_story
    narrow = story_of(publish("Gazette", "Choir wins", 300), publish("Gazette", "Choir celebrates", 310))
    two_sources_later = story_of(
        publish("Gazette", "Ferry strike", 600), publish("Courier", "Ferries stop", 610)
    )
    ranked = [entry.story for entry in top_stories()]
    assert narrow not in ranked
    # Two sources eight hours fresher (log2 3 + 8.2/12 = 2.27) beat three sources (log2 4 = 2).
    assert ranked == [two_sources_later, broad]
    home = client.get(reverse("home")).content.decode()
    assert "Top stories" in home and reverse("story", args=[broad.id]) in home
