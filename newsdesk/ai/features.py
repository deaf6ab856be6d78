"""The AI panel's logic, apart from HTTP: checking a request, the cache, the provider, the fallback."""

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from newsdesk.ai.actions import cache_key, cached_result, store_result
from newsdesk.ai.brief import BriefArticle, story_brief
from newsdesk.ai.llm import LLMError
from newsdesk.ai.prompts import visible_prose
from newsdesk.ai.providers import (
    FEATURES,
    Document,
    ExtractiveProvider,
    OpenAIProvider,
    configured_provider,
    translate_languages,
)
from newsdesk.models import Article, ArticleEmbedding, Story
from newsdesk.models.sources import DisplayPolicy

log = logging.getLogger(__name__)

# A brief reads at most this many articles, one per source.
BRIEF_ARTICLES = 8
BRIEF_VERSION = "brief-v1"

Provider = ExtractiveProvider | OpenAIProvider


# A headline-only article: an empty summary would be shown, and cached, as if it were one.
NOTHING_TO_READ = (
    "Only this article's headline has been fetched so far, so there is no text to work from yet. "
    "Try again later, or read it at the publisher."
)


class PanelError(ValueError):
    """A request the panel will not run; the message is shown to the reader."""


@dataclass(frozen=True)
class PanelRequest:
    feature: str
    question: str = ""
    language: str = ""

    @classmethod
    def parse(cls, feature: str, question: str = "", language: str = "") -> "PanelRequest":
        if feature not in FEATURES:
            raise PanelError("Choose one of the panel's features.")
        question = " ".join(question.split())
        if feature != "ask":
            question = ""
        elif not question:
            raise PanelError("Type a question about the article first.")
        elif len(question) > settings.NEWSDESK_AI_MAX_QUESTION_CHARS:
            raise PanelError(
                f"Questions can be up to {settings.NEWSDESK_AI_MAX_QUESTION_CHARS} characters long; "
                f"yours has {len(question)}."
            )
        offered = [code for code, _ in translate_languages()]
        if feature != "translate":
            language = ""
        elif language not in offered:
            raise PanelError("Choose a language to translate into.")
        return cls(feature, question, language)


def document_of(article: Article) -> Document:
    return Document.of(
        title=article.title, body_html=article.html, text=article.text, description=article.description
    )


def panel_features(provider: Provider) -> list[dict]:
    """Every feature with the reason it is unavailable, if it is."""
    return [
        {"name": name, "label": label, "unavailable": provider.unavailable_reason(name)}
        for name, label in FEATURES.items()
    ]


def _key(article: Article, document: Document, request: PanelRequest, provider: Provider) -> str:
    content = article.content_hash or document.fingerprint
    return cache_key(
        content, request.feature, provider.name, provider.model, request.language, request.question
    )


def _finished(result: dict, request: PanelRequest, provider: Provider, **extra) -> dict:
    return {
        **result,
        "feature": request.feature,
        "question": request.question,
        "language": request.language,
        "provider": provider.name,
        "model": provider.model,
        **extra,
    }


def cache_key_for(article: Article, request: PanelRequest, provider: Provider) -> str:
    return _key(article, document_of(article), request, provider)


def cached_answer(article: Article, request: PanelRequest, provider: Provider | None = None) -> dict | None:
    provider = provider or configured_provider()
    found = cached_result(cache_key_for(article, request, provider))
    return {**found, "cached": True} if found else None


def _store(article: Article, document: Document, request: PanelRequest, provider: Provider, result: dict):
    store_result(
        _key(article, document, request, provider),
        result,
        feature=request.feature,
        provider=provider.name,
        model=provider.model,
        language=request.language,
        question=request.question,
        article=article,
    )


def _unavailable(request: PanelRequest, provider: Provider, reason: str) -> dict:
    return _finished(
        {"text": "", "quotes": [], "points": [], "notes": [reason], "unverified": []},
        request,
        provider,
        failed=True,
    )


def _fallback(article: Article, document: Document, request: PanelRequest, error: Exception) -> dict:
    """The extractive answer when the model fails, saying so; nothing when extractive cannot serve it."""
    log.warning("language model failed for %s on article %s: %s", request.feature, article.id, error)
    extractive_provider = ExtractiveProvider()
    reason = extractive_provider.unavailable_reason(request.feature)
    if reason:
        return _unavailable(
            request, extractive_provider, f"The language model did not answer: {error}. Try again later."
        )
    result = answer(article, request, extractive_provider)
    result["notes"] = [
        f"The language model did not answer ({error}), so this is the offline extractive answer.",
        *result["notes"],
    ]
    return {**result, "fallback": True, "cached": False}


def answer(article: Article, request: PanelRequest, provider: Provider | None = None) -> dict:
    """A finished result: from the cache, else computed (and cached unless it is a fallback)."""
    provider = provider or configured_provider()
    document = document_of(article)
    found = cached_result(_key(article, document, request, provider))
    if found:
        return {**found, "cached": True}
    if not document.sentences:
        return _unavailable(request, provider, NOTHING_TO_READ)
    reason = provider.unavailable_reason(request.feature)
    if reason:
        return _unavailable(request, provider, reason)
    try:
        result = _finished(
            provider.run(request.feature, document, request.question, request.language), request, provider
        )
    except LLMError as error:
        return _fallback(article, document, request, error)
    _store(article, document, request, provider, result)
    return {**result, "cached": False}


def stream_answer(
    article: Article, request: PanelRequest, provider: Provider | None = None
) -> Iterator[tuple[str, dict]]:
    """("delta", {"text"}) events while a model writes, then one ("result", result)."""
    provider = provider or configured_provider()
    if not provider.streams:
        yield "result", answer(article, request, provider)
        return
    document = document_of(article)
    found = cached_result(_key(article, document, request, provider))
    if found:
        yield "result", {**found, "cached": True}
        return
    if not document.sentences:
        yield "result", _unavailable(request, provider, NOTHING_TO_READ)
        return
    reply, shown = "", ""
    try:
        for piece in provider.stream(request.feature, document, request.question, request.language):
            reply += piece
            visible = visible_prose(reply) if request.feature != "translate" else reply
            if len(visible) > len(shown) and visible.startswith(shown):
                yield "delta", {"text": visible[len(shown) :]}
                shown = visible
    except LLMError as error:
        yield "result", _fallback(article, document, request, error)
        return
    result = _finished(provider.result_of(request.feature, document, reply), request, provider)
    _store(article, document, request, provider, result)
    yield "result", {**result, "cached": False}


def precompute_summary(article: Article) -> bool:
    """Summarise at ingest for sources that ask for it, so the first reader waits for nothing."""
    if not article.source.precompute_summaries or not (article.text or article.html):
        return False
    result = answer(article, PanelRequest("summary"))
    return not result.get("fallback") and not result.get("failed")


def _brief_articles(story: Story) -> list[Article]:
    """One article per source: the one nearest the story's centre when embeddings exist, else the first."""
    articles = list(
        Article.objects.filter(story=story, duplicate_of__isnull=True)
        .select_related("source")
        .order_by("published_at", "id")
    )
    vectors = {
        e.article_id: np.frombuffer(e.vector, dtype=np.float16).astype(np.float32)
        for e in ArticleEmbedding.objects.filter(article__in=articles)
    }
    closeness = {}
    if story.centroid and vectors:
        centre = np.frombuffer(story.centroid, dtype=np.float32)
        closeness = {
            article_id: float(vector @ centre)
            for article_id, vector in vectors.items()
            if vector.shape == centre.shape
        }
    chosen: dict[int, Article] = {}
    for article in sorted(articles, key=lambda a: -closeness.get(a.id, -1.0)):
        chosen.setdefault(article.source_id, article)
    return sorted(chosen.values(), key=lambda a: a.published_at)[:BRIEF_ARTICLES]


def quotable_document_of(article: Article) -> Document:
    """What the brief may quote of an article: its teaser alone when the publisher asks that only
    an excerpt be shown, as the article page and the AI panel honour."""
    if article.source.effective_display_policy == DisplayPolicy.EXCERPT:
        return Document.of(title=article.title, description=article.description)
    return document_of(article)


def brief_for_story(story: Story) -> dict:
    """The cross-source brief (always extractive: it must name who reported what, word for word)."""
    articles = _brief_articles(story)
    documents = [(a, quotable_document_of(a)) for a in articles]
    # The fingerprint, not the content hash: it changes when a publisher's policy does.
    content = "|".join(f"{a.id}:{d.fingerprint}" for a, d in documents)
    key = cache_key(content, "story_brief", "extractive", BRIEF_VERSION, "", "")
    found = cached_result(key)
    if found:
        return {**found, "cached": True}
    brief = story_brief([BriefArticle(a.id, a.source.name, a.title, d.sentences) for a, d in documents])
    store_result(key, brief, feature="story_brief", provider="extractive", model=BRIEF_VERSION, story=story)
    return {**brief, "cached": False}
