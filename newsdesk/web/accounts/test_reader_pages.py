"""The account pages as a reader meets them: back where they were after logging in, errors tied to fields."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from newsdesk.web.accounts.testing import PASSWORD, make_reader
from newsdesk.web.testing import make_article, make_source


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def header_link(page: str, name: str) -> str:
    nav = page[page.find('<nav class="reader-nav"') :]
    return re.search(rf'<a href="([^"]*)">{name}</a>', nav[: nav.find("</nav>")]).group(1)


@pytest.mark.django_db
def test_logging_in_from_the_header_comes_back_to_the_page(client):
    article = make_article(make_source("Harbour Times"), "Lighthouse reopens", text="The lamp shines.")
    make_reader("ann@example.org", "Ann")
    page_url = f"{article.get_absolute_url()}?comments=oldest"
    page = client.get(page_url).content.decode()
    for name in ("Log in", "Sign up"):
        link = header_link(page, name)
        assert parse_qs(urlsplit(link.replace("&amp;", "&")).query)["next"] == [page_url]
    login = header_link(page, "Log in").replace("&amp;", "&")
    response = client.post(login, {"login": "ann@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == page_url


@pytest.mark.django_db
def test_the_header_on_the_account_pages_does_not_send_the_reader_back_to_them(client):
    page = client.get(reverse("account_login")).content.decode()
    assert header_link(page, "Log in") == reverse("account_login")
    assert header_link(page, "Sign up") == reverse("account_signup")


@pytest.mark.django_db
def test_the_comment_login_prompt_comes_back_to_the_comments(client):
    article = make_article(make_source("Harbour Times"), "Lighthouse reopens", text="The lamp shines.")
    page = client.get(article.get_absolute_url()).content.decode()
    prompt = page[page.find('class="comment-login"') :]
    for name in ("Log in", "create an account"):
        link = re.search(rf'<a href="([^"]*)">{name}</a>', prompt).group(1)
        assert parse_qs(urlsplit(link).query)["next"] == [f"{article.get_absolute_url()}#comments"]


def described_by(page: str, field_id: str) -> list[str]:
    tag = re.search(rf'<(?:input|select)[^>]*id="{field_id}"[^>]*>', page).group(0)
    found = re.search(r'aria-describedby="([^"]*)"', tag)
    return found.group(1).split() if found else []


def invalid(page: str, field_id: str) -> bool:
    return 'aria-invalid="true"' in re.search(rf'<(?:input|select)[^>]*id="{field_id}"[^>]*>', page).group(0)


@pytest.mark.django_db
def test_profile_errors_and_help_are_tied_to_their_fields(client):
    client.force_login(make_reader("ann@example.org", "Ann"))
    page = client.get(reverse("reader_profile")).content.decode()
    (help_id,) = described_by(page, "id_display_name")
    assert f'id="{help_id}"' in page and not invalid(page, "id_display_name")
    page = client.post(
        reverse("reader_profile"), {"display_name": "[deleted]", "time_zone": ""}
    ).content.decode()
    assert invalid(page, "id_display_name")
    error_id = next(id_ for id_ in described_by(page, "id_display_name") if id_ != help_id)
    assert "marks deleted accounts" in re.search(rf'id="{error_id}">(.*?)</ul>', page, re.S).group(1)
    assert 'value="[deleted]"' in page  # what was typed stays in the box


@pytest.mark.django_db
def test_the_delete_confirmation_error_is_tied_to_its_field(client):
    client.force_login(make_reader("ann@example.org", "Ann"))
    page = client.get(reverse("reader_delete")).content.decode()
    (help_id,) = described_by(page, "id_confirm")
    assert "cannot be undone" in re.search(rf'id="{help_id}"[^>]*>(.*?)<', page).group(1)
    page = client.post(reverse("reader_delete"), {"confirm": "delete"}).content.decode()
    assert invalid(page, "id_confirm")
    error_id = next(id_ for id_ in described_by(page, "id_confirm") if id_ != help_id)
    assert "in capitals" in re.search(rf'id="{error_id}">(.*?)</ul>', page, re.S).group(1)


@pytest.mark.django_db
def test_the_export_says_where_each_comment_and_saved_article_is_and_when_each_report_was_sent(client):
    import json

    from newsdesk.models import Story
    from newsdesk.web.comments.actions import post_comment, report_comment
    from newsdesk.web.follows.actions import save_article

    fay, other = make_reader("fay@example.org", "Fay"), make_reader("gil@example.org", "Gil")
    article = make_article(make_source("Harbour Times"), "Lighthouse reopens")
    story = Story.objects.create(
        title="Storm season", first_published_at=timezone.now(), last_published_at=timezone.now()
    )
    on_article = post_comment(fay, article, "On the article")
    on_story = post_comment(fay, story, "On the story")
    theirs = post_comment(other, article, "Gil's words", ip_address="192.0.2.7")
    report_comment(theirs, fay, "spam", "Looks like an advert")
    save_article(fay, article)
    client.force_login(fay)
    data = json.loads(client.get(reverse("reader_export")).content)
    assert [(c["body"], c["url"]) for c in data["comments"]] == [
        ("On the article", f"http://testserver{article.get_absolute_url()}#comment-{on_article.pk}"),
        ("On the story", f"http://testserver{story.get_absolute_url()}#comment-{on_story.pk}"),
    ]
    (report,) = data["reports"]
    assert report["details"] == "Looks like an advert" and report["created_at"]
    (saved,) = data["saved_articles"]
    assert saved["title"] == "Lighthouse reopens"
    assert saved["page"] == f"http://testserver{article.get_absolute_url()}"
    # Nothing of the other reader's: not their words, nor their address.
    assert "Gil" not in json.dumps(data) and "192.0.2.7" not in json.dumps(data)


@pytest.mark.django_db
def test_account_emails_name_the_site_and_link_to_it_in_full(client, settings):
    from django.core import mail

    settings.SITE_NAME = "Harbour News"
    make_reader("ann@example.org", "Ann")
    client.post(reverse("account_reset_password"), {"email": "ann@example.org"})
    (message,) = mail.outbox
    assert message.body.startswith("Hello from Harbour News!")
    assert "Thank you for using Harbour News!" in message.body
    assert re.search(r"^http://testserver/accounts/password/reset/key/\S+/$", message.body, re.M)
