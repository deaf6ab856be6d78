"""`{% follow_button kind value label %}` and `{% save_button article %}`.

Registered as the `newsdesk_follows` library in settings. Anonymous readers get a
plain "log in" link and no form, so their pages stay cacheable.
"""

from django import template

from newsdesk.models import Article, SavedArticle
from newsdesk.web.follows.lib import followed_values

register = template.Library()


@register.inclusion_tag("newsdesk/follows/_follow_button.html", takes_context=True)
def follow_button(context, kind: str, value, label: str = "", compact: bool = False) -> dict:
    """`compact`: the label is for screen readers only (a row of buttons beside what they follow)."""
    request = context["request"]
    value = str(value).lower() if kind == "hashtag" else str(value)
    return {
        "request": request,
        "user": request.user,
        "kind": kind,
        "value": value,
        "label": label,
        "compact": compact,
        "following": value in _follows(request).get(kind, ()),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("newsdesk/follows/_save_button.html", takes_context=True)
def save_button(context, article: Article, label: str = "", saved: bool | None = None) -> dict:
    """`label`: for screen readers, in a list of buttons; `saved`: known already (the saved list)."""
    request = context["request"]
    if saved is None:
        saved = (
            request.user.is_authenticated
            and SavedArticle.objects.filter(user=request.user, article=article).exists()
        )
    return {
        "request": request,
        "user": request.user,
        "article": article,
        "label": label,
        "saved": saved,
        "csrf_token": context.get("csrf_token"),
    }


def _follows(request) -> dict[str, set[str]]:
    """Read once per request, however many buttons a page shows."""
    if not hasattr(request, "_newsdesk_follows"):
        request._newsdesk_follows = followed_values(request.user)
    return request._newsdesk_follows
