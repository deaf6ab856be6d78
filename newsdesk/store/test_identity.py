import pytest

from newsdesk.store.identity import article_id, canonicalize_url, content_hash, without_tracking


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.example.com/news/story-1",
        "https://www.example.com/news/story-1/",
        "https://www.example.com/news/story-1?utm_source=rss&utm_medium=feed",
        "https://www.example.com/news/story-1#comments",
        "https://www.example.com/news/story-1?fbclid=abc&gclid=def",
        "HTTPS://WWW.EXAMPLE.COM:443/news/story-1",
        "https://www.example.com/news/story-1/amp",
        "https://www.example.com/news/story-1/amp/",
        "https://amp.www.example.com/news/story-1",
        "https://www.example.com//news//story-1",
    ],
)
def test_variants_of_one_page_share_an_id(variant):
    expected = "https://www.example.com/news/story-1"
    assert canonicalize_url(variant) == expected
    assert article_id(canonicalize_url(variant)) == article_id(expected)


def test_meaningful_query_parameters_are_kept_and_ordered():
    assert canonicalize_url("https://e.com/a?id=7&page=2") == "https://e.com/a?id=7&page=2"
    assert canonicalize_url("https://e.com/a?page=2&id=7") == "https://e.com/a?id=7&page=2"
    assert canonicalize_url("https://e.com/a?id=7") != canonicalize_url("https://e.com/a?id=8")


def test_amp_html_suffix_is_folded():
    assert canonicalize_url("https://e.com/world/story.amp.html") == "https://e.com/world/story.html"


def test_non_default_port_is_kept():
    assert canonicalize_url("http://127.0.0.1:8123/a/") == "http://127.0.0.1:8123/a"


def test_article_id_is_32_hex_md5():
    assert article_id("https://e.com/a") == "faf58e7d6ec6bbe66b4095b6ff9423a8"
    assert article_id("https://e.com/a") != article_id("https://e.com/b")


def test_content_hash_ignores_case_space_and_punctuation():
    body = " ".join(f"word{i}" for i in range(60))
    noisy = body.upper().replace(" ", "  ,\n")
    assert content_hash(body) == content_hash(noisy)
    assert content_hash(body) != content_hash(body + " extra")


def test_content_hash_is_empty_for_short_texts():
    assert content_hash("Too short to identify an article.") == ""


@pytest.mark.parametrize(
    "given, link",
    [
        ("https://ex.com/a/?utm_source=rss&utm_medium=feed", "https://ex.com/a/"),
        ("https://ex.com/a?id=7&fbclid=x&b=2", "https://ex.com/a?id=7&b=2"),
        ("https://ex.com/A/b/", "https://ex.com/A/b/"),
        ("https://ex.com/a?b=2&a=1#part", "https://ex.com/a?b=2&a=1#part"),
    ],
)
def test_a_link_to_the_original_loses_tracking_parameters_and_nothing_else(given, link):
    assert without_tracking(given) == link
