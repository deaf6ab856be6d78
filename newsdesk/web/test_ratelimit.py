"""The sliding-window limiter's arithmetic, its shared counting, and the 429 it answers with."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from newsdesk.web.ratelimit import RateResult, check_rate, client_ip, decide, rate_limited

WINDOW = 60


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_hits_within_the_limit_are_allowed_and_counted_down():
    results = [check_rate("reader", 3, WINDOW, now=6000.0 + i) for i in range(3)]
    assert [r.remaining for r in results] == [2, 1, 0]
    assert all(r.allowed and r.retry_after == 0 for r in results)


def test_the_hit_over_the_limit_is_refused_and_not_counted():
    for i in range(3):
        check_rate("reader", 3, WINDOW, now=6000.0 + i)
    refused = check_rate("reader", 3, WINDOW, now=6010.0)
    assert not refused.allowed
    # 3 hits this window: in the next one they weigh 3*(1 - t/60), and 3*(1 - t/60) + 1 <= 3 at t = 20.
    assert refused.retry_after == (6060 - 6010) + 20
    assert not check_rate("reader", 3, WINDOW, now=6010.5).allowed
    assert check_rate("reader", 3, WINDOW, now=6000.0 + refused.retry_after + 10).allowed


def test_the_previous_window_slides_out_gradually():
    for i in range(4):
        check_rate("reader", 4, WINDOW, now=6000.0 + i)
    # 15 s into the next window 3/4 of the previous 4 hits still count: 3 + 1 <= 4; then 2.9 + 1 + 1 > 4.
    assert check_rate("reader", 4, WINDOW, now=6075.0).allowed
    assert not check_rate("reader", 4, WINDOW, now=6076.0).allowed


def test_keys_and_window_sizes_are_counted_apart():
    assert check_rate("ann", 1, WINDOW, now=6000.0).allowed
    assert check_rate("bo", 1, WINDOW, now=6000.0).allowed
    assert check_rate("ann", 1, 10, now=6000.0).allowed
    assert not check_rate("ann", 1, WINDOW, now=6001.0).allowed


@pytest.mark.parametrize(
    ("previous", "current", "elapsed", "limit", "expected"),
    [
        (0, 0, 0.0, 5, RateResult(True, 4, 0)),
        (10, 0, 30.0, 10, RateResult(True, 4, 0)),  # 10 * 0.5 + 1 = 6 of 10
        # 10 * 0.75 + 2 + 1 > 5: wait until 10 * (1 - t/60) + 3 <= 5, t = 48, i.e. 33 s more.
        (10, 2, 15.0, 5, RateResult(False, 0, 33)),
        (0, 5, 30.0, 5, RateResult(False, 0, 30 + 12)),  # next window: 5 * (1 - t/60) + 1 <= 5 at t = 12
        (0, 0, 0.0, 0, RateResult(False, 0, 60)),
    ],
)
def test_decide(previous, current, elapsed, limit, expected):
    assert decide(previous, current, elapsed, limit, WINDOW) == expected


def test_a_limited_view_answers_429_with_retry_after_per_address():
    @rate_limited("comment", limit=2, window_seconds=WINDOW)
    def view(request):
        return HttpResponse("ok")

    factory = RequestFactory()
    first = [view(factory.post("/c", REMOTE_ADDR="192.0.2.1")) for _ in range(3)]
    assert [r.status_code for r in first] == [200, 200, 429]
    assert first[0]["RateLimit-Remaining"] == "1"
    assert 0 < int(first[2]["Retry-After"]) <= 2 * WINDOW
    assert view(factory.post("/c", REMOTE_ADDR="192.0.2.2")).status_code == 200


def test_a_limited_view_counts_signed_in_readers_per_account(django_user_model, db):
    @rate_limited("ask", limit=1, window_seconds=WINDOW, methods=("POST",))
    def view(request):
        return HttpResponse("ok")

    ann = django_user_model.objects.create_user("ann")
    factory = RequestFactory()

    def post(address):
        request = factory.post("/ask", REMOTE_ADDR=address)
        request.user = ann
        return view(request)

    assert post("192.0.2.1").status_code == 200
    assert post("198.51.100.7").status_code == 429  # a new address does not reset an account
    assert view(factory.get("/ask", REMOTE_ADDR="192.0.2.1")).status_code == 200  # GET is not limited


@override_settings(NEWSDESK_TRUSTED_PROXY_COUNT=0)
def test_forwarded_for_is_ignored_without_trusted_proxies():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "127.0.0.1"


@override_settings(NEWSDESK_TRUSTED_PROXY_COUNT=1)
def test_one_trusted_proxy_gives_the_address_it_saw_not_what_the_client_claimed():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


@override_settings(NEWSDESK_TRUSTED_PROXY_COUNT=2)
def test_two_trusted_proxies_skip_the_inner_one():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9, 10.0.0.1"
    )
    assert client_ip(request) == "203.0.113.9"
