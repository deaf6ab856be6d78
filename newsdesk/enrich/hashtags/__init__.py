"""Hashtags for articles: publisher tags and the article's own keywords, as CamelCase names."""

from newsdesk.enrich.hashtags.build import build_hashtags
from newsdesk.enrich.hashtags.keywords import extract_keywords
from newsdesk.enrich.hashtags.names import hashtag_key, is_junk, split_tag_list, to_hashtag

__all__ = ["build_hashtags", "extract_keywords", "hashtag_key", "is_junk", "split_tag_list", "to_hashtag"]
