import pytest

from newsdesk.enrich.hashtags import hashtag_key, is_junk, split_tag_list, to_hashtag


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("times of india", "TimesOfIndia"),
        ("saco", "Saco"),
        ("world news", "WorldNews"),
        ("#WorldNews", "WorldNews"),
        ("##brexit", "Brexit"),
        ("  Donald   Trump ", "DonaldTrump"),
        ("COVID-19", "Covid19"),
        ("NASA", "NASA"),
        ("UK", "UK"),
        ("US", "US"),
        ("WHO", "WHO"),
        ("MH370", "MH370"),
        ("UK POLITICS", "UKPolitics"),
        ("WORLD CUP", "WorldCup"),
        ("AC/DC", "ACDC"),
        ("São Paulo", "SãoPaulo"),
        ("Deutsche Börse", "DeutscheBörse"),
        ("नरेंद्र मोदी", "नरेंद्रमोदी"),
        ("iPhone 15", "iPhone15"),
        ("McDonald's", "McDonalds"),
        ("Women’s cricket", "WomensCricket"),
        ("Al-Qaeda", "AlQaeda"),
        ("G-20", "G20"),
        ("5G", "5G"),
    ],
)
def test_to_hashtag_makes_camel_case_names(raw, name):
    assert to_hashtag(raw) == name


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "#",
        "x",
        "News",
        "Top Stories",
        "TOP STORIES",
        "Breaking News",
        "Uncategorized",
        "Featured",
        "Video",
        "Opinion",
        "Standard",
        "Internal",
        "magazine",
        "Longform",
        "Medium",
        "the",
        "of the",
        "2024",
        "2024-05-01",
        "01/05/2024",
        "March 2005",
        "Monday",
        "21st",
        "tag_123",
        "sid:8841a",
        "cat-id=77",
        "utm_source=rss",
        "e2fa9c01de77",
        "a1b2c3d4",
        "https://example.com/world/story-1",
        "www.example.com",
        "one two three four five",
        "A headline somebody pasted into the keywords field",
        "x" * 41,
    ],
)
def test_junk_is_dropped(raw):
    assert is_junk(raw)
    assert to_hashtag(raw) is None


@pytest.mark.parametrize(
    "tag", ["TimesOfIndia", "Saco", "US", "Covid19", "Euro2024", "NewYorkCityMarathon", "SãoPaulo", "F1"]
)
def test_real_tags_are_not_junk(tag):
    assert not is_junk(tag)


def test_junk_is_recognised_in_camel_case_too():
    assert is_junk("TopStories")
    assert is_junk("BreakingNews")
    assert is_junk("Tag123")
    assert is_junk("March2005")


def test_non_strings_are_junk_not_errors():
    assert is_junk(None)
    assert to_hashtag(None) is None
    assert to_hashtag(42) is None


def test_hashtag_key_is_the_lower_case_name():
    assert hashtag_key("TimesOfIndia") == "timesofindia"
    assert hashtag_key("#Times of India") == "timesofindia"
    assert hashtag_key("SãoPaulo") == "sãopaulo"
    assert hashtag_key(to_hashtag("SACO")) == hashtag_key(to_hashtag("saco"))


def test_keyword_strings_are_split_on_commas_semicolons_and_pipes():
    assert split_tag_list(["Saco, Maine; parks", "city council | zoning", "  ", "Portland"]) == [
        "Saco",
        "Maine",
        "parks",
        "city council",
        "zoning",
        "Portland",
    ]


def test_a_single_keyword_string_is_a_list_of_one_not_of_characters():
    assert split_tag_list("budget, tax") == ["budget", "tax"]


def test_non_string_items_in_a_tag_list_are_skipped():
    assert split_tag_list(["Saco", None, 7, "Maine"]) == ["Saco", "Maine"]
