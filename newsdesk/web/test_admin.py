import pytest
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
