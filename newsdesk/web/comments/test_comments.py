"""Comments through HTTP and through the actions: threads, edits, reports, holds, limits, IDOR."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from newsdesk.models import BannedWord, Comment, CommentReport, ReaderProfile, Story
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.comments.actions import CommentRefused, post_comment, report_comment
from newsdesk.web.comments.lib import comment_counts, thread
from newsdesk.web.moderation.actions import moderate_comment
from newsdesk.web.testing import make_article


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


def login_link(page: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': page})}"


def test_anonymous_post_keeps_the_text_and_logs_in_back_to_the_page(client, article):
    """A session that ended must not send the browser, after logging in, to the POST-only URL (a 405)."""
    response = client.post(post_url(article), {"body": "Words typed before the session ended"})
    page = response.content.decode()
    assert response.status_code == 403 and "Location" not in response
    assert "Words typed before the session ended" in page
    assert login_link(f"{article.get_absolute_url()}#comments") in page
    assert not Comment.objects.exists()
    story = Story.objects.create(
        title="Lamp", first_published_at=timezone.now(), last_published_at=timezone.now()
    )
    response = client.post(reverse("comment_post", args=["story", story.pk]), {"body": "On the story"})
    assert (
        response.status_code == 403
        and login_link(f"{story.get_absolute_url()}#comments") in response.content.decode()
    )


def test_anonymous_edit_delete_and_report_answer_in_place(client, article, ann):
    comment = post_comment(ann, article, "Ann's words")
    back = login_link(f"{article.get_absolute_url()}#comments")
    edited = client.post(reverse("comment_edit", args=[comment.pk]), {"body": "Ann's better words"})
    deleted = client.post(reverse("comment_delete", args=[comment.pk]))
    reported = client.post(
        reverse("comment_report", args=[comment.pk]), {"reason": "abuse", "details": "Insults in line two"}
    )
    for response in (edited, deleted, reported):
        assert response.status_code == 403 and back in response.content.decode()
    assert "Ann&#x27;s better words" in edited.content.decode()
    assert "Insults in line two" in reported.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Ann's words" and comment.state == Comment.State.VISIBLE
    assert not CommentReport.objects.exists()


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


def test_a_comment_a_moderator_restored_is_hidden_again_only_by_as_many_new_reports(article, ann, settings):
    settings.NEWSDESK_COMMENT_HIDE_AFTER_REPORTS = 2
    comment = post_comment(ann, article, "Strong opinion")
    for n in (1, 2):
        report_comment(comment, make_reader(f"r{n}@example.org"), "abuse")
    moderate_comment(make_reader("mod@example.org"), Comment.objects.get(pk=comment.pk), "approve")
    report_comment(comment, make_reader("r3@example.org"), "abuse")
    comment.refresh_from_db()
    assert comment.report_count == 3 and comment.state == Comment.State.VISIBLE
    report_comment(comment, make_reader("r4@example.org"), "abuse")
    assert Comment.objects.get(pk=comment.pk).state == Comment.State.HIDDEN


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


def test_a_suspension_ends_at_a_time_in_the_readers_own_zone(client, article, ann):
    until = datetime(2099, 6, 26, 23, 30, tzinfo=UTC)
    ReaderProfile.objects.filter(user=ann).update(suspended_until=until)
    client.force_login(ann)
    said = client.post(post_url(article), {"body": "Let me speak"}).content.decode()
    assert "until 26-06-2099 23:30 UTC." in said
    ReaderProfile.objects.filter(user=ann).update(time_zone="Europe/Paris")
    said = client.post(post_url(article), {"body": "Let me speak"}).content.decode()
    assert "until 27-06-2099 01:30 CEST." in said


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


def test_only_comments_that_go_through_use_up_the_rate_limit(client, article, ann, bob, settings):
    settings.NEWSDESK_COMMENT_RATE_PER_USER = 3
    client.force_login(ann)
    assert client.post(post_url(article), {"body": "first"}).status_code == 302
    assert client.post(post_url(article), {"body": "second"}).status_code == 302
    for body in ("", "   ", "x" * 5000):
        assert client.post(post_url(article), {"body": body}).status_code == 400
    elsewhere = post_comment(bob, make_article(article.source, "Elsewhere"), "elsewhere")
    refused = client.post(post_url(article), {"body": "a reply", "parent": elsewhere.pk})
    assert refused.status_code == 400 and "another page" in refused.content.decode()
    assert client.post(post_url(article), {"body": "third"}).status_code == 302
    too_fast = client.post(post_url(article), {"body": "The fourth, kept for later"})
    assert too_fast.status_code == 429 and too_fast["Retry-After"].isdigit()
    assert too_fast["Content-Type"].startswith("text/html")
    page = too_fast.content.decode()
    assert "The fourth, kept for later" in page and "posting too fast" in page
    assert Comment.objects.filter(author=ann).count() == 3


def test_a_post_refused_by_one_limit_counts_against_none(client, article, ann, settings):
    settings.NEWSDESK_COMMENT_RATE_PER_USER = 2
    settings.NEWSDESK_COMMENT_RATE_PER_IP = 1
    client.force_login(ann)
    assert client.post(post_url(article), {"body": "one"}, REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post(post_url(article), {"body": "two"}, REMOTE_ADDR="10.0.0.1").status_code == 429
    # The refusal by address did not use up Ann's own budget: one more post fits from elsewhere.
    assert client.post(post_url(article), {"body": "three"}, REMOTE_ADDR="10.0.0.2").status_code == 302
    assert client.post(post_url(article), {"body": "four"}, REMOTE_ADDR="10.0.0.3").status_code == 429


def test_reports_have_their_own_rate_limit(client, article, ann, bob, settings, monkeypatch):
    settings.NEWSDESK_COMMENT_RATE_PER_USER = 1
    monkeypatch.setattr("newsdesk.web.comments.views.REPORTS_PER_USER", 1)
    first, second = post_comment(ann, article, "Spam one"), post_comment(ann, article, "Spam two")
    client.force_login(bob)
    assert client.post(post_url(article), {"body": "Bob's one comment"}).status_code == 302
    report = reverse("comment_report", args=[first.pk])
    assert client.post(report, {"reason": "spam", "details": "x" * 2001}).status_code == 400
    assert client.post(report, {"reason": "spam"}).status_code == 302
    assert CommentReport.objects.filter(comment=first).exists()
    too_fast = client.post(
        reverse("comment_report", args=[second.pk]), {"reason": "spam", "details": "Same advert again"}
    )
    assert too_fast.status_code == 429 and too_fast["Retry-After"].isdigit()
    assert "Same advert again" in too_fast.content.decode()
    assert not CommentReport.objects.filter(comment=second).exists()


def test_refusals_say_what_is_wrong(client, article, ann, bob):
    client.force_login(ann)
    too_long = client.post(post_url(article), {"body": "x" * 4001}).content.decode()
    assert "Comments are limited to 4000 characters." in too_long and "reasonable length" not in too_long
    assert "Write something first." in client.post(post_url(article), {"body": "  "}).content.decode()
    comment = post_comment(bob, article, "Questionable")
    response = client.post(
        reverse("comment_report", args=[comment.pk]), {"reason": "abuse", "details": "y" * 2001}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "Report details are limited to 2000 characters." in page
    assert "y" * 2001 in page and 'value="abuse" selected' in page
    assert not CommentReport.objects.exists()


@pytest.mark.parametrize("cpage", ["²", "0", "abc", "99999999999999999999"])
def test_a_bad_comment_page_shows_the_first_comments(client, article, ann, cpage, settings):
    """Part of the article's page: a bad number falls back rather than hiding the whole article."""
    settings.NEWSDESK_COMMENTS_PAGE_SIZE = 1
    post_comment(ann, article, "older comment")
    post_comment(ann, article, "newest comment")
    response = client.get(article.get_absolute_url(), {"cpage": cpage})
    assert response.status_code == 200 and "newest comment" in response.content.decode()
    story = Story.objects.create(
        title="Lamp", first_published_at=timezone.now(), last_published_at=timezone.now()
    )
    assert client.get(story.get_absolute_url(), {"cpage": cpage}).status_code == 200
