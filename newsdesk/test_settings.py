"""Settings read from the environment as an operator writes them."""

import json
import os
import subprocess
import sys

import pytest


def read_settings(expression: str, **environment: str):
    """`expression` over newsdesk.settings as a fresh process reads them from `environment`."""
    code = f"import json, newsdesk.settings as s; print(json.dumps({expression}, default=str))"
    env = {**os.environ, **environment}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def database_settings(url: str) -> dict:
    return read_settings("s.DATABASES['default']", DATABASE_URL=url)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?conn_health_checks=false&disable_server_side_cursors=true", (False, True)),
        ("?conn_health_checks=true&disable_server_side_cursors=false", (True, False)),
        ("", (True, None)),
    ],
)
def test_database_url_switches_are_booleans(query, expected):
    found = database_settings(f"postgres://user:secret@db.example:5432/news{query}")
    assert (found["CONN_HEALTH_CHECKS"], found.get("DISABLE_SERVER_SIDE_CURSORS")) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("smtps://news:secret@mail.example:465", [465, False, True]),
        ("smtp+ssl://news:secret@mail.example:465", [465, False, True]),
        ("smtp+tls://news:secret@mail.example:587", [587, True, False]),
    ],
)
def test_mail_on_port_465_speaks_tls_at_once(url, expected):
    found = read_settings(
        "[s.EMAIL_PORT, getattr(s, 'EMAIL_USE_TLS', False), getattr(s, 'EMAIL_USE_SSL', False)]",
        NEWSDESK_EMAIL_URL=url,
    )
    assert found == expected
