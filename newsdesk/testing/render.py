"""Markup for the fixture web: article pages and the feeds that list them.

The pages look like a small publisher's: navigation, an <article> with paragraphs,
Open Graph tags, sometimes JSON-LD, a footer full of links, so extraction faces the
same furniture it meets on real sites.
"""

import html
import json
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr


@dataclass
class PageContent:
    """One article as a publisher would render it."""

    title: str
    paragraphs: list[str]
    published: datetime
    site_name: str
    section: str = ""
    author: str = ""
    description: str = ""
    canonical_url: str = ""  # absolute; empty for no <link rel="canonical">
    image_url: str = ""
    with_jsonld: bool = False
    keywords: list[str] = field(default_factory=list)


def article_page(page: PageContent) -> bytes:
    e = html.escape
    description = page.description or (page.paragraphs[0][:200] if page.paragraphs else "")
    head = [
        '<meta charset="utf-8">',
        f"<title>{e(page.title)} | {e(page.site_name)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="description" content="{e(description)}">',
        f'<meta property="og:title" content="{e(page.title)}">',
        f'<meta property="og:site_name" content="{e(page.site_name)}">',
        f'<meta property="og:description" content="{e(description)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="article:published_time" content="{page.published.isoformat()}">',
    ]
    if page.canonical_url:
        head.append(f'<link rel="canonical" href="{e(page.canonical_url)}">')
        head.append(f'<meta property="og:url" content="{e(page.canonical_url)}">')
    if page.image_url:
        head.append(f'<meta property="og:image" content="{e(page.image_url)}">')
    if page.section:
        head.append(f'<meta property="article:section" content="{e(page.section)}">')
    if page.author:
        head.append(f'<meta name="author" content="{e(page.author)}">')
    if page.keywords:
        head.append(f'<meta name="keywords" content="{e(", ".join(page.keywords))}">')
    if page.with_jsonld:
        head.append(f'<script type="application/ld+json">{_jsonld(page, description)}</script>')

    nav_sections = ["World", "Business", "Politics", "Technology", "Sport", "Entertainment"]
    nav = '<li><a href="/">Home</a></li>' + "".join(
        f'<li><a href="/{s.lower()}/">{s}</a></li>' for s in nav_sections
    )
    byline = (
        f'<p class="byline">By <a rel="author" href="/people/">{e(page.author)}</a></p>'
        if page.author
        else ""
    )
    body = "\n".join(f"<p>{e(p)}</p>" for p in page.paragraphs)
    figure = (
        f'<figure><img src="{e(page.image_url)}" alt=""><figcaption>Photo: agency</figcaption></figure>'
        if page.image_url
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{chr(10).join(head)}
</head>
<body>
<header class="masthead"><a class="logo" href="/">{e(page.site_name)}</a>
<nav><ul>{nav}</ul></nav>
<form action="/search"><input name="q" placeholder="Search"></form></header>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<main>
<article>
<header><h1>{e(page.title)}</h1>{byline}
<time datetime="{page.published.isoformat()}">{page.published:%d %B %Y}</time></header>
{figure}
<div class="article-body">
{body}
</div>
<aside class="share">Share this story: <a href="/share/email">Email</a> <a href="/share/x">X</a></aside>
</article>
<section class="more"><h2>More from {e(page.site_name)}</h2>
<ul><li><a href="/world/">Top stories of the day</a></li><li><a href="/business/">Markets live</a></li></ul>
</section>
</main>
<footer><p>&copy; {page.published.year} {e(page.site_name)}. All rights reserved.</p>
<ul><li><a href="/about/">About us</a></li><li><a href="/privacy/">Privacy policy</a></li>
<li><a href="/terms/">Terms of use</a></li><li><a href="/contact/">Contact</a></li></ul></footer>
</body>
</html>
""".encode()


def _jsonld(page: PageContent, description: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "description": description,
        "datePublished": page.published.isoformat(),
        "articleSection": page.section,
        "publisher": {"@type": "Organization", "name": page.site_name},
    }
    if page.author:
        data["author"] = [{"@type": "Person", "name": page.author}]
    if page.canonical_url:
        data["mainEntityOfPage"] = page.canonical_url
    if page.image_url:
        data["image"] = [page.image_url]
    # "</" must not close the <script> early.
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def homepage(site_name: str, feeds: list[tuple[str, str]]) -> bytes:
    """A front page that announces its feeds, as `add_source(homepage)` expects."""
    links = "\n".join(
        f'<link rel="alternate" type="application/rss+xml" title={quoteattr(title)} href={quoteattr(href)}>'
        for title, href in feeds
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(site_name)}</title>
{links}
</head><body><h1>{html.escape(site_name)}</h1><p>The latest news.</p></body></html>
""".encode()


@dataclass
class FeedItem:
    link: str  # absolute
    title: str
    published: datetime
    guid: str = ""
    summary: str = ""
    categories: list[str] = field(default_factory=list)


def rss(title: str, site_url: str, items: list[FeedItem]) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f"<channel><title>{escape(title)}</title><link>{escape(site_url)}</link>",
        f"<description>{escape(title)}</description><language>en</language>",
    ]
    for item in items:
        guid = item.guid or item.link
        permalink = "true" if guid == item.link else "false"
        categories = "".join(f"<category>{escape(c)}</category>" for c in item.categories)
        parts.append(
            f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
            f'<guid isPermaLink="{permalink}">{escape(guid)}</guid>'
            f"<pubDate>{format_datetime(item.published)}</pubDate>"
            f"<description>{escape(item.summary)}</description>{categories}</item>"
        )
    parts.append("</channel></rss>")
    return "\n".join(parts).encode()


def atom(title: str, site_url: str, feed_url: str, items: list[FeedItem]) -> bytes:
    updated = max((i.published for i in items), default=None)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title><id>{escape(feed_url)}</id>",
        f'<link rel="alternate" href={quoteattr(site_url)}/><link rel="self" href={quoteattr(feed_url)}/>',
        f"<updated>{updated.isoformat() if updated else ''}</updated>",
    ]
    for item in items:
        categories = "".join(f"<category term={quoteattr(c)}/>" for c in item.categories)
        parts.append(
            f'<entry><title>{escape(item.title)}</title><link rel="alternate" href={quoteattr(item.link)}/>'
            f"<id>{escape(item.guid or item.link)}</id><published>{item.published.isoformat()}</published>"
            f"<updated>{item.published.isoformat()}</updated>"
            f"<summary>{escape(item.summary)}</summary>{categories}</entry>"
        )
    parts.append("</feed>")
    return "\n".join(parts).encode()


def news_sitemap(publication: str, items: list[FeedItem]) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">',
    ]
    for item in items:
        keywords = (
            f"<news:keywords>{escape(', '.join(item.categories))}</news:keywords>" if item.categories else ""
        )
        parts.append(
            f"<url><loc>{escape(item.link)}</loc><news:news><news:publication>"
            f"<news:name>{escape(publication)}</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>{item.published.isoformat()}</news:publication_date>"
            f"<news:title>{escape(item.title)}</news:title>{keywords}</news:news></url>"
        )
    parts.append("</urlset>")
    return "\n".join(parts).encode()
