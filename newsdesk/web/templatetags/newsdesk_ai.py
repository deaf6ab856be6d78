"""Template helpers for the AI panel: paragraph anchors, the article panel and the story brief."""

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

from newsdesk.ai.features import PanelRequest, brief_for_story, cached_answer, panel_features
from newsdesk.ai.providers import FEATURES, configured_provider, translate_languages
from newsdesk.ai.text import anchor_paragraphs as anchored
from newsdesk.models.sources import DisplayPolicy

register = template.Library()

EXCERPT_ONLY = "This publisher asks that only an excerpt be shown here, so the AI features are off."


@register.filter
def anchor_paragraphs(body_html: str) -> str:
    """Give the body's paragraphs the ids (p-1, p-2, ...) that AI quotes link to."""
    if not isinstance(body_html, SafeData):
        return escape(body_html)
    # Already sanitised; re-serialising escapes text again, so the result stays safe.
    return mark_safe(anchored(str(body_html)))


def panel_context(article, result: dict | None = None, error: str = "") -> dict:
    # Variables the article view does not set arrive as "".
    result, error = result or None, error or ""
    provider = configured_provider()
    allowed = article.source.effective_display_policy != DisplayPolicy.EXCERPT
    if allowed and result is None and not error:
        # Precomputed at ingest (or asked for by an earlier reader): shown without a click.
        result = cached_answer(article, PanelRequest("summary"), provider)
    return {
        "article": article,
        "allowed": allowed,
        "excerpt_reason": EXCERPT_ONLY,
        "features": panel_features(provider),
        "languages": translate_languages(),
        "max_question": settings.NEWSDESK_AI_MAX_QUESTION_CHARS,
        "result": result,
        "error": error,
        "question": (result or {}).get("question", ""),
    }


@register.inclusion_tag("newsdesk/ai/panel.html")
def ai_panel(article, result: dict | None = None, error: str = "") -> dict:
    return panel_context(article, result, error)


@register.inclusion_tag("newsdesk/ai/result.html")
def ai_result(result: dict) -> dict:
    return {"result": result, "label": FEATURES.get(result.get("feature", ""), "")}


@register.inclusion_tag("newsdesk/ai/story_brief.html")
def ai_story_brief(story) -> dict:
    return {"story": story, "brief": brief_for_story(story)}
