"""Test fixtures shared by tests and benchmarks: a loopback web of publishers to crawl."""

from newsdesk.testing.fixtureweb import (
    FixtureArticle,
    FixtureFeed,
    FixtureWeb,
    GzipBomb,
    GzipFile,
    HugePage,
    Publisher,
    Redirect,
    ServedRequest,
    Stall,
    Static,
    Status,
)
from newsdesk.testing.publishers import (
    bbc_articles,
    bbc_publishers,
    broken_publisher,
    fundus_publishers,
    harbour_gazette,
    harbour_stories,
)

__all__ = [
    "FixtureArticle",
    "FixtureFeed",
    "FixtureWeb",
    "GzipBomb",
    "GzipFile",
    "HugePage",
    "Publisher",
    "Redirect",
    "ServedRequest",
    "Stall",
    "Static",
    "Status",
    "bbc_articles",
    "bbc_publishers",
    "broken_publisher",
    "fundus_publishers",
    "harbour_gazette",
    "harbour_stories",
]
