"""B-cubed scores of the story clusterer on headlines an aggregator grouped (UCI News Aggregator CSV).

The CSV has columns ID, TITLE, URL, PUBLISHER, CATEGORY, STORY, HOSTNAME, TIMESTAMP (epoch ms).
Besides the score of the shipped settings, the result reports the score without the burst
bonus (meaning and words only), on two halves of the stories (settings are chosen on half A, half B
is held out), and on the same headlines with the stories interleaved in time; each half also
without the bonus and interleaved. The data set's timestamps are crawl times: each story is one burst of
seconds and stories never overlap, which real feeds do not promise; the interleaved score shows
what is left when time separates the stories less neatly.
"""

import csv
import hashlib
import random
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from newsdesk.enrich.stories.cluster import ClusterSettings, StoryClusterer, StoryItem


@dataclass(frozen=True)
class Headline:
    id: str
    title: str
    source: str
    published: float  # epoch seconds
    story: str  # the aggregator's label


def load_headlines(path: Path) -> list[Headline]:
    headlines = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                headlines.append(
                    Headline(
                        id=row["ID"],
                        title=row["TITLE"],
                        source=row.get("HOSTNAME") or row.get("PUBLISHER") or "",
                        published=int(row["TIMESTAMP"]) / 1000,
                        story=row["STORY"],
                    )
                )
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError(f"{path}: bad row {row!r}: {error}") from error
    return headlines


def bcubed(predicted: dict[str, object], gold: dict[str, object]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 over the items both mappings hold (Bagga & Baldwin 1998)."""
    items = [item for item in gold if item in predicted]
    if not items:
        return 0.0, 0.0, 0.0
    predicted_sizes = Counter(predicted[i] for i in items)
    gold_sizes = Counter(gold[i] for i in items)
    overlap = Counter((predicted[i], gold[i]) for i in items)
    precision = sum(overlap[predicted[i], gold[i]] / predicted_sizes[predicted[i]] for i in items) / len(
        items
    )
    recall = sum(overlap[predicted[i], gold[i]] / gold_sizes[gold[i]] for i in items) / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def cluster_headlines(
    headlines: list[Headline], vectors: np.ndarray, settings: ClusterSettings | None = None
) -> dict[str, int]:
    """Headline id -> story key, streaming the headlines in time order."""
    clusterer = StoryClusterer(settings)
    order = sorted(range(len(headlines)), key=lambda i: (headlines[i].published, i))
    for index in order:
        h = headlines[index]
        clusterer.add(
            StoryItem(id=h.id, title=h.title, published=h.published, vector=vectors[index], source=h.source)
        )
    return {h.id: clusterer.story_of(h.id) for h in headlines}


def story_halves(headlines: list[Headline]) -> tuple[set[str], set[str]]:
    """Stories split in two by a hash of their label: a fixed split that does not depend on order."""
    labels = {h.story for h in headlines}
    first = {s for s in labels if hashlib.md5(s.encode()).digest()[0] % 2 == 0}
    return first, labels - first


def interleaved(headlines: list[Headline], seed: int, stretch: float = 300.0) -> list[Headline]:
    """Each story `stretch` times wider (seconds become ~hours) from a random start: stories overlap."""
    if not headlines:
        return []
    rng = random.Random(seed)
    earliest: dict[str, float] = {}
    for h in headlines:
        earliest[h.story] = min(earliest.get(h.story, h.published), h.published)
    span = max(h.published for h in headlines) - min(h.published for h in headlines)
    start = {story: rng.uniform(0, span) for story in sorted(earliest)}
    return [
        replace(h, published=start[h.story] + (h.published - earliest[h.story]) * stretch) for h in headlines
    ]


def score(headlines: list[Headline], vectors: np.ndarray, settings: ClusterSettings) -> dict:
    predicted = cluster_headlines(headlines, vectors, settings)
    precision, recall, f1 = bcubed(predicted, {h.id: h.story for h in headlines})
    return {
        "items": len(headlines),
        "stories_gold": len({h.story for h in headlines}),
        "stories_found": len(set(predicted.values())),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def evaluate_clustering(
    path: Path, *, vectors: np.ndarray | None = None, settings: ClusterSettings | None = None
) -> dict:
    headlines = load_headlines(path)
    if vectors is None:
        from newsdesk.enrich.embeddings import get_embedder

        vectors = get_embedder().embed([h.title for h in headlines])
    settings = settings or ClusterSettings()
    result = score(headlines, vectors, settings)
    result["without_burst_bonus"] = score(headlines, vectors, replace(settings, burst_bonus=0.0))
    for name, half in zip(("half_a", "half_b"), story_halves(headlines), strict=True):
        keep = [i for i, h in enumerate(headlines) if h.story in half]
        half_headlines, half_vectors = [headlines[i] for i in keep], vectors[keep]
        result[name] = score(half_headlines, half_vectors, settings)
        without_burst = replace(settings, burst_bonus=0.0)
        result[name]["without_burst_bonus_f1"] = score(half_headlines, half_vectors, without_burst)["f1"]
        result[name]["interleaved_f1"] = [
            score(interleaved(half_headlines, seed), half_vectors, settings)["f1"] for seed in range(3)
        ]
    result["interleaved_f1"] = [
        score(interleaved(headlines, seed), vectors, settings)["f1"] for seed in range(3)
    ]
    return result
