"""Comment posts a reader cannot simply send again: line breaks at the limit, a gone parent, a closed edit."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsdesk.models import Comment
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.comments.actions import post_comment
from newsdesk.web.moderation.actions import moderate_comment


def post_url(article) -> str:
    return reverse("comment_post", args=["article", article.pk])


def retry_form(page: str) -> str:
    """The refused page's "Try again" form, or "" when it offers none."""
    start = page.find('<form method="post"', page.find('class="comment-refused"'))
    return page[start : page.find("</form>", start)] if start >= 0 else ""


def test_line_breaks_count_once_as_the_textarea_counts_them(client, article, ann, settings):
    """Browsers send a textarea's line breaks as CRLF but its maxlength counts each as one."""
    client.force_login(ann)
    limit = settings.NEWSDESK_COMMENT_MAX_CHARS
    typed = "x" * (limit - 10) + "\ny" * 5  # exactly the limit, as the textarea counts it
    response = client.post(post_url(article), {"body": typed.replace("\n", "\r\n")})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.body == typed and comment.body_html.count("<br>") == 5


def test_editing_counts_line_breaks_once_too(client, article, ann, settings):
    client.force_login(ann)
    comment = post_comment(ann, article, "First words")
    typed = "x" * (settings.NEWSDESK_COMMENT_MAX_CHARS - 2) + "\ny"
    response = client.post(reverse("comment_edit", args=[comment.pk]), {"body": typed.replace("\n", "\r\n")})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == typed


@pytest.mark.parametrize("gone", ["deleted", "hidden", "missing"])
def test_a_reply_to_a_comment_that_is_gone_can_be_posted_as_a_new_comment(client, article, ann, bob, gone):
    parent = post_comment(bob, article, "Bob's thought")
    if gone == "deleted":
        parent.state = Comment.State.DELETED
        parent.save()
        parent_id = parent.pk
    elif gone == "hidden":
        moderate_comment(make_reader("mod@example.org", staff=True), parent, "hide")
        parent_id = parent.pk
    else:
        parent_id = parent.pk + 100
    client.force_login(ann)
    response = client.post(post_url(article), {"body": "My careful reply", "parent": parent_id})
    page = response.content.decode()
    assert response.status_code == 400
    assert "My careful reply" in page
    assert "new comment" in page
    form = retry_form(page)
    assert form and 'name="parent"' not in form
    # Sending it again from there posts it on the page, not as a reply.
    response = client.post(post_url(article), {"body": "My careful reply"})
    assert response.status_code == 302
    assert Comment.objects.get(body="My careful reply").parent is None


def test_a_comment_a_moderator_hid_cannot_be_edited_and_the_page_says_why(client, article, ann):
    comment = post_comment(ann, article, "Hot take")
    moderate_comment(make_reader("mod@example.org", staff=True), comment, "hide")
    client.force_login(ann)
    response = client.post(reverse("comment_edit", args=[comment.pk]), {"body": "Milder take"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "moderator" in page and "minutes after posting" not in page
    # The typed text is kept to copy, without a "Try again" that could only fail again.
    assert "Milder take" in page and not retry_form(page)
    comment.refresh_from_db()
    assert comment.body == "Hot take"


def test_an_edit_after_the_window_keeps_the_text_without_a_retry_that_must_fail(client, article, ann):
    comment = post_comment(ann, article, "Old words")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    client.force_login(ann)
    response = client.post(reverse("comment_edit", args=[comment.pk]), {"body": "New words"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "minutes after posting" in page and "New words" in page
    assert not retry_form(page)


def test_an_edit_that_is_too_long_can_be_fixed_and_sent_again(client, article, ann, settings):
    comment = post_comment(ann, article, "Old words")
    client.force_login(ann)
    response = client.post(
        reverse("comment_edit", args=[comment.pk]), {"body": "x" * (settings.NEWSDESK_COMMENT_MAX_CHARS + 1)}
    )
    assert response.status_code == 400 and retry_form(response.content.decode())
