"""The `newsdesk` command as a shell pipeline runs it."""

import json
import os
import subprocess
import sys

from newsdesk.cli import BROKEN_PIPE_STATUS


def test_output_cut_short_by_its_reader_stops_quietly(tmp_path):
    """`newsdesk summarize big.jsonl | head -1`: no traceback, the shell's SIGPIPE status."""
    lines = tmp_path / "articles.jsonl"
    text = "The harbour gates failed overnight. Crews worked until dawn. The quay reopens on Monday."
    articles = [{"id": str(i), "title": f"Harbour gates {i}", "text": text} for i in range(3000)]
    lines.write_text("".join(json.dumps(article) + "\n" for article in articles))
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}", "NEWSDESK_VAR_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "newsdesk", "summarize", str(lines)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**_inherited(), **env}, text=True
    )
    first = json.loads(process.stdout.readline())
    process.stdout.close()  # what `head -1` does after its line
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == BROKEN_PIPE_STATUS
    assert first["id"] == "0"
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr


def _inherited() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DATABASE_URL"))}
