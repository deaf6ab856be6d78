import json
import shutil
import tempfile
from pathlib import Path

import pytest

from bench.archive import GENERATOR_VERSION, archive_row, migrate_url
from bench.postgres import GENERATION_FILE, cached_postgres_archive, postgres_bin, private_cluster
from bench.test_archive import DOCUMENTS
from newsdesk.testing.services import require


@pytest.fixture
def cache_dir():
    require(postgres_bin() is not None, "PostgreSQL server binaries (initdb)")
    # Not pytest's tmp_path: its parents are private to this user, and the server runs as postgres.
    directory = Path(tempfile.mkdtemp(prefix="newsdesk-bench-test-"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def _index_definitions(database_url: str) -> set[str]:
    import psycopg

    with psycopg.connect(database_url) as db:
        rows = db.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'").fetchall()
    return {definition for (definition,) in rows}


def test_a_cached_archive_is_generated_once_with_the_schema_intact_and_always_stopped(cache_dir):
    import psycopg

    with private_cluster(cache_dir / "migrated-only") as database_url:
        migrate_url(database_url)
        migrated_indexes = _index_definitions(database_url)

    with pytest.raises(RuntimeError, match="inside the archive's block"):
        with cached_postgres_archive(30, cache_dir, lambda: list(DOCUMENTS), log=lambda _: None) as (
            database_url,
            generation,
        ):
            assert generation["articles"] == 30
            with psycopg.connect(database_url) as db:
                assert db.execute("SELECT count(*) FROM newsdesk_article").fetchone() == (30,)
                assert db.execute("SELECT count(*) FROM newsdesk_articlehashtag").fetchone() == (75,)
                newest = db.execute("SELECT id FROM newsdesk_article ORDER BY published_at DESC LIMIT 1")
                assert newest.fetchone() == (archive_row(0, DOCUMENTS).id,)
                matches = db.execute(
                    "SELECT count(*) FROM newsdesk_article"
                    " WHERE search_document @@ websearch_to_tsquery('english', 'lighthouse')"
                ).fetchone()
                assert matches == (15,)
            # The indexes dropped for the load are back, exactly as the migrations define them.
            assert _index_definitions(database_url) == migrated_indexes
            raise RuntimeError("inside the archive's block")
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(database_url, connect_timeout=2)

    def documents_again():
        raise AssertionError("a cached archive was generated again")

    with cached_postgres_archive(30, cache_dir, documents_again) as (database_url, cached_generation):
        assert cached_generation == generation
        with psycopg.connect(database_url) as db:
            assert db.execute("SELECT count(*) FROM newsdesk_article").fetchone() == (30,)
    directory = cache_dir / f"pg-archive-30-v{GENERATOR_VERSION}"
    assert json.loads((directory / GENERATION_FILE).read_text()) == generation
    assert not directory.with_name(directory.name + ".partial").exists()
