"""Ingest throughput against trafilatura alone, stage by stage, and the worker's peak memory.

Run as a child by `python -m bench` (it needs its own fresh DATABASE_URL):

    python -m bench.ingest DATA_DIR BBC_PER_SECTION [--serial]

The fixture web runs in a process of its own. The pipeline is `crawl_once()` exactly as
the product runs it; its stage functions are wrapped here (never edited) to time them.
With `--serial` the crawl runs on one thread and stages are timed in process CPU
(`time.process_time`, which counts onnxruntime's threads too): what each stage costs,
free of the waits and the GIL sharing of the threaded run. Prints one JSON object.
"""

import inspect
import json
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import django


class StageClock:
    """Wall and CPU seconds per named stage, summed over calls from any thread.

    CPU is the calling thread's (`time.thread_time`) unless another clock is given:
    `time.process_time` is exact only when one thread works at a time.
    """

    def __init__(self, cpu_clock=time.thread_time) -> None:
        self.cpu_clock = cpu_clock
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def wrap(self, name: str, function):
        def timed(*args, **kwargs):
            wall, cpu = time.perf_counter(), self.cpu_clock()
            try:
                return function(*args, **kwargs)
            finally:
                wall, cpu = time.perf_counter() - wall, self.cpu_clock() - cpu
                with self._lock:
                    self.wall[name] += wall
                    self.cpu[name] += cpu
                    self.calls[name] += 1

        timed.__wrapped__ = function
        return timed


def enrich_steps(pipeline) -> list[str]:
    """The step functions `enrich_stage` calls, found in its code, so new steps are timed unasked."""
    names = pipeline.enrich_stage.__code__.co_names
    return [name for name in names if inspect.isfunction(getattr(pipeline, name, None))]


def instrument(clock: StageClock, feed_urls: set[str]) -> list[str]:
    from newsdesk import pipeline
    from newsdesk.ingest.fetch import Fetcher

    original_get = Fetcher.get

    def get(self, url, *args, **kwargs):
        stage = "fetch feed" if url in feed_urls else "fetch page"
        return clock.wrap(stage, original_get)(self, url, *args, **kwargs)

    Fetcher.get = get
    steps = enrich_steps(pipeline)
    for name in ["poll_stage", "extract_stage", "extract_page", "extract_article", "enrich_stage", *steps]:
        setattr(pipeline, name, clock.wrap(name, getattr(pipeline, name)))
    return steps


def trafilatura_rate(pages: list[bytes]) -> tuple[float, float]:
    """Pages per second of `trafilatura.extract` alone, in this process, one page after another,
    and its process-CPU milliseconds per page."""
    import trafilatura

    started, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        trafilatura.extract(page)
    cpu = time.process_time() - cpu
    return len(pages) / (time.perf_counter() - started), 1000 * cpu / len(pages)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of another process so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int | str = "self") -> float:
    """VmHWM: the most resident memory a process has had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    data_dir, per_section = sys.argv[1], sys.argv[2]
    serial = "--serial" in sys.argv[3:]
    if serial:
        # Each stage timed in this process's CPU clock: extraction too, so no extraction processes.
        os.environ["NEWSDESK_EXTRACT_PROCESSES"] = "0"
    django.setup()
    import httpx
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    from newsdesk.extract.processes import extraction_process_ids, shutdown_extraction_processes
    from newsdesk.ingest.sources import import_opml
    from newsdesk.models import Article, ExtractionState, Feed
    from newsdesk.tasks import crawl_once

    server = subprocess.Popen(
        [sys.executable, "-m", "bench.fixture_server", data_dir, per_section],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        web = json.loads(server.stdout.readline())
        import_opml(web["opml"].encode())
        feed_urls = set(Feed.objects.values_list("url", flat=True))
        with httpx.Client() as client:
            pages = [client.get(url).content for url in web["pages"]]

        # A worker loads its model once, before it takes work: not part of any article's cost.
        embedder_loaded = _load_embedder()
        rss_before_crawl = peak_rss_mb()
        baseline_before, baseline_cpu_before = trafilatura_rate(pages)

        clock = StageClock(time.process_time if serial else time.thread_time)
        steps = instrument(clock, feed_urls)
        started, cpu = time.perf_counter(), time.process_time()
        report = crawl_once(workers=1 if serial else None)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        # Pages extracted in worker processes (NEWSDESK_EXTRACT_PROCESSES) cost CPU there, not here.
        extractors = extraction_process_ids()
        extractor_cpu = sum(process_cpu_seconds(pid) for pid in extractors)
        extractor_rss = [peak_rss_mb(pid) for pid in extractors]
        shutdown_extraction_processes()

        baseline_after, baseline_cpu_after = trafilatura_rate(pages)
        extracted = Article.objects.filter(extraction=ExtractionState.PAGE)
        if any(f.name == "enriched_at" for f in Article._meta.fields):
            # Through the whole pipeline: an article whose enrichment failed does not count.
            extracted = extracted.filter(enriched_at__isnull=False)
        stored = extracted.count()
        from_feed = Article.objects.filter(extraction=ExtractionState.FEED).count()
    finally:
        server.stdin.close()
        server.wait(timeout=30)

    print(
        json.dumps(
            {
                "serial": serial,
                "pages_served": len(pages),
                "articles_completed": stored,
                "articles_from_feed_only": from_feed,
                "feeds_polled": report.feeds_polled,
                "crawl_errors": report.errors[:10],
                "pipeline_seconds": seconds,
                "pipeline_pages_per_second": stored / seconds if seconds else 0.0,
                # Over every thread of the process and its extraction processes.
                "pipeline_cpu_ms_per_article": 1000 * (cpu + extractor_cpu) / max(stored, 1),
                "extraction_processes": len(extractors),
                "extraction_processes_cpu_ms_per_article": 1000 * extractor_cpu / max(stored, 1),
                "extraction_processes_peak_rss_mb": extractor_rss,
                # The mean of a run before and after the crawl evens out a noisy neighbour.
                "trafilatura_pages_per_second": (baseline_before + baseline_after) / 2,
                "trafilatura_runs": [baseline_before, baseline_after],
                "trafilatura_cpu_ms_per_page": (baseline_cpu_before + baseline_cpu_after) / 2,
                "enrich_steps": steps,
                "cpu_clock": "process" if serial else "thread",
                "stages": {
                    name: {
                        "calls": clock.calls[name],
                        "wall_ms_per_article": 1000 * clock.wall[name] / max(stored, 1),
                        "cpu_ms_per_article": 1000 * clock.cpu[name] / max(stored, 1),
                    }
                    for name in clock.calls
                },
                "embedder_loaded": embedder_loaded,
                "rss_mb_before_crawl": rss_before_crawl,
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


def _load_embedder() -> str:
    try:
        from newsdesk.enrich.embeddings import get_embedder

        embedder = get_embedder()
        embedder.embed(["warm up the model"])
        return type(embedder).__name__
    except Exception as error:  # the bench reports a missing model rather than failing the whole run
        return f"not loaded: {error}"


if __name__ == "__main__":
    main()
