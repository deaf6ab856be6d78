"""The `cluster` CLI's stream: JSON lines in, one story key per item out, in time order."""

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from newsdesk.enrich.stories.cluster import ClusterSettings, StoryClusterer, StoryItem

# Items embedded together: the model is much faster per text in batches.
BATCH = 64


class BadItem(ValueError):
    pass


@dataclass(frozen=True)
class StreamItem:
    id: str
    # The id exactly as the input gave it (a number stays a number), echoed back in the output.
    given_id: object
    title: str
    text: str
    source: str
    published: float  # epoch seconds


def parse_published(value: object) -> float:
    """Epoch seconds from ISO 8601 text or epoch milliseconds (a number or a string of digits)."""
    if isinstance(value, bool) or value is None:
        raise BadItem(f"published must be ISO 8601 or epoch milliseconds, not {value!r}")
    if isinstance(value, int | float):
        return float(value) / 1000
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text) / 1000
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as error:
        raise BadItem(f"published {text!r} is neither ISO 8601 nor epoch milliseconds") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def parse_line(line: str) -> StreamItem:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadItem(f"not JSON: {error}") from error
    if not isinstance(data, dict):
        raise BadItem("not a JSON object")
    item_id, title = data.get("id"), data.get("title")
    if item_id is None or not isinstance(title, str) or not title.strip():
        raise BadItem("needs an id and a non-empty title")
    if "published" not in data:
        raise BadItem("needs published")
    return StreamItem(
        id=str(item_id),
        given_id=item_id,
        title=title,
        text=str(data.get("text") or ""),
        source=str(data.get("source") or data.get("url") or ""),
        published=parse_published(data["published"]),
    )


def read_items(lines: Iterable[str], on_error: Callable[[int, str], None]) -> list[StreamItem]:
    """Every good line, in time order (ties keep input order); bad lines are reported and skipped."""
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(parse_line(line))
        except BadItem as error:
            on_error(number, str(error))
    return sorted(items, key=lambda item: item.published)


def cluster_stream(
    items: list[StreamItem],
    embed: Callable[[list[str]], np.ndarray],
    settings: ClusterSettings | None = None,
) -> Iterator[tuple[object, int]]:
    """(given id, story key) per item, in time order, once the whole stream is placed.

    Items are placed one by one as they arrive; the keys wait for the end because a later merge
    may fold a story into an older one, and a key printed before that would split the story.
    """
    from newsdesk.enrich.embeddings import embedding_text

    clusterer = StoryClusterer(settings)
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        vectors = embed([embedding_text(item.title, item.text) for item in batch])
        for item, vector in zip(batch, vectors, strict=True):
            clusterer.add(
                StoryItem(
                    id=item.id, title=item.title, published=item.published, vector=vector, source=item.source
                )
            )
    for item in items:
        yield item.given_id, clusterer.story_of(item.id)
