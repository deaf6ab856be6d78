import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command

from newsdesk.extract.test_article import TESTDATA


def run(*args: str) -> tuple[list[dict], CommandError | None]:
    out = io.StringIO()
    try:
        call_command("extract", *args, "--jsonl", stdout=out)
        error = None
    except CommandError as raised:
        error = raised
    return [json.loads(line) for line in out.getvalue().splitlines()], error


def test_extracts_a_gzipped_page(tmp_path):
    saved = tmp_path / "ferry.html.gz"
    saved.write_bytes(gzip.compress((TESTDATA / "opengraph_only.html").read_bytes()))

    outputs, error = run(str(saved), "--url", "https://harbourpost.example/travel/ferry")

    assert error is None
    [output] = outputs
    assert output["input"] == str(saved)
    assert output["url"] == "https://harbourpost.example/travel/ferry"
    assert output["title"] == "Ferry timetable changes from April"
    assert output["published"] == "2024-03-01T07:45:00+00:00"
    assert output["text"].startswith("The ferry operator will run two extra crossings")


def test_a_bad_input_is_reported_and_the_run_continues(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>")
    missing = tmp_path / "missing.html"

    outputs, error = run(str(empty), str(missing), str(TESTDATA / "jsonld_graph.html"))

    assert [set(output) for output in outputs[:2]] == [{"input", "error"}] * 2
    assert "ExtractionError" in outputs[0]["error"]
    assert outputs[2]["title"] == "Library reopens after two-year renovation"
    assert isinstance(error, CommandError)
    assert "2 of 3" in str(error)


@pytest.mark.parametrize("flag", ["--jsonl", None])
def test_output_is_json_either_way(flag):
    out = io.StringIO()
    call_command("extract", str(TESTDATA / "jsonld_graph.html"), *([flag] if flag else []), stdout=out)
    assert json.loads(out.getvalue())["authors"] == ["Ines Moreau"]


def test_extracts_a_url_through_the_fetcher(settings):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    settings.NEWSDESK_ALLOW_PRIVATE_NETWORKS = True  # the test server lives on 127.0.0.1
    body = (TESTDATA / "jsonld_graph.html").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            found = self.path == "/culture/library"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body if found else b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/culture/library"
        outputs, error = run(url)
    finally:
        server.shutdown()
        server.server_close()

    assert error is None, outputs
    [output] = outputs
    assert output["input"] == url
    assert output["url"] == url
    assert output["authors"] == ["Ines Moreau"]
