"""When to try again: the server's Retry-After, else exponential backoff.

Pure functions: the fetcher never sleeps on a retry, it reports the delay and
the scheduler decides.
"""

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date); None if absent or invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(
    consecutive_errors: int,
    retry_after: float | None = None,
    *,
    base: float = 60.0,
    cap: float = 6 * 3600.0,
    jitter: float = 0.0,
) -> float:
    """Delay before the next attempt after `consecutive_errors` failures in a row (this one included).

    Doubles from `base` per failure up to `cap`. `jitter` (0..1) shortens the delay by
    a random fraction of at most that much, so feeds that failed together spread out.
    A server's `retry_after` is a floor (it asked us to wait), but `cap` still bounds it.
    """
    if consecutive_errors <= 0:
        delay = 0.0
    else:
        delay = min(cap, base * 2.0 ** min(consecutive_errors - 1, 64))
        delay *= 1.0 - random.uniform(0.0, min(max(jitter, 0.0), 1.0))
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay
