"""Settings for the test suite: the defaults tests rely on, set before settings are read."""

import os
import tempfile

os.environ.setdefault("NEWSDESK_ALLOW_PRIVATE_NETWORKS", "1")
os.environ.setdefault("NEWSDESK_HOST_DELAY", "0")
os.environ.setdefault("NEWSDESK_LOAD_DEFAULT_SOURCES", "0")
# Tests roll their writes back, so no commit ever invalidates a cached page between tests;
# the page cache's own tests turn it on (newsdesk/web/test_cache.py).
os.environ.setdefault("NEWSDESK_PAGE_CACHE_SECONDS", "0")
os.environ.setdefault("NEWSDESK_FRAGMENT_CACHE_SECONDS", "0")
# Pages are extracted in the crawl's own threads, where a test can replace the extractor; the
# extraction processes have their own tests (newsdesk/extract/test_processes.py, newsdesk/test_crawl.py).
os.environ.setdefault("NEWSDESK_EXTRACT_PROCESSES", "0")

from newsdesk.settings import *  # noqa: E402,F403

# The crawler writes from several threads; an in-memory SQLite test database refuses a
# second writer at once ("table is locked"), a file database waits as production does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test process, so two test runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"newsdesk-test-{os.getpid()}.sqlite3")
    }
