from datetime import timedelta

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsdesk.models import Article, Comment, Feed, FetchFailure, ModerationAction, Source, Story
from newsdesk.pipeline import reset_shared_fetcher
from newsdesk.testing import FixtureFeed, FixtureWeb, Publisher
from newsdesk.web.accounts.actions import delete_account
from newsdesk.web.accounts.lib import display_name
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.comments.actions import delete_comment, post_comment, report_comment
from newsdesk.web.moderation.actions import moderate_comment
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db
User = get_user_model()


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

    admin_client.post(
        reverse("admin:newsdesk_feed_changelist"), {"action": "pause", "_selected_action": [feed.pk]}
    )
    feed.refresh_from_db()
    assert feed.disabled_at is not None and feed.disabled_reason == "paused by the operator"


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


@pytest.fixture
def fresh_fetcher():
    reset_shared_fetcher()
    yield
    reset_shared_fetcher()


def test_a_source_is_added_by_its_homepage_with_the_feeds_it_announces(admin_client, fresh_fetcher):
    publisher = Publisher("Harbour Gazette")
    publisher.add_feed(FixtureFeed("/feed.xml", "Harbour Gazette: latest", []))
    add_by_url = reverse("admin:newsdesk_source_add_by_url")
    assert add_by_url in admin_client.get(reverse("admin:newsdesk_source_changelist")).content.decode()
    with FixtureWeb([publisher]):
        response = admin_client.post(add_by_url, {"url": publisher.url("/"), "name": "Gazette"}, follow=True)
        again = admin_client.post(add_by_url, {"url": publisher.url("/"), "name": "Gazette"}, follow=True)
    feed = Feed.objects.get()
    assert (feed.url, feed.source.name) == (publisher.feed_urls()[0], "Gazette")
    assert response.redirect_chain == [(reverse("admin:newsdesk_source_change", args=[feed.source_id]), 302)]
    assert [str(m) for m in response.context["messages"]] == [f"Added: {feed.url} (Gazette)"]
    assert [str(m) for m in again.context["messages"]] == [f"Already present: {feed.url} (Gazette)"]


def test_adding_a_source_by_url_that_has_no_feed_says_why_and_keeps_the_form(admin_client, fresh_fetcher):
    publisher = Publisher("Plain Site")  # a homepage that announces no feed
    with FixtureWeb([publisher]):
        response = admin_client.post(
            reverse("admin:newsdesk_source_add_by_url"), {"url": publisher.url("/"), "name": "Plain"}
        )
    assert response.status_code == 200 and not Source.objects.exists()
    (message,) = get_messages(response.wsgi_request)
    assert message.level_tag == "error" and "neither a feed nor a page that links to one" in str(message)
    assert (response.context["form"]["url"].value(), response.context["form"]["name"].value()) == (
        publisher.url("/"),
        "Plain",
    )


def test_a_source_without_feeds_is_flagged(admin_client, data):
    response = admin_client.post(
        reverse("admin:newsdesk_source_add"),
        {
            "name": "Island Post",
            "slug": "island-post",
            "is_active": "on",
            "created_at_0": "2026-01-05",
            "created_at_1": "09:00:00",
            "feeds-TOTAL_FORMS": "0",
            "feeds-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert any("has no feeds, so nothing of it is polled" in str(m) for m in response.context["messages"])
    listing = admin_client.get(reverse("admin:newsdesk_source_changelist"), {"feeds": "none"})
    assert [source.name for source in listing.context["cl"].result_list] == ["Island Post"]
    assert "0: never polled" in listing.content.decode()


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


def test_deleting_a_reader_keeps_their_comments_anonymised_with_the_replies(admin_client):
    article = make_article(make_source("Harbour Times"), "Lighthouse")
    reader = make_reader("gus@example.org", staff=True)
    top = post_comment(reader, article, "Personal story", ip_address="192.0.2.9")
    reply = post_comment(make_reader("hal@example.org"), article, "Thanks for sharing", parent=top)
    # A moderator, too: the audit log used to protect the account from deletion.
    moderate_comment(reader, reply, "approve")
    url = reverse("admin:auth_user_delete", args=[reader.pk])
    confirmation = admin_client.get(url)
    assert not confirmation.context["protected"]
    assert "comments" not in confirmation.context["model_count"]
    assert "Thanks for sharing" not in confirmation.content.decode()
    assert "Comments are not deleted with an account" in confirmation.content.decode()
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=reader.pk).exists()
    top.refresh_from_db()
    assert (top.body, top.ip_address, top.state) == ("", None, Comment.State.DELETED)
    assert Comment.objects.filter(pk=reply.pk, body="Thanks for sharing").exists()
    assert display_name(ModerationAction.objects.get().moderator) == "[deleted]"


def test_deleting_selected_readers_goes_through_account_deletion(admin_client):
    article = make_article(make_source("Harbour Times"), "Lighthouse")
    readers = [make_reader(f"reader{n}@example.org") for n in range(2)]
    top = post_comment(readers[0], article, "Personal story")
    post_comment(readers[1], article, "A reply", parent=top)
    post_comment(make_reader("hal@example.org"), article, "Another reply", parent=top)
    admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in readers], "post": "yes"},
    )
    assert not User.objects.filter(pk__in=[r.pk for r in readers]).exists()
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["", "", "Another reply"]


def test_the_deleted_readers_placeholder_cannot_be_deleted(admin_client):
    article = make_article(make_source("Harbour Times"), "Lighthouse")
    reader = make_reader("gus@example.org")
    top = post_comment(reader, article, "Personal story")
    post_comment(make_reader("hal@example.org"), article, "A reply", parent=top)
    delete_account(reader)
    placeholder = Comment.objects.get(pk=top.pk).author
    url = reverse("admin:auth_user_delete", args=[placeholder.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [placeholder.pk], "post": "yes"},
    )
    assert Comment.objects.count() == 2 and User.objects.filter(pk=placeholder.pk).exists()


def test_deleting_articles_in_the_admin_recounts_their_story(
    admin_client, db, django_capture_on_commit_callbacks
):
    story = Story.objects.create(
        title="Harbour gates fail", first_published_at=timezone.now(), last_published_at=timezone.now()
    )
    kept = make_article(make_source("Harbour Times"), "Harbour gates fail", story=story)
    gone = make_article(make_source("Valley Courier"), "Gates fail at the harbour", story=story)
    Story.objects.filter(id=story.id).update(article_count=2, source_count=2)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:newsdesk_article_changelist"),
            {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"},
        )

    story.refresh_from_db()
    assert not Article.objects.filter(id=gone.id).exists()
    assert (story.article_count, story.source_count, story.representative_id) == (1, 1, kept.id)


def add_comments(article: Article, count: int, start: int = 0) -> list[Comment]:
    """`count` comments, each by its own reader; every other one on a story of its own."""
    comments = []
    for n in range(start, start + count):
        target = article
        if n % 2:
            target = Story.objects.create(
                title=f"Story {n}", first_published_at=timezone.now(), last_published_at=timezone.now()
            )
        comments.append(
            post_comment(make_reader(f"reader{n}@example.org", f"Reader {n}"), target, f"Note {n}")
        )
    return comments


def add_stories(count: int, start: int = 0) -> list[Story]:
    stories = []
    for n in range(start, start + count):
        source = make_source(f"Island Post {n}")
        lead = make_article(source, f"Ferry {n} delayed")
        story = Story.objects.create(
            title=lead.title,
            representative=lead,
            article_count=2,
            source_count=2,
            first_published_at=timezone.now(),
            last_published_at=timezone.now(),
        )
        make_article(source, f"Ferry {n} delayed again", story=story)
        Article.objects.filter(id=lead.id).update(story=story)
        stories.append(story)
    return stories


@pytest.mark.parametrize(
    ("model", "add"),
    [
        (
            "comment",
            lambda start, n: add_comments(make_article(make_source(f"Quay {start}"), "Quay"), n, start),
        ),
        ("story", lambda start, n: add_stories(n, start)),
    ],
)
def test_the_comment_and_story_lists_cost_the_same_queries_for_one_row_or_seven(admin_client, model, add):
    listing = reverse(f"admin:newsdesk_{model}_changelist")
    add(0, 1)
    with CaptureQueriesContext(connection) as one_row:
        assert len(admin_client.get(listing).context["cl"].result_list) == 1
    add(1, 6)
    with CaptureQueriesContext(connection) as seven_rows:
        response = admin_client.get(listing)
    assert len(response.context["cl"].result_list) == 7
    assert len(seven_rows) == len(one_row)
    first = response.context["cl"].result_list[0]
    assert admin_client.get(reverse(f"admin:newsdesk_{model}_change", args=[first.pk])).status_code == 200


def test_the_comment_list_shows_author_page_state_and_reports_and_filters_by_state(admin_client):
    article = make_article(make_source("Harbour Times"), "Lighthouse reopens")
    kept, hidden = add_comments(article, 2)
    report_comment(kept, make_reader("bob@example.org"), "abuse")
    Comment.objects.filter(pk=hidden.pk).update(state=Comment.State.HIDDEN)
    listing = reverse("admin:newsdesk_comment_changelist")

    html = admin_client.get(listing, {"state__exact": "visible"}).content.decode()
    assert "Note 0" in html and "Note 1" not in html
    assert "reader0" in html and "Lighthouse reopens" in html
    assert '<td class="field-report_count">1</td>' in html
    found = admin_client.get(listing, {"q": "reader1"}).context["cl"].result_list
    assert list(found) == [hidden]


def test_comment_actions_are_the_moderation_apps_and_are_logged(admin_client, admin_user):
    article = make_article(make_source("Harbour Times"), "Lighthouse reopens")
    comment, other = add_comments(article, 2)
    report_comment(comment, make_reader("bob@example.org"), "abuse")
    listing = reverse("admin:newsdesk_comment_changelist")
    actions = admin_client.get(listing).context["action_form"].fields["action"].choices
    assert [name for name, _ in actions if name] == ["hide", "restore", "delete", "suspend_authors"]

    for action in ("hide", "restore", "delete"):
        response = admin_client.post(
            listing, {"action": action, "_selected_action": [comment.pk, other.pk]}, follow=True
        )
        assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.state == Comment.State.DELETED and comment.body == "Note 0"  # replies and text stay
    assert not comment.reports.filter(resolved=False).exists()
    log = ModerationAction.objects.filter(comment=comment).order_by("created_at", "id")
    assert [(entry.action, entry.moderator_id, entry.target_user_id) for entry in log] == [
        ("hide", admin_user.pk, comment.author_id),
        ("approve", admin_user.pk, comment.author_id),
        ("delete", admin_user.pk, comment.author_id),
    ]
    assert ModerationAction.objects.filter(comment=other).count() == 3


def test_suspending_authors_suspends_each_once_and_logs_it_leaving_staff_alone(admin_client, admin_user):
    article = make_article(make_source("Harbour Times"), "Lighthouse reopens")
    first, other = add_comments(article, 2)
    second = post_comment(first.author, article, "Note again")
    by_staff = post_comment(admin_user, article, "Pinned by the desk")
    response = admin_client.post(
        reverse("admin:newsdesk_comment_changelist"),
        {"action": "suspend_authors", "_selected_action": [second.pk, first.pk, other.pk, by_staff.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "2 author(s) suspended for 7 days." in page
    assert "Staff accounts are managed in the admin" in page
    for reader in (first.author, other.author):
        reader.profile.refresh_from_db()
        assert reader.profile.suspended_until > timezone.now() + timedelta(days=6)
    log = ModerationAction.objects.filter(action="suspend").order_by("id")
    assert [(entry.target_user_id, entry.comment_id, entry.moderator_id) for entry in log] == [
        (first.author_id, first.pk, admin_user.pk),
        (other.author_id, other.pk, admin_user.pk),
    ]
    assert Comment.objects.filter(state=Comment.State.VISIBLE).count() == 4  # comments themselves untouched


def test_a_deleted_comment_stays_deleted_whatever_the_action(admin_client):
    """Its author withdrew it (or a moderator deleted it): no admin action brings it back."""
    article = make_article(make_source("Harbour Times"), "Lighthouse reopens")
    withdrawn, shown = add_comments(article, 2)
    delete_comment(withdrawn, withdrawn.author)
    listing = reverse("admin:newsdesk_comment_changelist")
    for action in ("restore", "hide"):
        response = admin_client.post(
            listing, {"action": action, "_selected_action": [withdrawn.pk, shown.pk]}, follow=True
        )
        assert "1 deleted comment(s) left as they are" in response.content.decode()
    assert Comment.objects.get(pk=withdrawn.pk).state == Comment.State.DELETED
    assert Comment.objects.get(pk=shown.pk).state == Comment.State.HIDDEN
    assert not ModerationAction.objects.filter(comment=withdrawn).exists()


def test_a_comment_is_changed_only_through_the_actions(admin_client):
    comment = add_comments(make_article(make_source("Harbour Times"), "Lighthouse"), 1)[0]
    change = reverse("admin:newsdesk_comment_change", args=[comment.pk])
    page = admin_client.get(change)
    assert page.status_code == 200 and f"Comment {comment.pk}: Note 0" in page.content.decode()
    assert admin_client.post(change, {"body": "Rewritten", "state": "visible"}).status_code == 403
    assert admin_client.get(reverse("admin:newsdesk_comment_delete", args=[comment.pk])).status_code == 403
    assert admin_client.get(reverse("admin:newsdesk_comment_add")).status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "Note 0"


def test_a_story_page_lists_its_articles_and_links_to_them(admin_client):
    (story,) = add_stories(1)
    page = admin_client.get(reverse("admin:newsdesk_story_change", args=[story.pk]))
    html = page.content.decode()
    assert "Ferry 0 delayed again" in html and "Island Post 0" in html
    articles = f"{reverse('admin:newsdesk_article_changelist')}?story__id__exact={story.pk}"
    assert articles.replace("&", "&amp;") in html or articles in html
    story_type = ContentType.objects.get_for_model(Story).pk
    assert reverse("admin:view_on_site", args=[story_type, story.pk]) in html  # the reader's story page
    listed = admin_client.get(articles).context["cl"].result_list
    assert {article.title for article in listed} == {"Ferry 0 delayed", "Ferry 0 delayed again"}
    assert admin_client.post(reverse("admin:newsdesk_story_change", args=[story.pk]), {}).status_code == 403
    found = admin_client.get(reverse("admin:newsdesk_story_changelist"), {"q": "Ferry 0"})
    assert list(found.context["cl"].result_list) == [story]
    assert admin_client.get(reverse("admin:newsdesk_story_delete", args=[story.pk])).status_code == 403
