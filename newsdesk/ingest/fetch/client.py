"""The polite fetcher: one httpx client shared by the crawler's threads.

Redirects are followed here, not by httpx, so that every hop gets the robots.txt
check, the per-host politeness slot and (in the transport) the address guard.
Bodies are streamed and decompressed in bounded pieces, so the size cap holds
after decompression too.
"""

import time
import urllib.request
import zlib
from dataclasses import dataclass
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy
from types import TracebackType
from typing import Self

import brotli
import httpx

from newsdesk.ingest.fetch.addresses import AddressRefused, GuardedTransport, is_public_address
from newsdesk.ingest.fetch.charset import decode_body
from newsdesk.ingest.fetch.decompress import ACCEPT_ENCODING, BodyDecoder, UnsupportedEncoding
from newsdesk.ingest.fetch.errors import (
    BodyTooLarge,
    ConnectionFailed,
    ContentDecodingFailed,
    FetchError,
    FetchTimeout,
    HostCoolingDown,
    HTTPStatusError,
    PrivateAddressRefused,
    RobotsDisallowed,
    TooManyRedirects,
    UnsupportedURL,
)
from newsdesk.ingest.fetch.hosts import HostThrottle
from newsdesk.ingest.fetch.retry import parse_retry_after
from newsdesk.ingest.fetch.robots import RobotsCache

DEFAULT_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ROBOTS_ACCEPT = "text/plain,*/*;q=0.5"
ROBOTS_MAX_BYTES = 512 * 1024  # what Google reads of a robots.txt
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECT_STATUSES = frozenset({301, 308})
TRANSIENT_CLIENT_STATUSES = frozenset({408, 425, 429})
RETRY_AFTER_STATUSES = frozenset({429, 503})
MAX_CRAWL_DELAY = 30.0  # a robots.txt Crawl-delay beyond this would stall a worker thread
MAX_HOST_COOLDOWN = 3600.0


@dataclass
class FetchResult:
    url: str  # final URL after redirects
    status: int
    headers: httpx.Headers
    content: bytes  # Content-Encoding undone, at most max_bytes
    etag: str
    last_modified: str
    not_modified: bool  # 304: content is empty, etag/last_modified fall back to the ones sent
    moved_permanently: bool = False  # every redirect was 301/308: a stored URL may become `url`

    @property
    def content_type(self) -> str:
        """The Content-Type header as sent, parameters (charset) included."""
        return self.headers.get("content-type", "")

    @property
    def media_type(self) -> str:
        return self.content_type.split(";", 1)[0].strip().lower()

    def text(self) -> str:
        return decode_body(self.content, self.content_type)[0]


class _RejectAllCookies(DefaultCookiePolicy):
    def set_ok(self, cookie: Cookie, request: urllib.request.Request) -> bool:
        return False


class Fetcher:
    """Thread-safe; create one per process and share it so per-host limits hold.

    `transport` replaces the network layer, address guard included (tests).
    """

    def __init__(
        self,
        *,
        user_agent: str,
        connect_timeout: float,
        read_timeout: float,
        max_bytes: int,
        max_redirects: int,
        host_concurrency: int,
        host_delay: float,
        allow_private: bool,
        obey_robots: bool = True,
        transport: httpx.BaseTransport | None = None,
        robots_ttl: float = 3600.0,
        total_timeout: float | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.obey_robots = obey_robots
        # Read timeouts are per read; this bounds a server that drips bytes forever.
        self.total_timeout = connect_timeout + 3 * read_timeout if total_timeout is None else total_timeout
        self._timeout = httpx.Timeout(
            connect=connect_timeout, read=read_timeout, write=read_timeout, pool=read_timeout
        )
        self._client = httpx.Client(
            transport=transport
            or GuardedTransport(address_allowed=None if allow_private else is_public_address),
            timeout=self._timeout,
            follow_redirects=False,
            trust_env=False,
            # Cookies live for one redirect chain only (consent walls need them); the
            # shared client must not carry one site's cookies into the next fetch.
            cookies=CookieJar(policy=_RejectAllCookies()),
            headers={"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )
        self._hosts = HostThrottle(host_concurrency, host_delay)
        self._robots = RobotsCache(self._fetch_robots, ttl=robots_ttl)

    @classmethod
    def from_settings(cls, **overrides: object) -> "Fetcher":
        from django.conf import settings

        options: dict[str, object] = {
            "user_agent": settings.NEWSDESK_USER_AGENT,
            "connect_timeout": settings.NEWSDESK_CONNECT_TIMEOUT,
            "read_timeout": settings.NEWSDESK_READ_TIMEOUT,
            "max_bytes": settings.NEWSDESK_MAX_BODY_BYTES,
            "max_redirects": settings.NEWSDESK_MAX_REDIRECTS,
            "host_concurrency": settings.NEWSDESK_HOST_CONCURRENCY,
            "host_delay": settings.NEWSDESK_HOST_DELAY,
            "allow_private": settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS,
        }
        options.update(overrides)
        return cls(**options)  # type: ignore[arg-type]

    def get(
        self, url: str, *, etag: str = "", last_modified: str = "", accept: str | None = None
    ) -> FetchResult:
        """GET `url`, following redirects; raises FetchError (see errors.py) on any failure."""
        headers = {"Accept": accept or DEFAULT_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        result = self._fetch(url, headers, obey_robots=self.obey_robots, max_bytes=self.max_bytes)
        if result.not_modified:
            result.etag = result.etag or etag
            result.last_modified = result.last_modified or last_modified
        return result

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _fetch(self, url: str, headers: dict[str, str], *, obey_robots: bool, max_bytes: int) -> FetchResult:
        cookies = httpx.Cookies()
        url = url.strip()
        current = _http_url(url, url)
        hops: list[str] = []
        all_permanent = True
        while True:
            crawl_delay = self._check_robots(current) if obey_robots else None
            response, content = self._exchange(current, headers, cookies, max_bytes, crawl_delay)
            status = response.status_code
            if status in REDIRECT_STATUSES:
                hops.append(str(current))
                all_permanent = all_permanent and status in PERMANENT_REDIRECT_STATUSES
                if len(hops) > self.max_redirects:
                    loop = len(set(hops)) < len(hops)
                    reason = "a redirect loop" if loop else f"more than {self.max_redirects} redirects"
                    raise TooManyRedirects(url, f"Gave up following {reason}", status=status)
                current = _http_url(response.headers["location"], current)
                continue
            return FetchResult(
                url=str(current),
                status=status,
                headers=response.headers,
                content=content,
                etag=response.headers.get("etag", ""),
                last_modified=response.headers.get("last-modified", ""),
                not_modified=status == 304,
                moved_permanently=bool(hops) and all_permanent,
            )

    def _fetch_robots(self, url: str) -> bytes:
        max_bytes = min(self.max_bytes, ROBOTS_MAX_BYTES)
        return self._fetch(url, {"Accept": ROBOTS_ACCEPT}, obey_robots=False, max_bytes=max_bytes).content

    def _check_robots(self, url: httpx.URL) -> float | None:
        """Raises RobotsDisallowed; returns the site's Crawl-delay for us, if any."""
        rules = self._robots.rules_for(url)
        if not rules.can_fetch(self.user_agent, str(url)):
            raise RobotsDisallowed(str(url), "robots.txt of this site asks crawlers like ours to stay away")
        delay = rules.crawl_delay(self.user_agent)
        return min(float(delay), MAX_CRAWL_DELAY) if delay else None

    def _exchange(
        self,
        url: httpx.URL,
        headers: dict[str, str],
        cookies: httpx.Cookies,
        max_bytes: int,
        crawl_delay: float | None,
    ) -> tuple[httpx.Response, bytes]:
        """One request; returns the response (closed) and its body, or raises FetchError."""
        cooling = self._hosts.cooldown_remaining(_site_key(url))
        if cooling > 0:
            raise HostCoolingDown(
                str(url),
                f"Not sent: {_site_key(url)} asked us to back off, {cooling:.0f} s left",
                retry_after=cooling,
            )
        request = self._client.build_request("GET", url, headers=headers)
        cookies.set_cookie_header(request)
        with self._hosts.slot(url.host, crawl_delay):
            deadline = time.monotonic() + self.total_timeout
            try:
                response = self._client.send(request, stream=True)
                try:
                    cookies.extract_cookies(response)
                    status = response.status_code
                    if 200 <= status < 300:
                        return response, self._read_body(response, url, max_bytes, deadline)
                    if status == 304 or (status in REDIRECT_STATUSES and "location" in response.headers):
                        return response, b""
                    raise self._status_error(response, url)
                finally:
                    response.close()
            except AddressRefused as error:
                target = error.host if error.host == str(error.address) else f"{error.host} ({error.address})"
                raise PrivateAddressRefused(
                    str(url),
                    f"Refused to connect to non-public address {target}; "
                    "NEWSDESK_ALLOW_PRIVATE_NETWORKS=1 allows this",
                ) from None
            except httpx.TimeoutException as error:
                raise FetchTimeout(str(url), self._timeout_message(error)) from error
            except httpx.ConnectError as error:
                raise ConnectionFailed(str(url), f"Could not connect ({_detail(error)})") from error
            except httpx.HTTPError as error:
                raise ConnectionFailed(
                    str(url), f"Connection failed mid-response ({_detail(error)})"
                ) from error

    def _read_body(self, response: httpx.Response, url: httpx.URL, max_bytes: int, deadline: float) -> bytes:
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > max_bytes:
            raise BodyTooLarge(
                str(url),
                f"Response declares {int(declared):,} bytes, over the {max_bytes:,}-byte limit",
                status=response.status_code,
            )
        encoding = response.headers.get("content-encoding", "")
        try:
            decoder = BodyDecoder(encoding)
            body = bytearray()
            received = 0
            for chunk in response.iter_raw():
                received += len(chunk)
                for piece in decoder.feed(chunk):
                    body += piece
                    if len(body) > max_bytes:
                        break
                if len(body) > max_bytes or received > max_bytes:
                    raise BodyTooLarge(
                        str(url),
                        f"Body exceeds the {max_bytes:,}-byte limit (stopped reading)",
                        status=response.status_code,
                    )
                if time.monotonic() > deadline:
                    raise FetchTimeout(
                        str(url), f"Response took longer than {self.total_timeout:g} s in total"
                    )
        except UnsupportedEncoding as error:
            raise ContentDecodingFailed(str(url), str(error), status=response.status_code) from error
        except (zlib.error, brotli.error) as error:
            raise ContentDecodingFailed(
                str(url), f"Body is not valid {encoding} data ({error})", status=response.status_code
            ) from error
        return bytes(body)

    def _status_error(self, response: httpx.Response, url: httpx.URL) -> FetchError:
        status = response.status_code
        reason = httpx.codes.get_reason_phrase(status) or response.reason_phrase
        message = f"HTTP {status} {reason}".strip()
        if status in REDIRECT_STATUSES:
            message += " without a Location header"
        retry_after = None
        if status in RETRY_AFTER_STATUSES:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if retry_after is not None:
                message += f", server asks to retry in {retry_after:.0f} s"
                self._hosts.cool_down(_site_key(url), min(retry_after, MAX_HOST_COOLDOWN))
        transient = status >= 500 or status in TRANSIENT_CLIENT_STATUSES
        return HTTPStatusError(str(url), message, status=status, retry_after=retry_after, transient=transient)

    def _timeout_message(self, error: httpx.TimeoutException) -> str:
        if isinstance(error, httpx.ConnectTimeout):
            return f"Timed out connecting after {self._timeout.connect:g} s"
        if isinstance(error, httpx.PoolTimeout):
            return f"Timed out waiting {self._timeout.pool:g} s for a free connection"
        return f"Server sent nothing for {self._timeout.read:g} s"


def _http_url(location: str, base: str | httpx.URL) -> httpx.URL:
    """`location` resolved against `base`, if it is an http(s) URL with a host."""
    try:
        url = httpx.URL(base).join(location)
    except httpx.InvalidURL as error:
        raise UnsupportedURL(str(base), f"Invalid URL {location!r} ({error})") from error
    if url.scheme not in ("http", "https") or not url.host:
        raise UnsupportedURL(str(base), f"Only http(s) URLs with a host can be fetched, not {location!r}")
    return url


def _site_key(url: httpx.URL) -> str:
    """Host and port (a default port left out): a server on another port of one machine is
    another site, and its Retry-After says nothing about this one."""
    return url.netloc.decode("ascii")


def _detail(error: Exception) -> str:
    return str(error) or type(error).__name__
