from pathlib import Path

import pytest

from bench.stats import growth, parse_wrk, rate, ratio, table

TESTDATA = Path(__file__).resolve().parent / "testdata"


def test_ratio_is_measured_over_reference_and_undefined_without_a_reference():
    assert ratio(30.0, 120.0) == pytest.approx(0.25)
    assert ratio(5.0, 0.0) is None


def test_rate_of_an_empty_or_instant_run_is_zero():
    assert rate(50, 2.0) == 25.0
    assert rate(0, 2.0) == 0.0
    assert rate(10, 0.0) == 0.0


def test_growth_compares_only_pages_measured_on_both_archives():
    small = {"home": 10.0, "search": 20.0, "article": 4.0}
    large = {"home": 12.0, "search": 50.0}
    assert growth(small, large) == {"home": pytest.approx(1.2), "search": pytest.approx(2.5)}


def test_wrk_report_with_only_error_statuses():
    result = parse_wrk((TESTDATA / "wrk-errors.txt").read_text())
    assert result.requests == 3233
    assert result.seconds == pytest.approx(2.03)
    assert result.requests_per_second == pytest.approx(1593.17)
    assert result.latency_avg_ms == pytest.approx(7.29)
    assert result.latency_p50_ms == pytest.approx(2.02)
    assert result.latency_p99_ms == pytest.approx(136.76)
    assert result.non_2xx_3xx == 3233
    assert result.socket_errors == 0
    assert result.errors == 3233


def test_wrk_report_with_socket_errors_and_microsecond_latencies():
    result = parse_wrk((TESTDATA / "wrk-timeouts.txt").read_text())
    assert result.requests == 10
    assert result.latency_p50_ms == pytest.approx(0.195)
    assert result.socket_errors == 10
    assert result.timeouts == 0
    assert result.non_2xx_3xx == 0
    assert result.errors == 10


def test_wrk_output_without_a_summary_is_an_error():
    with pytest.raises(ValueError, match="no request summary"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_table_pads_columns_and_marks_missing_values():
    text = table([["ingest_ratio", 0.51234, "yes"], ["scale_growth", None, "n/a"]], ["key", "value", "met"])
    assert text.splitlines() == [
        "key           value  met",
        "------------  -----  ---",
        "ingest_ratio  0.512  yes",
        "scale_growth  n/a    n/a",
    ]
