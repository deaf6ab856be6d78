"""An article as numbered paragraphs and sentences: what every AI feature reads and cites.

Paragraph ids (`p-1`, `p-2`, ...) are the anchors the article page gives its body, so a
quoted sentence can link to the paragraph it came from.
"""

import re
from dataclasses import dataclass

from lxml import html as lxml_html

# Elements that hold reader text on their own; numbered in document order.
TEXT_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption"})
SPACES = re.compile(r"\s+")
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A sentence ends at . ! ? (or the Devanagari danda, the Arabic question mark) with closing quotes
# or brackets, before a space and what may start one (`next`: anything but a lower-case letter,
# so "approx. five" stays whole while caseless scripts split); at the CJK marks 。！？ with no space.
SENTENCE_END = re.compile(r"[.!?।؟][\"'”’»)\]]*(?=\s+[\"'“‘«„(\[¿¡]?(?P<next>\w|[£$€]))|[。！？][」』”’）)]*")
# Words after which a full stop does not end the sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sen rep gen col lt sgt capt gov pres jr sr inc ltd co corp vs no fig "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e".split()
)
# Headlines and crossheads are this short and end without . ! ? or a closing quote.
HEADING_MAX_WORDS = 14
SENTENCE_CLOSERS = tuple(".!?\"'”’):;。！？।؟」』»）")
# Crossheads by markup: never a sentence, however they end ("Raye wins Artist of the Year!").
HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# Chinese and Japanese write words without spaces: their runs are matched by character pairs.
CJK_RUN = re.compile(r"[\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say told one two new year years mr mrs ms us""".split()
)


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: str  # the anchor id of its paragraph, e.g. "p-3"
    position: int  # 0-based index among the article's sentences


@dataclass(frozen=True)
class Paragraph:
    id: str
    text: str
    heading: bool = False  # marked up as a heading (h2-h6)


def normalise_space(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def text_paragraphs(text: str) -> list[str]:
    """`Article.text` separates paragraphs with blank lines."""
    return [normalise_space(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _numbered_blocks(root) -> list:
    """The text blocks of a parsed body in document order, skipping blocks nested in a numbered one."""
    found = []
    for element in root.iter(*TEXT_BLOCKS):
        if any(ancestor in found for ancestor in element.iterancestors(*TEXT_BLOCKS)):
            continue
        if element.tag == "blockquote" and element.find(".//p") is not None:
            continue  # its paragraphs are numbered instead
        if normalise_space(element.text_content()):
            found.append(element)
    return found


def _parse_fragment(body_html: str):
    return lxml_html.fragment_fromstring(body_html, create_parent="div")


def _html_blocks(body_html: str) -> list[tuple[str, bool]]:
    """Each text block's text, and whether it is marked up as a heading."""
    if not body_html.strip():
        return []
    return [
        (normalise_space(e.text_content()), e.tag in HEADING_TAGS)
        for e in _numbered_blocks(_parse_fragment(body_html))
    ]


def html_paragraphs(body_html: str) -> list[str]:
    return [text for text, _ in _html_blocks(body_html)]


def anchor_paragraphs(body_html: str) -> str:
    """The body HTML with `id="p-N"` on each text block, numbered as `html_paragraphs` numbers them."""
    if not body_html.strip():
        return body_html
    root = _parse_fragment(body_html)
    for number, element in enumerate(_numbered_blocks(root), start=1):
        element.set("id", f"p-{number}")
    inner = (root.text or "") + "".join(
        lxml_html.tostring(child, encoding="unicode", method="html") for child in root
    )
    return inner


def article_paragraphs(*, body_html: str, text: str, description: str = "") -> list[Paragraph]:
    """The paragraphs the article page shows, with the ids it gives them."""
    blocks = _html_blocks(body_html)
    if not blocks:
        blocks = [(body, False) for body in text_paragraphs(text) or text_paragraphs(description)]
    return [Paragraph(f"p-{number}", body, heading) for number, (body, heading) in enumerate(blocks, start=1)]


def split_sentences(paragraph: str) -> list[str]:
    pieces, start = [], 0
    for end in SENTENCE_END.finditer(paragraph):
        if end["next"] is not None and end["next"].islower():
            continue
        pieces.append(paragraph[start : end.end()])
        start = end.end()
    pieces.append(paragraph[start:])
    sentences: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if sentences and _ends_with_abbreviation(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def _ends_with_abbreviation(sentence: str) -> bool:
    last = sentence.rsplit(" ", 1)[-1].rstrip(".").lower()
    # "J." in "John F. Kennedy"; "U.S." style initials.
    return last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def sentences_of(paragraphs: list[Paragraph], title: str = "") -> list[Sentence]:
    """Every sentence with its paragraph; headings and a first paragraph repeating the title are skipped."""
    title_key = _comparable(title)
    sentences: list[Sentence] = []
    for index, paragraph in enumerate(paragraphs):
        if index == 0 and title_key and _comparable(paragraph.text) == title_key:
            continue
        if paragraph.heading or is_heading(paragraph.text):
            continue
        for sentence in split_sentences(paragraph.text):
            sentences.append(Sentence(sentence, paragraph.id, len(sentences)))
    return sentences


def is_heading(text: str) -> bool:
    """A short line without a sentence's closing punctuation: a headline, crosshead or caption label."""
    return len(text.split()) <= HEADING_MAX_WORDS and not text.rstrip().endswith(SENTENCE_CLOSERS)


def _comparable(text: str) -> str:
    return " ".join(WORD.findall(text.casefold()))


# Irregular past forms of verbs news reports with, so "rose" answers "did it rise?".
IRREGULAR_VERBS = {
    past: verb
    for verb, forms in {
        "rise": "rose risen",
        "fall": "fell fallen",
        "grow": "grew grown",
        "win": "won",
        "lose": "lost",
        "pay": "paid",
        "sell": "sold",
        "buy": "bought",
        "leave": "left",
        "meet": "met",
        "hold": "held",
        "take": "took taken",
        "give": "gave given",
        "speak": "spoke spoken",
        "choose": "chose chosen",
        "shake": "shook shaken",
        "break": "broke broken",
        "steal": "stole stolen",
        "drive": "drove driven",
        "fly": "flew flown",
        "begin": "began begun",
        "run": "ran",
        "build": "built",
        "spend": "spent",
        "send": "sent",
        "lead": "led",
        "seek": "sought",
        "fight": "fought",
        "catch": "caught",
        "teach": "taught",
        "find": "found",
        "strike": "struck",
        "shoot": "shot",
    }.items()
    for past in forms.split()
}


def stem(word: str) -> str:
    """A light English stemmer: enough to match "rates" with "rate", "rising" and "rose" with "rise"."""
    word = word.removesuffix("'s")
    word = IRREGULAR_VERBS.get(word, word)
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("ly", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            word = word[: len(word) - len(suffix)] + replacement
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def content_terms(text: str, also_drop: frozenset[str] = frozenset()) -> list[str]:
    """Stemmed words that carry meaning (no stopwords, none of `also_drop`, no single letters);
    Chinese and Japanese as overlapping character pairs, since they do not space their words."""
    terms = []
    for word in WORD.findall(text):
        word = word.casefold().replace("’", "'")
        if CJK_RUN.search(word):
            terms.extend(_character_pairs(word))
        elif word not in STOPWORDS and word not in also_drop and len(word) > 1:
            terms.append(stem(word))
    return terms


def is_character_pair(term: str) -> bool:
    """A term of a Chinese or Japanese word, as `content_terms` cuts them."""
    return CJK_RUN.fullmatch(term) is not None


def _character_pairs(word: str) -> list[str]:
    pairs = []
    for run in CJK_RUN.findall(word):
        pairs.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return pairs


def word_count(text: str) -> int:
    return len(text.split())
