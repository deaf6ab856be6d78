"""The staff moderation queue, banned words and the audit log."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newsdesk.models import BannedWord, Comment
from newsdesk.web.comments.refusal import refused_page, sign_in_first
from newsdesk.web.moderation.actions import (
    COMMENT_ACTIONS,
    USER_ACTIONS,
    ModerationRefused,
    ban_word,
    moderate_comment,
    moderate_reader,
    unban_word,
)
from newsdesk.web.moderation.lib import (
    DEFAULT_SUSPENSION_DAYS,
    SUSPENSION_DAYS_RULE,
    audit_log,
    queue,
    suspension_days,
)
from newsdesk.web.paging import queryset_fetcher, requested_page, slice_page

LOG_PAGE_SIZE = 50


def staff_only(view: Callable) -> Callable:
    """Anonymous readers are sent to log in; signed-in readers who are not staff get a 403.

    An anonymous POST (a moderator whose session ended) is answered in place, with the note back
    and a log-in link to the queue: `next` must never be a POST-only URL.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            if request.method == "POST":
                return sign_in_first(request, reverse("moderation_queue"), text=request.POST.get("note", ""))
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied("moderators only")
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


@staff_only
def moderation_queue(request: HttpRequest) -> HttpResponse:
    page = slice_page(queryset_fetcher(queue()), requested_page(request), LOG_PAGE_SIZE)
    return render(
        request,
        "newsdesk/moderation/queue.html",
        {"page": page, "banned_words": BannedWord.objects.order_by("word")},
    )


@require_POST
@staff_only
def act_on_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("author"), pk=comment_id)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "").strip()
    days = suspension_days(request.POST.get("days", ""))
    if action == "suspend" and days is None:
        return refused_page(
            request,
            heading="Nothing was done",
            reason=SUSPENSION_DAYS_RULE,
            back_url=reverse("moderation_queue"),
            status=400,
            text=note,
        )
    try:
        if action in COMMENT_ACTIONS:
            moderate_comment(request.user, comment, action, note)
        elif action in USER_ACTIONS:
            moderate_reader(
                request.user,
                comment.author,
                action,
                days=days or DEFAULT_SUSPENSION_DAYS,
                note=note,
                comment=comment,
            )
        else:
            raise Http404("no such action")
    except ModerationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Done: {action.replace('_', ' ')} (comment {comment.pk}).")
    return redirect("moderation_queue")


@require_POST
@staff_only
def banned_words(request: HttpRequest) -> HttpResponse:
    if request.POST.get("action") == "remove":
        unban_word(request.user, request.POST.get("word", ""))
    elif ban_word(request.user, request.POST.get("word", "")) is None:
        messages.error(request, "Type a word to ban.")
    return redirect("moderation_queue")


@staff_only
def moderation_log(request: HttpRequest) -> HttpResponse:
    page = slice_page(queryset_fetcher(audit_log()), requested_page(request), LOG_PAGE_SIZE)
    return render(request, "newsdesk/moderation/log.html", {"page": page})
