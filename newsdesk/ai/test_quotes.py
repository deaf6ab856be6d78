from newsdesk.ai.quotes import verify_quotes
from newsdesk.ai.text import Paragraph

PARAGRAPHS = [
    Paragraph("p-1", "The council approved a new tram line on Tuesday."),
    Paragraph("p-2", "“We lost customers the last time,” said baker Lena Vos. Work starts in spring."),
]


def test_quotes_found_in_the_article_link_to_their_paragraph():
    check = verify_quotes(
        ['"We lost customers the last time," said baker Lena Vos.', "the council approved a new TRAM line"],
        PARAGRAPHS,
    )
    assert [q["paragraph"] for q in check.verified] == ["p-2", "p-1"]
    assert check.unverified == []


def test_invented_short_and_stitched_quotes_are_dropped():
    check = verify_quotes(
        [
            "The council rejected the tram line on Tuesday.",
            "tram line",
            "The council approved ... said baker Lena Vos",
            "",
        ],
        PARAGRAPHS,
    )
    assert check.verified == []
    assert check.unverified == [
        "The council rejected the tram line on Tuesday.",
        "tram line",
        "The council approved ... said baker Lena Vos",
    ]


def test_an_ellipsis_may_join_parts_of_one_paragraph():
    check = verify_quotes(["We lost customers … Work starts in spring."], PARAGRAPHS)
    assert check.verified == [{"text": "We lost customers … Work starts in spring.", "paragraph": "p-2"}]
