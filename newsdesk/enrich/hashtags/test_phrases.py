from newsdesk.enrich.hashtags import build_hashtags
from newsdesk.enrich.hashtags.phrases import extract_key_phrases

RATES_TEXT = (
    "Interest rates rose again on Thursday. Economists said interest rates would keep rising this year. "
    "Higher interest rates hurt borrowers, and the bank said rates matter. Climate change was not discussed."
)


def test_recurring_lower_case_pairs_are_key_phrases():
    phrases = dict(extract_key_phrases("Borrowers squeezed", RATES_TEXT))
    assert list(phrases) == ["InterestRates"]


def test_a_phrase_in_the_title_needs_one_mention_in_the_body():
    phrases = dict(extract_key_phrases("Climate change talks", RATES_TEXT))
    assert "ClimateChange" in phrases
    assert phrases["ClimateChange"] <= phrases["InterestRates"] or phrases["ClimateChange"] == 1.0


def test_names_and_function_words_make_no_phrase():
    text = (
        "Tony Blair spoke. Tony Blair left. Tony Blair returned. It was the best of the year, the best of it."
    )
    assert extract_key_phrases("", text) == []


def test_a_phrase_replaces_its_own_words_among_the_hashtags():
    names = [name for name, _ in build_hashtags(title="Borrowers squeezed", text=RATES_TEXT)]
    assert "InterestRates" in names
    assert "Rates" not in names and "Interest" not in names
