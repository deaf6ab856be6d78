"""Comments through HTTP and through the actions: threads, edits, reports, holds, limits, IDOR."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from newsdesk.models import BannedWord, Comment, CommentReport, ReaderProfile, Story
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.comments.actions import CommentRefused, post_comment, report_comment
from newsdesk.web.comments.lib import comment_counts, thread
from newsdesk.web.testing import make_article, make_source


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def article(db):
    return make_article(make_source("Harbour Times"), "Lighthouse reopens", text="The lamp shines.")


@pytest.fixture
def ann(db):
    return make_reader("ann@example.org", "Ann")


@pytest.fixture
def bob(db):
    return make_reader("bob@example.org", "Bob")


def post_url(article) -> str:
    return reverse("comment_post", args=["article", article.pk])


def test_anonymous_readers_see_comments_and_a_login_prompt(client, article, ann):
    page = client.get(article.get_absolute_url()).content.decode()
    assert "No comments yet..." in page
    assert "to join the discussion" in page and reverse("account_login") in page
    post_comment(ann, article, "Lovely news")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Lovely news" in page and "No comments yet..." not in page
    assert 'name="body"' not in page and "csrfmiddlewaretoken" not in page


def test_anonymous_post_goes_to_login(client, article):
    response = client.post(post_url(article), {"body": "hi"})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not Comment.objects.exists()


def test_post_reply_and_one_level_only(client, article, ann, bob):
    client.force_login(ann)
    response = client.post(post_url(article), {"body": "Top *level*"})
    top = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{top.pk}")
    assert top.body_html == "<p>Top <em>level</em></p>" and top.ip_address == "127.0.0.1"
    client.force_login(bob)
    client.post(post_url(article), {"body": "A reply", "parent": top.pk})
    reply = Comment.objects.get(body="A reply")
    client.post(post_url(article), {"body": "Reply to the reply", "parent": reply.pk})
    assert Comment.objects.get(body="Reply to the reply").parent == top
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.index("Top <em>level</em>") < page.index("A reply") < page.index("Reply to the reply")
    assert "Comments (3)" in page


def test_reply_must_be_on_the_same_page(article, ann):
    other = make_article(article.source, "Another story")
    parent = post_comment(ann, other, "elsewhere")
    with pytest.raises(CommentRefused):
        post_comment(ann, article, "cross-page reply", parent=parent)


def test_sorting_and_pagination(client, article, ann, settings):
    settings.NEWSDESK_COMMENTS_PAGE_SIZE = 2
    for number in range(3):
        comment = post_comment(ann, article, f"comment number {number}")
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - timedelta(minutes=10 - number)
        )
    newest = client.get(article.get_absolute_url()).content.decode()
    assert "comment number 2" in newest and "comment number 1" in newest and "comment number 0" not in newest
    assert "cpage=2" in newest
    oldest = client.get(article.get_absolute_url(), {"comments": "oldest"}).content.decode()
    assert oldest.index("comment number 0") < oldest.index("comment number 1")
    assert "comment number 2" not in oldest
    second = client.get(article.get_absolute_url(), {"comments": "oldest", "cpage": "2"}).content.decode()
    assert "comment number 2" in second and "comment number 0" not in second


def test_edit_within_the_window_only(client, article, ann):
    comment = post_comment(ann, article, "Frist")
    client.force_login(ann)
    client.post(reverse("comment_edit", args=[comment.pk]), {"body": "First"})
    comment.refresh_from_db()
    assert comment.body == "First" and comment.edited_at is not None
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    response = client.post(reverse("comment_edit", args=[comment.pk]), {"body": "Changed later"})
    assert response.status_code == 400 and "Changed later" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "First"


def test_reader_cannot_edit_or_delete_another_readers_comment(client, article, ann, bob):
    comment = post_comment(ann, article, "Ann's words")
    client.force_login(bob)
    assert client.post(reverse("comment_edit", args=[comment.pk]), {"body": "Bob's words"}).status_code == 404
    assert client.post(reverse("comment_delete", args=[comment.pk])).status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Ann's words" and comment.state == Comment.State.VISIBLE


def test_delete_own_comment_keeps_replies_under_a_placeholder(client, article, ann, bob):
    top = post_comment(ann, article, "Original thought")
    post_comment(bob, article, "An answer", parent=top)
    client.force_login(ann)
    client.post(reverse("comment_delete", args=[top.pk]))
    top.refresh_from_db()
    assert top.state == Comment.State.DELETED
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Original thought" not in page and "[deleted]" in page and "An answer" in page


def test_reports_from_distinct_readers_hide_the_comment(article, ann, settings):
    settings.NEWSDESK_COMMENT_HIDE_AFTER_REPORTS = 2
    comment = post_comment(ann, article, "Buy pills")
    first = make_reader("r1@example.org")
    report_comment(comment, first, "spam")
    with pytest.raises(CommentRefused):
        report_comment(comment, first, "spam")
    comment.refresh_from_db()
    assert comment.report_count == 1 and comment.state == Comment.State.VISIBLE
    report_comment(comment, make_reader("r2@example.org"), "abuse", "rude")
    comment.refresh_from_db()
    assert comment.report_count == 2 and comment.state == Comment.State.HIDDEN
    with pytest.raises(CommentRefused):
        report_comment(comment, ann, "spam")


def test_report_through_the_page(client, article, ann, bob):
    comment = post_comment(ann, article, "Questionable")
    client.force_login(bob)
    client.post(reverse("comment_report", args=[comment.pk]), {"reason": "abuse", "details": "insults"})
    report = CommentReport.objects.get()
    assert (report.reporter, report.reason, report.details) == (bob, "abuse", "insults")


def test_links_from_new_accounts_are_held(client, article):
    newcomer = make_reader("new@example.org", "Newcomer", joined_days_ago=0.1)
    held = post_comment(newcomer, article, "Visit https://spam.example/")
    plain = post_comment(newcomer, article, "No links here")
    veteran = post_comment(make_reader("old@example.org"), article, "See https://docs.example/")
    assert (held.state, plain.state, veteran.state) == ("held", "visible", "visible")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "spam.example" not in page and "No links here" in page
    client.force_login(newcomer)
    own_view = client.get(article.get_absolute_url()).content.decode()
    assert "spam.example" in own_view and "Held for review" in own_view


def test_banned_words_hold_the_comment(article, ann):
    BannedWord.objects.create(word="scam")
    assert post_comment(ann, article, "This is a SCAM!").state == Comment.State.HELD
    assert post_comment(ann, article, "Scampi for dinner").state == Comment.State.VISIBLE


def test_suspended_readers_cannot_post(client, article, ann):
    ReaderProfile.objects.filter(user=ann).update(suspended_until=timezone.now() + timedelta(days=1))
    client.force_login(ann)
    response = client.post(post_url(article), {"body": "Let me speak"})
    assert response.status_code == 400 and "suspended" in response.content.decode()
    assert "Let me speak" in response.content.decode()
    assert not Comment.objects.exists()


def test_shadow_banned_reader_sees_own_comments_nobody_else_does(client, article, ann, bob):
    ReaderProfile.objects.filter(user=ann).update(shadow_banned=True)
    post_comment(ann, article, "Shouting into the void")
    client.force_login(ann)
    assert "Shouting into the void" in client.get(article.get_absolute_url()).content.decode()
    client.force_login(bob)
    assert "Shouting into the void" not in client.get(article.get_absolute_url()).content.decode()
    assert comment_counts([article.pk]).articles == {}


def test_honeypot_filled_posts_nothing(client, article, ann):
    client.force_login(ann)
    response = client.post(post_url(article), {"body": "Cheap watches", "website": "https://spam.example"})
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_posting_is_rate_limited_per_account(client, article, ann, settings):
    settings.NEWSDESK_COMMENT_RATE_PER_USER = 3
    client.force_login(ann)
    statuses = [client.post(post_url(article), {"body": f"post {n}"}).status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Comment.objects.count() == 3


def test_posting_is_rate_limited_per_address_across_accounts(client, article, settings):
    settings.NEWSDESK_COMMENT_RATE_PER_IP = 2
    statuses = []
    for number in range(3):
        client.force_login(make_reader(f"sock{number}@example.org"))
        statuses.append(client.post(post_url(article), {"body": f"sock {number}"}).status_code)
    assert statuses == [302, 302, 429]
    assert client.post(post_url(article), {"body": "again"}).headers["Retry-After"].isdigit()


def test_comments_on_stories(client, article, ann):
    story = Story.objects.create(
        title="Lighthouse", first_published_at=timezone.now(), last_published_at=timezone.now()
    )
    client.force_login(ann)
    client.post(reverse("comment_post", args=["story", story.pk]), {"body": "On the story"})
    comment = Comment.objects.get()
    assert comment.story == story and comment.article is None
    found = thread(story, ann, "newest", 1, 10)
    assert [c.body for c in found.page.items] == ["On the story"] and found.visible_count == 1


def test_comment_counts_on_lists_in_one_query(client, article, ann, django_assert_max_num_queries):
    other = make_article(article.source, "Ferry news")
    post_comment(ann, article, "one")
    post_comment(ann, article, "two")
    post_comment(ann, other, "three")
    Comment.objects.create(author=ann, article=other, body="gone", body_html="", state=Comment.State.HIDDEN)
    story = Story.objects.create(
        title="Ferries", first_published_at=timezone.now(), last_published_at=timezone.now()
    )
    post_comment(ann, story, "four")
    with django_assert_max_num_queries(1):
        counts = comment_counts([article.pk, other.pk], [story.pk])
    assert counts.articles == {article.pk: 2, other.pk: 1} and counts.stories == {story.pk: 1}
    listing = client.get(reverse("source", args=[article.source.slug])).content.decode()
    assert "2 comments" in listing and "1 comment<" in listing
