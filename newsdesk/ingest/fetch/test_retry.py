from datetime import UTC, datetime

import pytest

from newsdesk.ingest.fetch import backoff_seconds, parse_retry_after

NOW = datetime(2026, 11, 3, 12, 0, 0, tzinfo=UTC)


def test_retry_after_seconds() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 0 ") == 0.0


def test_retry_after_http_date() -> None:
    assert parse_retry_after("Tue, 03 Nov 2026 12:05:00 GMT", now=NOW) == 300.0
    assert parse_retry_after("Tue, 03 Nov 2026 11:00:00 GMT", now=NOW) == 0.0  # already past


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "12.5s", "Someday, 99 Foo 2026"])
def test_retry_after_invalid(value: str | None) -> None:
    assert parse_retry_after(value, now=NOW) is None


def test_backoff_doubles_up_to_the_cap() -> None:
    delays = [backoff_seconds(n, base=60, cap=1000) for n in range(1, 7)]
    assert delays == [60, 120, 240, 480, 960, 1000]
    assert backoff_seconds(10_000, base=60, cap=1000) == 1000


def test_no_errors_no_delay() -> None:
    assert backoff_seconds(0) == 0.0


def test_retry_after_is_a_floor_within_the_cap() -> None:
    assert backoff_seconds(1, retry_after=3600, base=60, cap=7200) == 3600
    assert backoff_seconds(5, retry_after=10, base=60, cap=7200) == 960
    assert backoff_seconds(1, retry_after=10**9, base=60, cap=7200) == 7200


def test_jitter_only_shortens_and_stays_bounded() -> None:
    delays = {backoff_seconds(3, base=100, cap=10_000, jitter=0.25) for _ in range(200)}
    assert all(300 <= delay <= 400 for delay in delays)
    assert len(delays) > 1
    assert all(backoff_seconds(3, retry_after=390, base=100, jitter=0.25) >= 390 for _ in range(50))
