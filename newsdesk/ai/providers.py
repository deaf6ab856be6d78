"""Who answers: the offline extractive provider, or an OpenAI-compatible language model.

Both return the same result shape (a JSON-able dict) so the cache and the templates need not
know which one answered:
    {"text": prose, "quotes": [{"text", "paragraph"}], "points": [{"text", "paragraph"}],
     "notes": [for the reader], "unverified": [quotes the model gave that the article lacks]}
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

from newsdesk.ai import extractive
from newsdesk.ai.llm import LLMClient
from newsdesk.ai.prompts import messages_for, split_reply
from newsdesk.ai.quotes import verify_quotes
from newsdesk.ai.text import Paragraph, Sentence, article_paragraphs, sentences_of

FEATURES = {
    "summary": "Summary",
    "key_points": "Key points",
    "ask": "Ask",
    "explain": "Explain simply",
    "translate": "Translate",
}
# Readers see this (the panel, the API): how an operator connects a model is in README.md.
NEEDS_MODEL = "This needs a language model, and this site has not connected one."


@dataclass(frozen=True)
class Document:
    """An article as the AI features read it."""

    title: str
    paragraphs: list[Paragraph]
    sentences: list[Sentence]
    fingerprint: str  # changes when the text changes, so cached results expire with it

    @classmethod
    def of(cls, *, title: str, body_html: str = "", text: str = "", description: str = "") -> "Document":
        paragraphs = article_paragraphs(body_html=body_html, text=text, description=description)
        digest = hashlib.sha1("\n".join([title, *(p.text for p in paragraphs)]).encode("utf-8"))
        return cls(title, paragraphs, sentences_of(paragraphs, title), digest.hexdigest())


def empty_result(**fields) -> dict:
    return {"text": "", "quotes": [], "points": [], "notes": [], "unverified": [], **fields}


def _cited(sentences: list[Sentence]) -> list[dict]:
    return [{"text": s.text, "paragraph": s.paragraph} for s in sentences]


class ExtractiveProvider:
    name = "extractive"
    # Part of every saved answer's key, as a language model's name is: a new version when the
    # offline rules change, so answers picked by the old ones are not shown again (session 10:
    # crossheads are no longer quoted, unanswered words are named). `newsdesk enrich` precomputes
    # summaries again.
    model = "extractive-v2"
    streams = False

    def unavailable_reason(self, feature: str) -> str | None:
        if feature in ("explain", "translate"):
            return NEEDS_MODEL
        return None

    def run(self, feature: str, document: Document, question: str = "", language: str = "") -> dict:
        if feature == "summary":
            return empty_result(quotes=_cited(extractive.summarize(document.sentences)))
        if feature == "key_points":
            return empty_result(points=_cited(extractive.key_points(document.sentences)))
        if feature == "ask":
            found = extractive.answer(question, document.sentences)
            if not found:
                return empty_result(text="The article does not seem to say; no sentence in it matches.")
            missing = extractive.unmatched_words(question, document.sentences)
            if missing:
                return empty_result(
                    text=f"The article never mentions {_either(missing)}. These sentences come closest:",
                    quotes=_cited(found),
                )
            return empty_result(text="These sentences of the article answer it best:", quotes=_cited(found))
        raise ValueError(self.unavailable_reason(feature) or f"unknown feature {feature}")


def _either(words: list[str]) -> str:
    """“a”, “a” or “b”, “a”, “b” or “c”."""
    quoted = [f"“{word}”" for word in words]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


class OpenAIProvider:
    name = "openai"
    streams = True

    def __init__(self, client: LLMClient):
        self.client = client
        self.model = client.model

    def unavailable_reason(self, feature: str) -> str | None:
        return None

    def messages(self, feature: str, document: Document, question: str, language: str) -> list[dict]:
        return messages_for(feature, document.title, document.paragraphs, question, language_name(language))

    def run(self, feature: str, document: Document, question: str = "", language: str = "") -> dict:
        reply = self.client.complete(self.messages(feature, document, question, language))
        return self.result_of(feature, document, reply)

    def stream(
        self, feature: str, document: Document, question: str = "", language: str = ""
    ) -> Iterator[str]:
        return self.client.stream(self.messages(feature, document, question, language))

    def result_of(self, feature: str, document: Document, reply: str) -> dict:
        """The reply as a result: quotes checked against the article, unverified ones dropped and flagged."""
        if feature == "translate":
            return empty_result(text=reply.strip())
        prose, quotes = split_reply(reply)
        check = verify_quotes(quotes, document.paragraphs)
        result = empty_result(quotes=check.verified, unverified=check.unverified)
        if feature == "key_points":
            lines = [line.strip().lstrip("-*• ").strip() for line in prose.splitlines()]
            result["points"] = [{"text": line, "paragraph": ""} for line in lines if line]
        else:
            result["text"] = prose
        if check.unverified:
            count = len(check.unverified)
            result["notes"].append(
                f"{count} quote{'s' if count > 1 else ''} the model gave could not be found in the article "
                "and {} removed.".format("were" if count > 1 else "was")
            )
        return result


def language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code)


def translate_languages() -> list[tuple[str, str]]:
    """(code, name) of the languages the panel translates into: the site's UI languages by default."""
    names = dict(settings.LANGUAGES)
    return [(code, names.get(code, code)) for code in settings.NEWSDESK_AI_TRANSLATE_LANGUAGES]


def configured_provider() -> ExtractiveProvider | OpenAIProvider:
    if settings.NEWSDESK_AI_PROVIDER == "openai":
        return OpenAIProvider(LLMClient.from_settings())
    return ExtractiveProvider()


def summary_text(document: Document, provider: ExtractiveProvider | OpenAIProvider) -> str:
    """The panel's summary as one string: the model's sentences, or the article's own."""
    result = provider.run("summary", document)
    return result["text"] or " ".join(quote["text"] for quote in result["quotes"])
