from datetime import UTC, datetime, timedelta, timezone

from newsdesk.ingest.feeds.cleaning import parse_date


def test_parse_date_reads_am_pm():
    assert parse_date("Sat, Dec 16 2023 02:02:33 PM") == datetime(2023, 12, 16, 14, 2, 33, tzinfo=UTC)
    assert parse_date("Sat, Dec 16 2023 02:02:33 AM") == datetime(2023, 12, 16, 2, 2, 33, tzinfo=UTC)
    assert parse_date("16 Dec 2023 12:05 pm GMT") == datetime(2023, 12, 16, 12, 5, tzinfo=UTC)
    assert parse_date("16 Dec 2023 12:05 a.m. -0500") == datetime(2023, 12, 16, 5, 5, tzinfo=UTC)
    assert parse_date("2023-12-16 11:30 PM") == datetime(2023, 12, 16, 23, 30, tzinfo=UTC)


def test_parse_date_puts_a_zoneless_date_in_the_assumed_zone():
    eastern = timezone(timedelta(hours=-5))
    afternoon = parse_date("Sat, Dec 16 2023 02:02:33 PM", eastern)
    assert afternoon == datetime(2023, 12, 16, 19, 2, 33, tzinfo=UTC)
    # A stated zone wins over the assumed one.
    stated = parse_date("Sat, 16 Dec 2023 14:02:33 +0100", eastern)
    assert stated == datetime(2023, 12, 16, 13, 2, 33, tzinfo=UTC)
