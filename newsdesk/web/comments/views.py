"""Comment form posts. Pages show comments through the `comments_section` template tag."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newsdesk.models import Article, Comment, Story
from newsdesk.web.comments.actions import (
    PARENT_GONE,
    REPORT_REASONS,
    CommentRefused,
    EditClosed,
    ParentUnanswerable,
    delete_comment,
    edit_comment,
    post_comment,
    report_comment,
)
from newsdesk.web.comments.forms import CommentForm, ReportForm, problems
from newsdesk.web.comments.lib import written_by
from newsdesk.web.comments.refusal import Retry, refused_page, signed_in_to_post
from newsdesk.web.paging import queryset_fetcher, requested_page, slice_page
from newsdesk.web.ratelimit import RateResult, client_ip, first_refusal, give_back

# Reports have their own budget, so that reporting a thread of spam does not stop a reader
# commenting (or the other way round). Per window of NEWSDESK_COMMENT_RATE_WINDOW seconds.
REPORTS_PER_USER = 10
REPORTS_PER_IP = 40


def _page_of_target(kind: str, target_id: str) -> str:
    return f"{_target(kind, target_id).get_absolute_url()}#comments"


def _page_of_comment(comment_id: int) -> str:
    return f"{get_object_or_404(Comment, pk=comment_id).target.get_absolute_url()}#comments"


@never_cache
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The reader's own comments, each linked to its place on its page."""
    page = slice_page(
        queryset_fetcher(written_by(request.user)), requested_page(request), settings.NEWSDESK_PAGE_SIZE
    )
    return render(request, "newsdesk/comments/mine.html", {"page": page})


@require_POST
@signed_in_to_post(_page_of_target, text_field="body")
def post(request: HttpRequest, kind: str, target_id: str) -> HttpResponse:
    target = _target(kind, target_id)
    form = CommentForm(request.POST)
    if form.is_bot():
        return redirect(f"{target.get_absolute_url()}#comments")
    if not form.is_valid():
        return _refused(request, target, problems(form))
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
        if parent is None:
            return _refused(request, target, PARENT_GONE, as_new_comment=True)
    # Only a comment that goes through uses up the budget: counted now, given back on a refusal.
    limits, now = _comment_limits(request), time.time()
    if refused := first_refusal(limits, settings.NEWSDESK_COMMENT_RATE_WINDOW, now=now):
        return _refused(request, target, _too_fast(refused), status=429, retry_after=refused.retry_after)
    try:
        comment = post_comment(
            request.user, target, form.cleaned_data["body"], parent=parent, ip_address=client_ip(request)
        )
    except CommentRefused as refusal:
        give_back(limits, settings.NEWSDESK_COMMENT_RATE_WINDOW, now=now)
        return _refused(request, target, str(refusal), as_new_comment=isinstance(refusal, ParentUnanswerable))
    if comment.state == Comment.State.HELD:
        messages.info(request, "Thanks. Your comment is held until a moderator has looked at it.")
    return redirect(comment.get_absolute_url())


@require_POST
@signed_in_to_post(_page_of_comment, text_field="body")
def edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    # Someone else's comment is "not found", whatever its id.
    comment = get_object_or_404(Comment, pk=comment_id, author=request.user)
    form = CommentForm(request.POST)
    if form.is_bot():
        return redirect(comment.get_absolute_url())
    if not form.is_valid():
        return _refused(request, comment.target, problems(form), editing=True)
    try:
        edit_comment(comment, request.user, form.cleaned_data["body"])
    except EditClosed as refusal:
        return _refused(request, comment.target, str(refusal), editing=True, retry=False)
    except CommentRefused as refusal:
        return _refused(request, comment.target, str(refusal), editing=True)
    return redirect(comment.get_absolute_url())


@require_POST
@signed_in_to_post(_page_of_comment)
def delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=comment_id, author=request.user)
    try:
        delete_comment(comment, request.user)
    except CommentRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Your comment is deleted.")
    return redirect(f"{comment.target.get_absolute_url()}#comments")


@require_POST
@signed_in_to_post(_page_of_comment, text_field="details")
def report(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=comment_id)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _report_refused(request, comment, problems(form))
    limits, now = _report_limits(request), time.time()
    if refused := first_refusal(limits, settings.NEWSDESK_COMMENT_RATE_WINDOW, now=now):
        return _report_refused(
            request, comment, _too_fast(refused), status=429, retry_after=refused.retry_after
        )
    try:
        report_comment(comment, request.user, form.cleaned_data["reason"], form.cleaned_data["details"])
    except CommentRefused as refusal:
        give_back(limits, settings.NEWSDESK_COMMENT_RATE_WINDOW, now=now)
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Thanks. A moderator will look at the comment.")
    return redirect(f"{comment.target.get_absolute_url()}#comments")


def _target(kind: str, target_id: str) -> Article | Story:
    if kind == "article":
        return get_object_or_404(Article, pk=target_id)
    if kind == "story" and target_id.isdigit():
        return get_object_or_404(Story, pk=int(target_id))
    raise Http404("nothing to comment on")


def _comment_limits(request: HttpRequest) -> list[tuple[str, int]]:
    """Posting is limited per account and per address (see `first_refusal`)."""
    return [
        (f"comments:user:{request.user.pk}", settings.NEWSDESK_COMMENT_RATE_PER_USER),
        (f"comments:ip:{client_ip(request)}", settings.NEWSDESK_COMMENT_RATE_PER_IP),
    ]


def _report_limits(request: HttpRequest) -> list[tuple[str, int]]:
    return [
        (f"reports:user:{request.user.pk}", REPORTS_PER_USER),
        (f"reports:ip:{client_ip(request)}", REPORTS_PER_IP),
    ]


def _too_fast(refused: RateResult) -> str:
    return f"You are posting too fast. Please wait {refused.retry_after} seconds and try again."


def _refused(
    request: HttpRequest,
    target: Article | Story,
    reason: str,
    *,
    editing: bool = False,
    as_new_comment: bool = False,
    retry: bool = True,
    status: int = 400,
    retry_after: int = 0,
) -> HttpResponse:
    """Show the reason with the reader's text still in the box: nothing typed is lost.

    `as_new_comment`: the reply cannot go under its comment, so "Try again" posts it on the page.
    `retry=False`: sending it again can only fail, so the text is only there to copy.
    """
    parent = "" if as_new_comment else request.POST.get("parent", "")
    if as_new_comment:
        reason = f"{reason} You can post your text as a new comment instead."
    return refused_page(
        request,
        heading="Your changes were not saved" if editing else "Your comment was not posted",
        reason=reason,
        back_url=f"{target.get_absolute_url()}#comments",
        status=status,
        text=request.POST.get("body", ""),
        retry=Retry(action=request.path, hidden=(("parent", parent),) if parent else ()) if retry else None,
        retry_after=retry_after,
    )


def _report_refused(
    request: HttpRequest, comment: Comment, reason: str, *, status: int = 400, retry_after: int = 0
) -> HttpResponse:
    return refused_page(
        request,
        heading="Your report was not sent",
        reason=reason,
        back_url=f"{comment.target.get_absolute_url()}#comments",
        status=status,
        text=request.POST.get("details", ""),
        retry=Retry(
            action=request.path,
            text_field="details",
            text_required=False,
            reasons=tuple(REPORT_REASONS.items()),
            chosen_reason=request.POST.get("reason", ""),
        ),
        retry_after=retry_after,
    )
