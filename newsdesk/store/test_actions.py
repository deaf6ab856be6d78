from dataclasses import replace

import pytest

from newsdesk.models import Article, Comment, SavedArticle
from newsdesk.store.actions import (
    DiscoveredArticle,
    drop_duplicate_article,
    find_article,
    record_discovered,
    rekey_article,
)
from newsdesk.store.identity import article_id, canonicalize_url
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.comments.actions import post_comment
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db

CANONICAL = "https://harbour-times.example/2024/lighthouse"


def saved_by(article: Article) -> set[str]:
    return set(SavedArticle.objects.filter(article=article).values_list("user__email", flat=True))


def test_a_rekeyed_article_keeps_its_comments_and_saves():
    source = make_source("Harbour Times")
    article = make_article(
        source, "Lighthouse relit", url="https://harbour-times.example/news/1?utm_source=rss"
    )
    old_id = article.id
    reader = make_reader("ann@example.org")
    comment = post_comment(reader, article, "At last!")
    reply = post_comment(make_reader("bob@example.org"), article, "Agreed.", parent=comment)
    SavedArticle.objects.create(user=reader, article=article)

    moved = rekey_article(article, CANONICAL)

    assert moved.id == article_id(canonicalize_url(CANONICAL)) != old_id
    assert list(Article.objects.values_list("id", flat=True)) == [moved.id]
    assert list(Comment.objects.filter(article=moved).order_by("id")) == [comment, reply]
    assert Comment.objects.get(id=reply.id).parent_id == comment.id
    assert saved_by(moved) == {"ann@example.org"}


def test_an_article_rekeyed_onto_one_already_stored_hands_it_its_comments_and_saves_once_per_reader():
    source = make_source("Harbour Times")
    kept = make_article(source, "Lighthouse relit", url=CANONICAL)
    duplicate = make_article(source, "Lighthouse relit", url="https://harbour-times.example/news/1")
    ann, bob = make_reader("ann@example.org"), make_reader("bob@example.org")
    post_comment(ann, kept, "Lovely.")
    post_comment(bob, duplicate, "At last!")
    for reader in (ann, bob):
        SavedArticle.objects.create(user=reader, article=duplicate)
    SavedArticle.objects.create(user=ann, article=kept)

    assert rekey_article(duplicate, CANONICAL) == kept

    assert list(Article.objects.values_list("id", flat=True)) == [kept.id]
    assert [c.body for c in Comment.objects.filter(article=kept)] == ["Lovely.", "At last!"]
    assert saved_by(kept) == {"ann@example.org", "bob@example.org"}
    assert SavedArticle.objects.count() == 2


def test_the_old_address_of_a_moved_article_redirects_to_where_it_went(client):
    source = make_source("Harbour Times")
    article = make_article(
        source, "Lighthouse relit", url="https://harbour-times.example/news/1?utm_source=rss"
    )
    first_address = article.get_absolute_url()
    moved = rekey_article(article, "https://harbour-times.example/news/1")
    second_address = moved.get_absolute_url()
    kept = rekey_article(moved, CANONICAL)  # moved twice: both old links lead to where it is now

    for address in (first_address, second_address):
        response = client.get(address + "?ref=share")
        assert response.status_code == 301
        assert response["Location"] == kept.get_absolute_url() + "?ref=share"
    assert client.get(kept.get_absolute_url()).status_code == 200
    assert client.get("/en/article/" + "f" * 32 + "/").status_code == 404


def test_a_feed_entry_dropped_as_a_copy_is_not_new_the_next_time_its_feed_is_read():
    """Its page turned out to carry another article's text: it redirects there, and stays gone."""
    source = make_source("Harbour Times")
    entry = DiscoveredArticle(
        url="https://harbour-times.example/news/1?utm_source=rss",
        guid="harbour-1",
        title="Lighthouse relit",
        summary="",
        text="",
        html="",
        published=None,
        authors=[],
        tags=[],
        image="",
    )
    copy = record_discovered(source, None, entry)
    kept = make_article(source, "Lighthouse relit", url=CANONICAL)
    drop_duplicate_article(copy.id, kept.id)

    assert record_discovered(source, None, entry) is None
    # Nor under another GUID, as a feed that regenerates them would give it.
    assert record_discovered(source, None, replace(entry, guid="harbour-1-again")) is None
    assert list(Article.objects.values_list("id", flat=True)) == [kept.id]


def test_an_article_is_found_by_its_id_or_its_url_percent_encoded_or_not():
    article = make_article(make_source("Harbour Times"), "Grüße", url="https://harbour.example/news/grüße")
    encoded = "https://harbour.example/news/gr%C3%BC%C3%9Fe"
    for asked in (article.id, article.url, encoded, f" {article.url} "):
        assert find_article(asked) == article
    assert find_article("https://harbour.example/news/other") is None
    assert find_article("https://harbour.example:port/news/grüße") is None
