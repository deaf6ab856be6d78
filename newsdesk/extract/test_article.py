from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import lxml.etree
import pytest
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newsdesk.extract import ExtractionError, extract_article
from newsdesk.extract.article import parse_datetime, parse_page

TESTDATA = Path(__file__).parent / "testdata"


def page(name: str) -> bytes:
    return (TESTDATA / name).read_bytes()


def test_jsonld_news_article_supplies_metadata():
    article = extract_article(
        page("jsonld_article.html"), "https://valleycourier.example/news/x?utm_source=feed"
    )

    assert article.title == "River town votes to rebuild its flood wall"
    assert article.authors == ["Mara Lindqvist", "Tomas Okafor"]
    assert article.published == datetime(2024, 3, 4, 8, 30, tzinfo=UTC)
    assert article.published.utcoffset() == timedelta(hours=1)
    assert article.modified == datetime(2024, 3, 4, 12, 5, tzinfo=UTC)
    assert article.image == "https://valleycourier.example/img/flood-wall-large.jpg"
    assert article.canonical_url == "https://valleycourier.example/news/2024/03/river-town-flood-wall"
    assert article.url == "https://valleycourier.example/news/x?utm_source=feed"
    assert article.site_name == "The Valley Courier"
    assert article.language == "en"
    assert article.tags == ["flooding", "local council", "infrastructure"]


def test_text_is_the_body_alone_in_paragraphs():
    article = extract_article(page("jsonld_article.html"), "https://valleycourier.example/news/x")
    paragraphs = article.text.split("\n\n")

    assert paragraphs[0].startswith("The town council voted on Monday evening")
    assert paragraphs[-1].endswith("the town's own reserves.")
    assert len(paragraphs) == 6
    for junk in (
        "River town votes",
        "By Mara",
        "Photograph: Valley Courier",
        "Read more",
        "Readers share",
        "Home",
    ):
        assert junk not in article.text


def test_html_keeps_links_and_images_safely():
    article = extract_article(page("jsonld_article.html"), "https://valleycourier.example/news/x")

    assert (
        '<a href="https://valleycourier.example/documents/flood-wall-plan.pdf" rel="nofollow noopener">'
        in article.html
    )
    assert '<img src="https://valleycourier.example/img/flood-wall-large.jpg"' in article.html
    for unsafe in ("onclick", "<script", "<style", "analytics", "<nav", "<h1"):
        assert unsafe not in article.html
    assert article.html.count("<p>") == 6


def test_jsonld_graph_with_lists_and_strings():
    article = extract_article(page("jsonld_graph.html"))

    assert article.title == "Library reopens after two-year renovation"
    assert article.authors == ["Ines Moreau"]
    assert article.image == "https://northgazette.example/img/library-1x1.jpg"
    assert article.canonical_url == "https://northgazette.example/culture/library-reopens"
    assert article.url == article.canonical_url
    assert article.published == datetime(2024, 2, 10, 8, 0, tzinfo=UTC)
    assert article.language == "fr"
    assert article.site_name == "North Gazette"
    # A teaser-length articleBody must not replace the page's five paragraphs.
    assert len(article.text.split("\n\n")) == 5
    assert "Log in" not in article.text


def test_opengraph_only_page():
    article = extract_article(page("opengraph_only.html"), "https://harbourpost.example/travel/ferry?x=1")

    assert article.title == "Ferry timetable changes from April"
    assert article.authors == ["Callum Reid"]
    assert article.published == datetime(2024, 3, 1, 7, 45, tzinfo=UTC)
    assert article.modified == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert article.image == "https://harbourpost.example/images/ferry.jpg"
    assert article.canonical_url == "https://harbourpost.example/travel/ferry-timetable-april"
    assert article.description == "Fewer winter crossings, more summer ones."
    assert article.language == "en"
    assert article.tags == ["ferries", "travel", "islands"]
    assert "<blockquote>" in article.html
    for junk in ("Share this article", "Sign up", "Harbour Post, 1 Quay Street", "Subscribe"):
        assert junk not in article.text


def test_truncated_jsonld_body_does_not_cut_the_page_text():
    html = page("jsonld_article.html").decode()
    start = html.index('"articleBody": "') + len('"articleBody": "')
    end = html.index('"', start)
    first_half = html[start:end][: (end - start) // 2]
    article = extract_article(html[:start] + first_half + html[end:])

    assert article.text.endswith("the town's own reserves.")


def test_latin1_bytes_are_decoded():
    html = page("opengraph_only.html").decode().replace("utf-8", "iso-8859-1")
    html = html.replace("The ferry operator", "Le café du port et l'opérateur du ferry")
    article = extract_article(html.encode("latin-1"))

    assert article.text.startswith("Le café du port et l'opérateur du ferry")


def test_undeclared_latin1_bytes_are_decoded():
    html = page("opengraph_only.html").decode().replace('<meta charset="utf-8">', "")
    html = html.replace("The ferry operator", "Le café du port et l'opérateur du ferry")
    article = extract_article(html.encode("latin-1"))

    assert article.text.startswith("Le café du port et l'opérateur du ferry")


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<html><body><nav><a href='/'>Home</a></nav></body></html>", b"\x00\x01binary"],
)
def test_pages_without_a_body_raise(html):
    with pytest.raises(ExtractionError):
        extract_article(html)


@pytest.mark.parametrize(
    "html",
    [
        page("jsonld_article.html").decode(),
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>Declared encoding</p></body></html>',
        "<div><p>A fragment</p><p>of two paragraphs</p></div>",
        "no markup at all",
    ],
)
def test_page_parser_builds_the_tree_trafilatura_would(html):
    tree, expected = parse_page(html), load_html(html)

    assert (tree is None) == (expected is None)
    if tree is not None:
        assert isinstance(tree, HtmlElement)
        assert lxml.etree.tostring(tree) == lxml.etree.tostring(expected)


def test_to_json_has_the_cli_keys():
    article = extract_article(page("jsonld_graph.html"))
    data = article.to_json("saved/page.html")

    assert list(data) == [
        "input", "url", "canonical_url", "title", "text", "html", "authors",
        "published", "modified", "image", "language", "site_name", "description", "tags",
    ]  # fmt: skip
    assert data["input"] == "saved/page.html"
    assert data["published"] == "2024-02-10T08:00:00+00:00"
    assert data["modified"] is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-04T09:30:00Z", datetime(2024, 3, 4, 9, 30, tzinfo=UTC)),
        (
            "2024-03-04T09:30:00.123-05:00",
            datetime(2024, 3, 4, 9, 30, 0, 123000, tzinfo=timezone(-timedelta(hours=5))),
        ),
        ("Mon, 04 Mar 2024 09:30:00 GMT", datetime(2024, 3, 4, 9, 30, tzinfo=UTC)),
        ("2024-03-04", datetime(2024, 3, 4, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_datetime(value, expected):
    parsed = parse_datetime(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is not None


def ferry_page(head: str = "", *, drop: str = "") -> str:
    """The OpenGraph-only page with `head` added to its <head> and the line containing `drop` removed."""
    lines = page("opengraph_only.html").decode().splitlines()
    html = "\n".join(line for line in lines if not (drop and drop in line))
    return html.replace("</head>", f"{head}\n</head>")


def test_a_webpage_name_carrying_the_site_name_is_not_the_title():
    webpage = '{"@type": "WebPage", "name": "Ferry timetable changes from April | Harbour Post"}'
    article = extract_article(ferry_page(f'<script type="application/ld+json">{webpage}</script>'))

    assert article.title == "Ferry timetable changes from April"


def test_html_escaped_jsonld_headline_is_decoded():
    headline = '{"@type": "NewsArticle", "headline": "Ferry operator&#8217;s &#x27;new&#x27; timetable"}'
    article = extract_article(ferry_page(f'<script type="application/ld+json">{headline}</script>'))

    assert article.title == "Ferry operator’s 'new' timetable"


def test_site_name_is_the_one_the_page_declares_not_an_organisation_tagline():
    graph = (
        '{"@context": "https://schema.org", "@graph": ['
        '{"@type": "NewsArticle", "headline": "Ferry timetable changes from April",'
        ' "publisher": {"@id": "#org"}},'
        ' {"@type": "Organization", "@id": "#org", "name": "All the news the harbour needs to know"}]}'
    )
    article = extract_article(ferry_page(f'<script type="application/ld+json">{graph}</script>'))

    assert article.site_name == "Harbour Post"


def test_microdata_publication_time_beats_a_bare_day():
    html = ferry_page('<meta name="date" content="2024-03-01">', drop="article:published_time").replace(
        "<h1>",
        '<time itemprop="dateModified datePublished" datetime="2024-03-01T21:36+0000">1 March</time><h1>',
    )
    article = extract_article(html)

    assert article.published == datetime(2024, 3, 1, 21, 36, tzinfo=UTC)
    assert not article.published_date_only


def test_a_bare_day_is_flagged_date_only():
    article = extract_article(
        ferry_page('<meta itemprop="datePublished" content="2024-03-01">', drop="published_time")
    )

    assert article.published == datetime(2024, 3, 1, tzinfo=UTC)
    assert article.published_date_only


def test_a_comma_joined_tag_string_is_split_but_jsonld_list_items_are_kept_whole():
    joined = extract_article(
        ferry_page('<meta property="article:tag" content="Ferries,Island life">', drop="news_keywords")
    )
    listed = extract_article(
        ferry_page(
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "keywords": ["Diversity, equity and inclusion", "Ferries"]}</script>'
        )
    )

    assert joined.tags == ["Ferries", "Island life"]
    assert listed.tags == ["Diversity, equity and inclusion", "Ferries"]


def tags_of(keywords: str) -> list[str]:
    return extract_article(
        ferry_page(f'<meta name="news_keywords" content="{keywords}">', drop="news_keywords")
    ).tags


def test_a_stray_one_letter_prefix_on_half_the_tags_or_more_is_dropped():
    assert tags_of("b Politics , b Donald Trump, bocial Issues ") == [
        "Politics",
        "Donald Trump",
        "bocial Issues",
    ]
    assert tags_of("b Politics, bocial Issues") == ["Politics", "bocial Issues"]
    # A vowel may be a word; one tag of three is a name.
    assert tags_of("a cappella, Choirs") == ["a cappella", "Choirs"]
    assert tags_of("x Factor, Choirs, Singing") == ["x Factor", "Choirs", "Singing"]
