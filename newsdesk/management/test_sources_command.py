"""`newsdesk sources` (list, load-defaults, pause, resume, remove) as an operator uses it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsdesk.ingest.feeds import load_default_outlines
from newsdesk.ingest.poll import due_feeds
from newsdesk.models import Article, Feed, Source
from newsdesk.web.testing import make_article

pytestmark = pytest.mark.django_db


def sources(*args: str) -> str:
    out = StringIO()
    call_command("sources", *args, stdout=out)
    return out.getvalue()


def test_load_defaults_loads_them_when_asked_even_with_the_automatic_load_off(settings):
    settings.NEWSDESK_LOAD_DEFAULT_SOURCES = False  # governs only the load at `newsdesk run`

    out = sources("load-defaults")

    assert Feed.objects.count() == len({outline.xml_url for outline in load_default_outlines()}) > 0
    assert out.startswith(f"loaded {Source.objects.count()} sources, {Feed.objects.count()} feeds")


def test_load_defaults_leaves_a_site_with_sources_alone():
    Source.objects.create(name="Harbour Times", slug="harbour-times")
    assert sources("load-defaults").strip() == "sources already present; nothing loaded"
    assert not Feed.objects.exists()


def test_the_feeds_of_an_inactive_source_are_listed_as_such_not_as_due():
    paused = Source.objects.create(name="Paused", slug="paused", is_active=False)
    active = Source.objects.create(name="Active", slug="active")
    Feed.objects.create(source=paused, url="https://paused.example/rss")
    Feed.objects.create(source=active, url="https://active.example/rss")

    active_line, paused_line = sources("list").splitlines()  # by source name

    assert paused_line.startswith("Paused") and paused_line.endswith("\tsource inactive")
    assert active_line.startswith("Active") and "\tnext poll in 0s" in active_line


def test_a_feed_is_paused_resumed_and_removed_by_its_url_and_its_articles_stay():
    source = Source.objects.create(name="Harbour Times", slug="harbour-times")
    feed = Feed.objects.create(source=source, url="https://harbour.example/rss", consecutive_errors=3)
    article = make_article(source, "Quay reopens", feed=feed)

    assert sources("pause", feed.url, "--reason", "moving to a new CMS") == f"paused: {feed.url}\n"
    assert due_feeds() == []
    assert "disabled: paused by the operator: moving to a new CMS" in sources("list")
    assert sources("pause", feed.url).startswith("already paused")

    assert sources("resume", feed.url).startswith("resumed")
    assert due_feeds() == [feed]
    assert Feed.objects.get(id=feed.id).consecutive_errors == 0

    assert sources("remove", feed.url) == f"removed; its 1 articles stay: {feed.url}\n"
    assert not Feed.objects.exists() and Article.objects.filter(id=article.id, feed=None).exists()
    with pytest.raises(CommandError, match="sources list"):
        sources("remove", feed.url)
