import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from newsdesk.extract import processes
from newsdesk.extract.article import ExtractionError, extract_article
from newsdesk.extract.processes import (
    extract_in_processes,
    extraction_process_ids,
    shutdown_extraction_processes,
)

TESTDATA = Path(__file__).resolve().parent / "testdata"
URL = "https://example.org/news/a-story"
# Content that makes the stand-in extractor below kill its process, as a parser crash would.
POISON = b"<html>kill the process that reads me</html>"


def die_on_poison(content: bytes, url: str):
    """Picklable by name, so the children run it: dies on POISON, else extracts."""
    if content == POISON:
        os._exit(70)
    return extract_article(content, url=url)


@pytest.fixture(autouse=True)
def fresh_processes():
    shutdown_extraction_processes()
    yield
    shutdown_extraction_processes()


def test_a_page_extracted_in_a_child_equals_the_page_extracted_here():
    page = (TESTDATA / "jsonld_article.html").read_bytes()

    in_child = extract_in_processes(page, URL, processes=2)

    assert in_child == extract_article(page, url=URL)
    assert in_child.text
    children = extraction_process_ids()
    assert children and os.getpid() not in children


def test_an_extraction_error_in_a_child_reaches_the_caller_as_itself():
    with pytest.raises(ExtractionError):
        extract_in_processes(b"", URL, processes=1)
    # The child survives its page's error and takes the next page.
    assert extract_in_processes((TESTDATA / "jsonld_article.html").read_bytes(), URL, processes=1).text


def test_a_page_that_kills_its_child_fails_alone_and_the_pages_beside_it_are_extracted(monkeypatch):
    monkeypatch.setattr(processes, "extract_article", die_on_poison)
    page = (TESTDATA / "opengraph_only.html").read_bytes()
    pages = [page, page, POISON, page, page, page]

    with ThreadPoolExecutor(len(pages)) as threads:
        futures = [threads.submit(extract_in_processes, p, URL, 2) for p in pages]
    outcomes = [f.exception() or f.result() for f in futures]

    assert isinstance(outcomes[2], ExtractionError) and "died" in str(outcomes[2])
    expected = extract_article(page, url=URL)
    assert [o for i, o in enumerate(outcomes) if i != 2] == [expected] * 5
    # The crawl goes on: the next page gets a new child.
    assert extract_in_processes(page, URL, processes=2) == expected
