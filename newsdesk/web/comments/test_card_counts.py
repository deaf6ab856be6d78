"""Comment counts on the home page's cards: public comments only, one query for the whole page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsdesk.models import Comment, ReaderProfile, Story
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.comments.actions import post_comment
from newsdesk.web.testing import make_article, make_source

pytestmark = pytest.mark.django_db


def card_of(html: str, title: str) -> str:
    """The HTML of the card whose title is `title`."""
    for card in re.findall(r"<article class=\"card.*?</article>", html, re.S):
        if f">{title}</a></h3>" in card:
            return card
    raise AssertionError(f"no card for {title!r}")


def add_comment(author, target, body: str, state: str = Comment.State.VISIBLE) -> Comment:
    comment = post_comment(author, target, body)
    Comment.objects.filter(pk=comment.pk).update(state=state)
    return comment


def test_home_cards_count_only_the_comments_readers_can_see(client):
    gazette, courier = make_source("Gazette"), make_source("Courier")
    lead = make_article(gazette, "Lighthouse reopens", category="science")
    quiet = make_article(courier, "Ferry timetable changes", category="business")
    busy = make_article(courier, "Harbour wall repaired", category="science")
    ann, bob = make_reader("ann@example.org", "Ann"), make_reader("bob@example.org", "Bob")
    ReaderProfile.objects.filter(user=bob).update(shadow_banned=True)
    add_comment(ann, lead, "Lovely")
    add_comment(ann, busy, "First")
    add_comment(ann, busy, "Second")
    add_comment(ann, busy, "Hidden", Comment.State.HIDDEN)
    add_comment(ann, busy, "Held", Comment.State.HELD)
    add_comment(ann, busy, "Deleted", Comment.State.DELETED)
    add_comment(bob, busy, "Shadow-banned")
    add_comment(ann, quiet, "Hidden", Comment.State.HIDDEN)
    story = Story.objects.create(
        title="Harbour works",
        representative=busy,
        source_count=2,
        first_published_at=timezone.now(),
        last_published_at=timezone.now(),
    )
    add_comment(ann, story, "On the story")
    add_comment(ann, story, "Removed", Comment.State.HIDDEN)

    html = client.get(reverse("home")).content.decode()

    assert "1 comment</a>" in card_of(html, lead.title)
    assert "2 comments</a>" in card_of(html, busy.title)
    assert "comment" not in card_of(html, quiet.title)
    story_card = card_of(html, story.title)
    assert f'href="{story.get_absolute_url()}#comments"' in story_card and "1 comment</a>" in story_card
    # The category sections show the same counts on their own cards.
    sections = html.split('class="category-section"', 1)[1]
    assert "2 comments</a>" in card_of(sections, busy.title)


def home_queries(client, settings, page_size: int) -> list[str]:
    settings.NEWSDESK_PAGE_SIZE = page_size
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("home")).content.decode()
    assert html.count('class="comment-count"') >= page_size  # every card on the page has its count
    return [query["sql"] for query in captured.captured_queries]


def test_home_page_queries_do_not_grow_with_the_number_of_cards(client, settings):
    source = make_source("Gazette")
    ann = make_reader("ann@example.org", "Ann")
    for number in range(12):
        article = make_article(source, f"Harbour news {number}", category="science")
        add_comment(ann, article, "Noted")

    small, large = home_queries(client, settings, 3), home_queries(client, settings, 10)

    assert len(small) == len(large)
    assert sum('FROM "newsdesk_comment"' in sql for sql in large) == 1
