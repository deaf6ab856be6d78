"""Template helpers for the reader pages: relative times, teasers and safely embedded JSON-LD."""

import json
from datetime import datetime

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from newsdesk.models import Article
from newsdesk.web.pages.article_page import teaser

register = template.Library()

# After a week a reader wants the date, not "23 days ago" (as on the sites we emulate).
RELATIVE_DAYS = 7

# What json_script escapes, so a headline containing </script> or <!-- stays inside the block.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'} ago"


def relative_time_text(moment: datetime, now: datetime) -> str:
    """ "just now", "N minutes ago", "N hours ago", "N days ago" within a week, then dd-mm-yyyy."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return _plural(int(seconds // 60), "minute")
    if seconds < 86400:
        return _plural(int(seconds // 3600), "hour")
    if seconds < RELATIVE_DAYS * 86400:
        return _plural(int(seconds // 86400), "day")
    return timezone.localtime(moment).strftime("%d-%m-%Y")


@register.filter
def relative_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return relative_time_text(moment, timezone.now())


@register.simple_tag
def time_ago(moment: datetime | None) -> str:
    """A <time> element that site.js keeps current; the text is right even without JavaScript.

    `data-date` is its day in the zone the page is rendered in (the reader's, or UTC), which the
    script shows once the time is over a week old: the browser's own zone may be another.
    """
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" data-relative data-date="{}" title="{}">{}</time>',
        moment.isoformat(),
        local.strftime("%d-%m-%Y"),
        local.strftime("%d %b %Y, %H:%M %Z"),
        relative_time(moment),
    )


@register.filter(name="teaser")
def teaser_filter(article: Article, words: int) -> str:
    return teaser(article, int(words))


@register.filter
def json_ld(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json"> block, escaped like Django's json_script."""
    return mark_safe(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    )


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    """This page's URL at page `number`, keeping the other query parameters (the search words)."""
    params = context["request"].GET.copy()
    if number > 1:
        params["page"] = str(number)
    else:
        params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else context["request"].path
