"""Comment form posts. Pages show comments through the `comments_section` template tag."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from newsdesk.models import Article, Comment, Story
from newsdesk.web.comments.actions import (
    CommentRefused,
    delete_comment,
    edit_comment,
    post_comment,
    report_comment,
)
from newsdesk.web.comments.forms import CommentForm, ReportForm
from newsdesk.web.comments.lib import target_url
from newsdesk.web.ratelimit import client_ip, first_refusal, too_many_requests


@require_POST
@login_required
def post(request: HttpRequest, kind: str, target_id: str) -> HttpResponse:
    target = _target(kind, target_id)
    form = CommentForm(request.POST)
    if form.is_bot():
        return redirect(f"{target.get_absolute_url()}#comments")
    if limited := _rate_limited(request):
        return limited
    if not form.is_valid():
        return _refused(request, target, form, "Write a comment of reasonable length.")
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
        if parent is None:
            raise Http404("no such comment")
    try:
        comment = post_comment(
            request.user, target, form.cleaned_data["body"], parent=parent, ip_address=client_ip(request)
        )
    except CommentRefused as refusal:
        return _refused(request, target, form, str(refusal))
    if comment.state == Comment.State.HELD:
        messages.info(request, "Thanks. Your comment is held until a moderator has looked at it.")
    return redirect(target_url(comment))


@require_POST
@login_required
def edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    # Someone else's comment is "not found", whatever its id.
    comment = get_object_or_404(Comment, pk=comment_id, author=request.user)
    form = CommentForm(request.POST)
    if form.is_bot():
        return redirect(target_url(comment))
    if not form.is_valid():
        return _refused(request, _target_of(comment), form, "Write a comment of reasonable length.", comment)
    try:
        edit_comment(comment, request.user, form.cleaned_data["body"])
    except CommentRefused as refusal:
        return _refused(request, _target_of(comment), form, str(refusal), comment)
    return redirect(target_url(comment))


@require_POST
@login_required
def delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=comment_id, author=request.user)
    try:
        delete_comment(comment, request.user)
    except CommentRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Your comment is deleted.")
    return redirect(f"{_target_of(comment).get_absolute_url()}#comments")


@require_POST
@login_required
def report(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=comment_id)
    if limited := _rate_limited(request):
        return limited
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a reason for the report.")
    else:
        try:
            report_comment(comment, request.user, form.cleaned_data["reason"], form.cleaned_data["details"])
        except CommentRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "Thanks. A moderator will look at the comment.")
    return redirect(f"{_target_of(comment).get_absolute_url()}#comments")


def _target(kind: str, target_id: str) -> Article | Story:
    if kind == "article":
        return get_object_or_404(Article, pk=target_id)
    if kind == "story" and target_id.isdigit():
        return get_object_or_404(Story, pk=int(target_id))
    raise Http404("nothing to comment on")


def _target_of(comment: Comment) -> Article | Story:
    return comment.article if comment.article_id else comment.story


def _rate_limited(request: HttpRequest) -> HttpResponse | None:
    """Posting is limited per account and per address (see `first_refusal`)."""
    refused = first_refusal(
        [
            (f"comments:user:{request.user.pk}", settings.NEWSDESK_COMMENT_RATE_PER_USER),
            (f"comments:ip:{client_ip(request)}", settings.NEWSDESK_COMMENT_RATE_PER_IP),
        ],
        settings.NEWSDESK_COMMENT_RATE_WINDOW,
    )
    if refused is None:
        return None
    return too_many_requests("You are posting too fast; please wait a little and try again.", refused)


def _refused(
    request: HttpRequest, target, form: CommentForm, reason: str, comment: Comment | None = None
) -> HttpResponse:
    """Show the reason with the reader's text still in the box: nothing typed is lost."""
    return render(
        request,
        "newsdesk/comments/refused.html",
        {
            "target": target,
            "reason": reason,
            "action": request.path,
            "body": request.POST.get("body", ""),
            "parent": request.POST.get("parent", ""),
            "comment": comment,
        },
        status=400,
    )
