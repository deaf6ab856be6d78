from pathlib import Path

import pytest

from newsdesk.enrich.language import detect_language, label_language, normalise_language_tag
from newsdesk.web.testing import make_article, make_source

SHORT_TEXTS = [
    line.split("\t", 1)
    for line in (Path(__file__).parent / "testdata" / "short_texts.tsv").read_text().splitlines()
]


@pytest.mark.parametrize(("language", "headline"), SHORT_TEXTS)
def test_detects_short_headlines(language, headline):
    assert detect_language(headline) == language


@pytest.mark.parametrize(
    ("title", "declared", "expected"),
    [
        ("Regierung kündigt neuen Haushalt für Schulen an", "en", "de"),  # template says en; text is German
        ("Le gouvernement annonce un nouveau budget pour les écoles", "fr-FR", "fr"),
        ("Storm leaves thousands without power across the coast", "EN_gb", "en"),
        ("Sturm", "de", "de"),  # too short to judge: the page's word stands
        ("12:45", "", ""),
    ],
)
def test_declared_language_is_verified_by_the_text(title, declared, expected):
    assert detect_language(title, declared=declared) == expected


def test_body_text_decides_when_the_title_is_ambiguous():
    text = "La policía detuvo ayer a dos hombres tras un robo en una joyería del centro de la ciudad."
    assert detect_language("Real Madrid", text) == "es"


def test_same_text_same_answer():
    headline = "Ola de calor en el sur"
    assert len({detect_language(headline) for _ in range(5)}) == 1


def test_language_tags_normalise_to_two_letters():
    assert [normalise_language_tag(t) for t in ("en-US", "PT_br", "de", "english", "", "x")] == [
        "en",
        "pt",
        "de",
        "",
        "",
        "",
    ]


@pytest.mark.django_db
def test_articles_in_other_languages_are_kept_and_labelled():
    source = make_source("Le Courrier")
    article = make_article(
        source,
        "Des scientifiques découvrent de la glace près du pôle sud de la Lune",
        text="Les chercheurs estiment que cette glace pourrait servir aux futures missions habitées.",
        language="en",
    )
    assert label_language(article) == "fr"
    article.refresh_from_db()
    assert article.language == "fr"
