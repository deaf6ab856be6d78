"""What moderators do. Every action writes one ModerationAction row: the audit log."""

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from newsdesk.models import BannedWord, Comment, ModerationAction
from newsdesk.store.generations import bump_on_commit
from newsdesk.web.accounts.lib import is_deleted_reader, profile_of
from newsdesk.web.moderation.lib import DEFAULT_SUSPENSION_DAYS, MAX_SUSPENSION_DAYS, SUSPENSION_DAYS_RULE

COMMENT_ACTIONS = ("approve", "hide", "delete")
USER_ACTIONS = ("suspend", "unsuspend", "shadow_ban", "unshadow_ban")


class ModerationRefused(Exception):
    pass


@transaction.atomic
def moderate_comment(moderator: AbstractBaseUser, comment: Comment, action: str, note: str = "") -> None:
    """approve (visible, reports resolved), hide, or delete a comment."""
    states = {"approve": Comment.State.VISIBLE, "hide": Comment.State.HIDDEN, "delete": Comment.State.DELETED}
    if action not in states:
        raise ModerationRefused(f"unknown comment action {action!r}")
    if comment.state == Comment.State.DELETED:
        # Its author's or a moderator's deletion is final: approving it would publish what was withdrawn.
        raise ModerationRefused(f"Comment {comment.pk} is deleted, and a deletion is final.")
    comment.state = states[action]
    comment.save(update_fields=["state"])
    comment.reports.filter(resolved=False).update(resolved=True)
    _log(moderator, action, note, comment=comment, target_user=comment.author)


@transaction.atomic
def moderate_reader(
    moderator: AbstractBaseUser,
    reader: AbstractBaseUser,
    action: str,
    *,
    days: int = DEFAULT_SUSPENSION_DAYS,
    note: str = "",
    comment: Comment | None = None,
) -> None:
    """Suspend a reader from commenting for `days` (at most MAX_SUSPENSION_DAYS), or shadow-ban them."""
    if action not in USER_ACTIONS:
        raise ModerationRefused(f"unknown reader action {action!r}")
    if action == "suspend" and not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise ModerationRefused(SUSPENSION_DAYS_RULE)
    if reader.is_staff and action in ("suspend", "shadow_ban"):
        raise ModerationRefused("Staff accounts are managed in the admin, not the moderation queue.")
    if is_deleted_reader(reader):
        # One placeholder holds every deleted reader's comments; there is nobody left to act on.
        raise ModerationRefused("The author deleted their account; only their comment can be moderated.")
    profile = profile_of(reader)
    if action == "suspend":
        profile.suspended_until = timezone.now() + timedelta(days=days)
        note = note or f"{days} days"
    elif action == "unsuspend":
        profile.suspended_until = None
    else:
        profile.shadow_banned = action == "shadow_ban"
    profile.save(update_fields=["suspended_until", "shadow_banned"])
    if action in ("shadow_ban", "unshadow_ban"):
        # Their comments appear or disappear on every page they wrote on.
        bump_on_commit(
            Comment.objects.filter(author=reader, article__isnull=False).values_list("article_id", flat=True)
        )
    _log(moderator, action, note, comment=comment, target_user=reader)


def ban_word(moderator: AbstractBaseUser, word: str) -> BannedWord | None:
    word = " ".join(word.split()).lower()
    if not word:
        return None
    banned, created = BannedWord.objects.get_or_create(word=word[:100])
    if created:
        _log(moderator, "ban_word", banned.word)
    return banned


def unban_word(moderator: AbstractBaseUser, word: str) -> None:
    deleted, _ = BannedWord.objects.filter(word=word).delete()
    if deleted:
        _log(moderator, "unban_word", word)


def _log(moderator, action: str, note: str, *, comment=None, target_user=None) -> ModerationAction:
    return ModerationAction.objects.create(
        moderator=moderator, action=action, comment=comment, target_user=target_user, note=note[:2000]
    )
