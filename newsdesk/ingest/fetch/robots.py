"""robots.txt, fetched once per site and remembered for a while.

Unavailable rules mean "allow": a 4xx robots.txt is the site saying it has none
(RFC 9309), and a 5xx or unreachable one must not stop a whole source; those
are re-checked sooner. Only a host that asked us to back off (Retry-After) stops
the fetch.
"""

import logging
import threading
import time
from collections.abc import Callable
from urllib.robotparser import RobotFileParser

import httpx

from newsdesk.ingest.fetch.errors import FetchError

log = logging.getLogger(__name__)

FAILURE_TTL = 300.0

RobotsFetcher = Callable[[str], bytes]


def parse_robots(content: bytes) -> RobotFileParser:
    rules = RobotFileParser()
    rules.parse(content.decode("utf-8", "replace").splitlines())
    return rules


def allow_all() -> RobotFileParser:
    rules = RobotFileParser()
    rules.allow_all = True
    return rules


def robots_url(url: httpx.URL) -> str:
    return str(httpx.URL(scheme=url.scheme, host=url.host, port=url.port, path="/robots.txt"))


class RobotsCache:
    """Rules per origin; `fetch_robots` returns the body or raises FetchError.

    `rules_for` raises only a FetchError carrying retry_after.
    """

    def __init__(
        self,
        fetch_robots: RobotsFetcher,
        *,
        ttl: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch_robots = fetch_robots
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[str, tuple[float, RobotFileParser]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def rules_for(self, url: httpx.URL) -> RobotFileParser:
        key = robots_url(url)
        with self._lock:
            origin_lock = self._locks.setdefault(key, threading.Lock())
        # One thread fetches a site's robots.txt; the others wait for its answer.
        with origin_lock:
            cached = self._entries.get(key)
            if cached and cached[0] > self._clock():
                return cached[1]
            rules, ttl = self._load(key)
            self._entries[key] = (self._clock() + ttl, rules)
            return rules

    def _load(self, key: str) -> tuple[RobotFileParser, float]:
        try:
            return parse_robots(self._fetch_robots(key)), self._ttl
        except FetchError as error:
            if error.retry_after is not None:
                raise  # the host asked us to wait: the page fetch must wait too
            if error.status is not None and 400 <= error.status < 500 and error.status != 429:
                return allow_all(), self._ttl
            log.debug("robots.txt unavailable, allowing all for now: %s", error)
            return allow_all(), min(self._ttl, FAILURE_TTL)
