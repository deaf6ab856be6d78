from html.parser import HTMLParser

import pytest

from newsdesk.web.comments.markup import links_in, render_comment


def test_plain_text_becomes_paragraphs_with_line_breaks():
    assert render_comment("First line\nsecond line\n\nNew paragraph") == (
        "<p>First line<br>second line</p><p>New paragraph</p>"
    )


def test_emphasis_and_strong():
    assert render_comment("a *quiet* and **loud** _word_") == (
        "<p>a <em>quiet</em> and <strong>loud</strong> <em>word</em></p>"
    )


def test_arithmetic_and_snake_case_are_not_emphasis():
    assert render_comment("2*3*4 = 24 in snake_case_name") == "<p>2*3*4 = 24 in snake_case_name</p>"


def test_bare_links_are_nofollow_ugc_and_keep_the_full_stop_outside():
    assert render_comment("See https://example.org/a?b=1&c=2.") == (
        '<p>See <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc">'
        "https://example.org/a?b=1&amp;c=2</a>.</p>"
    )


def test_markdown_links_only_for_web_addresses():
    html = render_comment("[docs](https://example.org/docs) and [bad](javascript:alert(1))")
    assert '<a href="https://example.org/docs" rel="nofollow ugc">docs</a>' in html
    assert "javascript:" not in html.split("</a>", 1)[0]
    assert html.count("<a ") == 1


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements_of(html: str) -> list[tuple[str, dict]]:
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '"><svg onload=alert(1)>',
        '[x](https://a.example" onmouseover="alert(1))',
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "https://a.example/<script>alert(1)</script>",
    ],
)
def test_typed_markup_stays_text(body):
    for tag, attributes in elements_of(render_comment(body)):
        assert tag in {"p", "br", "a", "em", "strong"}
        assert set(attributes) <= ({"href", "rel"} if tag == "a" else set())
        if tag == "a":
            assert attributes["href"].startswith("https://") and attributes["rel"] == "nofollow ugc"


def test_links_in_finds_both_forms():
    assert links_in("see https://a.example/x. or [b](http://b.example)") == [
        "https://a.example/x",
        "http://b.example",
    ]
    assert links_in("no links, just javascript:alert(1)") == []


def test_links_keep_balanced_parentheses_in_their_address():
    """Wikipedia's addresses end in "(…)"; a link in brackets still leaves its closing one outside."""
    wiki = "https://en.wikipedia.org/wiki/Ferry_(boat)"
    assert render_comment(f"See {wiki}.") == (f'<p>See <a href="{wiki}" rel="nofollow ugc">{wiki}</a>.</p>')
    assert render_comment(f"[the ferry]({wiki})") == (
        f'<p><a href="{wiki}" rel="nofollow ugc">the ferry</a></p>'
    )
    assert render_comment("(see https://example.org/a)") == (
        '<p>(see <a href="https://example.org/a" rel="nofollow ugc">https://example.org/a</a>)</p>'
    )
    assert links_in(f"[the ferry]({wiki}) and (https://example.org/a)") == [wiki, "https://example.org/a"]
