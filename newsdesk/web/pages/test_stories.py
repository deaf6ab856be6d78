import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from newsdesk.enrich.stories.actions import refresh_story
from newsdesk.models import Article, ExtractionState, Source, Story
from newsdesk.web.pages import stories
from newsdesk.web.pages.stories import more_on_this_story, story_coverage, story_timeline, top_stories

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
def test_story_coverage_groups_by_source_with_the_first_reporter_first(harbour_story):
    story, timeline = harbour_story
    context = story_coverage(story)
    assert list(story_timeline(story)) == timeline
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
        # The timeline says which clock its times are on.
        assert f'<time datetime="{article.published_at.isoformat()}">' in page
        assert article.published_at.strftime("%d-%m-%Y %H:%M UTC</time>") in page
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


def lead_section(html: str) -> str:
    match = re.search(r'<section class="lead-story".*?</section>', html, re.S)
    assert match, "no lead story"
    return match.group(0)


@pytest.mark.django_db
def test_the_home_page_leads_with_the_top_story_not_the_newest_blurb(client, harbour_story):
    story, (first, *_) = harbour_story
    blurb = publish("Failing", "Feed-only blurb", 24 * 60, extraction=ExtractionState.FEED)
    # Two sources at the same time rank below the harbour story's three.
    second = story_of(publish("Gazette", "Ferry strike", 120), publish("Courier", "Ferries stop", 120))

    html = client.get(reverse("home")).content.decode()

    lead = lead_section(html)
    assert first.get_absolute_url() in lead and story.get_absolute_url() in lead
    assert blurb.get_absolute_url() not in lead and second.get_absolute_url() not in lead
    assert blurb.get_absolute_url() in html  # still in "Latest news"


@pytest.mark.django_db
def test_without_stories_the_lead_is_the_newest_extracted_article(client, settings):
    settings.NEWSDESK_PAGE_SIZE = 2
    extracted = publish("Gazette", "Bridge reopens", 0, extraction=ExtractionState.PAGE)
    blurbs = [publish("Failing", f"Blurb {n}", 10 + n, extraction=ExtractionState.FEED) for n in range(3)]

    lead = lead_section(client.get(reverse("home")).content.decode())

    # Beyond the first page of newest articles, yet the newest with its page extracted.
    assert extracted.get_absolute_url() in lead
    assert all(blurb.get_absolute_url() not in lead for blurb in blurbs)
    Article.objects.filter(id=extracted.id).update(extraction=ExtractionState.FEED)
    assert blurbs[-1].get_absolute_url() in lead_section(client.get(reverse("home")).content.decode())


@pytest.fixture
def long_story(monkeypatch):
    """A story of 7 versions by two sources, the timeline paged by three."""
    monkeypatch.setattr(stories, "TIMELINE_PAGE_SIZE", 3)

    def make(gazette_versions: int) -> tuple[Story, list[Article]]:
        courier = publish("Courier", "Courier reports first", -5)
        gazette = [publish("Gazette", f"Gazette update {n}", n) for n in range(gazette_versions)]
        return story_of(courier, *gazette), [courier, *gazette]

    return make


@pytest.mark.django_db
def test_the_story_page_shows_a_few_versions_per_source_and_pages_the_timeline(client, long_story):
    story, timeline = long_story(6)
    url = reverse("story", args=[story.id])

    page_one = client.get(url).content.decode()

    assert "2 sources" in page_one and "7 articles" in page_one
    assert re.search(r'first reported by <a class="first-report" href="[^"]+">Courier</a>', page_one)
    gazette = page_one[page_one.index('aria-label="Gazette"') :].split("</section>")[0]
    assert [t.title for t in timeline[1:4]] == re.findall(r">(Gazette update \d)</a>", gazette)
    assert "and 3 more" in gazette
    timeline_html = page_one[page_one.index('class="timeline"') :]
    assert re.findall(r">(Courier reports first|Gazette update \d)</a>", timeline_html.split("</ol>")[0]) == [
        article.title for article in timeline[:3]
    ]
    assert 'href="?page=2#timeline-heading"' in page_one

    page_three = client.get(url, {"page": 3}).content.decode()
    assert "By source" not in page_three
    assert timeline[6].title in page_three and timeline[1].title not in page_three
    # The header stays true on every page: sources, size, who reported first, the story's feed.
    assert "2 sources" in page_three and "7 articles" in page_three
    assert re.search(r'first reported by <a class="first-report" href="[^"]+">Courier</a>', page_three)
    assert reverse("story_feed", args=[story.id]) in page_three
    assert '<meta name="robots" content="noindex">' in page_three
    assert client.get(url, {"page": 4}).status_code == 404
    feed = client.get(reverse("story_feed", args=[story.id])).content.decode()
    assert feed.count("<item>") == 7


@pytest.mark.django_db
def test_a_story_page_costs_the_same_queries_whatever_the_story_size(
    client, long_story, django_assert_max_num_queries
):
    counts = []
    for versions in (2, 40):
        story, _ = long_story(versions)
        client.get(reverse("story", args=[story.id]))  # the story's AI brief, made once and kept
        with django_assert_max_num_queries(10) as queries:
            html = client.get(reverse("story", args=[story.id])).content.decode()
        assert html.count("Gazette update") <= stories.VERSIONS_PER_SOURCE + stories.TIMELINE_PAGE_SIZE
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
