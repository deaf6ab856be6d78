"""A reader's time zone: chosen on the settings page, used on their own pages, never on cached ones."""

import json
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from newsdesk.models import RelatedArticle
from newsdesk.web.accounts.actions import set_time_zone
from newsdesk.web.accounts.lib import UNKNOWN_TIME_ZONE, time_zone_names
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.cache import CACHE_HEADER
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db

# 23:30 UTC on the 26th is 01:30 summer time in Paris on the 27th: the date itself moves.
PUBLISHED = datetime(2025, 6, 26, 23, 30, tzinfo=UTC)
IN_UTC = 'title="26 Jun 2025, 23:30 UTC">26-06-2025</time>'
IN_PARIS = 'title="27 Jun 2025, 01:30 CEST">27-06-2025</time>'


@pytest.fixture
def reader():
    return make_reader("ann@example.org", "Ann")


def test_a_reader_chooses_a_time_zone_on_the_settings_page(client, reader):
    client.force_login(reader)
    page = client.get(reverse("reader_profile")).content.decode()
    assert '<option value="" selected>UTC (the default)</option>' in page
    assert '<option value="America/New_York">America/New York</option>' in page

    response = client.post(reverse("reader_profile"), {"display_name": "Ann", "time_zone": "Europe/Paris"})
    assert response.status_code == 302
    reader.profile.refresh_from_db()
    assert reader.profile.time_zone == "Europe/Paris"
    page = client.get(reverse("reader_profile")).content.decode()
    assert '<option value="Europe/Paris" selected>Europe/Paris</option>' in page
    assert "Now: Europe/Paris, " in page

    client.post(reverse("reader_profile"), {"display_name": "Ann", "time_zone": ""})
    reader.profile.refresh_from_db()
    assert reader.profile.time_zone == ""


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "localtime", "../../etc/passwd", "Europe/Paris\x00"])
def test_an_unknown_time_zone_is_refused_and_changes_nothing(client, reader, zone):
    set_time_zone(reader, "Asia/Tokyo")
    client.force_login(reader)
    response = client.post(reverse("reader_profile"), {"display_name": "Someone else", "time_zone": zone})
    assert response.status_code == 200
    assert UNKNOWN_TIME_ZONE in response.content.decode()
    reader.profile.refresh_from_db()
    assert (reader.profile.display_name, reader.profile.time_zone) == ("Ann", "Asia/Tokyo")
    with pytest.raises(ValidationError):
        set_time_zone(reader, zone)
    assert "Europe/Paris" in time_zone_names() and "America/Argentina/Buenos_Aires" in time_zone_names()
    # Aliases are not offered: UTC is the default choice, Etc/GMT+5 is UTC-5, GB is Europe/London.
    for alias in ("localtime", "Factory", "UTC", "Etc/UTC", "Zulu", "Etc/GMT+5", "GB", "US/Eastern"):
        assert alias not in time_zone_names()


def test_a_signed_in_reader_sees_times_in_their_zone_and_everyone_else_in_utc(client, reader):
    article = make_article(make_source("Harbour Times"), "Lighthouse reopens", published_at=PUBLISHED)
    url = article.get_absolute_url()
    assert IN_UTC in client.get(url).content.decode()

    client.force_login(reader)
    assert IN_UTC in client.get(url).content.decode()  # no zone chosen: UTC
    set_time_zone(reader, "Europe/Paris")
    page = client.get(url).content.decode()
    assert IN_PARIS in page and "UTC" not in page
    # The zone was this request's only: the thread serves the next one in UTC.
    assert timezone.get_current_timezone_name() == "UTC"

    client.logout()
    assert IN_UTC in client.get(url).content.decode()


def test_the_cached_anonymous_page_and_its_shared_aside_stay_in_utc(client, reader, page_cache):
    source = make_source("Harbour Times")
    article = make_article(source, "Lighthouse reopens")
    neighbour = make_article(source, "Harbour wall repaired", published_at=PUBLISHED)
    RelatedArticle.objects.create(article=article, related=neighbour, score=0.9)
    set_time_zone(reader, "Europe/Paris")
    url = article.get_absolute_url()
    with override_settings(NEWSDESK_FRAGMENT_CACHE_SECONDS=300):
        client.force_login(reader)
        assert IN_PARIS in client.get(url).content.decode()  # the aside, rendered in Paris time
        client.logout()
        first, second = client.get(url), client.get(url)
    assert (first[CACHE_HEADER], second[CACHE_HEADER]) == ("miss", "hit")
    for page in (first.content.decode(), second.content.decode()):
        assert IN_UTC in page and "CEST" not in page


def test_the_export_holds_the_time_zone(client, reader):
    set_time_zone(reader, "America/Sao_Paulo")
    client.force_login(reader)
    data = json.loads(client.get(reverse("reader_export")).content)
    assert data["profile"]["time_zone"] == "America/Sao_Paulo"
