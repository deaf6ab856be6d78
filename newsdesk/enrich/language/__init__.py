"""Which language an article is in (ISO 639-1), so readers and the other steps can tell."""

from newsdesk.enrich.language.actions import label_language
from newsdesk.enrich.language.detect import detect_language, normalise_language_tag

__all__ = ["detect_language", "label_language", "normalise_language_tag"]
