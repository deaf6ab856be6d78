import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from newsdesk.enrich.stories import stream
from newsdesk.enrich.stories.stream import BadItem, StreamItem, cluster_stream, parse_published, read_items

TESTDATA = Path(__file__).parent / "testdata"


def test_published_accepts_iso_8601_and_epoch_milliseconds():
    moment = datetime(2014, 3, 10, 16, 52, 50, tzinfo=UTC).timestamp()
    assert parse_published("2014-03-10T16:52:50Z") == moment
    assert parse_published("2014-03-10T17:52:50+01:00") == moment
    assert parse_published("2014-03-10T16:52:50") == moment  # no zone: UTC
    assert parse_published(1394470370000) == moment
    assert parse_published("1394470370000") == moment
    with pytest.raises(BadItem):
        parse_published("yesterday")
    with pytest.raises(BadItem):
        parse_published(None)


def test_items_come_out_in_time_order_and_bad_lines_are_reported():
    errors = []
    lines = (TESTDATA / "stream.jsonl").read_text(encoding="utf-8").splitlines()
    items = read_items(lines, lambda number, error: errors.append(number))
    assert [item.id for item in items] == ["a1", "b1", "a2", "b2", "a3"]
    assert errors == [6, 7]


@pytest.mark.django_db
def test_the_cluster_command_prints_one_story_per_event(capsys):
    with pytest.raises(CommandError, match="2 bad lines"):
        call_command("cluster", str(TESTDATA / "stream.jsonl"))
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    story = {line["id"]: line["story"] for line in lines}
    assert [line["id"] for line in lines] == ["a1", "b1", "a2", "b2", "a3"]
    assert story["a1"] == story["a2"] == story["a3"]
    assert story["b1"] == story["b2"] != story["a1"]
    assert "stream.jsonl:6: skipped" in captured.err


def test_the_cluster_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no file"):
        call_command("cluster", str(tmp_path / "missing.jsonl"))


def _item(given_id, title: str, hours: float) -> StreamItem:
    return StreamItem(
        id=str(given_id), given_id=given_id, title=title, text="", source="", published=hours * 3600
    )


def test_keys_are_final_after_a_later_merge(monkeypatch):
    # Two stories 53° apart in meaning (too far to join), then one between them: it joins one,
    # pulls that story's centroid within merge distance of the other, and the two become one.
    monkeypatch.setattr(stream, "BATCH", 1)  # place and embed one item at a time, as a stream would
    angles = {"Harbour ferry strike": 0.0, "Lighthouse keeper retires": 53.0, "Quay dredging resumes": 26.5}

    def embed(texts: list[str]) -> np.ndarray:
        radians = [np.radians(angles[text]) for text in texts]
        return np.array([[np.cos(r), np.sin(r), 0.0] for r in radians], dtype=np.float32)

    items = [_item(1, "Harbour ferry strike", 0), _item("b", "Lighthouse keeper retires", 1)]
    separate = dict(cluster_stream(items, embed))
    assert separate[1] != separate["b"]

    items.append(_item(3, "Quay dredging resumes", 2))
    stories = list(cluster_stream(items, embed))
    assert [given_id for given_id, _ in stories] == [1, "b", 3]  # ids come back as given
    assert len({story for _, story in stories}) == 1


@pytest.mark.django_db
def test_the_cluster_command_skips_a_line_that_is_not_utf8(tmp_path, capsys):
    good = (TESTDATA / "stream.jsonl").read_bytes().splitlines()[:2]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join([good[0], b'{"id": "x", "title": "Caf\xe9"}', good[1]]) + b"\n")
    with pytest.raises(CommandError, match="1 bad lines"):
        call_command("cluster", str(path))
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2
    assert "in.jsonl:2: skipped: not UTF-8 text (byte 0xe9 at column 26)" in captured.err
