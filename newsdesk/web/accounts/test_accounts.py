"""Sign-up with email verification, display names, login throttling, export and deletion."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from newsdesk.models import Comment, Follow, ModerationAction, ReaderProfile, SavedArticle
from newsdesk.web.accounts.actions import delete_account
from newsdesk.web.accounts.lib import display_name
from newsdesk.web.accounts.testing import PASSWORD, make_reader
from newsdesk.web.comments.actions import post_comment
from newsdesk.web.moderation.actions import moderate_comment
from newsdesk.web.testing import make_article, make_source

User = get_user_model()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def signup(client, email: str, **extra):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, "display_name": "Cara", **extra},
    )


@pytest.mark.django_db
def test_signup_needs_the_emailed_link_before_login(client):
    response = signup(client, "cara@example.org")
    assert response.status_code == 302
    user = User.objects.get(email="cara@example.org")
    assert user.profile.display_name == "Cara"
    # Mandatory verification: no session yet, and logging in just re-sends the link.
    assert "_auth_user_id" not in client.session
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    assert user.emailaddress_set.get().verified
    response = client.post(reverse("account_login"), {"login": "cara@example.org", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_signup_honeypot_creates_no_account_and_is_hidden_from_screen_readers(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert re.search(
        r'<input[^>]*name="website"[^>]*aria-hidden="true"|<input[^>]*aria-hidden="true"[^>]*name="website"',
        page,
    )
    signup(client, "bot@example.org", website="https://spam.example")
    assert not User.objects.filter(email="bot@example.org").exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_failed_logins_are_throttled(client, settings):
    make_reader("dan@example.org")

    def attempt(password: str) -> str:
        return client.post(
            reverse("account_login"), {"login": "dan@example.org", "password": password}
        ).content.decode()

    for _ in range(5):
        assert "Too many failed login attempts" not in attempt("wrong")
    assert "Too many failed login attempts" in attempt("wrong")
    # Even the right password waits until the window has passed (ACCOUNT_RATE_LIMITS["login_failed"]).
    assert "Too many failed login attempts" in attempt(PASSWORD)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_display_name_is_cleaned_and_never_the_email(client):
    reader = make_reader("eve@example.org")
    assert display_name(reader) == f"Reader {reader.pk}"
    client.force_login(reader)
    client.post(reverse("reader_profile"), {"display_name": "  Eve\x07 \t the\nReader  "})
    reader.profile.refresh_from_db()
    assert reader.profile.display_name == "Eve the Reader"


@pytest.mark.django_db
def test_export_holds_everything_about_the_reader(client):
    reader = make_reader("fay@example.org", "Fay")
    article = make_article(make_source("Harbour Times"), "Lighthouse", hashtags=("Lighthouse",))
    post_comment(reader, article, "My comment", ip_address="192.0.2.5")
    Follow.objects.create(user=reader, kind="hashtag", value="lighthouse")
    SavedArticle.objects.create(user=reader, article=article)
    client.force_login(reader)
    response = client.get(reverse("reader_export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == "fay@example.org"
    assert data["profile"]["display_name"] == "Fay"
    assert [(c["body"], c["ip_address"]) for c in data["comments"]] == [("My comment", "192.0.2.5")]
    assert data["follows"][0]["value"] == "lighthouse"
    assert data["saved_articles"][0]["article"] == article.pk


@pytest.mark.django_db
def test_delete_account_needs_confirmation_and_anonymises_comments(client):
    reader = make_reader("gus@example.org", "Gus")
    moderator = make_reader("mod@example.org", staff=True)
    article = make_article(make_source("Harbour Times"), "Lighthouse")
    top = post_comment(reader, article, "Personal story", ip_address="192.0.2.9")
    post_comment(make_reader("hal@example.org"), article, "Thanks for sharing", parent=top)
    moderate_comment(moderator, top, "approve")
    client.force_login(reader)
    assert client.post(reverse("reader_delete"), {"confirm": "yes"}).status_code == 200
    assert User.objects.filter(pk=reader.pk).exists()
    client.post(reverse("reader_delete"), {"confirm": "DELETE"})
    assert not User.objects.filter(pk=reader.pk).exists()
    assert not ReaderProfile.objects.filter(user_id=reader.pk).exists()
    top.refresh_from_db()
    assert (top.body, top.ip_address, top.state) == ("", None, Comment.State.DELETED)
    assert display_name(top.author) == "[deleted]"
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Personal story" not in page and "Thanks for sharing" in page and "[deleted]" in page
    # A deleted moderator's actions stay in the audit log.
    client.force_login(moderator)
    client.post(reverse("reader_delete"), {"confirm": "DELETE"})
    assert display_name(ModerationAction.objects.get().moderator) == "[deleted]"


@pytest.mark.django_db
def test_signing_up_as_deleted_reader_at_gives_an_ordinary_account(client):
    # allauth names this account after the email's local part: the placeholder's old username.
    signup(client, "deleted-reader@example.org", display_name="Mallory")
    mallory = User.objects.get(email="deleted-reader@example.org")
    assert display_name(mallory) == "Mallory"
    article = make_article(make_source("Harbour Times"), "Lighthouse")
    top = post_comment(make_reader("gus@example.org"), article, "Personal story")
    post_comment(make_reader("hal@example.org"), article, "Thanks for sharing", parent=top)
    delete_account(top.author)
    top.refresh_from_db()
    assert top.author != mallory and display_name(top.author) == "[deleted]"
    with pytest.raises(ValueError):
        delete_account(top.author)
    own = post_comment(mallory, article, "Hello")
    client.force_login(mallory)
    exported = json.loads(client.get(reverse("reader_export")).content)["comments"]
    assert [comment["id"] for comment in exported] == [own.pk]
    client.post(reverse("reader_delete"), {"confirm": "DELETE"})
    assert not User.objects.filter(pk=mallory.pk).exists()
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["", "", "Thanks for sharing"]


@pytest.mark.django_db
def test_a_placeholder_made_by_an_older_version_keeps_serving_and_is_never_deleted():
    article = make_article(make_source("Harbour Times"), "Lighthouse")
    # As versions before the "[deleted reader]" name made it.
    legacy = User.objects.create_user("deleted-reader", is_active=False)
    Comment.objects.create(author=legacy, article=article, body="", body_html="", state=Comment.State.DELETED)
    delete_account(post_comment(make_reader("gus@example.org"), article, "Personal story").author)
    assert Comment.objects.filter(author=legacy).count() == 2 and display_name(legacy) == "[deleted]"
    with pytest.raises(ValueError):
        delete_account(legacy)
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_nobody_can_take_the_deleted_marker_as_display_name(client):
    reader = make_reader("ivy@example.org", "Ivy")
    client.force_login(reader)
    for name in ("[deleted]", " [ Deleted ] ", "［ＤＥＬＥＴＥＤ］"):
        response = client.post(reverse("reader_profile"), {"display_name": name})
        assert "marks deleted accounts" in response.content.decode(), name
    reader.profile.refresh_from_db()
    assert reader.profile.display_name == "Ivy"
    client.logout()
    signup(client, "jo@example.org", display_name="[deleted]")
    assert not User.objects.filter(email="jo@example.org").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["OP2@Example.org", "op2@example.org"])
def test_an_operator_whose_email_has_capitals_signs_in_as_typed_either_way(client, monkeypatch, typed):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--username", "op2", "--email", "OP2@Example.org")
    response = client.post(reverse("account_login"), {"login": typed, "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"]


@pytest.mark.django_db
def test_an_operator_made_at_the_console_signs_in_on_the_reader_side(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--username", "ops", "--email", "ops@example.org")
    response = client.post(reverse("account_login"), {"login": "ops@example.org", "password": PASSWORD})
    operator = User.objects.get(username="ops")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(operator.pk)
    assert not mail.outbox  # no confirmation link needed
    # A reader's own sign-up still needs the link.
    reader = User.objects.create_user("reader", "reader@example.org", PASSWORD)
    assert not reader.emailaddress_set.exists()
