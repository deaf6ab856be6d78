import httpx
import pytest

from newsdesk.ingest.fetch.errors import ConnectionFailed, HTTPStatusError
from newsdesk.ingest.fetch.robots import FAILURE_TTL, RobotsCache, robots_url

PAGE = httpx.URL("https://news.example/politics/story.html?id=1")
AGENT = "newsdesk/0.1 (+https://example.org)"


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


class Site:
    def __init__(self, *answers: bytes | Exception) -> None:
        self.answers = list(answers)
        self.requested: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.requested.append(url)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_robots_url_is_per_origin() -> None:
    assert robots_url(PAGE) == "https://news.example/robots.txt"
    assert robots_url(httpx.URL("http://news.example:8080/a")) == "http://news.example:8080/robots.txt"


def test_rules_are_cached_until_the_ttl() -> None:
    clock = Clock()
    site = Site(b"User-agent: *\nDisallow: /politics/\n", b"User-agent: *\nDisallow:\n")
    cache = RobotsCache(site, ttl=600, clock=clock)
    assert not cache.rules_for(PAGE).can_fetch(AGENT, str(PAGE))
    clock.now = 599
    assert not cache.rules_for(PAGE).can_fetch(AGENT, str(PAGE))
    assert len(site.requested) == 1
    clock.now = 601
    assert cache.rules_for(PAGE).can_fetch(AGENT, str(PAGE))
    assert len(site.requested) == 2


def test_crawl_delay_for_our_agent() -> None:
    cache = RobotsCache(Site(b"User-agent: newsdesk\nCrawl-delay: 7\nDisallow: /private\n"))
    assert cache.rules_for(PAGE).crawl_delay(AGENT) == 7


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_client_errors_mean_no_rules(status: int) -> None:
    clock = Clock()
    site = Site(HTTPStatusError(robots_url(PAGE), f"HTTP {status}", status=status))
    cache = RobotsCache(site, ttl=3600, clock=clock)
    assert cache.rules_for(PAGE).can_fetch(AGENT, str(PAGE))
    clock.now = FAILURE_TTL + 1
    cache.rules_for(PAGE)
    assert len(site.requested) == 1  # a real answer: kept for the full TTL


@pytest.mark.parametrize(
    "failure",
    [HTTPStatusError("u", "HTTP 500", status=500), ConnectionFailed("u", "Could not connect")],
)
def test_unavailable_robots_allows_but_is_rechecked_sooner(failure: Exception) -> None:
    clock = Clock()
    site = Site(failure, b"User-agent: *\nDisallow: /\n")
    cache = RobotsCache(site, ttl=3600, clock=clock)
    assert cache.rules_for(PAGE).can_fetch(AGENT, str(PAGE))
    clock.now = FAILURE_TTL + 1
    assert not cache.rules_for(PAGE).can_fetch(AGENT, str(PAGE))


def test_rate_limited_robots_stops_the_fetch() -> None:
    failure = HTTPStatusError("u", "HTTP 429", status=429, retry_after=30, transient=True)
    cache = RobotsCache(Site(failure))
    with pytest.raises(HTTPStatusError):
        cache.rules_for(PAGE)
