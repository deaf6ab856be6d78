from newsdesk.enrich.categories import category_from_section, section_prior


def test_section_names_and_url_parts_map_to_the_taxonomy():
    assert category_from_section("middle-east") == "world"
    assert category_from_section("Tech") == "technology"
    assert category_from_section("World News") == "world"
    assert category_from_section("sport") == "sports"


def test_unknown_sections_name_no_category():
    assert category_from_section("") is None
    assert category_from_section("Opinion") is None
    assert category_from_section("2024") is None


def test_the_first_section_that_names_a_category_is_the_prior():
    assert section_prior("", "Opinion", "sport", "business") == "sports"
    assert section_prior("", "news") == ""
