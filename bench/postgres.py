"""Private PostgreSQL clusters for the bench, and the synthetic archive copied into them.

A cluster lives in a directory of its own, listens on 127.0.0.1 only and trusts local
connections; nothing of the system's own PostgreSQL is touched. The load step makes one in a
temporary directory; the scale step keeps its archives' clusters in the bench cache
(`cached_postgres_archive`), so a million rows are written once, not on every run.
"""

import glob
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench.archive import (
    BATCH_ROWS,
    GENERATOR_VERSION,
    NEWEST,
    Document,
    archive_row,
    body_html,
    hashtag_names,
    migrate_url,
    related_ids,
    slug,
    source_names,
)
from bench.serve import free_port

# The tables the archive fills; their secondary indexes are dropped during COPY and built after.
ARCHIVE_TABLES = ("newsdesk_article", "newsdesk_articlehashtag", "newsdesk_relatedarticle")
# Index builds (the GIN search index above all) sort in memory up to this much.
INDEX_BUILD_MEMORY = "1GB"
GENERATION_FILE = "generation.json"


def deployment_memory() -> list[str]:
    """Server settings for a large archive as docs/deploy.md advises: shared_buffers about a quarter
    of RAM, effective_cache_size about three quarters (128 MB of buffers would not hold a million
    articles' recent pages, and every page would pay for it)."""
    total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    return [f"shared_buffers={total_mb // 4}MB", f"effective_cache_size={3 * total_mb // 4}MB"]


def postgres_bin() -> Path | None:
    """Debian's newest PostgreSQL server binaries (initdb is not on PATH there)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextmanager
def private_cluster(directory: Path, settings: Sequence[str] = ()) -> Iterator[str]:
    """Yields a DATABASE_URL of database `newsdesk` on the cluster in `directory`, stopped on exit.

    The cluster is made (with an empty database) when the directory holds none yet, and
    restarted on its data otherwise; `settings` are extra server settings ("name=value").
    """
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("no PostgreSQL server binaries (initdb) found")
    data = directory / "pgdata"
    directory.mkdir(parents=True, exist_ok=True)
    user = []
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root; the cluster belongs to Debian's postgres user.
        if not _has_user("postgres"):
            raise RuntimeError("running as root, and there is no postgres user to own the cluster")
        shutil.chown(directory, "postgres")
        user = ["runuser", "-u", "postgres", "--"]
    fresh = not (data / "PG_VERSION").exists()
    if fresh:
        subprocess.run(
            [*user, binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
        )
    elif _server_running(binaries, data, user):
        # Left running by a run that was killed outright; it is ours, and its port is unknown.
        _stop_server(binaries, data, user)
    port = free_port()
    options = (
        f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off"
        " -c max_wal_size=4GB"
    ) + "".join(f" -c {setting}" for setting in settings)
    log = directory / "postgres.log"
    subprocess.run(
        [*user, binaries / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        if fresh:
            subprocess.run(
                [binaries / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "newsdesk"],
                check=True,
                capture_output=True,
            )
        yield f"postgres://postgres@127.0.0.1:{port}/newsdesk"
    finally:
        _stop_server(binaries, data, user)


def _server_running(binaries: Path, data: Path, user: list[str]) -> bool:
    status = subprocess.run([*user, binaries / "pg_ctl", "-D", data, "status"], capture_output=True)
    return status.returncode == 0


def _stop_server(binaries: Path, data: Path, user: list[str]) -> None:
    subprocess.run([*user, binaries / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"], capture_output=True)


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


@contextmanager
def cached_postgres_archive(
    count: int, cache_dir: Path, documents: Callable[[], list[Document]], *, log=print
) -> Iterator[tuple[str, dict]]:
    """A running cluster holding the archive of `count` articles: yields its DATABASE_URL and how
    long its generation took. The cluster's directory is kept in `cache_dir` and generated only when
    absent; a cached one is brought up to the current schema with the project's migrations, as an
    operator's database would be. The cluster is stopped on exit, whatever happens inside."""
    directory = cache_dir / f"pg-archive-{count}-v{GENERATOR_VERSION}"
    if not (directory / GENERATION_FILE).exists():
        partial = directory.with_name(directory.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.rmtree(directory, ignore_errors=True)
        log(f"generating {count:,} articles into PostgreSQL at {directory} …")
        with private_cluster(partial) as database_url:
            report = write_postgres_archive(database_url, count, documents())
        report["generated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        report["loadavg_after"] = os.getloadavg()
        (partial / GENERATION_FILE).write_text(json.dumps(report, indent=2) + "\n")
        log(f"  {count:,} articles in {report['seconds']:.0f} s ({report['steps']})")
        partial.rename(directory)
    with private_cluster(directory, deployment_memory()) as database_url:
        migrate_url(database_url)
        yield database_url, json.loads((directory / GENERATION_FILE).read_text())


def write_postgres_archive(database_url: str, count: int, documents: list[Document]) -> dict:
    """The same rows as the SQLite archive, through COPY in batches of BATCH_ROWS (a million rows
    never sit in memory at once); returns the seconds it took, in total and per step.

    The rows are consistent by construction, so foreign keys are not checked row by row (replica
    role), and the archive tables' secondary indexes are built after the rows rather than kept up
    to date during the load: both are what make a million rows take minutes, not hours.
    """
    import psycopg

    started = time.perf_counter()
    steps: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        steps[name] = round(now - since, 1)
        return now

    migrate_url(database_url)
    moment = lap("migrate", started)
    sources, hashtags = source_names(documents), hashtag_names(documents)
    source_ids = {name: i + 1 for i, name in enumerate(sources)}
    hashtag_ids = {name.lower(): i + 1 for i, name in enumerate(hashtags)}
    html_of = {id(d): body_html(d.text) for d in documents}
    with psycopg.connect(database_url) as db, db.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(f"SET maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        with cursor.copy(
            "COPY newsdesk_source (id, name, slug, homepage_url, display_policy, is_active, created_at,"
            " precompute_summaries) FROM STDIN"
        ) as copy:
            for name, source_id in source_ids.items():
                unique_slug = f"{slug(name)[:180] or 'publisher'}-{source_id}"
                copy.write_row(
                    (source_id, name, unique_slug, f"https://{slug(name)}.example/", "", True, NEWEST, False)
                )
        with cursor.copy("COPY newsdesk_hashtag (id, name, key, created_at) FROM STDIN") as copy:
            for name in hashtags:
                copy.write_row((hashtag_ids[name.lower()], name, name.lower(), NEWEST))
        for table in ("newsdesk_source", "newsdesk_hashtag"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        rebuilt = drop_secondary_indexes(cursor, ARCHIVE_TABLES)
        # Oldest first, as a crawl would have written them.
        for first in range(count - 1, -1, -BATCH_ROWS):
            batch = range(first, max(first - BATCH_ROWS, -1), -1)
            rows = [archive_row(i, documents) for i in batch]
            with cursor.copy(
                "COPY newsdesk_article (id, url, canonical_url, guid, content_hash, title, description,"
                " text, html, authors, image_url, language, site_name, tags, published_at, discovered_at,"
                " updated_at, category, extraction, extract_attempts, last_error, source_id,"
                " category_confidence, category_locked)"
                " FROM STDIN"
            ) as copy:
                for r in rows:
                    d, at = r.document, r.published_at
                    copy.write_row(
                        (r.id, r.url, r.url, "", "", d.title, d.description, d.text, html_of[id(d)], "[]",
                         "", "en", d.source, "[]", at, at, at, d.category, "page", 1, "",
                         source_ids[d.source], 0.5, False)
                    )  # fmt: skip
            with cursor.copy(
                "COPY newsdesk_articlehashtag (article_id, hashtag_id, weight, published_at) FROM STDIN"
            ) as copy:
                for r in rows:
                    for name, weight in r.document.hashtags:
                        copy.write_row((r.id, hashtag_ids[name.lower()], weight, r.published_at))
            with cursor.copy(
                "COPY newsdesk_relatedarticle (article_id, related_id, score) FROM STDIN"
            ) as copy:
                for index, r in zip(batch, rows, strict=True):
                    for related_id, score in related_ids(index, count, documents):
                        copy.write_row((r.id, related_id, score))
        moment = lap("copy", moment)
        for statement in rebuilt:
            cursor.execute(statement)
        moment = lap("indexes", moment)
    with psycopg.connect(database_url, autocommit=True) as db:
        # Hint bits, visibility map and statistics as a settled database has them, so neither the
        # first probes nor autovacuum during them pay for the load.
        db.execute("VACUUM ANALYZE")
    lap("vacuum_analyze", moment)
    return {"articles": count, "seconds": round(time.perf_counter() - started, 1), "steps": steps}


def drop_secondary_indexes(cursor, tables: tuple[str, ...]) -> list[str]:
    """Drop the indexes of `tables` that back no constraint; returns the statements that rebuild them
    exactly (pg_indexes' own definitions)."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i"
        " WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = to_regclass(i.indexname))"
        " ORDER BY i.indexname",
        [list(tables)],
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]
