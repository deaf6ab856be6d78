"""ROUGE of the default summary against human extractive summaries, beside the Lead-3 baseline.

The data set is JSON lines `{id, title, text, summary}` (the BBC News Summary dev set). The
rows are also scored in two halves (by id order, alternating) so a change tuned on one half
can be checked on the other.
"""

import json
from pathlib import Path

from rouge_score import rouge_scorer

from newsdesk.ai.extractive import SUMMARY_SENTENCES
from newsdesk.ai.providers import Document, ExtractiveProvider, summary_text
from newsdesk.ai.text import word_count

METRICS = ("rouge1", "rouge2", "rougeL")


def summary_of(title: str, text: str) -> str:
    """The panel's default extractive summary of a plain-text article."""
    return summary_text(Document.of(title=title, text=text), ExtractiveProvider())


def lead_of(title: str, text: str) -> str:
    document = Document.of(title=title, text=text)
    return " ".join(s.text for s in document.sentences[:SUMMARY_SENTENCES])


def _scores(pairs: list[tuple[str, str]], scorer) -> dict:
    totals = dict.fromkeys(METRICS, 0.0)
    words = 0
    for reference, candidate in pairs:
        scored = scorer.score(reference, candidate)
        for metric in METRICS:
            totals[metric] += scored[metric].fmeasure
        words += word_count(candidate)
    count = max(len(pairs), 1)
    return {
        **{f"{metric}_f": round(100 * total / count, 2) for metric, total in totals.items()},
        "words": round(words / count, 1),
    }


def read_rows(path: Path) -> list[dict]:
    """The labelled articles. A bad line stops the evaluation, naming the file and line: skipped,
    it would change the metrics unnoticed."""
    rows = []
    with Path(path).open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise ValueError(f"{path}:{number}: not UTF-8 text") from error
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as error:
                raise ValueError(f"{path}:{number}: not JSON ({error})") from error
            if not isinstance(row, dict) or "id" not in row or not _has_strings(row, "text", "summary"):
                raise ValueError(
                    f'{path}:{number}: expected an object with an "id", and "text" and "summary" strings'
                )
            rows.append(row)
    return rows


def _has_strings(row: dict, *keys: str) -> bool:
    return all(isinstance(row.get(key), str) for key in keys)


def evaluate_summaries(path: Path) -> dict:
    rows = read_rows(path)
    rows.sort(key=lambda row: str(row["id"]))
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    ours = [(row["summary"], summary_of(row.get("title", ""), row["text"])) for row in rows]
    lead = [(row["summary"], lead_of(row.get("title", ""), row["text"])) for row in rows]
    report = {"articles": len(rows), "summary": _scores(ours, scorer), "lead3": _scores(lead, scorer)}
    for half in (0, 1):
        report[f"half_{half}"] = {
            "summary": _scores(ours[half::2], scorer),
            "lead3": _scores(lead[half::2], scorer),
        }
    return report
