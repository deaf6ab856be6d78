"""Article extraction: from a publisher's page to body text, safe HTML and metadata."""

from newsdesk.extract.article import ExtractedArticle, ExtractionError, extract_article

__all__ = ["ExtractedArticle", "ExtractionError", "extract_article"]
