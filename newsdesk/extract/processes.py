"""Extraction in worker processes.

trafilatura's work is Python and holds the GIL, so a crawl of many pages in threads extracts on
one core whatever the machine has. Sent to a few processes, extraction uses every core while
the crawl's threads go on fetching and enriching; and a page that crashes the parser takes down
a child, not the crawl. Celery workers are processes already and extract in their own thread.
"""

import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from newsdesk.extract.article import ExtractedArticle, ExtractionError, extract_article

log = logging.getLogger(__name__)

# A child is replaced after this many pages, so lxml's and trafilatura's caches cannot grow for ever.
PAGES_PER_CHILD = 500

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: children start from a clean process with the extractor imported once, never from
    # a fork of this one (its threads hold locks and database connections).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["newsdesk.extract.article"])
    return context


def _shared_pool(processes: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size != processes:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ProcessPoolExecutor(processes, mp_context=_context(), max_tasks_per_child=PAGES_PER_CHILD)
            _pool_size = processes
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False)


def extract_in_processes(content: bytes, url: str, processes: int) -> ExtractedArticle:
    """`extract_article(content, url=url)` in one of `processes` children.

    A child that dies breaks the pool and fails every page in it: each is tried again alone, in a
    child of its own, so a page that kills that one too is the culprit and fails as an
    ExtractionError while the pages beside it are extracted.
    """
    pool = _shared_pool(processes)
    try:
        try:
            future = pool.submit(extract_article, content, url=url)
        except RuntimeError as error:  # another thread shut this pool down after it broke
            raise BrokenProcessPool(str(error)) from error
        return future.result()
    except BrokenProcessPool:
        _discard(pool)
        log.warning("an extraction process died; trying %s again in a process of its own", url)
    with ProcessPoolExecutor(1, mp_context=_context()) as alone:
        try:
            return alone.submit(extract_article, content, url=url).result()
        except BrokenProcessPool as error:
            raise ExtractionError(f"the extraction process died on this page ({error})") from error


def extraction_process_ids() -> list[int]:
    """The children working now (for measuring their CPU and memory)."""
    with _lock:
        return list(_pool._processes or {}) if _pool is not None else []


def shutdown_extraction_processes() -> None:
    """Stop the children (at exit, or to count their CPU once they are reaped)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True)
