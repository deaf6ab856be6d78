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


def test_sentences_split_in_scripts_other_than_english():
    assert split_sentences("Die Stadt hat den Bau angekündigt. Über die Kosten wurde nicht entschieden.") == [
        "Die Stadt hat den Bau angekündigt.",
        "Über die Kosten wurde nicht entschieden.",
    ]
    assert split_sentences("Власти объявили о строительстве моста. Стоимость проекта высока.") == [
        "Власти объявили о строительстве моста.",
        "Стоимость проекта высока.",
    ]
    assert split_sentences("सरकार ने पुल की घोषणा की। लागत दो सौ करोड़ है।") == [
        "सरकार ने पुल की घोषणा की।",
        "लागत दो सौ करोड़ है।",
    ]
    assert split_sentences("市政府宣布建设新大桥。项目预计二〇二八年完工！") == [
        "市政府宣布建设新大桥。",
        "项目预计二〇二八年完工！",
    ]
    # A lower-case word after a full stop still does not start a sentence.
    assert split_sentences("Prices rose approx. five per cent.") == ["Prices rose approx. five per cent."]


def test_a_chinese_paragraph_is_read_not_taken_for_a_heading():
    body = "<p>市政府宣布建设新大桥。项目预计二〇二八年完工。</p>"
    paragraphs = article_paragraphs(body_html=body, text="")
    assert [s.text for s in sentences_of(paragraphs, title="新大桥")] == [
        "市政府宣布建设新大桥。",
        "项目预计二〇二八年完工。",
    ]


def test_chinese_words_are_matched_by_character_pairs():
    assert content_terms("大桥完工") == ["大桥", "桥完", "完工"]


def test_a_crosshead_is_not_a_sentence_even_when_it_ends_like_one():
    paragraphs = article_paragraphs(
        body_html="<p>The awards were held in London on Saturday.</p><h3>Raye wins Artist of the Year!</h3>"
        "<p>She took home six prizes.</p>",
        text="",
    )
    assert [(s.text, s.paragraph) for s in sentences_of(paragraphs)] == [
        ("The awards were held in London on Saturday.", "p-1"),
        ("She took home six prizes.", "p-3"),
    ]
