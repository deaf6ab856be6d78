"""The JSON-lines commands (`categorize`, `summarize`; `cluster` in enrich/stories) on bad input:
each bad line is reported on stderr with its number and skipped, the rest still comes out."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

ARTICLE = {
    "id": "tram",
    "title": "Council approves a tram line",
    "text": "The council approved a tram line on Tuesday. Work starts in May. Shops are glad.",
}


def run(command: str, lines: list[bytes], tmp_path) -> tuple[list[dict], str, str]:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="bad lines skipped") as failure:
        call_command(command, str(path), stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue(), str(failure.value)


@pytest.mark.parametrize("command", ["categorize", "summarize"])
def test_a_line_that_is_not_utf8_is_one_bad_line(command, tmp_path):
    latin1 = json.dumps({"id": "café", "title": "Café", "text": "Café."}, ensure_ascii=False).encode(
        "latin-1"
    )
    rows, err, failure = run(command, [latin1, json.dumps(ARTICLE).encode(), b"\xff\xfe"], tmp_path)

    assert [row["id"] for row in rows] == ["tram"]
    assert "in.jsonl:1: skipped: not UTF-8 text" in err
    assert "in.jsonl:3: skipped: not UTF-8 text" in err
    assert failure == "2 bad lines skipped"


def test_summarize_reports_bad_lines_on_stderr_only_in_plain_words(tmp_path):
    lines = [b"[1, 2]", b"not json", json.dumps(ARTICLE).encode(), json.dumps({"id": 4, "text": 7}).encode()]
    rows, err, failure = run("summarize", lines, tmp_path)

    assert [set(row) for row in rows] == [{"id", "summary"}]  # results only: no error records
    assert rows[0]["summary"].startswith("The council approved a tram line")
    assert err.splitlines() == [
        f'{tmp_path / "in.jsonl"}:1: skipped: expected an object with an "id"',
        f"{tmp_path / 'in.jsonl'}:2: skipped: not JSON (Expecting value: line 1 column 1 (char 0))",
        f'{tmp_path / "in.jsonl"}:4: skipped: "text" must be a string',
    ]
    assert "attribute" not in err and failure == "3 bad lines skipped"
