"""What /healthz checks: each dependency a request or a task needs, with how long it took."""

import functools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

BROKER_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    milliseconds: float
    error: str = ""


def run_checks() -> list[Check]:
    checks = [("database", check_database), ("migrations", check_migrations), ("cache", check_cache)]
    if settings.NEWSDESK_HEALTH_CHECK_BROKER and not settings.CELERY_TASK_ALWAYS_EAGER:
        checks.append(("broker", check_broker))
    return [_timed(name, probe) for name, probe in checks]


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")


def check_migrations() -> None:
    """SELECT 1 answers on a database this code cannot use: never migrated (an empty SQLite file
    under a wrong NEWSDESK_VAR_DIR) or not since an upgrade, where every page fails on a missing
    table or column. A database ahead of this code (a rolling upgrade) is fine."""
    applied = MigrationRecorder(connection).applied_migrations()
    missing = sorted(f"{app}.{name}" for app, name in latest_migrations() if (app, name) not in applied)
    if missing:
        raise RuntimeError(f"migrations not applied: {', '.join(missing)}; run `newsdesk migrate`")


@functools.cache
def latest_migrations() -> frozenset[tuple[str, str]]:
    """The newest migration of each app, read from disk once: the code does not change under a process."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())


def check_cache() -> None:
    key, value = f"newsdesk:health:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, 10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("a value written to the cache did not come back")
    finally:
        cache.delete(key)


def check_broker() -> None:
    from newsdesk.tasks import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)


def _timed(name: str, probe: Callable[[], None]) -> Check:
    started = time.perf_counter()
    try:
        probe()
    except Exception as error:  # any failure of a dependency is what we report
        return Check(name, False, _ms_since(started), f"{type(error).__name__}: {error}")
    return Check(name, True, _ms_since(started))


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
