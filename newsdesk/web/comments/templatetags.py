"""`{% comments_section article_or_story %}` and comment counts for lists of cards.

Registered as the `newsdesk_comments` library in settings (TEMPLATES libraries).
"""

from django import template
from django.conf import settings
from django.http import Http404

from newsdesk.models import Article
from newsdesk.web.accounts.lib import display_name, moderator_name
from newsdesk.web.comments import lib
from newsdesk.web.comments.actions import REPORT_REASONS
from newsdesk.web.comments.forms import HONEYPOT_FIELD
from newsdesk.web.comments.lib import can_delete, can_edit, can_report, requested_sort, thread
from newsdesk.web.paging import page_number

register = template.Library()

PAGE_PARAMETER = "cpage"
SORT_PARAMETER = "comments"


@register.inclusion_tag("newsdesk/comments/section.html", takes_context=True)
def comments_section(context, target) -> dict:
    request = context["request"]
    viewer = request.user
    sort = requested_sort(request.GET.get(SORT_PARAMETER))
    # A comment page is a part of the article's page: a bad or stale number shows the first
    # comments rather than hiding the whole article behind a 404 (list pages answer 404).
    number = page_number(request.GET.get(PAGE_PARAMETER, "1")) or 1
    try:
        found = thread(target, viewer, sort, number, settings.NEWSDESK_COMMENTS_PAGE_SIZE)
    except Http404:
        found = thread(target, viewer, sort, 1, settings.NEWSDESK_COMMENTS_PAGE_SIZE)
    for comment in found.page.items:
        _decorate(comment, viewer)
        for reply in comment.shown_replies:
            _decorate(reply, viewer)
    kind = "article" if isinstance(target, Article) else "story"
    return {
        "request": request,
        "user": viewer,
        "target": target,
        "kind": kind,
        "thread": found,
        "report_reasons": REPORT_REASONS.items(),
        "honeypot": HONEYPOT_FIELD,
        "max_chars": settings.NEWSDESK_COMMENT_MAX_CHARS,
        "edit_minutes": settings.NEWSDESK_COMMENT_EDIT_MINUTES,
        "page_parameter": PAGE_PARAMETER,
        "sort_parameter": SORT_PARAMETER,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def attach_comment_counts(articles) -> str:
    """Give each article in a list its `comment_count`, in one query for the whole list."""
    lib.attach_comment_counts(article for article in articles if isinstance(article, Article))
    return ""


@register.filter
def reader_name(user) -> str:
    """The author's display name, as text (the template escapes it)."""
    return display_name(user)


@register.filter
def staff_name(user) -> str:
    """Who acted, on pages only moderators see."""
    return moderator_name(user)


def _decorate(comment, viewer) -> None:
    comment.editable = can_edit(comment, viewer)
    comment.deletable = can_delete(comment, viewer)
    comment.reportable = can_report(comment, viewer)
    comment.own = viewer.is_authenticated and comment.author_id == viewer.pk
