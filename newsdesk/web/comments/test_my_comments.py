"""A reader's own comments, in one list: where each is, and what became of it."""

from django.urls import reverse
from django.utils import timezone

from newsdesk.models import Comment, Story
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.comments.actions import delete_comment, post_comment
from newsdesk.web.moderation.actions import moderate_comment
from newsdesk.web.testing import make_article, make_source


def test_a_reader_lists_their_own_comments_newest_first(client, ann, settings):
    settings.NEWSDESK_PAGE_SIZE = 3
    article = make_article(make_source("Harbour Times"), "Lighthouse reopens")
    story = Story.objects.create(
        title="Storm season", first_published_at=timezone.now(), last_published_at=timezone.now()
    )
    first = post_comment(ann, article, "First *thought*")
    hidden = post_comment(ann, story, "A hot take")
    moderate_comment(make_reader("mod@example.org", staff=True), hidden, "hide")
    gone = post_comment(ann, article, "Regretted words")
    delete_comment(gone, ann)
    post_comment(make_reader("bob@example.org", "Bob"), article, "Bob's words")
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timezone.timedelta(hours=1))
    client.force_login(ann)
    page = client.get(reverse("my_comments")).content.decode()
    assert page.index("A hot take") < page.index("First <em>thought</em>")
    assert f'href="{story.get_absolute_url()}#comment-{hidden.pk}"' in page and "Storm season" in page
    assert f'href="{article.get_absolute_url()}#comment-{first.pk}"' in page and "Lighthouse reopens" in page
    assert "Hidden by a moderator" in page
    assert "Regretted words" not in page and "Bob&#x27;s words" not in page and "Bob's words" not in page
    profile = client.get(reverse("reader_profile")).content.decode()
    assert f'href="{reverse("my_comments")}"' in profile


def test_own_comments_need_a_login(client, db):
    response = client.get(reverse("my_comments"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_with_no_comments_the_list_says_so(client, ann):
    client.force_login(ann)
    assert "You have not commented yet." in client.get(reverse("my_comments")).content.decode()
