"""Median latency of reader pages on one archive, through the whole Django stack in process.

Run as a child by `python -m bench` with DATABASE_URL naming the archive and the page
cache off (the point is what a miss costs):

    python -m bench.scale_probe REQUESTS '{"home": ["/en/"], "search": ["/en/search?q=..."], ...}'

Prints {"wall_ms": {"page kind": median, ...}, "cpu_ms": {...}} as one JSON line: wall
time is what a reader waits; this process's CPU time is what the page costs, and stays
comparable when other jobs crowd the machine.
"""

import json
import os
import sys
import time
from datetime import datetime

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
    wall_ms, cpu_ms = {}, {}
    for kind, urls in pages.items():
        wall, cpu = [], []
        for url in urls:
            for _ in range(WARMUP_REQUESTS):
                _get(client, url)
            for _ in range(requests):
                started, started_cpu = time.perf_counter(), time.process_time()
                _get(client, url)
                wall.append(1000 * (time.perf_counter() - started))
                cpu.append(1000 * (time.process_time() - started_cpu))
        wall_ms[kind], cpu_ms[kind] = median(wall), median(cpu)
    print(json.dumps({"wall_ms": wall_ms, "cpu_ms": cpu_ms}))


def _get(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")


if __name__ == "__main__":
    main()
