"""Posting, editing, deleting and reporting comments; every rule a comment must pass lives here."""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsdesk.models import Article, BannedWord, Comment, CommentReport
from newsdesk.web.accounts.lib import profile_of
from newsdesk.web.comments.lib import Target, can_delete, can_edit, can_report, public
from newsdesk.web.comments.markup import links_in, plain_text, render_comment

PARENT_GONE = "That comment can no longer be answered."

REPORT_REASONS = {
    "spam": "Spam or advertising",
    "abuse": "Abuse or harassment",
    "hate": "Hate speech",
    "off-topic": "Off topic",
    "other": "Something else",
}


class CommentRefused(Exception):
    """A comment action that is not allowed; the message is meant for the reader."""


class ParentUnanswerable(CommentRefused):
    """The comment replied to is deleted, hidden, gone or on another page: sending the reply again
    can only fail, but its text can still go on the page as a new comment."""


class EditClosed(CommentRefused):
    """The comment can no longer be edited, whatever the text: sending it again can only fail."""


def post_comment(
    author: AbstractBaseUser,
    target: Target,
    body: str,
    *,
    parent: Comment | None = None,
    ip_address: str | None = None,
) -> Comment:
    """Add a comment (or a reply: replies to replies join the top-level thread, one level deep)."""
    body = _checked_body(body)
    _refuse_if_suspended(author)
    if parent is not None:
        if (parent.article_id, parent.story_id) != _target_ids(target):
            raise ParentUnanswerable("That comment belongs to another page.")
        if parent.parent_id:
            parent = parent.parent
        if not Comment.objects.filter(public(), pk=parent.pk).exists():
            raise ParentUnanswerable(PARENT_GONE)
    article_id, story_id = _target_ids(target)
    return Comment.objects.create(
        author=author,
        article_id=article_id,
        story_id=story_id,
        parent=parent,
        body=body,
        body_html=render_comment(body),
        state=initial_state(author, body),
        ip_address=ip_address or None,
    )


def edit_comment(comment: Comment, editor: AbstractBaseUser, body: str) -> Comment:
    if not can_edit(comment, editor):
        raise EditClosed(_why_not_editable(comment))
    body = _checked_body(body)
    _refuse_if_suspended(editor)
    comment.body = body
    comment.body_html = render_comment(body)
    comment.edited_at = timezone.now()
    # An edit must not smuggle past what posting would have held.
    if comment.state == Comment.State.VISIBLE:
        comment.state = initial_state(editor, body)
    comment.save(update_fields=["body", "body_html", "edited_at", "state"])
    return comment


def _why_not_editable(comment: Comment) -> str:
    if comment.state == Comment.State.HIDDEN:
        return "A moderator has hidden this comment, so it can no longer be edited."
    if comment.state == Comment.State.DELETED:
        return "This comment is deleted, so it can no longer be edited."
    return f"Comments can be edited for {settings.NEWSDESK_COMMENT_EDIT_MINUTES} minutes after posting."


def delete_comment(comment: Comment, user: AbstractBaseUser) -> None:
    if not can_delete(comment, user):
        raise CommentRefused("Only its author can delete a comment.")
    comment.state = Comment.State.DELETED
    comment.save(update_fields=["state"])


@transaction.atomic
def report_comment(
    comment: Comment, reporter: AbstractBaseUser, reason: str, details: str = ""
) -> CommentReport:
    """Record a report; the Nth distinct reporter hides the comment until a moderator looks."""
    if reason not in REPORT_REASONS:
        raise CommentRefused("Choose a reason for the report.")
    if not can_report(comment, reporter):
        raise CommentRefused("This comment cannot be reported.")
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(
                comment=comment, reporter=reporter, reason=reason, details=details.strip()[:2000]
            )
    except IntegrityError as error:
        raise CommentRefused("You have already reported this comment.") from error
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    reports = CommentReport.objects.filter(comment=comment)
    comment.report_count = reports.count()
    # Reports a moderator has answered (restoring the comment resolves them) do not count again:
    # one more report must not overrule the moderator.
    if (
        reports.filter(resolved=False).count() >= settings.NEWSDESK_COMMENT_HIDE_AFTER_REPORTS
        and comment.state == Comment.State.VISIBLE
    ):
        comment.state = Comment.State.HIDDEN
    comment.save(update_fields=["report_count", "state"])
    return report


def initial_state(author: AbstractBaseUser, body: str) -> str:
    """Held for review when the text has a banned word, or links from an account still new."""
    if banned_words_in(body):
        return Comment.State.HELD
    account_age = timezone.now() - author.date_joined
    if links_in(body) and account_age < timedelta(days=settings.NEWSDESK_COMMENT_NEW_ACCOUNT_DAYS):
        return Comment.State.HELD
    return Comment.State.VISIBLE


def banned_words_in(body: str) -> list[str]:
    """Banned words or phrases found in `body` as whole words, ignoring case."""
    words = list(BannedWord.objects.values_list("word", flat=True))
    if not words:
        return []
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE)
    return sorted({match.lower() for match in pattern.findall(body)})


def _checked_body(body: str) -> str:
    body = plain_text(body).strip()
    if not body:
        raise CommentRefused("Write something first.")
    if len(body) > settings.NEWSDESK_COMMENT_MAX_CHARS:
        raise CommentRefused(f"Comments are limited to {settings.NEWSDESK_COMMENT_MAX_CHARS} characters.")
    return body


def _refuse_if_suspended(user: AbstractBaseUser) -> None:
    until = profile_of(user).suspended_until
    if until and until > timezone.now():
        until = timezone.localtime(until)  # in the reader's own zone, named
        raise CommentRefused(
            f"Your account is suspended from commenting until {until:%d-%m-%Y %H:%M} {until.tzname()}."
        )


def _target_ids(target: Target) -> tuple[str | None, int | None]:
    return (target.pk, None) if isinstance(target, Article) else (None, target.pk)
