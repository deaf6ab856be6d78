"""The shipped nginx micro-cache (deploy/nginx/newsdesk-page-cache*.conf) in front of a tiny upstream.

The upstream answers every request with a body naming who asked and how many requests it has
seen, so a test can tell a cached answer from a fresh one and one reader's page from another's.
"""

import shutil
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from bench.serve import NGINX, page_cache_nginx
from newsdesk.testing.services import require


class Upstream(BaseHTTPRequestHandler):
    """GET /<kind>: `page` is a plain anonymous page; the others carry what must stop caching."""

    seen: list[str] = []

    def do_GET(self) -> None:
        self.answer()

    def do_HEAD(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.answer()

    def answer(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        body = f"{self.path} #{len(self.seen)} for {self.headers.get('Cookie', 'anyone')}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Cookie")
        kind = self.path.strip("/")
        if kind == "private":
            self.send_header("Cache-Control", "private")
        elif kind == "no-cache":
            self.send_header("Cache-Control", "no-cache")
        elif kind == "sets-cookie":
            self.send_header("Set-Cookie", "csrftoken=abc; Path=/")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def proxy() -> Iterator[str]:
    require(Path(NGINX).exists() or bool(shutil.which("nginx")), "nginx")
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    host, port = upstream.server_address
    # Not under pytest's tmp_path: nginx's unprivileged workers must reach the cache directory.
    directory = Path(tempfile.mkdtemp(prefix="newsdesk-nginx-test-"))
    try:
        with page_cache_nginx(directory, f"{host}:{port}") as base:
            yield base
    finally:
        upstream.shutdown()
        shutil.rmtree(directory, ignore_errors=True)


def fetch(base: str, path: str, method: str = "GET", cookie: str = "") -> httpx.Response:
    headers = {"Cookie": cookie} if cookie else {}
    return httpx.request(method, base + path, headers=headers, data={"a": "1"} if method == "POST" else None)


def test_an_anonymous_page_is_rendered_once_then_served_by_nginx(proxy):
    first, second = fetch(proxy, "/page/a"), fetch(proxy, "/page/a")
    assert first.headers["X-Proxy-Cache"] == "MISS"
    assert second.headers["X-Proxy-Cache"] == "HIT" and second.text == first.text


@pytest.mark.parametrize("cookie", ["sessionid=reader-1", "csrftoken=x; messages=note", "a=1;sessionid=r"])
def test_a_reader_with_a_session_or_messages_neither_gets_nor_fills_the_cache(proxy, cookie):
    path = "/page/private-" + cookie.split("=")[-1]
    anonymous = fetch(proxy, path)
    mine = fetch(proxy, path, cookie=cookie)
    assert mine.headers["X-Proxy-Cache"] == "BYPASS" and mine.text != anonymous.text
    assert cookie in mine.text
    again = fetch(proxy, path, cookie=cookie)
    assert again.text != mine.text  # rendered afresh every time
    assert fetch(proxy, path).text == anonymous.text  # and never stored for the others


def test_posts_always_reach_the_app(proxy):
    fetch(proxy, "/page/form")
    before = len(Upstream.seen)
    for _ in range(2):
        assert fetch(proxy, "/page/form", method="POST").headers.get("X-Proxy-Cache") != "HIT"
    assert Upstream.seen[before:] == ["POST /page/form", "POST /page/form"]


@pytest.mark.parametrize("kind", ["/private", "/no-cache", "/sets-cookie"])
def test_responses_the_app_marks_personal_or_uncacheable_are_not_stored(proxy, kind):
    first, second = fetch(proxy, kind), fetch(proxy, kind)
    assert second.text != first.text
    assert second.headers["X-Proxy-Cache"] != "HIT"


def test_a_different_cookie_header_gets_its_own_copy_as_the_app_varies_on_cookie(proxy):
    anonymous = fetch(proxy, "/page/vary")
    assert fetch(proxy, "/page/vary").headers["X-Proxy-Cache"] == "HIT"
    other = fetch(proxy, "/page/vary", cookie="csrftoken=abc")
    assert other.text != anonymous.text and "csrftoken=abc" in other.text
