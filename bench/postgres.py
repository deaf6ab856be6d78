"""A private PostgreSQL cluster for the load step, and the archive copied into it.

The cluster lives in a temporary directory, listens on 127.0.0.1 only, trusts local
connections and is removed afterwards; nothing of the system's own PostgreSQL is touched.
"""

import glob
import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from bench.archive import (
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


def postgres_bin() -> Path | None:
    """Debian's newest PostgreSQL server binaries (initdb is not on PATH there)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextmanager
def private_cluster(directory: Path):
    """Yields a DATABASE_URL of an empty database on a fresh cluster."""
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
    port = free_port()
    subprocess.run(
        [*user, binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off"
    subprocess.run(
        [
            *user,
            binaries / "pg_ctl",
            "-D",
            data,
            "-l",
            directory / "postgres.log",
            "-o",
            options,
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [binaries / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "newsdesk"],
            check=True,
            capture_output=True,
        )
        yield f"postgres://postgres@127.0.0.1:{port}/newsdesk"
    finally:
        subprocess.run(
            [*user, binaries / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"], capture_output=True
        )


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def write_postgres_archive(database_url: str, count: int, documents: list[Document]) -> float:
    """The same rows as the SQLite archive, through COPY; returns the seconds it took."""
    import psycopg

    started = time.perf_counter()
    migrate_url(database_url)
    sources, hashtags = source_names(documents), hashtag_names(documents)
    source_ids = {name: i + 1 for i, name in enumerate(sources)}
    hashtag_ids = {name.lower(): i + 1 for i, name in enumerate(hashtags)}
    with psycopg.connect(database_url) as db, db.cursor() as cursor:
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
        rows = [archive_row(i, documents) for i in range(count - 1, -1, -1)]
        html_of = {id(d): body_html(d.text) for d in documents}
        with cursor.copy(
            "COPY newsdesk_article (id, url, canonical_url, guid, content_hash, title, description, text,"
            " html, authors, image_url, language, site_name, tags, published_at, discovered_at, updated_at,"
            " category, extraction, extract_attempts, last_error, source_id, category_confidence,"
            " category_locked)"
            " FROM STDIN"
        ) as copy:
            for r in rows:
                d = r.document
                moment = r.published_at
                copy.write_row(
                    (r.id, r.url, r.url, "", "", d.title, d.description, d.text, html_of[id(d)], "[]", "",
                     "en", d.source, "[]", moment, moment, moment, d.category, "page", 1, "",
                     source_ids[d.source], 0.5, False)
                )  # fmt: skip
        with cursor.copy(
            "COPY newsdesk_articlehashtag (article_id, hashtag_id, weight, published_at) FROM STDIN"
        ) as copy:
            for r in rows:
                for name, weight in r.document.hashtags:
                    copy.write_row((r.id, hashtag_ids[name.lower()], weight, r.published_at))
        with cursor.copy("COPY newsdesk_relatedarticle (article_id, related_id, score) FROM STDIN") as copy:
            for index, r in zip(range(count - 1, -1, -1), rows, strict=True):
                for related_id, score in related_ids(index, count, documents):
                    copy.write_row((r.id, related_id, score))
        cursor.execute("ANALYZE")
    return time.perf_counter() - started
