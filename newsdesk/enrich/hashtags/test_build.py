import json
from pathlib import Path

import pytest

from newsdesk.enrich.hashtags import build_hashtags, hashtag_key, is_junk
from newsdesk.enrich.hashtags.build import MentionedKeys

TESTDATA = Path(__file__).parent / "testdata"


@pytest.fixture
def saco_article() -> dict[str, str]:
    title, _, text = (TESTDATA / "saco_park.txt").read_text(encoding="utf-8").partition("\n\n")
    return {"title": title, "text": text}


def names_of(hashtags: list[tuple[str, float]]) -> list[str]:
    return [name for name, _ in hashtags]


def test_hashtags_come_from_feed_page_text_and_source(saco_article):
    hashtags = build_hashtags(
        feed_tags=["Maine"],
        page_tags=["city council"],
        source_name="Portland Press Herald",
        **saco_article,
    )
    names = names_of(hashtags)
    assert {"Maine", "CityCouncil", "Saco", "JodiMacPhail", "PortlandPressHerald"} <= set(names)


def test_weights_are_best_first_and_within_zero_and_one(saco_article):
    hashtags = build_hashtags(feed_tags=["Maine", "Local"], source_name="Press Herald", **saco_article)
    weights = [weight for _, weight in hashtags]
    assert weights == sorted(weights, reverse=True)
    assert all(0 < weight <= 1 for weight in weights)


def test_publisher_tags_outrank_keywords_found_only_in_the_text(saco_article):
    weights = dict(build_hashtags(page_tags=["Zoning"], **saco_article))
    assert weights["Zoning"] > weights["JodiMacPhail"]


def test_agreement_between_origins_raises_the_weight():
    alone = dict(build_hashtags(feed_tags=["Budget", "Tax"]))
    agreed = dict(build_hashtags(feed_tags=["Budget", "Tax"], page_tags=["tax"], text="A new tax on sugar."))
    assert agreed["Tax"] > alone["Tax"]
    assert agreed["Tax"] > agreed["Budget"]


def test_tags_are_deduplicated_case_insensitively_keeping_the_publishers_spelling():
    hashtags = build_hashtags(feed_tags=["iphone", "SACO"], page_tags=["iPhone", "saco", "Saco"])
    keys = [hashtag_key(name) for name in names_of(hashtags)]
    assert sorted(keys) == ["iphone", "saco"]
    assert "iPhone" in names_of(hashtags)
    assert "Saco" in names_of(hashtags)


def test_singular_and_plural_of_one_topic_are_one_tag(saco_article):
    keys = [hashtag_key(name) for name in names_of(build_hashtags(page_tags=["parks"], **saco_article))]
    assert "parks" in keys
    assert "park" not in keys


def test_comma_separated_keyword_strings_are_split():
    names = names_of(build_hashtags(page_tags=["Saco, Maine; city council", "zoning|parks"]))
    assert names == ["Saco", "Maine", "CityCouncil", "Zoning", "Parks"]


def test_junk_tags_are_dropped():
    names = names_of(
        build_hashtags(
            feed_tags=["Top Stories", "News", "tag_123", "2024-05-01", "https://example.com/x", "Saco"],
            page_tags=["Uncategorized", "sid:99f1", "the", "one two three four five"],
        )
    )
    assert names == ["Saco"]


def test_cap_is_respected_and_the_source_is_kept_last(saco_article):
    tags = [f"Topic{letter}" for letter in "ABCDEFGHIJ"]
    hashtags = build_hashtags(feed_tags=tags, source_name="Times of India", cap=4, **saco_article)
    assert len(hashtags) == 4
    assert hashtags[-1][0] == "TimesOfIndia"
    assert hashtags[-1][1] < min(weight for _, weight in hashtags[:-1])
    assert names_of(hashtags)[:3] == ["TopicA", "TopicB", "TopicC"]


def test_a_source_that_is_also_a_topic_is_one_tag_weighed_as_a_topic():
    hashtags = build_hashtags(
        feed_tags=["Media", "BBC", "Economy", "Markets"],
        title="BBC cuts jobs",
        source_name="BBC",
        cap=3,
    )
    # A story about the publisher: the headline names it, so it is a topic, confirmed by the headline.
    assert names_of(hashtags) == ["BBC", "Media", "Economy"]
    assert dict(hashtags)["BBC"] > 0.7


def test_the_publishers_own_name_as_a_tag_is_only_the_source_unless_the_headline_names_it():
    hashtags = build_hashtags(
        feed_tags=["cnbc", "Housing", "Mortgages"],
        title="Mortgage demand falls",
        text="Applications fell, CNBC reported.",
        source_name="CNBC",
    )
    assert names_of(hashtags)[-1] == "CNBC"
    assert dict(hashtags)["CNBC"] < dict(hashtags)["Mortgages"]


def test_tags_shaped_like_codes_are_kept_only_when_the_story_names_them():
    names = names_of(
        build_hashtags(
            feed_tags=[
                "RSBI:HUMAN-RIGHTS,MTPIX,CLJ,FRAUD1,VOTE,NHS,FR-BISV08",
                "Day: Saturday",
                "WC: 2000-2999",
                "Mission: Impossible",
                "splitscreenimagerightinset",
                "Dentists",
            ],
            title="NHS dentists: Mission: Impossible?",
            text="Patients wait months to see a dentist; many never vote on it.",
        )
    )
    assert names[:3] == ["NHS", "MissionImpossible", "Dentists"]
    for junk in ("RsbiHumanRights", "Mtpix", "CLJ", "Fraud1", "VOTE", "Vote", "DaySaturday", "WC20002999"):
        assert junk not in names
    assert "Splitscreenimagerightinset" not in names


def test_a_key_is_mentioned_when_up_to_four_adjacent_words_of_one_passage_spell_it():
    mentioned = MentionedKeys("Times of India reports", "The state of the Union, said the paper.")
    for key in ("timesofindia", "india", "stateoftheunion", "thestateofthe", "unionsaidthe"):
        assert key in mentioned
    # Five words, words out of order, words across the two passages, or part of a word: not mentioned.
    for key in ("thestateoftheunion", "indiatimes", "reportsthe", "tim", ""):
        assert key not in mentioned


def test_a_cap_of_one_keeps_the_best_topic_and_zero_keeps_nothing():
    assert names_of(build_hashtags(feed_tags=["Saco"], source_name="Press Herald", cap=1)) == ["Saco"]
    assert names_of(build_hashtags(source_name="Press Herald", cap=1)) == ["PressHerald"]
    assert build_hashtags(feed_tags=["Saco"], cap=0) == []


def test_no_input_gives_no_hashtags_and_bad_input_no_error():
    assert build_hashtags() == []
    assert names_of(build_hashtags(feed_tags=None, page_tags=[None, 3, "Saco"], title=None, text=None)) == [
        "Saco"
    ]


@pytest.mark.shared
def test_bbc_articles_get_sane_hashtags(shared_data):
    lines = (shared_data / "topics" / "bbc-dev.jsonl").read_text(encoding="utf-8").splitlines()
    articles = [json.loads(line) for line in lines[::27]]
    assert len(articles) >= 50
    for article in articles:
        hashtags = build_hashtags(title=article["title"], text=article["text"], source_name="BBC News", cap=8)
        names = names_of(hashtags)
        keys = [hashtag_key(name) for name in names]
        assert len(hashtags) <= 8, article["id"]
        assert "BBCNews" in names, article["id"]
        assert [name for name in names if name != "BBCNews"], article["id"]
        assert len(set(keys)) == len(keys), article["id"]
        assert not [name for name in names if is_junk(name)], article["id"]
