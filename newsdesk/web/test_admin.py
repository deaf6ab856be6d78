import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsdesk.models import Article, Feed, FetchFailure
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    source = make_source("Harbour Times")
    healthy = Feed.objects.create(
        source=source, url="https://harbour.example/rss", last_fetched_at=timezone.now()
    )
    broken = Feed.objects.create(
        source=source,
        url="https://harbour.example/broken.xml",
        consecutive_errors=20,
        last_error="HTTP 410 Gone",
        disabled_at=timezone.now(),
        disabled_reason="gone for good (HTTP 410)",
    )
    FetchFailure.objects.create(url="https://harbour.example/a", stage="page", status_code=503, error="busy")
    article = make_article(source, "Lighthouse reopens", hashtags=("Lighthouse",))
    return {"source": source, "healthy": healthy, "broken": broken, "article": article}


@pytest.mark.parametrize("model", ["source", "feed", "fetchfailure", "article", "hashtag"])
def test_changelists_and_change_pages_render(admin_client, data, model):
    listing = admin_client.get(reverse(f"admin:newsdesk_{model}_changelist"))
    assert listing.status_code == 200
    first = listing.context["cl"].result_list[0]
    assert admin_client.get(reverse(f"admin:newsdesk_{model}_change", args=[first.pk])).status_code == 200


def test_feed_list_shows_why_a_feed_is_disabled(admin_client, data):
    html = admin_client.get(
        reverse("admin:newsdesk_feed_changelist"), {"health": "disabled"}
    ).content.decode()
    assert "disabled: gone for good (HTTP 410)" in html
    assert "https://harbour.example/rss" not in html


def test_enable_and_poll_now_action(admin_client, data):
    before = timezone.now()
    admin_client.post(
        reverse("admin:newsdesk_feed_changelist"),
        {"action": "enable_and_poll_now", "_selected_action": [data["broken"].pk]},
    )
    feed = Feed.objects.get(pk=data["broken"].pk)
    assert feed.disabled_at is None and feed.disabled_reason == "" and feed.consecutive_errors == 0
    assert feed.next_poll_at >= before


def test_operator_overrides_category_from_the_list(admin_client, data):
    article = data["article"]
    admin_client.post(
        reverse("admin:newsdesk_article_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": article.pk,
            "form-0-category": "science",
            "_save": "Save",
        },
    )
    assert Article.objects.get(pk=article.pk).category == "science"


def test_failures_are_searchable(admin_client, data):
    html = admin_client.get(reverse("admin:newsdesk_fetchfailure_changelist"), {"q": "busy"}).content.decode()
    assert "https://harbour.example/a" in html


def feed_form_post(admin_client, feed: Feed, **changes) -> tuple[int, dict]:
    """POST the feed's change form as shown, with `changes`: (status, the form's errors)."""
    url = reverse("admin:newsdesk_feed_change", args=[feed.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.SplitDateTimeWidget):
            data[f"{name}_0"], data[f"{name}_1"] = field.widget.decompress(value)
        elif value is not None:
            data[name] = value
    data.update(changes)
    response = admin_client.post(url, data)
    errors = response.context["adminform"].form.errors if response.status_code == 200 else {}
    return response.status_code, errors


def test_a_feed_category_override_must_be_a_category_the_classifier_knows(admin_client, data):
    feed = data["healthy"]
    status, errors = feed_form_post(admin_client, feed, category_override="Sports")
    assert status == 200 and "category_override" in errors
    assert Feed.objects.get(pk=feed.pk).category_override == ""

    status, errors = feed_form_post(admin_client, feed, category_override="sports")
    assert status == 302, errors
    assert Feed.objects.get(pk=feed.pk).category_override == "sports"


def test_a_feed_address_must_be_http(admin_client, data):
    feed = data["healthy"]
    status, errors = feed_form_post(admin_client, feed, url="ftp://harbour.example/feed")
    assert status == 200 and "http or https" in str(errors["url"])
    assert Feed.objects.get(pk=feed.pk).url == "https://harbour.example/rss"


def test_the_source_list_counts_feeds_in_one_query(admin_client, data):
    listing = reverse("admin:newsdesk_source_changelist")
    with CaptureQueriesContext(connection) as one_source:
        admin_client.get(listing)
    for n in range(6):
        source = make_source(f"Island Post {n}")
        Feed.objects.create(source=source, url=f"https://island{n}.example/rss")
    with CaptureQueriesContext(connection) as seven_sources:
        html = admin_client.get(listing).content.decode()
    assert len(seven_sources) == len(one_source)
    assert '<td class="field-feed_count">2</td>' in html
