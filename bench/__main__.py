"""`make bench`: where newsdesk stands, as ratios taken in one run on this machine.

    python -m bench [ingest] [serve] [scale] [scale_postgres] [load]     (all of them by default)
    BENCH_SCALE=small python -m bench                   (a quick run: smaller archives, shorter loads)

Prints a table and writes bench/results.json (merged with the keys of earlier runs of other steps).
Archives are generated once per schema into var/bench/ (BENCH_CACHE_DIR to move them), the
PostgreSQL ones as cluster directories, started for the step and stopped after it.
"""

import argparse
import json
import operator
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from bench import archive
from bench.django_env import child_env, setup_scratch_django
from bench.postgres import cached_postgres_archive, postgres_bin, private_cluster, write_postgres_archive
from bench.serve import gunicorn, nginx, page_cache_nginx, wrk
from bench.stats import growth, median, ratio, table

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
STEPS = ["ingest", "serve", "scale", "scale_postgres", "load"]
TARGETS = {
    "ingest_ratio": (">=", 0.5),
    "enrich_vs_extract_ratio": ("<", 1.0),
    "serve_cached_ratio": (">=", 0.25),
    "serve_uncached_ratio": (">=", 0.05),
    "scale_growth": ("<=", 1.5),
    "scale_growth_postgres": ("<=", 1.5),
    "load_errors": ("<=", 0),
}
COMPARE = {">=": operator.ge, "<=": operator.le, "<": operator.lt}
# The worker's crawl cannot be cut short; it gets this long after the readers stop.
WORKER_GRACE_SECONDS = 180
SEARCH_QUERIES = ["government", "football club", "mobile phone"]
POSTGRES_CPU_NOTE = (
    "cpu_ms is the Django process only: the queries run in the PostgreSQL backend, whose CPU is"
    " db_cpu_ms (from /proc, without parallel query workers); scale_growth_postgres_cpu is the growth"
    " of both together (cpu_with_db_ms). Wall time is the honest figure."
)


@dataclass(frozen=True)
class Scale:
    name: str
    small_archive: int
    large_archive: int
    bbc_per_section: int  # fixture-web BBC articles per section (plus the 80 Fundus pages)
    serve_seconds: int
    serve_connections: int
    probe_requests: int
    load_seconds: int
    load_connections: int
    load_bbc_per_section: int


SCALES = {
    "full": Scale("full", 10_000, 1_000_000, 60, 10, 16, 15, 60, 200, 40),
    "small": Scale("small", 10_000, 100_000, 12, 4, 16, 7, 15, 200, 10),
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description="newsdesk benchmarks")
    parser.add_argument("steps", nargs="*", help=" ".join(STEPS))
    parser.add_argument("--scale", choices=sorted(SCALES), default=os.environ.get("BENCH_SCALE", "full"))
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("BENCH_DATA_DIR", archive.DEFAULT_DATA_DIR))
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("BENCH_CACHE_DIR", PROJECT_DIR / "var" / "bench")),
    )
    parser.add_argument(
        "--load-database",
        choices=["postgres", "sqlite"],
        default=os.environ.get("BENCH_LOAD_DATABASE", "postgres" if postgres_bin() else "sqlite"),
        help="the load step's database: a private PostgreSQL cluster (default when installed) or SQLite",
    )
    args = parser.parse_args()
    steps = args.steps or STEPS
    if unknown := set(steps) - set(STEPS):
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    scale = SCALES[args.scale]
    if not args.data_dir.is_dir():
        raise SystemExit(f"shared data not found at {args.data_dir} (set BENCH_DATA_DIR)")
    setup_scratch_django()
    # A stopped run must still stop its PostgreSQL clusters: SIGTERM unwinds like an exception.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))

    results: dict = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["machine"] = machine()
    results["settings"] = asdict(scale)
    bench = Bench(scale, args.data_dir, args.cache_dir, args.load_database)
    try:
        for step in steps:
            print(f"== {step}", flush=True)
            started = time.perf_counter()
            results.update(getattr(bench, step)())
            results.setdefault("step_seconds", {})[step] = round(time.perf_counter() - started, 1)
            RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    finally:
        shutil.rmtree(bench.work, ignore_errors=True)
    results["machine"]["loadavg_after"] = os.getloadavg()
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print()
    print(summary(results))
    print(f"\nwritten to {RESULTS.relative_to(PROJECT_DIR)}")


def ingest_ratio(run: dict) -> float | None:
    """Articles/s through the whole pipeline against pages/s of trafilatura alone, in one run."""
    return ratio(run["pipeline_pages_per_second"], run["trafilatura_pages_per_second"])


def vectors_vs_extraction(stages: dict) -> float | None:
    """Issue 3: what vectors cost an article (embedding, dedup, clustering, related) against
    extracting it, both in process CPU from a one-thread run."""
    vector_steps = ["embed_article", "mark_copies", "join_story", "relate_article"]
    return ratio(
        sum(stages[step]["cpu_ms_per_article"] for step in vector_steps if step in stages),
        stages["extract_article"]["cpu_ms_per_article"],
    )


class Bench:
    def __init__(self, scale: Scale, data_dir: Path, cache_dir: Path, load_database: str) -> None:
        self.size, self.data_dir, self.cache_dir = scale, data_dir, cache_dir
        self.load_database = load_database
        self.documents_cache = cache_dir / f"documents-v{archive.DOCUMENTS_VERSION}.json"
        self.work = Path(tempfile.mkdtemp(prefix="newsdesk-bench-"))
        self.work.chmod(0o755)  # nginx's unprivileged workers read pages under it

    def archive(self, count: int) -> Path:
        return archive.cached_archive(
            count, self.cache_dir, self.data_dir, log=lambda m: print(m, flush=True)
        )

    def child(self, module: str, *argv: str, env: dict[str, str]) -> dict:
        finished = subprocess.run(
            [sys.executable, "-m", module, *argv], env=env, cwd=PROJECT_DIR, capture_output=True, text=True
        )
        if finished.returncode != 0:
            raise RuntimeError(f"{module} failed ({finished.returncode}):\n{finished.stderr[-4000:]}")
        result = json.loads(finished.stdout.strip().splitlines()[-1])
        if result.get("crawl_errors"):
            result["log_tail"] = finished.stderr[-3000:]
        return result

    # --- steps

    def ingest(self) -> dict:
        runs = {}
        # The mix (real publisher pages and our light rendered ones) as the product runs it and on one
        # thread, then the real publisher pages alone both ways: what an article costs on a real page.
        for mode, per_section in (
            ("threaded", self.size.bbc_per_section),
            ("serial", self.size.bbc_per_section),
            ("publisher-pages-threaded", 0),
            ("publisher-pages", 0),
        ):
            directory = self.work / f"ingest-{mode}"
            directory.mkdir()
            env = child_env(f"sqlite:///{directory / 'ingest.sqlite3'}", directory)
            argv = [
                str(self.data_dir),
                str(per_section),
                *([] if mode.endswith("threaded") else ["--serial"]),
            ]
            runs[mode] = self.child("bench.ingest", *argv, env=env)
        measured, serial = runs["threaded"], runs["serial"]
        publisher_pages = runs["publisher-pages-threaded"]
        return {
            "ingest_ratio": ingest_ratio(measured),
            "ingest_ratio_publisher_pages": ingest_ratio(publisher_pages),
            "enrich_vs_extract_ratio": vectors_vs_extraction(serial["stages"]),
            "enrich_vs_extract_ratio_publisher_pages": vectors_vs_extraction(
                runs["publisher-pages"]["stages"]
            ),
            # The crawling process with the model loaded, plus its extraction processes.
            "worker_peak_rss_mb": round(
                measured["peak_rss_mb"] + sum(measured.get("extraction_processes_peak_rss_mb", [])), 1
            ),
            "ingest": measured,
            "ingest_serial": serial,
            "ingest_publisher_pages_threaded": publisher_pages,
            "ingest_publisher_pages": runs["publisher-pages"],
        }

    def serve(self) -> dict:
        """One article page: Django uncached, Django's page cache, and the shipped nginx micro-cache
        in front of Django (the documented deployment), all against nginx serving the same bytes."""
        database = self.archive(self.size.small_archive)
        article = newest_article_paths(database, 1)[0]
        seconds, connections = self.size.serve_seconds, self.size.serve_connections
        runs: dict[str, dict] = {}

        def measure(label: str, base: str) -> None:
            wrk(base + article, seconds=3, connections=connections)  # warm up every worker
            result = wrk(base + article, seconds=seconds, connections=connections)
            if result.errors:
                raise RuntimeError(f"{label}: {result.errors} failed requests for {base + article}")
            runs[label] = asdict(result)
            print(f"  {label}: {runs[label]['requests_per_second']:.0f} requests/s", flush=True)

        pages = {}
        with gunicorn(self.site_env(database, page_cache_seconds="0")) as base:
            pages["uncached"] = _get(base + article)
            measure("gunicorn uncached", base)
        # The yardstick runs before and after the cached runs: the machine's load drifts.
        with nginx(self.work / "nginx", {article: pages["uncached"]}) as static_base:
            measure("nginx", static_base)
            with gunicorn(self.site_env(database, page_cache_seconds="300")) as base:
                pages["cached"] = _get(base + article)
                measure("gunicorn cached", base)
                with page_cache_nginx(
                    self.work / "nginx-page-cache", base.removeprefix("http://"), article
                ) as front:
                    measure("nginx page cache → gunicorn", front)
            measure("nginx again", static_base)
        static = median([runs[label]["requests_per_second"] for label in ("nginx", "nginx again")])
        return {
            "serve_uncached_ratio": ratio(runs["gunicorn uncached"]["requests_per_second"], static),
            "serve_cached_ratio": ratio(runs["nginx page cache → gunicorn"]["requests_per_second"], static),
            "serve_django_cached_ratio": ratio(runs["gunicorn cached"]["requests_per_second"], static),
            "serve": {"path": article, "page_bytes": len(pages["uncached"]), "wrk": runs},
        }

    def scale(self) -> dict:
        small, large = self.archive(self.size.small_archive), self.archive(self.size.large_archive)
        pages = probe_pages(small)
        measured = self.scale_growth({"small": f"sqlite:///{small}", "large": f"sqlite:///{large}"}, pages)
        return {
            # The worst page decides: a flat home page must not hide a search that grows.
            "scale_growth": measured.pop("growth"),
            # The same in CPU time: what the page costs, whatever else runs on the machine.
            "scale_growth_cpu": measured.pop("cpu_growth"),
            "scale": measured,
        }

    def scale_postgres(self) -> dict:
        """The scale step's pages on PostgreSQL: each archive in its own private cluster, cached."""
        if postgres_bin() is None:
            print("  *** NOT MEASURED: no PostgreSQL server binaries (initdb) here ***", flush=True)
            return {"scale_postgres": {"skipped": "no PostgreSQL server binaries"}}
        pages = probe_pages(self.archive(self.size.small_archive))
        with ExitStack() as clusters:
            urls, generation = {}, {}
            for label, count in [("small", self.size.small_archive), ("large", self.size.large_archive)]:
                urls[label], generation[count] = clusters.enter_context(
                    cached_postgres_archive(
                        count,
                        self.cache_dir,
                        lambda: archive.load_documents(self.data_dir, self.documents_cache),
                        log=lambda m: print(m, flush=True),
                    )
                )
            measured = self.scale_growth(urls, pages)
        return {
            "scale_growth_postgres": measured.pop("growth"),
            # Django's process and its database backend together: see cpu_clock.
            "scale_growth_postgres_cpu": measured.pop("cpu_growth"),
            "scale_postgres": {**measured, "cpu_clock": POSTGRES_CPU_NOTE, "generation": generation},
        }

    def scale_growth(self, databases: dict[str, str], pages: dict[str, list[str]]) -> dict:
        """Median page latencies on the "small" and "large" database URLs and their growth per page:
        "growth" and "cpu_growth" are the worst page's (CPU with the database backend's, if measured)."""
        samples: dict[str, dict[str, dict[str, list[float]]]] = {}
        # Alternate the archives, so a noisy neighbour hurts both alike.
        for _ in range(2):
            for label, database_url in databases.items():
                env = self.site_env(None, database_url=database_url, page_cache_seconds="0")
                env["BENCH_NOW"] = (archive.NEWEST + timedelta(minutes=5)).isoformat()
                medians = self.child(
                    "bench.scale_probe", str(self.size.probe_requests), json.dumps(pages), env=env
                )
                for clock, per_kind in medians.items():
                    for kind, value in per_kind.items():
                        samples.setdefault(clock, {}).setdefault(label, {}).setdefault(kind, []).append(value)
        ms = {
            clock: {label: {kind: median(v) for kind, v in runs.items()} for label, runs in by_label.items()}
            for clock, by_label in samples.items()
        }
        per_page = growth(ms["wall_ms"]["small"], ms["wall_ms"]["large"])
        cpu_per_page = growth(ms["cpu_ms"]["small"], ms["cpu_ms"]["large"])
        all_cpu = ms.get("cpu_with_db_ms", ms["cpu_ms"])
        measured = {
            "growth": max(per_page.values()),
            "cpu_growth": max(growth(all_cpu["small"], all_cpu["large"]).values()),
            "archives": [self.size.small_archive, self.size.large_archive],
            "pages": pages,
            "median_ms_small": ms["wall_ms"]["small"],
            "median_ms_large": ms["wall_ms"]["large"],
            "growth_per_page": per_page,
            "cpu_ms_small": ms["cpu_ms"]["small"],
            "cpu_ms_large": ms["cpu_ms"]["large"],
            "cpu_growth_per_page": cpu_per_page,
        }
        for clock in ("db_cpu_ms", "cpu_with_db_ms"):
            if clock in ms:
                small, large = ms[clock]["small"], ms[clock]["large"]
                measured[f"{clock}_small"], measured[f"{clock}_large"] = small, large
                measured[f"{clock}_growth_per_page"] = growth(small, large)
        return measured

    def load(self) -> dict:
        """200 readers for a minute while a worker ingests; every failed or timed-out request counts.

        Twice in the one worker's crawl: straight at gunicorn (what Django alone withstands), then
        through the shipped nginx page cache in front of it (the documented deployment: `load_errors`).
        """
        paths = probe_pages(self.archive(self.size.small_archive))
        if self.load_database == "postgres":
            with private_cluster(self.work / "postgres") as database_url:
                documents = archive.load_documents(self.data_dir, self.documents_cache)
                report = write_postgres_archive(database_url, self.size.small_archive, documents)
                count, seconds = self.size.small_archive, report["seconds"]
                print(f"  PostgreSQL archive of {count:,} articles in {seconds:.0f} s", flush=True)
                measured = self.readers_and_worker(database_url, paths)
        else:
            copy = self.work / "load.sqlite3"
            shutil.copyfile(self.archive(self.size.small_archive), copy)
            measured = self.readers_and_worker(f"sqlite:///{copy}", paths)
        measured["database"] = self.load_database
        return {
            "load_errors": measured["wrk"]["socket_errors"] + measured["wrk"]["non_2xx_3xx"],
            "load_errors_gunicorn_alone": measured["wrk_gunicorn_alone"]["socket_errors"]
            + measured["wrk_gunicorn_alone"]["non_2xx_3xx"],
            "load_worker_errors": len(measured["worker"].get("errors", []))
            + ("failed" in measured["worker"]),
            "load": measured,
        }

    def readers_and_worker(self, database_url: str, paths: dict[str, list[str]]) -> dict:
        site_env = self.site_env(None, database_url=database_url)
        script = self.work / "rotate.lua"
        script.write_text(rotation_script([p for urls in paths.values() for p in urls]))
        seconds = self.size.load_seconds
        connections = self.size.load_connections
        with gunicorn(site_env) as base:
            per_section = str(self.size.load_bbc_per_section)
            worker = subprocess.Popen(
                [sys.executable, "-m", "bench.worker", str(self.data_dir), per_section, str(2 * seconds)],
                # Its own var dir, but the site's content generation: its writes invalidate the
                # pages the readers get, as on one machine (or through Redis) in production.
                env={
                    **site_env,
                    "NEWSDESK_VAR_DIR": str(self.work / "worker-var"),
                    "NEWSDESK_CONTENT_GENERATION_FILE": str(self.work / "site-var" / "content-generation"),
                },
                cwd=PROJECT_DIR,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            alone = wrk(base + "/en/", seconds=seconds, connections=connections, script=script)
            print(f"  gunicorn alone: {alone.requests} requests, {alone.errors} errors", flush=True)
            with page_cache_nginx(self.work / "nginx-load", base.removeprefix("http://"), "/en/") as front:
                result = wrk(front + "/en/", seconds=seconds, connections=connections, script=script)
            try:
                out, err = worker.communicate(timeout=WORKER_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                worker.kill()
                out, err = worker.communicate()
                out += "\n" + json.dumps(
                    {"stopped": f"still crawling {WORKER_GRACE_SECONDS} s after the readers"}
                )
        ingest = (
            json.loads(out.strip().splitlines()[-1]) if worker.returncode in (0, -9) else {"failed": True}
        )
        if worker.returncode or ingest.get("errors"):
            ingest["log_tail"] = err[-3000:]
        print(
            f"  nginx page cache: {result.requests} requests, {result.errors} errors; worker: {ingest}",
            flush=True,
        )
        return {
            "connections": connections,
            "seconds": seconds,
            "paths": paths,
            "wrk": asdict(result),
            "wrk_gunicorn_alone": asdict(alone),
            "worker": ingest,
        }

    def site_env(
        self, database: Path | None, *, page_cache_seconds: str = "300", database_url: str = ""
    ) -> dict[str, str]:
        """The site's environment: one client address makes all the load, so rate limits are off."""
        var_dir = self.work / "site-var"
        var_dir.mkdir(exist_ok=True)
        return child_env(
            database_url or f"sqlite:///{database}",
            var_dir,
            NEWSDESK_PAGE_CACHE_SECONDS=page_cache_seconds,
            NEWSDESK_RATELIMIT_ENABLED="0",
        )


def newest_article_paths(database: Path, count: int, *, skip: int = 0) -> list[str]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT id FROM newsdesk_article ORDER BY published_at DESC LIMIT ? OFFSET ?", (count, skip)
        ).fetchall()
    return [f"/en/article/{article_id}/" for (article_id,) in rows]


def probe_pages(small_archive: Path) -> dict[str, list[str]]:
    """Pages that exist in every archive: the newest rows, whose rows the large archive shares."""
    with sqlite3.connect(f"file:{small_archive}?mode=ro", uri=True) as db:
        tags = [
            name
            for (name,) in db.execute(
                "SELECT h.name FROM newsdesk_articlehashtag t JOIN newsdesk_hashtag h ON h.id = t.hashtag_id"
                " GROUP BY h.id ORDER BY count(*) DESC LIMIT 40"
            )
        ]
    return {
        "home": ["/en/", "/en/?page=3"],
        "hashtag": [f"/en/hashtag/{quote(tags[0])}/", f"/en/hashtag/{quote(tags[-1])}/"],
        "search": [f"/en/search?q={quote(q)}" for q in SEARCH_QUERIES],
        "article": newest_article_paths(small_archive, 1) + newest_article_paths(small_archive, 1, skip=5000),
    }


def rotation_script(paths: list[str]) -> str:
    """A wrk Lua script sending each request to the next of `paths`."""
    quoted = ", ".join(json.dumps(p) for p in paths)
    return (
        f"local paths = {{{quoted}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i + 1\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1])\n"
        "end\n"
    )


def _get(url: str) -> bytes:
    import httpx

    response = httpx.get(url, timeout=60)
    response.raise_for_status()
    return response.content


def machine() -> dict:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    memory_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        memory_kb = int(meminfo.read_text().split()[1])
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "loadavg_before": os.getloadavg(),
    }


def summary(results: dict) -> str:
    rows = []
    for key in [
        "ingest_ratio",
        "enrich_vs_extract_ratio",
        "serve_cached_ratio",
        "serve_uncached_ratio",
        "scale_growth",
        "scale_growth_postgres",
        "load_errors",
    ]:
        value = results.get(key)
        comparison, target = TARGETS[key]
        met = None if value is None else COMPARE[comparison](value, target)
        rows.append([key, value, f"{comparison} {target}", {True: "yes", False: "NO", None: "n/a"}[met]])
    rows.append(
        ["ingest_ratio_publisher_pages", results.get("ingest_ratio_publisher_pages"), "(real pages only)", ""]
    )
    rows.append(
        [
            "enrich_vs_extract_ratio_publisher_pages",
            results.get("enrich_vs_extract_ratio_publisher_pages"),
            "(real pages only)",
            "",
        ]
    )
    rows.append(["serve_django_cached_ratio", results.get("serve_django_cached_ratio"), "(no nginx)", ""])
    rows.append(["load_errors_gunicorn_alone", results.get("load_errors_gunicorn_alone"), "(no nginx)", ""])
    load = results.get("load", {})
    rows.append(["load_worker_errors", results.get("load_worker_errors"), f"(on {load.get('database')})", ""])
    rows.append(["worker_peak_rss_mb", results.get("worker_peak_rss_mb"), "", ""])
    text = table(rows, ["key", "value", "target", "met"])
    stages = results.get("ingest", {}).get("stages")
    if stages:
        serial = results.get("ingest_serial", {}).get("stages", {})
        stage_rows = [
            [
                name,
                s["calls"],
                s["wall_ms_per_article"],
                s["cpu_ms_per_article"],
                serial.get(name, {}).get("cpu_ms_per_article"),
            ]
            for name, s in stages.items()
        ]
        text += "\n\nIngest stages (inclusive, per completed article; wall sums over the crawl threads)\n"
        text += table(stage_rows, ["stage", "calls", "wall ms", "thread-CPU ms", "one-thread process-CPU ms"])
    for key, database in [("scale", "SQLite"), ("scale_postgres", "PostgreSQL")]:
        scale = results.get(key, {})
        if isinstance(scale, dict) and "growth_per_page" in scale:
            text += "\n\n" + scale_table(scale, database)
    return text


def scale_table(scale: dict, database: str) -> str:
    """Each page's medians on both archives and their growth (the database backend's CPU where measured)."""
    small, large = scale["archives"]
    clocks = [("median_ms", "ms", "growth_per_page"), ("cpu_ms", "CPU ms", "cpu_growth_per_page")]
    if "db_cpu_ms_small" in scale:
        clocks.append(("db_cpu_ms", "db CPU ms", "db_cpu_ms_growth_per_page"))
    rows = [
        [kind]
        + [
            value
            for prefix, _, growth_key in clocks
            for value in (
                scale.get(f"{prefix}_small", {}).get(kind),
                scale.get(f"{prefix}_large", {}).get(kind),
                scale.get(growth_key, {}).get(kind),
            )
        ]
        for kind in scale["growth_per_page"]
    ]
    header = ["page"] + [
        column
        for _, label, _ in clocks
        for column in (f"{label} @{small:,}", f"{label} @{large:,}", f"{label.split()[0]} growth")
    ]
    title = f"Page medians on {database}, {small:,} vs {large:,} articles (page cache off)"
    return f"{title}\n{table(rows, header)}"


if __name__ == "__main__":
    main()
