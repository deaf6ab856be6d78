"""The moderation queue: what needs a moderator's eyes, most reported first."""

from django.db.models import Q, QuerySet

from newsdesk.models import Comment, ModerationAction

DEFAULT_SUSPENSION_DAYS = 7
# Ten years (the queue form's max): longer is a ban, and far longer overflows the date arithmetic.
MAX_SUSPENSION_DAYS = 3650
SUSPENSION_DAYS_RULE = f"Suspend for a whole number of days from 1 to {MAX_SUSPENSION_DAYS}."


def queue() -> QuerySet[Comment]:
    """Held comments, and comments with reports nobody has resolved yet (hidden ones included)."""
    waiting = Q(state=Comment.State.HELD) | Q(
        state__in=[Comment.State.VISIBLE, Comment.State.HIDDEN], reports__resolved=False
    )
    return (
        Comment.objects.filter(waiting)
        .distinct()
        .select_related("author__profile", "article", "story")
        .prefetch_related("reports")
        .order_by("-report_count", "created_at")
    )


def audit_log() -> QuerySet[ModerationAction]:
    # The log shows both readers' display names, which live on their profiles.
    return ModerationAction.objects.select_related("moderator__profile", "target_user__profile").order_by(
        "-created_at"
    )


def suspension_days(raw: str) -> int | None:
    """The queue form's "days": the default when left empty, None when it is not 1 to MAX_SUSPENSION_DAYS."""
    raw = raw.strip()
    if not raw:
        return DEFAULT_SUSPENSION_DAYS
    # ASCII digits only ("²".isdigit() is true, int() refuses it); the length bounds int() on junk.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_SUSPENSION_DAYS)):
        return None
    days = int(raw)
    return days if 1 <= days <= MAX_SUSPENSION_DAYS else None
