import json

from trafilatura.utils import load_html

from newsdesk.extract.jsonld import find_article


def page_with(*objects: dict) -> str:
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(obj)}</script>' for obj in objects)
    return f"<html><head>{scripts}</head><body><p>Text.</p></body></html>"


def test_html_escaped_strings_are_decoded():
    article = find_article(
        load_html(
            page_with(
                {
                    "@type": "NewsArticle",
                    "headline": "Biden&#8217;s &#x27;Late Night&#x27; joke &#8211; and AT&amp;T",
                    "description": "He said &quot;no&quot;.",
                    "author": [{"@type": "Person", "name": "Kevin O&#39;Connor"}],
                    "keywords": "Caf&eacute;s, Q&amp;A, Tom&nothing",
                }
            )
        )
    )

    assert article.headline == "Biden’s 'Late Night' joke – and AT&T"
    assert article.description == 'He said "no".'
    assert article.authors == ["Kevin O'Connor"]
    # Only complete references: "&nothing" is text, not "¬hing".
    assert article.keywords == ["Cafés", "Q&A", "Tom&nothing"]


def test_a_plain_webpage_name_is_not_a_headline():
    webpage = {"@type": "WebPage", "name": "Ferry fares rise | Harbour Post", "datePublished": "2024-03-01"}
    titled_webpage = {**webpage, "headline": "Ferry fares rise"}
    named_article = {"@type": "NewsArticle", "name": "Ferry fares rise"}

    assert find_article(load_html(page_with(webpage))).headline == ""
    assert find_article(load_html(page_with(webpage))).published == "2024-03-01"
    assert find_article(load_html(page_with(titled_webpage))).headline == "Ferry fares rise"
    assert find_article(load_html(page_with(named_article))).headline == "Ferry fares rise"
