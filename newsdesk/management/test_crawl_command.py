"""`newsdesk crawl --once` as an operator reads it: a summary, and a failing exit when nothing worked."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsdesk.management.commands import crawl
from newsdesk.tasks import CrawlReport


def run_once(monkeypatch, report: CrawlReport) -> tuple[str, str]:
    monkeypatch.setattr(crawl, "crawl_once", lambda workers=None: report)
    out, err = io.StringIO(), io.StringIO()
    call_command("crawl", "--once", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_pass_with_some_failures_says_where_to_look_once(monkeypatch):
    report = CrawlReport(feeds_polled=3, feeds_failed=2, new_articles=4)
    report.errors = ["feed 1: HTTP 500", "feed 2: timed out"]

    out, err = run_once(monkeypatch, report)

    assert "polled 3 feeds (0 unchanged, 2 failed), 4 new articles" in out
    # Each failure is in the log already; the command does not print them a second time.
    assert "HTTP 500" not in err and err.count("sources list") == 1


def test_a_pass_where_every_feed_failed_exits_with_an_error(monkeypatch):
    with pytest.raises(CommandError, match="^all 2 polled feeds failed: is this machine offline"):
        run_once(monkeypatch, CrawlReport(feeds_polled=2, feeds_failed=2))


def test_one_broken_feed_alone_due_is_not_called_an_offline_machine(monkeypatch):
    """The healthy feeds were simply not due: one failure says nothing about the network."""
    out, err = run_once(monkeypatch, CrawlReport(feeds_polled=1, feeds_failed=1))
    assert "polled 1 feeds (0 unchanged, 1 failed)" in out
    assert err.strip() == "1 of 1 polled feeds failed: `newsdesk sources list` shows why"
    assert "offline" not in err


@pytest.mark.parametrize("workers", ["-3", "0", "many"])
def test_workers_must_be_a_positive_number(workers):
    with pytest.raises(
        CommandError, match="argument --workers: (must be at least 1|expected a whole number)"
    ):
        call_command("crawl", "--once", "--workers", workers)


def test_a_pass_with_nothing_due_is_no_error(monkeypatch):
    out, err = run_once(monkeypatch, CrawlReport())
    assert "polled 0 feeds" in out and err == ""
