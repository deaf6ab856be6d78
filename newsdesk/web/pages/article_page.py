"""What an article page shows, decided apart from HTTP so it can be tested directly."""

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from newsdesk.enrich.related import related_articles
from newsdesk.models import Article, ArticleHashtag
from newsdesk.models.sources import DisplayPolicy
from newsdesk.safe_html import with_image_alts
from newsdesk.store.generations import SITE
from newsdesk.store.identity import without_tracking
from newsdesk.web.cache import cached_fragment
from newsdesk.web.pages.stories import more_on_this_story

# Search engines and link previews cut descriptions around here.
META_DESCRIPTION_WORDS = 40


def paragraphs(text: str) -> list[str]:
    """The body's paragraphs: `Article.text` separates them with blank lines."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def author_names(authors: list) -> list[str]:
    """Authors as names; extractors give plain strings, some feeds give {"name": ...} objects."""
    names = []
    for author in authors or []:
        name = author.get("name", "") if isinstance(author, dict) else str(author)
        if name.strip():
            names.append(name.strip())
    return names


def excerpt(article: Article, words: int) -> str:
    body = " ".join(paragraphs(article.text)) or article.description
    return Truncator(body).words(words, truncate="…")


def shown_description(article: Article) -> str:
    """The publisher's description as far as its display policy allows: some feeds put the whole
    article there, which an excerpt-only publisher does not want shown."""
    if article.source.effective_display_policy == DisplayPolicy.EXCERPT:
        return Truncator(article.description).words(settings.NEWSDESK_EXCERPT_WORDS, truncate="…")
    return article.description


def teaser(article: Article, words: int) -> str:
    """A card's or a feed item's first words, never more than an excerpt-only publisher allows."""
    if article.source.effective_display_policy == DisplayPolicy.EXCERPT:
        words = min(words, settings.NEWSDESK_EXCERPT_WORDS)
    return Truncator(article.description or article.text).words(words, truncate=" …")


def article_hashtags(article: Article) -> list:
    # Ties broken as the API breaks them, so both show the same tags in the same order.
    taggings = (
        ArticleHashtag.objects.filter(article=article)
        .select_related("hashtag")
        .order_by("-weight", "hashtag__key")
    )
    return [tagging.hashtag for tagging in taggings[: settings.NEWSDESK_MAX_HASHTAGS]]


def news_article_json_ld(article: Article, canonical_url: str, summary: str, hashtags: list) -> dict:
    """schema.org NewsArticle, so search engines credit the publisher and link the original."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": summary,
        "url": canonical_url,
        "mainEntityOfPage": canonical_url,
        "isBasedOn": article.url,
        "datePublished": article.published_at.isoformat(),
        "publisher": {"@type": "Organization", "name": article.source.name},
        "articleSection": article.get_category_display(),
        "author": [{"@type": "Person", "name": name} for name in author_names(article.authors)],
    }
    if article.modified_at:
        data["dateModified"] = article.modified_at.isoformat()
    if article.image_url:
        data["image"] = [article.image_url]
    if article.language:
        data["inLanguage"] = article.language
    if hashtags:
        data["keywords"] = [tag.name for tag in hashtags]
    return data


def article_context(article: Article, canonical_url: str) -> dict:
    """Everything the article template needs, with the source's display policy already applied."""
    show_full = article.source.effective_display_policy != DisplayPolicy.EXCERPT
    hashtags = article_hashtags(article)
    # Previews must not show more of the body than the page itself does.
    summary_words = (
        META_DESCRIPTION_WORDS if show_full else min(META_DESCRIPTION_WORDS, settings.NEWSDESK_EXCERPT_WORDS)
    )
    summary = (
        Truncator(article.description).words(summary_words, truncate="…")
        if article.description
        else excerpt(article, summary_words)
    )
    context = {
        "article": article,
        "show_full": show_full,
        "body_html": None,
        "body_paragraphs": [],
        "excerpt": "",
        "authors": author_names(article.authors),
        "hashtags": hashtags,
        "category_label": article.get_category_display(),
        "canonical_url": canonical_url,
        "original_url": without_tracking(article.url),
        "meta_description": summary,
        "json_ld": news_article_json_ld(article, canonical_url, summary, hashtags),
    }
    if not show_full:
        context["excerpt"] = excerpt(article, settings.NEWSDESK_EXCERPT_WORDS)
    elif article.html.strip():
        # Sanitised by the extractor before it was stored (alts added since: older rows lack them).
        context["body_html"] = mark_safe(with_image_alts(article.html))
    else:
        context["body_paragraphs"] = paragraphs(article.text) or paragraphs(article.description)
    return context


def article_aside(article: Article) -> SafeString:
    """The page's side column (more on this story, related articles), the same for every reader.

    A fifth of an uncached page's CPU went to finding and rendering it, and it changes only
    when articles do, so it is kept until the site's content generation moves. Kept per time
    zone too: its times are shown in a signed-in reader's own, never in an anonymous page.
    """
    return mark_safe(
        cached_fragment(
            f"article-aside:{get_language()}:{get_current_timezone_name()}:{article.id}",
            (SITE, f"article:{article.id}"),
            lambda: render_to_string(
                "newsdesk/_article_aside.html",
                {"related": related_articles(article), "more_on_story": more_on_this_story(article)},
            ),
            # Its "3 hours ago" may lag this long; content changes replace it at once.
            settings.NEWSDESK_FRAGMENT_CACHE_SECONDS,
        )
    )
