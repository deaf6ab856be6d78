"""The staff queue, its actions, banned words and the audit log."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsdesk.models import BannedWord, Comment, CommentReport, ModerationAction
from newsdesk.web.accounts.actions import delete_account
from newsdesk.web.accounts.lib import deleted_reader, profile_of
from newsdesk.web.accounts.testing import make_reader
from newsdesk.web.comments.actions import post_comment, report_comment
from newsdesk.web.moderation.actions import ModerationRefused, moderate_reader
from newsdesk.web.moderation.lib import queue
from newsdesk.web.testing import make_article, make_source


@pytest.fixture
def setup(db):
    article = make_article(make_source("Harbour Times"), "Lighthouse")
    author = make_reader("ann@example.org", "Ann")
    moderator = make_reader("mod@example.org", "Mod", staff=True)
    comment = post_comment(author, article, "Rude words")
    report_comment(comment, make_reader("bob@example.org"), "abuse")
    return {"article": article, "author": author, "moderator": moderator, "comment": comment}


def act(client, comment, action, **extra):
    return client.post(reverse("moderation_act", args=[comment.pk]), {"action": action, **extra})


def test_queue_is_for_staff_only(client, setup):
    assert reverse("account_login") in client.get(reverse("moderation_queue"))["Location"]
    client.force_login(setup["author"])
    assert client.get(reverse("moderation_queue")).status_code == 403
    assert act(client, setup["comment"], "hide").status_code == 403
    client.force_login(setup["moderator"])
    page = client.get(reverse("moderation_queue")).content.decode()
    assert "Rude words" in page and "abuse" in page


def test_hide_then_approve_resolves_reports_and_logs_both(client, setup):
    comment, moderator = setup["comment"], setup["moderator"]
    client.force_login(moderator)
    act(client, comment, "hide", note="insults")
    comment.refresh_from_db()
    assert comment.state == Comment.State.HIDDEN
    assert not CommentReport.objects.filter(resolved=False).exists()
    assert list(queue()) == []
    act(client, comment, "approve")
    comment.refresh_from_db()
    assert comment.state == Comment.State.VISIBLE
    log = list(ModerationAction.objects.order_by("created_at").values_list("action", "moderator", "note"))
    assert log == [("hide", moderator.pk, "insults"), ("approve", moderator.pk, "")]
    assert "insults" in client.get(reverse("moderation_log")).content.decode()


def test_held_comments_wait_in_the_queue(setup):
    newcomer = make_reader("new@example.org", joined_days_ago=0)
    held = post_comment(newcomer, setup["article"], "https://spam.example")
    assert held in queue()


def test_suspend_and_shadow_ban_the_author(client, setup):
    client.force_login(setup["moderator"])
    act(client, setup["comment"], "suspend", days="3")
    profile = setup["author"].profile
    profile.refresh_from_db()
    assert (profile.suspended_until - timezone.now()).days == 2
    act(client, setup["comment"], "shadow_ban")
    profile.refresh_from_db()
    assert profile.shadow_banned
    assert list(ModerationAction.objects.values_list("action", "target_user").order_by("created_at")) == [
        ("suspend", setup["author"].pk),
        ("shadow_ban", setup["author"].pk),
    ]


def test_staff_cannot_be_suspended_from_the_queue(client, setup):
    other_moderator = make_reader("mod2@example.org", staff=True)
    comment = post_comment(other_moderator, setup["article"], "staff note")
    client.force_login(setup["moderator"])
    act(client, comment, "suspend")
    assert other_moderator.profile.suspended_until is None
    assert not ModerationAction.objects.exists()


def test_banned_words_are_managed_and_logged(client, setup):
    client.force_login(setup["moderator"])
    client.post(reverse("moderation_banned_words"), {"word": "  Cheap   Pills "})
    assert list(BannedWord.objects.values_list("word", flat=True)) == ["cheap pills"]
    client.post(reverse("moderation_banned_words"), {"word": "cheap pills", "action": "remove"})
    assert not BannedWord.objects.exists()
    assert list(ModerationAction.objects.values_list("action", "note").order_by("created_at")) == [
        ("ban_word", "cheap pills"),
        ("unban_word", "cheap pills"),
    ]


@pytest.mark.parametrize("days", ["²", "1000000000", "0", "-3", "two"])
def test_suspension_days_out_of_range_are_refused_with_the_rule(client, setup, days):
    client.force_login(setup["moderator"])
    response = act(client, setup["comment"], "suspend", days=days, note="Repeated insults")
    page = response.content.decode()
    assert response.status_code == 400 and "whole number of days from 1 to 3650" in page
    assert "Repeated insults" in page
    setup["author"].profile.refresh_from_db()
    assert setup["author"].profile.suspended_until is None
    assert not ModerationAction.objects.exists()


def test_the_longest_suspension_is_ten_years(client, setup):
    client.force_login(setup["moderator"])
    assert act(client, setup["comment"], "suspend", days="3650").status_code == 302
    setup["author"].profile.refresh_from_db()
    assert (setup["author"].profile.suspended_until - timezone.now()).days == 3649
    with pytest.raises(ModerationRefused):
        moderate_reader(setup["moderator"], setup["author"], "suspend", days=3651)


def test_anonymous_moderation_posts_log_in_back_to_the_queue(client, setup):
    response = act(client, setup["comment"], "hide", note="Rude to the author")
    page = response.content.decode()
    assert response.status_code == 403 and "Rude to the author" in page
    assert f"{reverse('account_login')}?{urlencode({'next': reverse('moderation_queue')})}" in page
    setup["comment"].refresh_from_db()
    assert setup["comment"].state == Comment.State.VISIBLE


def test_the_log_costs_the_same_queries_however_many_readers_it_names(client, setup):
    moderator = setup["moderator"]
    client.force_login(moderator)
    act(client, setup["comment"], "hide", note="first")
    with CaptureQueriesContext(connection) as one_entry:
        assert "first" in client.get(reverse("moderation_log")).content.decode()
    for n in range(6):
        reader = make_reader(f"reader{n}@example.org", f"Reader{n}")
        comment = post_comment(reader, setup["article"], f"Comment {n}")
        act(client, comment, "suspend", note=f"note {n}")
    with CaptureQueriesContext(connection) as many_entries:
        page = client.get(reverse("moderation_log")).content.decode()
    assert "Reader5" in page and "note 5" in page
    assert len(many_entries) == len(one_entry)


def test_the_log_names_an_operator_without_a_display_name_by_username(client, setup, django_user_model):
    operator = django_user_model.objects.create_superuser("ops", "ops@example.org", "a long pass phrase 42")
    client.force_login(operator)
    act(client, setup["comment"], "hide")
    client.force_login(setup["moderator"])
    act(client, setup["comment"], "approve")

    page = client.get(reverse("moderation_log")).content.decode()
    assert "<td>ops</td>" in page and "<td>Mod</td>" in page and f"Reader {operator.pk}" not in page


def test_a_deleted_comment_stays_deleted(client, setup):
    # A deletion is final, its author's or a moderator's: approving it would publish what was withdrawn.
    comment = setup["comment"]
    client.force_login(setup["moderator"])
    act(client, comment, "delete", note="spam")
    for action in ("approve", "hide"):
        response = act(client, comment, action)
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.state == Comment.State.DELETED
    assert "deleted" in client.get(reverse("moderation_queue")).content.decode()
    assert list(ModerationAction.objects.values_list("action", flat=True)) == ["delete"]


def test_the_placeholder_of_deleted_readers_is_not_moderated(client, setup):
    # Every deleted reader's comments belong to one placeholder: banning it would touch them all.
    delete_account(setup["author"])
    comment = Comment.objects.get(pk=setup["comment"].pk)
    client.force_login(setup["moderator"])
    for action in ("suspend", "shadow_ban"):
        act(client, comment, action)
    profile = profile_of(deleted_reader())
    assert profile.suspended_until is None and not profile.shadow_banned
    assert not ModerationAction.objects.exists()
    with pytest.raises(ModerationRefused):
        moderate_reader(setup["moderator"], deleted_reader(), "shadow_ban")
