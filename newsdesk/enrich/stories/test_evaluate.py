from pathlib import Path

import numpy as np
import pytest

from newsdesk.enrich.stories.evaluate import bcubed, evaluate_clustering, load_headlines

TESTDATA = Path(__file__).parent / "testdata"


def test_bcubed_on_a_hand_computed_split():
    gold = {"a": 1, "b": 1, "c": 2}
    predicted = {"a": "x", "b": "y", "c": "y"}
    # precision: a 1/1, b 1/2, c 1/2; recall: a 1/2, b 1/2, c 1/1.
    assert bcubed(predicted, gold) == pytest.approx((2 / 3, 2 / 3, 2 / 3))


def test_bcubed_of_one_big_cluster_has_full_recall_and_halved_precision():
    gold = {"a": 1, "b": 1, "c": 2, "d": 2}
    precision, recall, f1 = bcubed(dict.fromkeys(gold, 0), gold)
    assert (precision, recall) == (0.5, 1.0)
    assert f1 == pytest.approx(2 / 3)


def test_bcubed_of_a_perfect_clustering_is_one_whatever_the_labels():
    assert bcubed({"a": 7, "b": 7, "c": 9}, {"a": "s", "b": "s", "c": "t"}) == (1.0, 1.0, 1.0)


def test_evaluate_clustering_scores_a_small_csv_with_given_vectors():
    headlines = load_headlines(TESTDATA / "headlines.csv")
    assert [h.story for h in headlines] == ["harbour"] * 3 + ["titanfall"] * 2
    vectors = np.array([[1, 0.1, 0], [0.9, 0.2, 0], [0.95, 0, 0.1], [0, 0, 1], [0.1, 0, 1]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    result = evaluate_clustering(TESTDATA / "headlines.csv", vectors=vectors)
    assert result["f1"] == 1.0
    assert result["stories_found"] == result["stories_gold"] == 2
    assert result["without_burst_bonus"]["f1"] == 1.0
    assert result["half_a"]["items"] + result["half_b"]["items"] == 5
    assert len(result["interleaved_f1"]) == 3
    halves = [result["half_a"], result["half_b"]]
    assert {half["without_burst_bonus_f1"] for half in halves if half["items"]} == {1.0}
    assert all(len(half["interleaved_f1"]) == 3 for half in halves)


def test_a_row_without_a_timestamp_is_reported_with_its_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ID,TITLE,STORY,TIMESTAMP\n1,Title,s,not-a-number\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.csv"):
        load_headlines(bad)
