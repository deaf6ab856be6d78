"""The AI result cache: one row per article version, feature, provider, model, language and question."""

import hashlib
import re

from django.db import IntegrityError, transaction

from newsdesk.models import AIResult, Article, Story


def normalise_question(question: str) -> str:
    """Questions that differ only in case, spacing or closing punctuation share one cached answer."""
    return re.sub(r"\s+", " ", question).strip().casefold().rstrip("?!. ")


def cache_key(content: str, feature: str, provider: str, model: str, language: str, question: str) -> str:
    parts = [content, feature, provider, model, language, normalise_question(question)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def cached_result(key: str) -> dict | None:
    return AIResult.objects.filter(key=key).values_list("result", flat=True).first()


def store_result(
    key: str,
    result: dict,
    *,
    feature: str,
    provider: str,
    model: str = "",
    language: str = "",
    question: str = "",
    article: Article | None = None,
    story: Story | None = None,
) -> None:
    """Save a result; when two requests computed it at once, the first one stays."""
    try:
        with transaction.atomic():
            AIResult.objects.update_or_create(
                key=key,
                defaults={
                    "result": result,
                    "feature": feature,
                    "provider": provider,
                    "model": model,
                    "language": language,
                    "question": normalise_question(question),
                    "article": article,
                    "story": story,
                },
            )
    except IntegrityError:
        pass
