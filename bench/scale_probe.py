"""Median latency of reader pages on one archive, through the whole Django stack in process.

Run as a child by `python -m bench` with DATABASE_URL naming the archive and the page
cache off (the point is what a miss costs):

    python -m bench.scale_probe REQUESTS '{"home": ["/en/"], "search": ["/en/search?q=..."], ...}'

Prints {"wall_ms": {"page kind": median, ...}, "cpu_ms": {...}} as one JSON line: wall
time is what a reader waits; this process's CPU time is what the page costs, and stays
comparable when other jobs crowd the machine. On SQLite that is the whole cost. On PostgreSQL
the queries run in the server's backend process, which this process's clock does not see: there
"db_cpu_ms" is the CPU of this process's backend (read from /proc, so the server must run on
this machine; parallel query workers are not counted) and "cpu_with_db_ms" both per request;
wall time stays the honest figure.
"""

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

import django

WARMUP_REQUESTS = 3


def main() -> None:
    requests, pages = int(sys.argv[1]), json.loads(sys.argv[2])
    django.setup()
    if os.environ.get("BENCH_NOW"):
        # The archive ends on a fixed date; "recent" sections (trending, top stories) must see it as now.
        from django.utils import timezone

        frozen = datetime.fromisoformat(os.environ["BENCH_NOW"])
        timezone.now = lambda: frozen
    from django.test import Client

    from bench.stats import median

    client = Client()
    clocks: dict[str, dict[str, float]] = {"wall_ms": {}, "cpu_ms": {}}
    for kind, urls in pages.items():
        wall, cpu, db_cpu, cpu_with_db = [], [], [], []
        for url in urls:
            for _ in range(WARMUP_REQUESTS):
                _get(client, url)
            for _ in range(requests):
                backend_before = backend_cpu()
                started, started_cpu = time.perf_counter(), time.process_time()
                _get(client, url)
                wall.append(1000 * (time.perf_counter() - started))
                cpu.append(1000 * (time.process_time() - started_cpu))
                backend_after = backend_cpu()
                # A reconnect inside the request would mix two backends: that sample is left out.
                if backend_before and backend_after and backend_before[0] == backend_after[0]:
                    db_cpu.append(1000 * (backend_after[1] - backend_before[1]))
                    cpu_with_db.append(cpu[-1] + db_cpu[-1])
        clocks["wall_ms"][kind], clocks["cpu_ms"][kind] = median(wall), median(cpu)
        if db_cpu:
            clocks.setdefault("db_cpu_ms", {})[kind] = median(db_cpu)
            clocks.setdefault("cpu_with_db_ms", {})[kind] = median(cpu_with_db)
    print(json.dumps(clocks))


def backend_cpu() -> tuple[int, float] | None:
    """(pid, CPU seconds so far) of the PostgreSQL backend serving this process, if it runs here."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.connection is None:
        return None
    pid = connection.connection.info.backend_pid
    try:
        # schedstat's first field: nanoseconds on a CPU (stat's ticks are too coarse for one page).
        return pid, int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def _get(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")


if __name__ == "__main__":
    main()
