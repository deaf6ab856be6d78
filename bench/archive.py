"""A synthetic archive of N articles, written straight into a migrated SQLite database, fast.

The texts are the shared dev sets (BBC articles with their reference summaries, UCI
headlines from 1,600 publishers), recycled: row `i` is a pure function of `i`, so the
newest 10 k rows of the 1 M archive are the 10 k archive, and growth is only history.
Articles arrive at a steady ARTICLES_PER_DAY, newest first by index.

    python -m bench.archive 1000000 var/bench/archive.sqlite3
"""

import argparse
import csv
import hashlib
import html
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_DIR.parent / "shared" / "data"
# Bump when rows change, so cached archives are rebuilt.
GENERATOR_VERSION = 3
# Bump when documents change (their hashtags take minutes to compute, so they are cached apart).
DOCUMENTS_VERSION = 1
ARTICLES_PER_DAY = 1000
# A fixed "now", so the same index always gets the same date, whatever day the bench runs.
NEWEST = datetime(2025, 11, 1, 12, 0, tzinfo=UTC)
BATCH_ROWS = 5000
# Pages show up to 6; ingest stores this many RelatedArticle rows per article.
RELATED_PER_ARTICLE = 6
# Stride through the document pool; coprime with any pool size we build, so neighbours differ.
DOCUMENT_STRIDE = 7919
BBC_CATEGORIES = {
    "business": "business",
    "entertainment": "entertainment",
    "politics": "politics",
    "sport": "sports",
    "tech": "technology",
}
UCI_CATEGORIES = {"b": "business", "t": "technology", "e": "entertainment", "m": "health"}
UCI_BODY_LABELS = {"b": "business", "t": "tech", "e": "entertainment", "m": "politics"}
BBC_SOURCES = ["BBC News", "BBC Business", "BBC Sport", "BBC Technology"]


@dataclass(frozen=True)
class Document:
    """One story's words and metadata; rows reuse documents under new dates and URLs."""

    title: str
    description: str
    text: str
    category: str
    source: str
    hashtags: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class ArchiveRow:
    id: str
    url: str
    published_at: datetime
    document: Document


def load_documents(data_dir: Path, cache_file: Path | None = None) -> list[Document]:
    """BBC articles and UCI headlines (each given a BBC body of its topic), hashtags computed once.

    Hashtags use the product's own `build_hashtags` (Django must be set up); ~10 ms each,
    so the pool is cached in `cache_file` when given.
    """
    if cache_file is not None and cache_file.exists():
        return [_document_from_json(d) for d in json.loads(cache_file.read_text(encoding="utf-8"))]
    from newsdesk.enrich.hashtags import build_hashtags

    summaries = {}
    with (data_dir / "summaries" / "bbc-summary-dev.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            summaries[row["id"]] = row["summary"]
    bbc = []
    with (data_dir / "topics" / "bbc-dev.jsonl").open(encoding="utf-8") as lines:
        bbc = [json.loads(line) for line in lines]
    bodies_by_label: dict[str, list[dict]] = {}
    for row in bbc:
        bodies_by_label.setdefault(row["label"], []).append(row)

    drafts = []
    for i, row in enumerate(bbc):
        drafts.append(
            (
                row["title"],
                _teaser(summaries.get(row["id"], "") or row["text"]),
                _body(row["text"]),
                BBC_CATEGORIES[row["label"]],
                BBC_SOURCES[i % len(BBC_SOURCES)],
            )
        )
    with (data_dir / "stories" / "uci-news-aggregator-dev.csv").open(encoding="utf-8", newline="") as file:
        for i, row in enumerate(csv.DictReader(file)):
            bodies = bodies_by_label[UCI_BODY_LABELS[row["CATEGORY"]]]
            body = _body(bodies[i % len(bodies)]["text"])
            drafts.append(
                (row["TITLE"], _teaser(body), body, UCI_CATEGORIES[row["CATEGORY"]], row["PUBLISHER"])
            )

    documents = [
        Document(
            title=title,
            description=description,
            text=text,
            category=category,
            source=source,
            hashtags=tuple(build_hashtags(title=title, text=text, source_name=source, cap=8)),
        )
        for title, description, text, category, source in drafts
    ]
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps([d.__dict__ for d in documents]), encoding="utf-8")
    return documents


def _document_from_json(data: dict) -> Document:
    return Document(**{**data, "hashtags": tuple((name, weight) for name, weight in data["hashtags"])})


def _body(text: str) -> str:
    """Paragraphs separated by blank lines, as `Article.text` keeps them."""
    return "\n\n".join(p.strip() for p in text.split("\n") if p.strip())


def _teaser(text: str) -> str:
    return " ".join(text.split()[:40])


def archive_row(index: int, documents: list[Document]) -> ArchiveRow:
    """Row `index` of every archive: index 0 is the newest article."""
    document = documents[(index * DOCUMENT_STRIDE) % len(documents)]
    seconds_apart = 86400 / ARTICLES_PER_DAY
    # A deterministic jitter of up to half a gap keeps the order but not a perfect grid.
    jitter = int(hashlib.md5(str(index).encode()).hexdigest()[:4], 16) / 0xFFFF * seconds_apart / 2
    published_at = (NEWEST - timedelta(seconds=index * seconds_apart + jitter)).replace(microsecond=0)
    host = slug(document.source) or "publisher"
    url = f"https://{host}.example/{published_at:%Y/%m/%d}/{slug(document.title)[:60]}-{index}"
    return ArchiveRow(
        id=hashlib.md5(url.encode()).hexdigest(), url=url, published_at=published_at, document=document
    )


def related_ids(index: int, count: int, documents: list[Document]) -> list[tuple[str, float]]:
    """Stored related articles, as ingest leaves them: the next older rows (within the archive)."""
    older = range(index + 1, min(index + 1 + RELATED_PER_ARTICLE, count))
    return [(archive_row(j, documents).id, 0.9 - 0.05 * rank) for rank, j in enumerate(older)]


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def source_names(documents: list[Document]) -> list[str]:
    return sorted({d.source for d in documents})


def hashtag_names(documents: list[Document]) -> list[str]:
    """One spelling per key (the first seen), as `replace_hashtags` keeps it."""
    names: dict[str, str] = {}
    for document in documents:
        for name, _ in document.hashtags:
            names.setdefault(name.lower(), name)
    return sorted(names.values(), key=str.lower)


def body_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))


@dataclass
class GenerationReport:
    articles: int
    seconds: float
    fts_seconds: float
    fts_mode: str


def migrate(database: Path) -> None:
    migrate_url(f"sqlite:///{database}")


def migrate_url(database_url: str) -> None:
    """Create the schema with the project's own migrations, in a child with this DATABASE_URL."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "NEWSDESK_LOAD_DEFAULT_SOURCES": "0",
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
    }
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v0"], env=env, check=True, cwd=PROJECT_DIR
    )


def write_sqlite_archive(
    database: Path, count: int, documents: list[Document], *, fts_mode: str = "bulk"
) -> GenerationReport:
    """Fill a freshly migrated database with rows count-1 … 0 (oldest first, as a crawl would).

    fts_mode "trigger" keeps the search triggers firing per row; "bulk" drops the insert
    trigger, indexes everything in one statement at the end and restores the trigger.
    """
    started = time.perf_counter()
    db = sqlite3.connect(database, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    db.execute("PRAGMA temp_store=MEMORY")
    from django.conf import settings

    from newsdesk.store.search_index import SQLITE_TRIGGERS, fill_recent_statements

    for name in SQLITE_TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    if fts_mode == "trigger":
        restore_search_triggers(database)

    created = _sqlite_time(NEWEST)
    sources = source_names(documents)
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO newsdesk_source (id, name, slug, homepage_url, display_policy, is_active, created_at,"
        " precompute_summaries) VALUES (?, ?, ?, ?, '', 1, ?, 0)",
        [
            (
                i + 1,
                name,
                f"{slug(name)[:180] or 'publisher'}-{i + 1}",
                f"https://{slug(name)}.example/",
                created,
            )
            for i, name in enumerate(sources)
        ],
    )
    hashtags = hashtag_names(documents)
    db.executemany(
        "INSERT INTO newsdesk_hashtag (id, name, key, created_at) VALUES (?, ?, ?, ?)",
        [(i + 1, name, name.lower(), created) for i, name in enumerate(hashtags)],
    )
    db.execute("COMMIT")
    source_ids = {name: i + 1 for i, name in enumerate(sources)}
    hashtag_ids = {name.lower(): i + 1 for i, name in enumerate(hashtags)}
    html_of = {id(d): body_html(d.text) for d in documents}

    for batch in _batches(range(count - 1, -1, -1), BATCH_ROWS):
        rows = [archive_row(i, documents) for i in batch]
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO newsdesk_article (id, url, canonical_url, guid, content_hash, title, description,"
            " text, html, authors, image_url, language, site_name, tags, published_at, modified_at,"
            " discovered_at,"
            " updated_at, category, extraction, extract_attempts, last_error, feed_id, source_id,"
            " category_confidence, category_locked, duplicate_of_id, simhash, story_id)"
            " VALUES (?, ?, ?, '', '', ?, ?, ?, ?, '[]', '', 'en', ?, '[]', ?, NULL, ?, ?, ?, 'page', 1, '',"
            " NULL, ?, 0.5, 0, NULL, NULL, NULL)",
            [
                (
                    r.id,
                    r.url,
                    r.url,
                    r.document.title,
                    r.document.description,
                    r.document.text,
                    html_of[id(r.document)],
                    r.document.source,
                    _sqlite_time(r.published_at),
                    _sqlite_time(r.published_at),
                    _sqlite_time(r.published_at),
                    r.document.category,
                    source_ids[r.document.source],
                )
                for r in rows
            ],
        )
        db.executemany(
            "INSERT INTO newsdesk_articlehashtag (article_id, hashtag_id, weight, published_at)"
            " VALUES (?, ?, ?, ?)",
            [
                (r.id, hashtag_ids[name.lower()], weight, _sqlite_time(r.published_at))
                for r in rows
                for name, weight in r.document.hashtags
            ],
        )
        db.executemany(
            "INSERT INTO newsdesk_relatedarticle (article_id, related_id, score) VALUES (?, ?, ?)",
            [
                (r.id, related_id, score)
                for r, index in zip(rows, batch, strict=True)
                for related_id, score in related_ids(index, count, documents)
            ],
        )
        db.execute("COMMIT")

    fts_started = time.perf_counter()
    if fts_mode == "bulk":
        db.execute("BEGIN")
        # Key rowids in publication order: search ranks the highest (newest) rowids first.
        db.execute(
            "INSERT INTO newsdesk_article_search_key (article_id, published_at)"
            " SELECT id, published_at FROM newsdesk_article ORDER BY published_at, id"
        )
        db.execute(
            "INSERT INTO newsdesk_article_fts (rowid, title, description, text)"
            " SELECT k.rowid, a.title, a.description, a.text"
            " FROM newsdesk_article_search_key k JOIN newsdesk_article a ON a.id = k.article_id"
            " ORDER BY k.rowid"
        )
        for statement in fill_recent_statements(settings.NEWSDESK_SEARCH_RECENT_ROWS):
            db.execute(statement)
        db.execute("COMMIT")
        restore_search_triggers(database)
    fts_seconds = time.perf_counter() - fts_started
    # The product opens the database in WAL mode; leave it as the product would find it.
    db.execute("PRAGMA journal_mode=WAL")
    db.close()
    return GenerationReport(
        articles=count, seconds=time.perf_counter() - started, fts_seconds=fts_seconds, fts_mode=fts_mode
    )


def _batches(indexes: range, size: int) -> Iterator[range]:
    for start in range(0, len(indexes), size):
        yield indexes[start : start + size]


def _sqlite_time(moment: datetime) -> str:
    """Django's SQLite datetime format (UTC, naive text)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def restore_search_triggers(database: Path) -> None:
    """Put back the search triggers the bulk load dropped, exactly as the product defines them."""
    from newsdesk.store.search_index import SQLITE_KEY_TRIGGERS, SQLITE_TRIGGERS

    db = sqlite3.connect(database, isolation_level=None)
    for statement in [*SQLITE_TRIGGERS.values(), *SQLITE_KEY_TRIGGERS.values()]:
        db.execute(statement)
    db.close()


def cached_archive(count: int, cache_dir: Path, data_dir: Path, *, log=print) -> Path:
    """The archive of `count` articles, generated once and kept in `cache_dir`.

    A cached archive is brought up to the current schema with the project's migrations,
    as an operator's database would be, rather than generated again.
    """
    database = cache_dir / f"archive-{count}-v{GENERATOR_VERSION}.sqlite3"
    if database.exists():
        migrate(database)
        return database
    cache_dir.mkdir(parents=True, exist_ok=True)
    documents = load_documents(data_dir, cache_dir / f"documents-v{DOCUMENTS_VERSION}.json")
    partial = database.with_suffix(".partial")
    for leftover in cache_dir.glob(partial.name + "*"):
        leftover.unlink()
    migrate(partial)
    log(f"generating {count:,} articles into {database} …")
    report = write_sqlite_archive(partial, count, documents)
    log(f"  {report.articles:,} articles in {report.seconds:.0f} s (search index {report.fts_seconds:.0f} s)")
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.rename(database)
    return database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("database", type=Path, help="a new SQLite file")
    parser.add_argument("--fts", choices=["bulk", "trigger"], default="bulk")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args()
    if args.database.exists():
        parser.error(f"{args.database} exists")
    from bench.django_env import setup_scratch_django

    setup_scratch_django()
    documents = load_documents(
        args.data_dir, PROJECT_DIR / "var" / "bench" / f"documents-v{DOCUMENTS_VERSION}.json"
    )
    migrate(args.database)
    report = write_sqlite_archive(args.database, args.count, documents, fts_mode=args.fts)
    print(json.dumps(report.__dict__))


if __name__ == "__main__":
    main()
