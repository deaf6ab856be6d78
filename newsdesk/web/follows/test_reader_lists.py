"""The reader's own lists: what they follow on "For you", and saved articles, each with a way to drop one."""

import re

import pytest
from django.urls import reverse

from newsdesk.models import Follow, Hashtag, SavedArticle
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.follows.actions import follow, save_article
from newsdesk.web.testing import make_article, make_source


@pytest.fixture
def ann(db):
    return make_reader("ann@example.org", "Ann")


def buttons(page: str, form_class: str) -> list[str]:
    """The accessible text of each button in a form of `form_class` (hidden spans included)."""
    forms = re.findall(rf'<form class="{form_class}".*?</form>', page, re.S)
    return [
        " ".join(re.sub(r"<[^>]+>", " ", re.search(r"<button.*?</button>", form, re.S).group(0)).split())
        for form in forms
    ]


def test_each_unfollow_button_on_for_you_names_what_it_unfollows(client, ann):
    source = make_source("Harbour Times")
    Hashtag.objects.create(key="ferries", name="Ferries")  # followed, no article carries it yet
    follow(ann, "hashtag", "ferries")
    follow(ann, "source", source.slug)
    client.force_login(ann)
    page = client.get(reverse("for_you")).content.decode()
    assert sorted(buttons(page, "follow-form")) == ["Following #Ferries", "Following Harbour Times"]
    assert "Nothing new from what you follow yet." in page
    # Unfollowing there comes back to the list, one fewer.
    response = client.post(
        reverse("follow"),
        {"kind": "hashtag", "value": "ferries", "action": "unfollow", "next": reverse("for_you")},
    )
    assert response["Location"] == reverse("for_you")
    assert list(Follow.objects.filter(user=ann).values_list("kind", flat=True)) == ["source"]


def test_a_saved_article_can_be_removed_from_the_saved_list(client, ann):
    source = make_source("Harbour Times")
    kept, dropped = make_article(source, "Lighthouse reopens"), make_article(source, "Ferry strike")
    save_article(ann, kept)
    save_article(ann, dropped)
    client.force_login(ann)
    page = client.get(reverse("saved_articles")).content.decode()
    assert buttons(page, "save-form") == ["Saved Ferry strike", "Saved Lighthouse reopens"]
    form = re.search(
        rf'<form class="save-form"[^>]*action="{reverse("save_article", args=[dropped.pk])}".*?</form>',
        page,
        re.S,
    )
    assert 'name="action" value="unsave"' in form.group(0)
    assert f'name="next" value="{reverse("saved_articles")}"' in form.group(0)
    response = client.post(
        reverse("save_article", args=[dropped.pk]), {"action": "unsave", "next": reverse("saved_articles")}
    )
    assert response["Location"] == reverse("saved_articles")
    assert list(SavedArticle.objects.values_list("article_id", flat=True)) == [kept.pk]
    page = client.get(reverse("saved_articles")).content.decode()
    assert "Lighthouse reopens" in page and "Ferry strike" not in page
