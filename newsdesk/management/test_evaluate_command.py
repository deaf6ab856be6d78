import io
import json

import pytest
from django.core.management import CommandError, call_command

from newsdesk.management.commands.evaluate import find_data_sets


@pytest.fixture
def data_root(tmp_path):
    """A folder laid out like the shared data: one set of each kind."""
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "headlines-dev.csv").write_text("ID,TITLE,CATEGORY,STORY\n")
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "articles-dev.jsonl").write_text("")
    (tmp_path / "summaries").mkdir()
    (tmp_path / "summaries" / "summary-dev.jsonl").write_text("")
    pages = tmp_path / "pages" / "eval"
    (pages / "html").mkdir(parents=True)
    (pages / "ground_truth.json").write_text("{}")
    return tmp_path


def test_a_file_is_its_own_set(data_root):
    headlines = data_root / "stories" / "headlines-dev.csv"
    assert find_data_sets("clustering", headlines) == [headlines]


def test_a_data_root_holds_each_kind_of_set(data_root):
    assert find_data_sets("clustering", data_root) == [data_root / "stories" / "headlines-dev.csv"]
    assert find_data_sets("categories", data_root) == [
        data_root / "topics" / "articles-dev.jsonl",
        data_root / "stories" / "headlines-dev.csv",
    ]
    assert find_data_sets("summaries", data_root) == [data_root / "summaries" / "summary-dev.jsonl"]
    assert find_data_sets("extraction", data_root) == [data_root / "pages" / "eval"]
    assert find_data_sets("extraction", data_root / "pages" / "eval") == [data_root / "pages" / "eval"]


def test_a_folder_without_a_set_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no clustering data set"):
        call_command("evaluate", "clustering", "--data", str(tmp_path))


def test_several_sets_are_reported_by_name(data_root, monkeypatch):
    from newsdesk.enrich.categories import evaluate

    monkeypatch.setattr(evaluate, "evaluate_categories", lambda path: {"items": path.name})
    out = io.StringIO()
    call_command("evaluate", "categories", "--data", str(data_root), stdout=out)
    assert json.loads(out.getvalue()) == {
        "sets": {
            str(data_root / "topics" / "articles-dev.jsonl"): {"items": "articles-dev.jsonl"},
            str(data_root / "stories" / "headlines-dev.csv"): {"items": "headlines-dev.csv"},
        }
    }


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (b"{not json", "not JSON"),
        (b"\xff", "not UTF-8 text"),
        (
            b'{"id": 2, "text": "No summary."}',
            'expected an object with an "id", and "text" and "summary" strings',
        ),
    ],
)
def test_a_bad_line_in_a_summary_set_names_the_file_and_line(tmp_path, line, error):
    data = tmp_path / "summaries.jsonl"
    good = json.dumps({"id": 1, "title": "Tram", "text": "A tram. It is new.", "summary": "A tram."})
    data.write_bytes(good.encode() + b"\n" + line + b"\n")
    with pytest.raises(CommandError, match=f"^{data}:2: {error}"):
        call_command("evaluate", "summaries", "--data", str(data))
