from pathlib import Path

import pytest

from newsdesk.enrich.hashtags import extract_keywords, hashtag_key, is_junk

TESTDATA = Path(__file__).parent / "testdata"


@pytest.fixture
def saco_article() -> tuple[str, str]:
    title, _, text = (TESTDATA / "saco_park.txt").read_text(encoding="utf-8").partition("\n\n")
    return title, text


def test_article_keywords_name_the_place_the_person_and_the_topic(saco_article):
    names = [name for name, _ in extract_keywords(*saco_article)]
    assert names[0] == "Saco"
    assert {"JodiMacPhail", "SacoRiver", "Park"} <= set(names)


def test_a_surname_alone_counts_for_the_full_name(saco_article):
    keys = {hashtag_key(name) for name, _ in extract_keywords(*saco_article)}
    assert "jodimacphail" in keys
    assert "macphail" not in keys


def test_titles_are_not_part_of_names(saco_article):
    names = [name for name, _ in extract_keywords(*saco_article)]
    assert not [name for name in names if name.startswith("Mayor") or name.startswith("Councillor")]


def test_headline_verbs_and_once_mentioned_names_are_not_keywords(saco_article):
    keys = {hashtag_key(name) for name, _ in extract_keywords(*saco_article)}
    # "approves" heads the story but the body says it twice; Peter Dunning is mentioned once.
    assert not keys & {"approve", "approves", "peterdunning", "dunning"}


def test_saliences_are_ordered_and_bounded(saco_article):
    keywords = extract_keywords(*saco_article)
    saliences = [salience for _, salience in keywords]
    assert saliences == sorted(saliences, reverse=True)
    assert saliences[0] == 1.0
    assert all(0 < salience <= 1 for salience in saliences)
    assert not [name for name, _ in keywords if is_junk(name)]


def test_title_case_headlines_do_not_make_every_word_a_name():
    title = "Putin Was Asked Why Russia Is Not Helping Iran"
    text = (
        "Russian President Vladimir Putin was asked on Friday why Moscow is not helping Iran. "
        "Putin said Russia was helping in other ways and that Iran had not asked for military aid. "
        "Iran and Russia have had close ties for decades, Putin said."
    )
    names = [name for name, _ in extract_keywords(title, text)]
    assert {"VladimirPutin", "Russia", "Iran"} <= set(names)
    assert not {"Asked", "Helping", "WasAsked"} & set(names)


def test_possessives_and_sentence_starts_do_not_glue_names_together():
    title = "Blair's Tory critics regroup"
    text = (
        "Conservative critics of Tony Blair met on Monday. Blair's office declined to comment. "
        "On Thursday Mr Blair will answer questions from the Tory benches, where Blair is unpopular."
    )
    keys = {hashtag_key(name) for name, _ in extract_keywords(title, text)}
    assert "tonyblair" in keys
    assert not keys & {"blairtory", "thursdaymrblair", "mrblair"}


def test_empty_input_gives_no_keywords():
    assert extract_keywords("", "") == []
