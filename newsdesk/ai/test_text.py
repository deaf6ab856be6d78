from lxml import html as lxml_html

from newsdesk.ai.text import (
    anchor_paragraphs,
    article_paragraphs,
    content_terms,
    html_paragraphs,
    sentences_of,
    split_sentences,
)

BODY = (
    "<p>First paragraph. It has two sentences.</p>"
    "<ul><li>A <b>bold</b> item</li><li>Another item</li></ul>"
    "<blockquote><p>A quoted paragraph.</p></blockquote>"
    "<h2>Crosshead</h2>"
    "<figure><img src='https://x.example/a.jpg' alt=''><figcaption>Caption</figcaption></figure>"
)


def test_anchors_number_the_same_blocks_the_features_read():
    anchored = anchor_paragraphs(BODY)
    texts = html_paragraphs(BODY)
    assert texts == [
        "First paragraph. It has two sentences.",
        "A bold item",
        "Another item",
        "A quoted paragraph.",
        "Crosshead",
        "Caption",
    ]
    root = lxml_html.fragment_fromstring(anchored, create_parent="div")
    anchors = {element.get("id"): " ".join(element.text_content().split()) for element in root.iter()}
    anchors.pop(None)
    assert anchors == {f"p-{number}": text for number, text in enumerate(texts, start=1)}
    assert "<b>bold</b>" in anchored and "<blockquote>" in anchored


def test_anchoring_keeps_text_escaped():
    anchored = anchor_paragraphs("<p>Fish &amp; chips &lt;script&gt;</p>")
    assert anchored == '<p id="p-1">Fish &amp; chips &lt;script&gt;</p>'


def test_plain_text_paragraphs_when_there_is_no_html():
    paragraphs = article_paragraphs(body_html="", text="One.\n\nTwo.\n\n\nThree.")
    assert [(p.id, p.text) for p in paragraphs] == [("p-1", "One."), ("p-2", "Two."), ("p-3", "Three.")]
    assert article_paragraphs(body_html="", text="", description="Teaser.")[0].text == "Teaser."


def test_sentences_keep_quotes_abbreviations_and_numbers_together():
    assert split_sentences(
        'Mr. Smith met U.S. officials. He said "It went well." Costs rose 2.5% to £3bn. Why? Nobody knew.'
    ) == [
        "Mr. Smith met U.S. officials.",
        'He said "It went well."',
        "Costs rose 2.5% to £3bn.",
        "Why?",
        "Nobody knew.",
    ]


def test_title_line_and_headings_are_not_sentences():
    paragraphs = article_paragraphs(
        body_html="",
        text="Tram line approved\n\nThe council voted yes.\n\nWhat happens next\n\nWork starts soon.",
    )
    sentences = sentences_of(paragraphs, title="Tram line approved")
    assert [(s.text, s.paragraph, s.position) for s in sentences] == [
        ("The council voted yes.", "p-2", 0),
        ("Work starts soon.", "p-4", 1),
    ]


def test_content_terms_drop_stopwords_and_stem():
    assert content_terms("The rates are rising, said the Bank's governor") == [
        "rat",
        "ris",
        "bank",
        "governor",
    ]


def test_inflections_share_a_stem():
    assert content_terms("rate rates rated") == ["rat", "rat", "rat"]
    assert content_terms("cities city") == ["city", "city"]
    assert content_terms("bus buses") == ["bus", "bus"]
