"""Settings read from the environment as an operator writes them."""

import json
import os
import subprocess
import sys

import pytest


def database_settings(url: str) -> dict:
    """The default database as a fresh process reads it from DATABASE_URL."""
    code = "import json, newsdesk.settings as s; print(json.dumps(s.DATABASES['default'], default=str))"
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


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
