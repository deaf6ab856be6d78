"""How fast the AI panel answers: extractive (uncached) and cached requests, over HTTP in process.

Run: .venv/bin/python -m bench.ai_panel [--articles N]. Uses the BBC summary dev set's longest
articles from ../shared (text only; nothing is written outside a throwaway in-memory database).
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from bench.django_env import setup_scratch_django

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "summaries" / "bbc-summary-dev.jsonl"
QUESTIONS = ("What happened?", "Who said what about the plans?", "How much money is involved?")


def _timed(client, url: str, params: dict, stream: bool) -> float:
    start = time.perf_counter()
    response = client.get(url, params)
    if stream:
        b"".join(response.streaming_content)
    else:
        response.content  # noqa: B018 - rendered already; read for symmetry
    assert response.status_code == 200, response.status_code
    return (time.perf_counter() - start) * 1000


def _summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "requests": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=40)
    args = parser.parse_args()
    os.environ["NEWSDESK_RATELIMIT_ENABLED"] = "0"
    os.environ["NEWSDESK_PAGE_CACHE_SECONDS"] = "0"
    setup_scratch_django()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from newsdesk.web.testing import make_article, make_source

    call_command("migrate", verbosity=0)
    rows = [json.loads(line) for line in DATA.read_text().splitlines()]
    rows.sort(key=lambda row: -len(row["text"]))
    source = make_source("BBC")
    articles = [make_article(source, row["title"], text=row["text"]) for row in rows[: args.articles]]
    client = Client()
    requests = [("summary", {}), ("key_points", {})] + [("ask", {"question": q}) for q in QUESTIONS]
    results = {}
    for label, stream in (("page", False), ("stream", True)):
        for phase in ("uncached", "cached"):
            times = []
            for article in articles:
                name = "ai_article_stream" if stream else "ai_article"
                url = reverse(name, args=[article.id])
                for feature, extra in requests:
                    times.append(_timed(client, url, {"feature": feature, **extra}, stream))
            results[f"{label}_{phase}"] = _summary(times)
        # The stream run starts cold again.
        from newsdesk.models import AIResult

        AIResult.objects.all().delete()
    words = [len(row["text"].split()) for row in rows[: args.articles]]
    print(
        json.dumps({"articles": len(articles), "words_median": statistics.median(words), **results}, indent=2)
    )


if __name__ == "__main__":
    main()
