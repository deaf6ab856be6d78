"""The "refused" page that readers' forms fall back on: what went wrong, with the typed text given back.

Comments, reports, follows, saves and moderation all answer a refusal with it, so nothing typed is
lost and the browser is never sent to a URL that only takes POST (after logging in it would GET it
and get a bare 405).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


@dataclass(frozen=True)
class Retry:
    """A form on the refused page that sends the kept text again."""

    action: str
    text_field: str = "body"
    text_required: bool = True
    hidden: tuple[tuple[str, str], ...] = ()
    reasons: tuple[tuple[str, str], ...] = ()  # a report's reasons, to choose from again
    chosen_reason: str = ""


def refused_page(
    request: HttpRequest,
    *,
    heading: str,
    reason: str,
    back_url: str,
    status: int,
    text: str = "",
    retry: Retry | None = None,
    sign_in_url: str = "",
    retry_after: int = 0,
) -> HttpResponse:
    """`retry_after`: seconds a rate limit asks the reader to wait (status 429), sent as Retry-After."""
    response = render(
        request,
        "newsdesk/comments/refused.html",
        {
            "heading": heading,
            "reason": reason,
            "back_url": back_url,
            "text": text,
            "retry": retry,
            "sign_in_url": sign_in_url,
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def sign_in_first(request: HttpRequest, back_url: str, *, text: str = "") -> HttpResponse:
    """403 for a POST without a signed-in reader: their text back and a log-in link to `back_url`."""
    return refused_page(
        request,
        heading="Log in to go on",
        reason="You are not logged in (your session may have ended), so nothing was saved.",
        back_url=back_url,
        status=403,
        text=text,
        sign_in_url=f"{reverse('account_login')}?{urlencode({'next': back_url})}",
    )


def signed_in_to_post(page_of: Callable[..., str], *, text_field: str = "") -> Callable:
    """For POST-only views: an anonymous request gets `sign_in_first`, returning to the reader's page.

    That page is the form's own same-site `next` field, else `page_of(**view_kwargs)`.
    login_required would instead send `next` to the POST-only URL itself.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            back_url = same_site_next(request) or page_of(*args, **kwargs)
            text = request.POST.get(text_field, "") if text_field else ""
            return sign_in_first(request, back_url, text=text)

        return wrapper

    return decorate


def same_site_next(request: HttpRequest) -> str:
    """The form's `next` field when it points into this site, else ""."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""
