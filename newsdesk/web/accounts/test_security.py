"""Every reader form refuses a post without its CSRF token; production settings pass `check --deploy`."""

import os
import secrets
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsdesk.models import Story
from newsdesk.web.accounts.testing import PASSWORD, make_reader
from newsdesk.web.comments.actions import post_comment
from newsdesk.web.testing import make_article, make_source


@pytest.fixture
def forms(db):
    article = make_article(make_source("Harbour Times"), "Lighthouse", hashtags=("Lighthouse",))
    story = Story.objects.create(
        title="S", first_published_at=timezone.now(), last_published_at=timezone.now()
    )
    reader = make_reader("ann@example.org", staff=True)
    comment = post_comment(make_reader("bob@example.org"), article, "hello")
    own = post_comment(reader, article, "mine")
    return {
        "reader": reader,
        "posts": {
            reverse("comment_post", args=["article", article.pk]): {"body": "x"},
            reverse("comment_post", args=["story", story.pk]): {"body": "x"},
            reverse("comment_edit", args=[own.pk]): {"body": "y"},
            reverse("comment_delete", args=[own.pk]): {},
            reverse("comment_report", args=[comment.pk]): {"reason": "spam"},
            reverse("follow"): {"kind": "hashtag", "value": "lighthouse"},
            reverse("save_article", args=[article.pk]): {},
            reverse("reader_profile"): {"display_name": "Evil"},
            reverse("reader_delete"): {"confirm": "DELETE"},
            reverse("moderation_act", args=[comment.pk]): {"action": "hide"},
            reverse("moderation_banned_words"): {"word": "x"},
            reverse("account_logout"): {},
            reverse("account_change_password"): {
                "oldpassword": PASSWORD,
                "password1": "another long passphrase 7",
                "password2": "another long passphrase 7",
            },
        },
        "anonymous_posts": {
            reverse("account_login"): {"login": "ann@example.org", "password": PASSWORD},
            reverse("account_signup"): {
                "email": "x@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
            reverse("account_reset_password"): {"email": "ann@example.org"},
        },
    }


def test_every_form_needs_its_csrf_token(forms):
    client = Client(enforce_csrf_checks=True)
    client.force_login(forms["reader"])
    for url, data in forms["posts"].items():
        assert client.post(url, data).status_code == 403, url
    anonymous = Client(enforce_csrf_checks=True)
    for url, data in forms["anonymous_posts"].items():
        assert anonymous.post(url, data).status_code == 403, url


def test_forms_carry_their_token(forms, client):
    client.force_login(forms["reader"])
    article_page = client.get(forms["reader"].comments.get().article.get_absolute_url()).content.decode()
    assert article_page.count("<form") == article_page.count("csrfmiddlewaretoken") + article_page.count(
        'method="get"'
    )


def test_check_deploy_with_production_settings_is_clean(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "NEWSDESK_DEBUG": "0",
        "NEWSDESK_SECRET_KEY": secrets.token_urlsafe(64),
        "NEWSDESK_ALLOWED_HOSTS": "news.example.org",
        "NEWSDESK_HTTPS": "1",
        "NEWSDESK_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
