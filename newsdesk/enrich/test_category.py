from newsdesk.enrich.category import category_from_section, choose_category


def test_feed_section_wins_over_tags():
    assert choose_category(feed_section="sport", tags=["Business"]) == "sports"


def test_tags_and_url_sections_map_to_the_taxonomy():
    assert choose_category(feed_section="", tags=["Unrelated", "World News"]) == "world"
    assert category_from_section("middle-east") == "world"
    assert category_from_section("Tech") == "technology"


def test_unknown_sections_fall_back_to_general():
    assert choose_category(feed_section="", tags=["Opinion", "2024"]) == "general"
    assert category_from_section("") is None
