"""Adaptive polling: poll busy feeds often and quiet ones rarely, within bounds."""

from datetime import datetime
from statistics import median


def next_poll_interval(
    current: int,
    *,
    new_entries: int,
    entry_times: list[datetime],
    minimum: int,
    maximum: int,
) -> int:
    """Seconds until the next poll.

    When the feed dates its entries, aim for about two polls per typical gap between
    recent entries; otherwise halve the interval after news and stretch it after none.
    """
    recent = sorted(entry_times, reverse=True)[:20]
    if len(recent) >= 3:
        gaps = [(a - b).total_seconds() for a, b in zip(recent, recent[1:], strict=False)]
        positive = [gap for gap in gaps if gap > 0]
        if positive:
            return int(min(max(median(positive) / 2, minimum), maximum))
    target = current / 2 if new_entries else current * 1.5
    return int(min(max(target, minimum), maximum))
