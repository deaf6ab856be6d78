"""A worker ingesting the fixture web into an existing database, for the concurrent-load step.

    python -m bench.worker DATA_DIR BBC_PER_SECTION SECONDS

Crawls (the product's `crawl_once`) until everything is in or SECONDS have passed, then
prints {"articles": …, "seconds": …, "errors": […]} as one JSON line.
"""

import json
import subprocess
import sys
import time

import django


def main() -> None:
    data_dir, per_section, budget = sys.argv[1], sys.argv[2], float(sys.argv[3])
    django.setup()
    from newsdesk.ingest.sources import import_opml
    from newsdesk.models import Article
    from newsdesk.tasks import crawl_once

    server = subprocess.Popen(
        [sys.executable, "-m", "bench.fixture_server", data_dir, per_section],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    errors: list[str] = []
    try:
        web = json.loads(server.stdout.readline())
        before = Article.objects.count()
        import_opml(web["opml"].encode())
        started = time.perf_counter()
        new_articles = 1
        while new_articles and time.perf_counter() - started < budget:
            try:
                report = crawl_once()
            except Exception as error:  # a failed round is counted; the load goes on
                errors.append(f"crawl_once: {error!r}")
                break
            new_articles = report.new_articles
            errors += report.errors
        seconds = time.perf_counter() - started
        articles = Article.objects.count() - before
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    print(json.dumps({"articles": articles, "seconds": seconds, "errors": errors[:20]}))


if __name__ == "__main__":
    main()
