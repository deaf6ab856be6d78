"""A loopback "fixture web": several publishers, each on its own 127.0.0.x address.

Every publisher is a distinct host to the crawler (all of 127.0.0.0/8 is loopback on
Linux), so per-host politeness, robots.txt and connection pooling behave as on the
real web. A publisher serves /robots.txt, a homepage announcing its feeds, its feeds
(RSS 2.0, Atom or a Google News sitemap, with conditional GET) and its article pages;
routes can also fail in the ways real sites do (see the route classes below).

    with FixtureWeb([publisher, ...]) as web:
        web["Harbour Gazette"].feed_urls()
"""

import gzip
import hashlib
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol, Self
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from newsdesk.testing import render

DEFAULT_ROBOTS = "User-agent: *\nDisallow: /private/\n"
FEED_FORMATS = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "news-sitemap": "application/xml; charset=utf-8",
}
UTM_QUERY = "utm_source=rss&utm_medium=feed&utm_campaign=latest"


class Route(Protocol):
    def respond(self, request: "_Handler") -> int:
        """Write a complete response; return its status for the request log."""


@dataclass
class Static:
    """A fixed body, with ETag/Last-Modified and 304s; gzip-encoded when asked and accepted."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    gzip: bool = False
    last_modified: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def __post_init__(self) -> None:
        self.etag = f'"{hashlib.sha1(self.body).hexdigest()[:20]}"'
        self._compressed = gzip.compress(self.body, mtime=0) if self.gzip else b""

    def respond(self, request: "_Handler") -> int:
        if request.is_unchanged(self.etag, self.last_modified):
            request.send_simple(304, b"", headers=self._validators())
            return 304
        body, headers = self.body, self._validators()
        if self.gzip and "gzip" in request.headers.get("Accept-Encoding", ""):
            body, headers["Content-Encoding"] = self._compressed, "gzip"
        request.send_simple(200, body, content_type=self.content_type, headers=headers)
        return 200

    def _validators(self) -> dict[str, str]:
        return {"ETag": self.etag, "Last-Modified": format_datetime(self.last_modified, usegmt=True)}


@dataclass
class GzipFile:
    """A page stored as .html.gz, read at request time: sent as-is with Content-Encoding: gzip, or decoded."""

    path: Path
    send_compressed: bool = False

    def respond(self, request: "_Handler") -> int:
        raw = self.path.read_bytes()
        if self.send_compressed and "gzip" in request.headers.get("Accept-Encoding", ""):
            request.send_simple(200, raw, headers={"Content-Encoding": "gzip"})
        else:
            request.send_simple(200, gzip.decompress(raw))
        return 200


@dataclass
class Status:
    """An error page with this status."""

    status: int
    body: bytes = b"<html><body><h1>Something went wrong</h1></body></html>"
    headers: dict[str, str] = field(default_factory=dict)  # Retry-After, say

    def respond(self, request: "_Handler") -> int:
        request.send_simple(self.status, self.body, headers=self.headers)
        return self.status


@dataclass
class Redirect:
    location: str  # absolute, or a path on the same publisher
    status: int = 302

    def respond(self, request: "_Handler") -> int:
        request.send_simple(self.status, b"", headers={"Location": self.location})
        return self.status


@dataclass
class Stall:
    """Sends nothing for `seconds` (cut short when the web stops), then a page nobody waits for."""

    seconds: float

    def respond(self, request: "_Handler") -> int:
        request.server.web.stopping.wait(self.seconds)
        request.send_simple(200, b"<html><body><p>Too late.</p></body></html>")
        return 200


@dataclass
class GzipBomb:
    """A gzip body of a few hundred kB inflating to `inflated_bytes` of zeros, compressed as it is sent."""

    inflated_bytes: int = 512 * 1024 * 1024

    def respond(self, request: "_Handler") -> int:
        request.start_stream(200, {"Content-Encoding": "gzip"})
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        zeros = bytes(1024 * 1024)
        request.wfile.write(compressor.compress(b"<!DOCTYPE html><html><body><p>"))
        for _ in range(self.inflated_bytes // len(zeros)):
            request.wfile.write(compressor.compress(zeros))
        request.wfile.write(compressor.flush())
        return 200


@dataclass
class HugePage:
    """A real-looking page of `size` bytes, generated as it is sent, with no Content-Length."""

    size: int = 20 * 1024 * 1024

    def respond(self, request: "_Handler") -> int:
        request.start_stream(200, {})
        paragraph = (
            b"<p>"
            + b"The council met again to discuss the budget, and nothing was decided. " * 20
            + b"</p>\n"
        )
        chunk = paragraph * (65536 // len(paragraph))
        request.wfile.write(b"<!DOCTYPE html><html><head><title>Everything</title></head><body><article>")
        sent = 0
        while sent < self.size:
            request.wfile.write(chunk)
            sent += len(chunk)
        request.wfile.write(b"</article></body></html>")
        return 200


@dataclass
class FixtureArticle:
    """One story a publisher lists in a feed, and what a crawl should make of it."""

    key: str  # stable name within the fixture web ("APNews_0", "bbc:business/001.txt")
    path: str  # where the page lives
    title: str
    published: datetime
    paragraphs: list[str] = field(default_factory=list)  # the true body; empty when the page fails
    summary: str = ""
    section: str = ""
    author: str = ""
    link_variant: str = ""  # how feeds link it: "" as is, "utm" with tracking query, "slash" toggled
    canonical_path: str | None = None  # what <link rel="canonical"> names; None: no such link
    with_jsonld: bool = False
    guid: str = ""  # "" means the feed uses the link
    route: Route | None = None  # None: a rendered article page
    failure: str = ""  # why the page cannot be read, for failure cases ("http-500", "timeout", ...)

    @property
    def feed_path(self) -> str:
        """The path and query a feed links to."""
        if self.link_variant == "utm":
            return f"{self.path}?{UTM_QUERY}"
        if self.link_variant == "slash":
            return self.path.rstrip("/") if self.path.endswith("/") else self.path + "/"
        return self.path

    @property
    def stored_path(self) -> str:
        """The path of the URL the article should end under: a same-site, non-homepage canonical wins."""
        if self.canonical_path and self.canonical_path != "/" and "://" not in self.canonical_path:
            return self.canonical_path
        return self.path


@dataclass
class FixtureFeed:
    path: str
    title: str
    articles: list[FixtureArticle]
    format: str = "rss"  # rss | atom | news-sitemap
    section: str = ""
    gzip: bool = False


class Publisher:
    """One site: its routes, feeds and articles. URLs are known once the fixture web has started."""

    def __init__(self, name: str, *, robots: str = DEFAULT_ROBOTS) -> None:
        self.name = name
        self.robots = robots
        self.feeds: list[FixtureFeed] = []
        self.broken_feed_paths: list[str] = []  # announced as feeds, unreadable as such
        self.base_url = ""
        self._articles: dict[str, FixtureArticle] = {}
        self._extra_routes: dict[str, Route] = {}
        self._routes: dict[str, Route] = {}
        self._lock = threading.Lock()

    def add_feed(self, feed: FixtureFeed) -> FixtureFeed:
        self.feeds.append(feed)
        for article in feed.articles:
            self._articles.setdefault(article.key, article)
        self.refresh()
        return feed

    def add_broken_feed(self, path: str, route: Route) -> None:
        self.broken_feed_paths.append(path)
        self.add_route(path, route)

    def add_route(self, path: str, route: Route) -> None:
        self._extra_routes[path] = route
        self.refresh()

    def publish(self, feed_path: str, article: FixtureArticle) -> None:
        """Put a new story at the top of a feed (the feed's validators change, so it is no longer 304)."""
        feed = next(f for f in self.feeds if f.path == feed_path)
        feed.articles.insert(0, article)
        self._articles.setdefault(article.key, article)
        self.refresh()

    @property
    def articles(self) -> list[FixtureArticle]:
        return list(self._articles.values())

    def url(self, path: str) -> str:
        if not self.base_url:
            raise RuntimeError(f"{self.name} is not being served yet")
        return self.base_url + path

    def feed_urls(self, *, include_broken: bool = True) -> list[str]:
        paths = [f.path for f in self.feeds] + (self.broken_feed_paths if include_broken else [])
        return [self.url(p) for p in paths]

    def route_for(self, path: str) -> Route:
        with self._lock:
            routes = self._routes
        if path in routes:
            return routes[path]
        toggled = path.rstrip("/") if path.endswith("/") else path + "/"
        if path != "/" and toggled in routes:
            return Redirect(toggled, status=301)
        return Status(404, b"<html><body><h1>Page not found</h1></body></html>")

    def bind(self, base_url: str) -> None:
        self.base_url = base_url
        self.refresh()

    def refresh(self) -> None:
        """Re-render feeds and pages from the current articles (a no-op until the web serves us)."""
        if not self.base_url:
            return
        routes: dict[str, Route] = {
            "/robots.txt": Static(self.robots.encode(), content_type="text/plain; charset=utf-8"),
            "/": Static(render.homepage(self.name, [(f.title, f.path) for f in self.feeds])),
        }
        for article in self._articles.values():
            page = article.route or Static(self._render_page(article))
            routes[article.path] = page
            if article.stored_path != article.path:
                routes[article.stored_path] = page
        for feed in self.feeds:
            routes[feed.path] = Static(
                self._render_feed(feed), content_type=FEED_FORMATS[feed.format], gzip=feed.gzip
            )
        routes.update(self._extra_routes)
        with self._lock:
            self._routes = routes

    def _render_page(self, article: FixtureArticle) -> bytes:
        canonical = article.canonical_path
        return render.article_page(
            render.PageContent(
                title=article.title,
                paragraphs=article.paragraphs,
                published=article.published,
                site_name=self.name,
                section=article.section,
                author=article.author,
                description=article.summary,
                canonical_url="" if canonical is None else self._absolute(canonical),
                with_jsonld=article.with_jsonld,
            )
        )

    def _render_feed(self, feed: FixtureFeed) -> bytes:
        items = [
            render.FeedItem(
                link=self.url(a.feed_path),
                title=a.title,
                published=a.published,
                guid=a.guid,
                summary=a.summary,
                categories=[a.section] if a.section else [],
            )
            for a in feed.articles
        ]
        if feed.format == "atom":
            return render.atom(feed.title, self.url("/"), self.url(feed.path), items)
        if feed.format == "news-sitemap":
            return render.news_sitemap(self.name, items)
        return render.rss(feed.title, self.url("/"), items)

    def _absolute(self, path_or_url: str) -> str:
        return path_or_url if "://" in path_or_url else self.url(path_or_url)


@dataclass(frozen=True)
class ServedRequest:
    publisher: str
    path: str  # with the query
    status: int  # 0 when the client went away mid-response
    if_none_match: str
    if_modified_since: str
    user_agent: str


class FixtureWeb:
    """Serves `publishers` on 127.0.0.2, 127.0.0.3, …, each on an ephemeral port."""

    def __init__(self, publishers: Sequence[Publisher], *, first_address: int = 2) -> None:
        if first_address + len(publishers) > 255:
            raise ValueError("at most 253 publishers fit on 127.0.0.x")
        names = [p.name for p in publishers]
        if len(set(names)) != len(names):
            raise ValueError("publisher names must be unique")
        self.publishers = list(publishers)
        self.first_address = first_address
        self.stopping = threading.Event()
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self._requests: list[ServedRequest] = []
        self._requests_lock = threading.Lock()

    def __getitem__(self, name: str) -> Publisher:
        return next(p for p in self.publishers if p.name == name)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        self.stopping.clear()
        try:
            for offset, publisher in enumerate(self.publishers):
                server = _Server((f"127.0.0.{self.first_address + offset}", 0), _Handler)
                server.publisher, server.web = publisher, self
                host, port = server.server_address[:2]
                publisher.bind(f"http://{host}:{port}")
                thread = threading.Thread(
                    target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
                )
                thread.start()
                self._servers.append(server)
                self._threads.append(thread)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self.stopping.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    @property
    def requests(self) -> list[ServedRequest]:
        with self._requests_lock:
            return list(self._requests)

    def requests_for(self, url: str) -> list[ServedRequest]:
        """Requests for this absolute URL (path and query must match)."""
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        publisher = next(p for p in self.publishers if p.base_url == f"{parts.scheme}://{parts.netloc}")
        return [r for r in self.requests if r.publisher == publisher.name and r.path == target]

    def clear_requests(self) -> None:
        with self._requests_lock:
            self._requests.clear()

    def opml(self, publishers: Iterable[Publisher] | None = None) -> bytes:
        """An OPML subscription list of these publishers' feeds (broken ones included), by section."""
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<opml version="2.0">',
            "<head><title>Fixture web</title></head>",
            "<body>",
        ]
        for publisher in self.publishers if publishers is None else publishers:
            lines.append(f"<outline text={quoteattr(publisher.name)}>")
            sections = {f.path: f.section for f in publisher.feeds}
            for path in [f.path for f in publisher.feeds] + publisher.broken_feed_paths:
                attributes = {
                    "type": "rss",
                    "text": publisher.name,
                    "title": publisher.name,
                    "xmlUrl": publisher.url(path),
                    "htmlUrl": publisher.url("/"),
                }
                if sections.get(path):
                    attributes["category"] = sections[path]
                lines.append(
                    "<outline " + " ".join(f"{k}={quoteattr(v)}" for k, v in attributes.items()) + "/>"
                )
            lines.append("</outline>")
        lines += ["</body>", "</opml>"]
        return "\n".join(lines).encode()

    def _log(self, entry: ServedRequest) -> None:
        with self._requests_lock:
            self._requests.append(entry)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    publisher: Publisher
    web: FixtureWeb


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._logged = False
        status = 0
        try:
            status = self.server.publisher.route_for(urlsplit(self.path).path).respond(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            self._log_request(status)

    def send_response(self, code: int, message: str | None = None) -> None:
        # Logged before a byte reaches the client, so a client that has its answer finds it in the log.
        self._log_request(code)
        super().send_response(code, message)

    def _log_request(self, status: int) -> None:
        if self._logged:
            return
        self._logged = True
        self.server.web._log(
            ServedRequest(
                publisher=self.server.publisher.name,
                path=self.path,
                status=status,
                if_none_match=self.headers.get("If-None-Match", ""),
                if_modified_since=self.headers.get("If-Modified-Since", ""),
                user_agent=self.headers.get("User-Agent", ""),
            )
        )

    def is_unchanged(self, etag: str, last_modified: datetime) -> bool:
        """RFC 9110 conditional GET: If-None-Match decides when present, else If-Modified-Since."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if not if_modified_since:
            return False
        try:
            return last_modified <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False

    def send_simple(
        self,
        status: int,
        body: bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def start_stream(self, status: int, headers: dict[str, str]) -> None:
        """Headers for a body of unknown length: it ends when we close the connection."""
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """The request log is kept in FixtureWeb.requests, not printed."""
