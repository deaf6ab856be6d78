"""Ready-made publishers for the fixture web.

- `harbour_gazette()`: four self-written stories from testdata/, for unit tests that must
  run without ../shared.
- `fundus_publishers(data_dir)`: the 80 real pages of the Fundus evaluation set, 16 publishers.
- `bbc_publishers(data_dir)`: real BBC articles rendered as pages, with a feed per section.
- `broken_publisher()`: pages and feeds that fail in the ways real sites fail.

Shared data is read from `data_dir` (../shared/data) at run time, never copied.
"""

import gzip
import json
import re
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html

from newsdesk.testing.fixtureweb import (
    FixtureArticle,
    FixtureFeed,
    GzipBomb,
    GzipFile,
    HugePage,
    Publisher,
    Redirect,
    Stall,
    Static,
    Status,
)
from newsdesk.testing.render import PageContent, article_page

TESTDATA = Path(__file__).resolve().parent / "testdata"
FUNDUS_DIR = Path("pages") / "fundus-eval"
BBC_FILE = Path("topics") / "bbc-dev.jsonl"
# Which feed format each Fundus publisher gets; the rest publish RSS 2.0.
FUNDUS_FEED_FORMATS = {"TheGuardian": ("atom", "/atom.xml"), "Reuters": ("news-sitemap", "/sitemap-news.xml")}
BBC_SITES = [
    ("BBC News: Business and Politics", ["business", "politics"]),
    ("BBC Sport and Entertainment", ["sport", "entertainment"]),
    ("BBC Technology", ["tech"]),
]
BBC_SECTIONS = {"tech": "technology"}
LINK_VARIANTS = ["", "utm", "slash", ""]


def harbour_stories() -> list[FixtureArticle]:
    """Fresh copies of the self-written stories (tests may change them freely)."""
    stories = json.loads((TESTDATA / "harbour_gazette.json").read_text(encoding="utf-8"))
    return [
        FixtureArticle(
            key=f"harbour:{story['slug']}",
            path=f"/news/{story['section']}/{story['slug']}",
            title=story["title"],
            published=datetime.fromisoformat(story["published"]),
            paragraphs=story["paragraphs"],
            summary=story["paragraphs"][0],
            section=story["section"],
            author=story["author"],
            link_variant=LINK_VARIANTS[i % len(LINK_VARIANTS)],
            canonical_path=f"/news/{story['section']}/{story['slug']}",
            with_jsonld=i % 2 == 0,
            guid=f"harbour-gazette-{story['slug']}",
        )
        for i, story in enumerate(stories)
    ]


def harbour_gazette(name: str = "Harbour Gazette") -> Publisher:
    publisher = Publisher(name)
    publisher.add_feed(FixtureFeed("/feed.xml", f"{name}: latest", harbour_stories()))
    return publisher


def fundus_publishers(data_dir: Path) -> list[Publisher]:
    """One publisher per Fundus source, its pages under their real paths; odd ones send gzip as-is."""
    root = data_dir / FUNDUS_DIR
    truth = json.loads((root / "ground_truth.json").read_text(encoding="utf-8"))
    by_publisher: dict[str, list[str]] = defaultdict(list)
    for filename in sorted(truth):
        by_publisher[filename.rsplit("_", 1)[0]].append(filename)

    publishers = []
    for index, (name, filenames) in enumerate(sorted(by_publisher.items())):
        articles = []
        for i, filename in enumerate(filenames):
            page_file = root / "html" / filename
            body = truth[filename]["body"]
            articles.append(
                FixtureArticle(
                    key=filename.removesuffix(".html.gz"),
                    path=urlsplit(truth[filename]["url"]).path,
                    title=_page_title(page_file) or filename,
                    published=datetime.fromisoformat(truth[filename]["crawl_date"]).replace(tzinfo=UTC),
                    paragraphs=body,
                    summary=body[0][:300] if body else "",
                    link_variant=LINK_VARIANTS[i % len(LINK_VARIANTS)],
                    route=GzipFile(page_file, send_compressed=index % 2 == 1),
                )
            )
        feed_format, feed_path = FUNDUS_FEED_FORMATS.get(name, ("rss", "/feed.xml"))
        publisher = Publisher(name)
        publisher.add_feed(FixtureFeed(feed_path, f"{name}: latest", articles, format=feed_format))
        publishers.append(publisher)
    return publishers


def _page_title(page_file: Path) -> str:
    document = lxml.html.document_fromstring(gzip.decompress(page_file.read_bytes()))
    og_title = document.xpath('string(//meta[@property="og:title"]/@content)').strip()
    return og_title or document.findtext(".//title", default="").strip()


def bbc_articles(data_dir: Path, per_section: int) -> dict[str, list[FixtureArticle]]:
    """The first `per_section` BBC articles of each label with a distinct title and body."""
    seen: set[str] = set()
    chosen: dict[str, list[FixtureArticle]] = defaultdict(list)
    started = datetime.now(UTC).replace(microsecond=0)
    with (data_dir / BBC_FILE).open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            label = row["label"]
            paragraphs = [p.strip() for p in row["text"].split("\n") if p.strip()]
            fingerprints = {_fold(row["title"]), _fold(row["text"])}
            if len(chosen[label]) >= per_section or fingerprints & seen or not paragraphs:
                continue
            seen |= fingerprints
            i = len(chosen[label])
            number = row["id"].split("/")[-1].removesuffix(".txt")
            path = f"/news/{label}/{number}-{_slug(row['title'])}"
            # Mostly a self-canonical; some name the homepage (a common publisher bug), some a
            # shorter URL of the same page, some nothing at all.
            canonical = {3: "/", 7: f"/news/{label}-{number}", 9: None}.get(i % 10, path)
            chosen[label].append(
                FixtureArticle(
                    key=f"bbc:{row['id']}",
                    path=path,
                    title=row["title"],
                    published=started - timedelta(minutes=17 * i + 3 * len(chosen)),
                    paragraphs=paragraphs,
                    summary=paragraphs[0],
                    section=BBC_SECTIONS.get(label, label),
                    author=f"{label.title()} correspondent" if i % 2 else "",
                    link_variant=LINK_VARIANTS[i % len(LINK_VARIANTS)],
                    canonical_path=canonical,
                    with_jsonld=i % 3 == 0,
                )
            )
    return chosen


def bbc_publishers(data_dir: Path, per_section: int = 60) -> list[Publisher]:
    """Three BBC sites with a feed per section and a top-stories feed repeating some, by other links."""
    articles = bbc_articles(data_dir, per_section)
    publishers = []
    for index, (name, labels) in enumerate(BBC_SITES):
        publisher = Publisher(name)
        top: list[FixtureArticle] = []
        for label in labels:
            section = BBC_SECTIONS.get(label, label)
            publisher.add_feed(
                FixtureFeed(
                    f"/{section}/rss.xml",
                    f"{name}: {section}",
                    articles[label],
                    section=section,
                    gzip=index == 0,
                )
            )
            top += [_relinked(a, "utm" if a.link_variant != "utm" else "") for a in articles[label][:5]]
        publisher.add_feed(FixtureFeed("/rss.xml", f"{name}: top stories", top, gzip=index == 0))
        publishers.append(publisher)
    return publishers


def _relinked(article: FixtureArticle, link_variant: str) -> FixtureArticle:
    """The same story as another feed links it (same page, same GUID)."""
    return replace(article, link_variant=link_variant, guid=article.guid or article.path)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].rstrip("-")


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


BROKEN_PAGES = [
    # (slug, failure, summary)
    ("server-error", "http-500", "The server answers this page with an internal error."),
    ("gone", "http-404", "This story was taken down and its page answers 404."),
    ("slow", "timeout", "This page takes longer to start answering than any crawler waits."),
    ("loop", "redirect-loop", "This page redirects to another page that redirects back."),
    ("bomb", "gzip-bomb", "This page is a small gzip body that inflates to hundreds of megabytes."),
    ("huge", "huge-page", "This page is twenty megabytes of HTML."),
]


def broken_publisher(name: str = "Unreliable Times", *, stall_seconds: float = 10.0) -> Publisher:
    """One good story and one of each failure in its feed; one feed is HTML, one answers 500.

    `stall_seconds` must exceed the read timeout of the test that uses it.
    """
    published = datetime.now(UTC).replace(microsecond=0)
    good = harbour_stories()[3]
    good.key, good.guid = "broken:good", ""
    routes = {
        "http-500": Status(500),
        "http-404": Status(404),
        "timeout": Stall(stall_seconds),
        "redirect-loop": Redirect("/news/loop-b"),
        "gzip-bomb": GzipBomb(),
        "huge-page": HugePage(),
    }
    articles = [good] + [
        FixtureArticle(
            key=f"broken:{slug}",
            path=f"/news/{slug}",
            title=f"A story whose page fails: {failure}",
            published=published - timedelta(minutes=i),
            summary=f"{summary} Its feed entry is all a reader can be shown.",
            route=routes[failure],
            failure=failure,
        )
        for i, (slug, failure, summary) in enumerate(BROKEN_PAGES)
    ]
    articles.append(
        FixtureArticle(
            key="broken:robots",
            path="/private/memo",
            title="A story behind a robots.txt Disallow",
            published=published,
            summary="The site's robots.txt asks crawlers to stay out of /private/.",
            failure="robots-disallowed",
        )
    )
    publisher = Publisher(name)
    publisher.add_feed(FixtureFeed("/feed.xml", f"{name}: latest", articles))
    publisher.add_route("/news/loop-b", Redirect("/news/loop"))
    html_page = article_page(
        PageContent(
            title="World news",
            paragraphs=["This is a section page, not a feed."],
            published=published,
            site_name=name,
        )
    )
    publisher.add_broken_feed("/rss/world.xml", Static(html_page))
    publisher.add_broken_feed("/rss/sport.xml", Status(500))
    return publisher
