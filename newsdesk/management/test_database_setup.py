"""A command that needs the site's tables, run before `newsdesk migrate`, says so in one line."""

import subprocess
import sys

import pytest

from newsdesk.management.testing import site_env


@pytest.mark.parametrize(
    "command", [["sources", "list"], ["crawl", "--once"], ["opml", "export"], ["failures", "list"]]
)
def test_an_unmigrated_database_is_one_clear_error(tmp_path, command):
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk", *command],
        env=site_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "CommandError: the database is not set up (or not up to date): run `newsdesk migrate`"
    )
