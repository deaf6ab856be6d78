"""`newsdesk sources list` and `newsdesk sources load-defaults` as an operator reads them."""

from io import StringIO

import pytest
from django.core.management import call_command

from newsdesk.ingest.feeds import load_default_outlines
from newsdesk.models import Feed, Source

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
