"""What /healthz checks: each dependency a request or a task needs, with how long it took."""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection

BROKER_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    milliseconds: float
    error: str = ""


def run_checks() -> list[Check]:
    checks = [("database", check_database), ("cache", check_cache)]
    if settings.NEWSDESK_HEALTH_CHECK_BROKER and not settings.CELERY_TASK_ALWAYS_EAGER:
        checks.append(("broker", check_broker))
    return [_timed(name, probe) for name, probe in checks]


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")


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
