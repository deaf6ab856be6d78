"""The fetcher against a real HTTP server on 127.0.0.1 that misbehaves in every way publishers do."""

import gzip
import ipaddress
import pickle
import socket
import threading
import time
import tracemalloc
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import brotli
import pytest

from newsdesk.ingest.fetch import (
    BodyTooLarge,
    ConnectionFailed,
    ContentDecodingFailed,
    Fetcher,
    FetchError,
    FetchTimeout,
    GuardedTransport,
    HostCoolingDown,
    HTTPStatusError,
    PrivateAddressRefused,
    RobotsDisallowed,
    TooManyRedirects,
    UnsupportedURL,
)

TESTDATA = Path(__file__).parent / "testdata"
USER_AGENT = "newsdesk-test/1.0 (+https://example.org/bot)"
PAGE = "<!doctype html><html><body><p>Héllo, wörld — ünïcode</p></body></html>".encode()
ETAG = '"v1"'
LAST_MODIFIED = "Tue, 03 Nov 2026 10:00:00 GMT"
CAP = 1_000_000
BOMB_INFLATED = 40 * 1024 * 1024


def _gzip_bomb() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    return (
        b"".join(compressor.compress(zeros) for _ in range(BOMB_INFLATED // len(zeros))) + compressor.flush()
    )


def _brotli_bomb() -> bytes:
    compressor = brotli.Compressor(quality=1)
    zeros = bytes(1024 * 1024)
    return (
        b"".join(compressor.process(zeros) for _ in range(BOMB_INFLATED // len(zeros))) + compressor.finish()
    )


BOMBS = {"/gzip-bomb": ("gzip", _gzip_bomb()), "/brotli-bomb": ("br", _brotli_bomb())}


class Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.hits: Counter[str] = Counter()
        self.last_headers: dict[str, dict[str, str]] = {}
        self.arrivals: list[float] = []
        self.robots: tuple[int, bytes] = (404, b"")
        self.in_flight = 0
        self.max_in_flight = 0
        self.peers = threading.Condition()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path


class Handler(BaseHTTPRequestHandler):
    server: Site

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        site = self.server
        site.hits[path] += 1
        site.last_headers[path] = dict(self.headers.items())
        site.arrivals.append(time.monotonic())
        try:
            self.route(path, query)
        except OSError:
            pass  # the client hung up on purpose (timeouts, caps)

    def send(
        self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, length: bool = True
    ):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route(self, path: str, query: dict[str, list[str]]) -> None:
        site = self.server
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            status, body = site.robots
            self.send(status, body, {"Content-Type": "text/plain"})
        elif path in ("/page", "/private/page"):
            fresh = self.headers.get("If-None-Match") == ETAG or self.headers.get("If-Modified-Since") == (
                LAST_MODIFIED
            )
            validators = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
            if fresh:
                self.send(304, b"", validators)
            else:
                self.send(200, PAGE, html | validators)
        elif path == "/gzip":
            self.send(200, gzip.compress(PAGE), html | {"Content-Encoding": "gzip"})
        elif path == "/brotli":
            self.send(200, brotli.compress(PAGE), html | {"Content-Encoding": "br"})
        elif path == "/raw-deflate":
            deflater = zlib.compressobj(wbits=-zlib.MAX_WBITS)
            self.send(200, deflater.compress(PAGE) + deflater.flush(), html | {"Content-Encoding": "deflate"})
        elif path == "/bad-gzip":
            self.send(200, PAGE, html | {"Content-Encoding": "gzip"})
        elif path in BOMBS:
            coding, body = BOMBS[path]
            self.send(200, body, html | {"Content-Encoding": coding})
        elif path == "/huge":
            self.send(200, b"x" * (2 * CAP), {"Content-Type": "text/plain"}, length=False)
        elif path == "/huge-declared":
            self.send(200, b"x" * (2 * CAP), {"Content-Type": "text/plain"})
        elif path.startswith("/status/"):
            status = int(path.rsplit("/", 1)[1])
            retry = query.get("retry_after")
            self.send(status, b"nope", {"Retry-After": retry[0]} if retry else {})
        elif path.startswith("/redirect/"):
            remaining = int(path.rsplit("/", 1)[1])
            self.send(302, headers={"Location": f"/redirect/{remaining - 1}" if remaining > 1 else "/page"})
        elif path == "/permanent":
            self.send(301, headers={"Location": site.url("/page")})
        elif path == "/loop":
            self.send(302, headers={"Location": "/loop"})
        elif path == "/to-other-loopback":
            self.send(302, headers={"Location": f"http://127.0.0.2:{site.server_address[1]}/page"})
        elif path == "/cookie-gate":
            if "gate=passed" in self.headers.get("Cookie", ""):
                self.send(200, PAGE, html)
            else:
                self.send(302, headers={"Set-Cookie": "gate=passed; Path=/", "Location": "/cookie-gate"})
        elif path == "/slow":
            time.sleep(1.0)
            self.send(200, PAGE, html)
        elif path == "/drip":
            self.send_response(200)
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.05)
        elif path == "/hold":
            self.hold(peers=int(query.get("peers", ["1"])[0]))
            self.send(200, PAGE, html)
        elif path.startswith("/latin1"):
            name = path.strip("/")
            content_type = {
                "latin1_header.html": "text/html; charset=ISO-8859-1",
                "latin1_meta.html": "text/html",
                "latin1_prolog.xml": "application/rss+xml",
            }[name]
            self.send(200, (TESTDATA / name).read_bytes(), {"Content-Type": content_type})
        else:
            self.send(404, b"not here")

    def hold(self, peers: int) -> None:
        """Stay in flight until `peers` requests overlap, then a little longer, recording the peak overlap."""
        site = self.server
        with site.peers:
            site.in_flight += 1
            site.max_in_flight = max(site.max_in_flight, site.in_flight)
            site.peers.notify_all()
            site.peers.wait_for(lambda: site.in_flight >= peers, timeout=2.0)
        time.sleep(0.1)
        with site.peers:
            site.in_flight -= 1


@contextmanager
def serving() -> Iterator[Site]:
    server = Site()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    with serving() as server:
        yield server


@pytest.fixture
def other_site() -> Iterator[Site]:
    """A second site on the same machine (127.0.0.1), on another port."""
    with serving() as server:
        yield server


def make_fetcher(**overrides: object) -> Fetcher:
    options: dict[str, object] = {
        "user_agent": USER_AGENT,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "max_bytes": CAP,
        "max_redirects": 5,
        "host_concurrency": 2,
        "host_delay": 0.0,
        "allow_private": True,
    }
    options.update(overrides)
    return Fetcher(**options)  # type: ignore[arg-type]


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with make_fetcher() as fetcher:
        yield fetcher


def test_plain_page_with_identifying_headers(site: Site, fetcher: Fetcher) -> None:
    result = fetcher.get(site.url("/page"))
    assert (result.status, result.content, result.not_modified) == (200, PAGE, False)
    assert result.text() == PAGE.decode()
    assert result.etag == ETAG and result.last_modified == LAST_MODIFIED
    assert result.media_type == "text/html" and "charset=utf-8" in result.content_type
    sent = site.last_headers["/page"]
    assert sent["User-Agent"] == USER_AGENT
    assert {"gzip", "br"} <= {coding.strip() for coding in sent["Accept-Encoding"].split(",")}


@pytest.mark.parametrize("path", ["/gzip", "/brotli", "/raw-deflate"])
def test_compressed_bodies_are_decoded(site: Site, fetcher: Fetcher, path: str) -> None:
    assert fetcher.get(site.url(path)).content == PAGE


def test_corrupt_compressed_body_is_a_clear_error(site: Site, fetcher: Fetcher) -> None:
    with pytest.raises(ContentDecodingFailed, match="not valid gzip"):
        fetcher.get(site.url("/bad-gzip"))


@pytest.mark.parametrize("conditional", [{"etag": ETAG}, {"last_modified": LAST_MODIFIED}])
def test_conditional_get_reports_not_modified(site: Site, fetcher: Fetcher, conditional: dict) -> None:
    result = fetcher.get(site.url("/page"), **conditional)
    assert (result.status, result.not_modified, result.content) == (304, True, b"")
    assert result.etag == ETAG and result.last_modified == LAST_MODIFIED
    sent = site.last_headers["/page"]
    assert sent.get("If-None-Match", "") == conditional.get("etag", "")
    assert sent.get("If-Modified-Since", "") == conditional.get("last_modified", "")


def test_stale_validators_get_the_full_page(site: Site, fetcher: Fetcher) -> None:
    result = fetcher.get(site.url("/page"), etag='"v0"')
    assert (result.status, result.not_modified, result.content) == (200, False, PAGE)


def test_429_surfaces_retry_after_and_cools_the_host_down(site: Site, fetcher: Fetcher) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        fetcher.get(site.url("/status/429?retry_after=120"))
    error = caught.value
    assert (error.status, error.retry_after, error.transient) == (429, 120.0, True)
    assert "429" in str(error) and "120 s" in str(error) and site.url("/status/429") in str(error)
    assert "\n" not in str(error)

    with pytest.raises(HostCoolingDown) as cooling:
        fetcher.get(site.url("/page"))
    assert 0 < cooling.value.retry_after <= 120 and cooling.value.transient
    assert site.hits["/page"] == 0


def test_a_host_cooling_down_does_not_cool_another_port_of_its_machine(
    site: Site, other_site: Site, fetcher: Fetcher
) -> None:
    with pytest.raises(HTTPStatusError):
        fetcher.get(site.url("/status/429?retry_after=120"))
    assert fetcher.get(other_site.url("/page")).status == 200
    with pytest.raises(HostCoolingDown) as cooling:
        fetcher.get(site.url("/page"))
    assert f"127.0.0.1:{site.server_address[1]}" in str(cooling.value)


def test_503_retry_after_as_http_date(site: Site, fetcher: Fetcher) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    with pytest.raises(HTTPStatusError) as caught:
        fetcher.get(site.url(f"/status/503?retry_after={when}"))
    assert caught.value.status == 503
    assert 3500 < caught.value.retry_after <= 3600


@pytest.mark.parametrize(("status", "transient"), [(500, True), (503, True), (404, False), (410, False)])
def test_error_statuses(site: Site, fetcher: Fetcher, status: int, transient: bool) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        fetcher.get(site.url(f"/status/{status}"))
    assert (caught.value.status, caught.value.transient, caught.value.retry_after) == (
        status,
        transient,
        None,
    )
    assert str(caught.value).startswith(f"HTTP {status} ")


def test_redirect_chain_is_followed(site: Site, fetcher: Fetcher) -> None:
    result = fetcher.get(site.url("/redirect/3"))
    assert result.url == site.url("/page") and result.content == PAGE
    assert not result.moved_permanently
    assert [site.hits[f"/redirect/{n}"] for n in (3, 2, 1)] == [1, 1, 1]


def test_permanent_redirect_is_reported(site: Site, fetcher: Fetcher) -> None:
    result = fetcher.get(site.url("/permanent"))
    assert result.url == site.url("/page") and result.moved_permanently


def test_redirect_limit(site: Site) -> None:
    with make_fetcher(max_redirects=2) as fetcher, pytest.raises(TooManyRedirects) as caught:
        fetcher.get(site.url("/redirect/3"))
    assert "more than 2 redirects" in str(caught.value)
    assert site.hits["/page"] == 0


def test_redirect_loop(site: Site, fetcher: Fetcher) -> None:
    with pytest.raises(TooManyRedirects, match="redirect loop"):
        fetcher.get(site.url("/loop"))
    assert site.hits["/loop"] == fetcher.max_redirects + 1


def test_cookies_last_one_redirect_chain_only(site: Site, fetcher: Fetcher) -> None:
    assert fetcher.get(site.url("/cookie-gate")).content == PAGE
    assert fetcher.get(site.url("/cookie-gate")).content == PAGE
    # Each fetch had to pass the gate again: nothing leaked into the shared client.
    assert site.hits["/cookie-gate"] == 4


def test_slow_server_times_out(site: Site) -> None:
    with make_fetcher(read_timeout=0.2) as fetcher, pytest.raises(FetchTimeout) as caught:
        fetcher.get(site.url("/slow"))
    assert caught.value.transient and "0.2 s" in str(caught.value)


def test_dripping_server_hits_the_total_timeout(site: Site) -> None:
    with make_fetcher(read_timeout=1.0, total_timeout=0.3) as fetcher, pytest.raises(FetchTimeout) as caught:
        fetcher.get(site.url("/drip"))
    assert "in total" in str(caught.value)


@pytest.mark.parametrize("path", sorted(BOMBS))
def test_decompression_bomb_is_stopped_without_inflating(site: Site, fetcher: Fetcher, path: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(BodyTooLarge, match="stopped reading"):
            fetcher.get(site.url(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * CAP < BOMB_INFLATED


def test_body_over_the_cap(site: Site, fetcher: Fetcher) -> None:
    with pytest.raises(BodyTooLarge, match="stopped reading") as caught:
        fetcher.get(site.url("/huge"))
    assert not caught.value.transient
    with pytest.raises(BodyTooLarge, match="declares 2,000,000 bytes"):
        fetcher.get(site.url("/huge-declared"))


def test_robots_disallow_is_honoured_and_cached(site: Site, fetcher: Fetcher) -> None:
    site.robots = (200, b"User-agent: *\nDisallow: /private/\n")
    with pytest.raises(RobotsDisallowed) as caught:
        fetcher.get(site.url("/private/page"))
    assert "robots.txt" in str(caught.value) and not caught.value.transient
    assert fetcher.get(site.url("/page")).status == 200
    fetcher.get(site.url("/page"))
    assert site.hits["/private/page"] == 0
    assert site.hits["/robots.txt"] == 1
    assert site.last_headers["/robots.txt"]["User-Agent"] == USER_AGENT


def test_robots_rules_for_our_user_agent(site: Site, fetcher: Fetcher) -> None:
    site.robots = (200, b"User-agent: newsdesk-test\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    with pytest.raises(RobotsDisallowed):
        fetcher.get(site.url("/page"))


def test_robots_can_be_switched_off(site: Site) -> None:
    site.robots = (200, b"User-agent: *\nDisallow: /\n")
    with make_fetcher(obey_robots=False) as fetcher:
        assert fetcher.get(site.url("/page")).status == 200
    assert site.hits["/robots.txt"] == 0


@pytest.mark.parametrize("robots_status", [404, 500])
def test_missing_or_broken_robots_allows_all(site: Site, fetcher: Fetcher, robots_status: int) -> None:
    site.robots = (robots_status, b"User-agent: *\nDisallow: /\n")
    assert fetcher.get(site.url("/page")).content == PAGE
    assert site.hits["/robots.txt"] == 1


@pytest.mark.parametrize(
    ("path", "needle"),
    [("/latin1_header.html", "Café"), ("/latin1_meta.html", "Café"), ("/latin1_prolog.xml", "Café")],
)
def test_declared_latin1_pages_decode(site: Site, fetcher: Fetcher, path: str, needle: str) -> None:
    text = fetcher.get(site.url(path)).text()
    assert needle in text and "après trois mois" in text


def test_loopback_refused_before_connecting(site: Site) -> None:
    with make_fetcher(allow_private=False) as fetcher:
        for host in ("127.0.0.1", "localhost"):
            with pytest.raises(PrivateAddressRefused) as caught:
                fetcher.get(f"http://{host}:{site.server_address[1]}/page")
            assert "NEWSDESK_ALLOW_PRIVATE_NETWORKS" in str(caught.value)
            assert not caught.value.transient
    assert sum(site.hits.values()) == 0


def test_every_resolved_address_is_checked(site: Site) -> None:
    loopback = ipaddress.ip_address("127.0.0.1")
    transport = GuardedTransport(
        address_allowed=lambda address: address == loopback,
        resolver=lambda host, port: [loopback, ipaddress.ip_address("10.1.2.3")],
    )
    with make_fetcher(transport=transport) as fetcher, pytest.raises(PrivateAddressRefused, match="10.1.2.3"):
        fetcher.get(site.url("/page"))
    assert sum(site.hits.values()) == 0


def test_redirect_hops_are_rechecked(site: Site) -> None:
    loopback = ipaddress.ip_address("127.0.0.1")
    transport = GuardedTransport(address_allowed=lambda address: address == loopback)
    with (
        make_fetcher(transport=transport) as fetcher,
        pytest.raises(PrivateAddressRefused, match="127.0.0.2"),
    ):
        fetcher.get(site.url("/to-other-loopback"))
    assert site.hits["/to-other-loopback"] == 1


def test_unsupported_urls(fetcher: Fetcher) -> None:
    for url in ("ftp://example.org/feed", "example.org/feed", "http://", "javascript:alert(1)"):
        with pytest.raises(UnsupportedURL):
            fetcher.get(url)


def test_connection_refused_is_transient(fetcher: Fetcher) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(ConnectionFailed) as caught:
        fetcher.get(f"http://127.0.0.1:{closed_port}/")
    assert caught.value.transient and "Could not connect" in str(caught.value)


def _fetch_in_parallel(fetcher: Fetcher, url: str, count: int) -> None:
    errors: list[BaseException] = []

    def fetch() -> None:
        try:
            fetcher.get(url)
        except BaseException as error:  # collected, asserted in the test thread
            errors.append(error)

    threads = [threading.Thread(target=fetch) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


@pytest.mark.parametrize("concurrency", [1, 2])
def test_per_host_concurrency_is_never_exceeded(site: Site, concurrency: int) -> None:
    # Requests meet at the server (the limit is reached), then stay in flight a while
    # longer, so a limit that let more through would show in max_in_flight.
    with make_fetcher(host_concurrency=concurrency, obey_robots=False) as fetcher:
        _fetch_in_parallel(fetcher, site.url(f"/hold?peers={concurrency}"), count=4)
    assert site.max_in_flight == concurrency


def test_requests_to_one_host_are_spaced(site: Site) -> None:
    # Exact spacing is tested with a fake clock (test_hosts.py); here only that the real
    # client spaces requests at all, with a wide margin for a loaded machine's scheduling.
    with make_fetcher(host_delay=0.2, obey_robots=False) as fetcher:
        for _ in range(3):
            fetcher.get(site.url("/page"))
    gaps = [later - earlier for earlier, later in zip(site.arrivals, site.arrivals[1:], strict=False)]
    assert len(gaps) == 2 and min(gaps) >= 0.1


def test_from_settings_reads_newsdesk_settings(site: Site, settings) -> None:
    settings.NEWSDESK_USER_AGENT = "newsdesk-settings-test/2.0"
    settings.NEWSDESK_MAX_BODY_BYTES = 20
    settings.NEWSDESK_HOST_DELAY = 0.0
    with Fetcher.from_settings(allow_private=True) as fetcher:
        with pytest.raises(BodyTooLarge):
            fetcher.get(site.url("/page"))
    assert site.last_headers["/page"]["User-Agent"] == "newsdesk-settings-test/2.0"


def test_errors_survive_pickling() -> None:
    error = HTTPStatusError("https://example.org/feed", "HTTP 429 Too Many Requests", 429, 30.0, True)
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, FetchError) and type(copy) is HTTPStatusError
    assert (copy.url, copy.status, copy.retry_after, copy.transient) == (error.url, 429, 30.0, True)
    assert str(copy) == "HTTP 429 Too Many Requests: https://example.org/feed"
