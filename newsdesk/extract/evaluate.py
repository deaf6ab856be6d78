"""Extraction quality on a labelled page set, with the ScrapingHub article-extraction-benchmark measure.

The measure: tokenise with \\w+ (case kept), count 4-word shingles in the true and the
predicted body, and per page compute tp/fp/fn over the shingle multisets. Precision and
recall are averaged over pages and F1 is taken from those averages, exactly as the
benchmark's evaluate.py does, so numbers are comparable with its published table.
"""

import gzip
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

from newsdesk.extract.article import ExtractionError, extract_article

TOKEN = re.compile(r"\w+")
SHINGLE = 4


def _shingles(text: str) -> Counter:
    words = TOKEN.findall(text or "")
    return Counter(
        tuple(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1)) if words[i:]
    )


def shingle_match(true: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over 4-word shingles, normalised to sum 1 so long pages weigh no more."""
    expected, got = _shingles(true), _shingles(predicted)
    tp = sum((expected & got).values())
    fp = sum((got - expected).values())
    fn = sum((expected - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def summarise(matches: list[tuple[float, float, float]]) -> dict:
    """Mean precision and recall over pages (pages without predictions or truth excluded), and their F1."""
    precisions = [_precision(*m) for m in matches if m[0] + m[1] > 0]
    recalls = [_recall(*m) for m in matches if m[0] + m[2] > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _ours(html: bytes, url: str | None) -> str:
    try:
        return extract_article(html, url).text
    except ExtractionError:
        return ""


def _trafilatura_alone(html: bytes, url: str | None) -> str:
    """The baseline: trafilatura.extract with its defaults, as the published comparison ran it."""
    return trafilatura.extract(html, url=url) or ""


EXTRACTORS: dict[str, Callable[[bytes, str | None], str]] = {
    "newsdesk": _ours,
    "trafilatura": _trafilatura_alone,
}


def cpu_ms_per_page(pages: list[tuple[bytes, str | None]]) -> dict[str, float]:
    """Each extractor's process CPU time per page, pages interleaved so both meet the same load.

    CPU rather than wall time, which other work on the machine distorts. Call it after a
    first pass over the same pages: trafilatura loads its justext stop lists on first use.
    """
    spent = dict.fromkeys(EXTRACTORS, 0.0)
    for html, url in pages:
        for name, extract in EXTRACTORS.items():
            started = time.process_time()
            extract(html, url)
            spent[name] += time.process_time() - started
    return {name: 1000 * seconds / max(1, len(pages)) for name, seconds in spent.items()}


def evaluate_extraction(data_dir: Path) -> dict:
    """Score our extractor and trafilatura alone on `data_dir` (html/*.html.gz + ground_truth.json).

    Returns {"pages": n, "extractors": {name: {precision, recall, f1, cpu_ms_per_page}},
    "per_page": {file: {name: {precision, recall, f1}}}}. The cost comes from a second,
    timed pass (see cpu_ms_per_page).
    """
    data_dir = Path(data_dir)
    truth = json.loads((data_dir / "ground_truth.json").read_text(encoding="utf-8"))
    matches: dict[str, list] = {name: [] for name in EXTRACTORS}
    per_page: dict[str, dict] = {}
    pages = []
    for name in sorted(truth):
        page = truth[name]
        html = gzip.decompress((data_dir / "html" / name).read_bytes())
        pages.append((html, page.get("url")))
        expected = "\n".join(page["body"]) if isinstance(page["body"], list) else page["body"]
        per_page[name] = {}
        for extractor, extract in EXTRACTORS.items():
            match = shingle_match(expected, extract(html, page.get("url")))
            matches[extractor].append(match)
            per_page[name][extractor] = summarise([match])
    cost = cpu_ms_per_page(pages)
    return {
        "pages": len(truth),
        "extractors": {
            name: {**summarise(found), "cpu_ms_per_page": cost[name]} for name, found in matches.items()
        },
        "per_page": per_page,
    }
