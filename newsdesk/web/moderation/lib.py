"""The moderation queue: what needs a moderator's eyes, most reported first."""

from django.db.models import Q, QuerySet

from newsdesk.models import Comment, ModerationAction


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
    return ModerationAction.objects.select_related("moderator", "target_user", "comment").order_by(
        "-created_at"
    )
