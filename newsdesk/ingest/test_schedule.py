from datetime import UTC, datetime, timedelta

from newsdesk.ingest.schedule import next_poll_interval

MIN, MAX = 300, 86400
T0 = datetime(2025, 6, 1, 12, tzinfo=UTC)


def test_busy_feed_is_polled_about_twice_per_gap_between_entries():
    times = [T0 - timedelta(minutes=40 * i) for i in range(10)]
    assert next_poll_interval(1800, new_entries=3, entry_times=times, minimum=MIN, maximum=MAX) == 1200


def test_interval_stays_within_bounds():
    every_minute = [T0 - timedelta(minutes=i) for i in range(10)]
    every_week = [T0 - timedelta(days=7 * i) for i in range(10)]
    assert next_poll_interval(1800, new_entries=9, entry_times=every_minute, minimum=MIN, maximum=MAX) == MIN
    assert next_poll_interval(1800, new_entries=0, entry_times=every_week, minimum=MIN, maximum=MAX) == MAX


def test_undated_feed_speeds_up_after_news_and_slows_down_after_none():
    assert next_poll_interval(1800, new_entries=2, entry_times=[], minimum=MIN, maximum=MAX) == 900
    assert next_poll_interval(1800, new_entries=0, entry_times=[], minimum=MIN, maximum=MAX) == 2700
    assert next_poll_interval(MAX, new_entries=0, entry_times=[], minimum=MIN, maximum=MAX) == MAX
