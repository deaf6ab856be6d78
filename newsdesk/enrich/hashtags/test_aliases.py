import pytest

from newsdesk.enrich.hashtags import build_hashtags
from newsdesk.enrich.hashtags.aliases import (
    Aliases,
    canonical_name,
    fold_within_article,
    known_names_in,
    learn_surnames,
    looks_like_full_name,
    strip_job_titles,
)


def names_of(hashtags: list[tuple[str, float]]) -> list[str]:
    return [name for name, _ in hashtags]


@pytest.mark.parametrize(
    "raw", ["Trump", "Donald Trump", "President Trump", "president donald trump", "Mr Trump"]
)
def test_every_way_of_naming_trump_is_one_hashtag(raw):
    assert canonical_name(raw) == "DonaldTrump"


@pytest.mark.parametrize(
    ("name", "stripped"),
    [
        ("PresidentTrump", "Trump"),
        ("PrimeMinisterTonyBlair", "TonyBlair"),
        ("HomeSecretaryCharlesClarke", "CharlesClarke"),
        ("ChancellorGordonBrown", "GordonBrown"),
        ("President", "President"),
        ("HomeOffice", "HomeOffice"),
    ],
)
def test_job_titles_are_stripped(name, stripped):
    assert strip_job_titles(name) == stripped


def test_trump_articles_all_carry_donald_trump():
    by_title = build_hashtags(title="Trump threatens new tariffs on China", text="The White House said so.")
    by_tag = build_hashtags(feed_tags=["President Trump"], title="Tariffs announced")
    by_text = build_hashtags(
        title="Tariffs on steel",
        text="President Donald Trump signed the order on Monday. Trump said workers would gain. "
        "Critics of Mr Trump said prices would rise.",
    )
    for hashtags in (by_title, by_tag, by_text):
        assert "DonaldTrump" in names_of(hashtags)
        assert not {"Trump", "PresidentTrump"} & set(names_of(hashtags))


def test_a_surname_joins_the_full_name_used_in_the_same_article():
    assert fold_within_article(["Ivanka Trump", "Trump", "Paris"]) == {"trump": "Ivanka Trump"}
    # Two full names end with it: the surname alone is ambiguous and left alone.
    assert fold_within_article(["IvankaTrump", "EricTrump", "Trump"]) == {}
    hashtags = names_of(build_hashtags(feed_tags=["Trump", "Ivanka Trump"], title="A visit"))
    assert "IvankaTrump" in hashtags and "DonaldTrump" not in hashtags and "Trump" not in hashtags


def test_surnames_are_learnt_from_frequent_full_name_hashtags():
    usage = [("KeirStarmer", 40), ("Starmer", 5), ("JohnSmith", 3), ("JaneSmith", 3), ("NewYork", 50)]
    learnt = learn_surnames(usage)
    assert learnt["starmer"] == "KeirStarmer"
    assert "smith" not in learnt, "no one full name owns Smith"
    assert "york" not in learnt, "New York is a place, not a person"
    aliases = Aliases(learnt)
    assert aliases.canonical("Starmer") == "KeirStarmer"
    assert aliases.canonical("PrimeMinisterStarmer") == "KeirStarmer"
    assert aliases.canonical("York") == "York"
    assert names_of(build_hashtags(feed_tags=["Starmer"], title="Budget", aliases=aliases)) == ["KeirStarmer"]


def test_rare_full_names_teach_nothing():
    assert learn_surnames([("AliceMerton", 1), ("Merton", 9)]) == {}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("DonaldTrump", True), ("JeanClaudeJuncker", True), ("NewYork", False), ("BankOfEngland", False),
     ("LabourParty", False), ("NASA", False), ("Trump", False), ("Covid19", False)],
)  # fmt: skip
def test_full_name_shapes(name, expected):
    assert looks_like_full_name(name) is expected


def test_curated_names_are_found_only_when_capitalised_as_names():
    found = dict(known_names_in("Who will win? Putin and the EU", "An apple a day; us and them."))
    assert found == {"VladimirPutin": True, "EuropeanUnion": True}
    assert dict(known_names_in("Markets fall", "Shares of Apple Inc fell.")) == {"Apple": False}
