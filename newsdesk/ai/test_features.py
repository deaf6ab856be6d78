import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from newsdesk.ai.actions import cache_key, normalise_question
from newsdesk.ai.features import (
    PanelError,
    PanelRequest,
    answer,
    brief_for_story,
    cached_answer,
    panel_features,
    precompute_summary,
    stream_answer,
)
from newsdesk.ai.providers import ExtractiveProvider
from newsdesk.models import AIResult, ArticleEmbedding, Story
from newsdesk.models.sources import DisplayPolicy
from newsdesk.web.testing import make_article, make_source

TESTDATA = Path(__file__).parent / "testdata"


@pytest.fixture
def tram(db):
    row = json.loads((TESTDATA / "tram_line.json").read_text())
    return make_article(make_source("Harbour Times"), row["title"], text=row["text"])


def test_questions_are_normalised_for_the_cache():
    assert normalise_question("  How MUCH   does it cost?? ") == "how much does it cost"
    assert cache_key("h", "ask", "extractive", "", "", "How much?") == cache_key(
        "h", "ask", "extractive", "", "", "how much"
    )
    keys = {
        cache_key("h", "ask", "extractive", "", "", "q"),
        cache_key("h2", "ask", "extractive", "", "", "q"),
        cache_key("h", "summary", "extractive", "", "", "q"),
        cache_key("h", "ask", "openai", "m", "", "q"),
        cache_key("h", "ask", "openai", "m2", "", "q"),
        cache_key("h", "ask", "extractive", "", "de", "q"),
    }
    assert len(keys) == 6


def test_requests_are_checked(settings):
    settings.NEWSDESK_AI_MAX_QUESTION_CHARS = 20
    with pytest.raises(PanelError, match="up to 20 characters"):
        PanelRequest.parse("ask", "x" * 21)
    with pytest.raises(PanelError, match="Type a question"):
        PanelRequest.parse("ask", "   ")
    with pytest.raises(PanelError):
        PanelRequest.parse("delete_everything")
    with pytest.raises(PanelError, match="language"):
        PanelRequest.parse("translate", language="xx")
    assert PanelRequest.parse("summary", "ignored", "en") == PanelRequest("summary")


def test_answers_are_cached_per_article_version(tram):
    first = answer(tram, PanelRequest.parse("ask", "How much will it cost?"))
    assert first["cached"] is False and "240 million euros" in first["quotes"][0]["text"]
    again = answer(tram, PanelRequest.parse("ask", "how much will it cost"))
    assert again["cached"] is True and again["quotes"] == first["quotes"]
    row = AIResult.objects.get()
    assert (row.article, row.feature, row.provider, row.question) == (
        tram,
        "ask",
        "extractive",
        "how much will it cost",
    )
    tram.text += "\n\nThe council later raised the cost to 260 million euros."
    tram.save()
    assert answer(tram, PanelRequest.parse("ask", "How much will it cost?"))["cached"] is False
    assert AIResult.objects.count() == 2


def test_answers_saved_by_earlier_offline_rules_are_not_shown(tram, monkeypatch):
    """Crossheads quoted, unanswered words not named: what an older version picked is not served."""
    summary = PanelRequest("summary")
    monkeypatch.setattr(ExtractiveProvider, "model", "extractive-v1")
    answer(tram, summary)
    assert cached_answer(tram, summary, ExtractiveProvider()) is not None
    monkeypatch.undo()
    assert cached_answer(tram, summary, ExtractiveProvider()) is None
    assert ExtractiveProvider.model != ""  # the version before there was one


def test_extractive_provider_names_what_it_cannot_do(tram):
    features = {f["name"]: f["unavailable"] for f in panel_features(ExtractiveProvider())}
    assert features["summary"] is None and features["ask"] is None and features["key_points"] is None
    assert "needs a language model" in features["explain"]
    assert "needs a language model" in features["translate"]
    result = answer(tram, PanelRequest.parse("explain"))
    assert result["failed"] is True and "needs a language model" in result["notes"][0]
    assert not AIResult.objects.exists()


@pytest.mark.parametrize("feature", ["summary", "key_points", "ask"])
def test_a_headline_only_article_gets_a_note_not_an_empty_answer_kept_for_later(db, feature):
    article = make_article(make_source("Harbour Times"), "Ferry strike called off", text="")
    request = PanelRequest.parse(feature, "Who called it off?" if feature == "ask" else "")

    result = answer(article, request)
    streamed = list(stream_answer(article, request))

    assert result["failed"] is True and "Only this article's headline" in result["notes"][0]
    assert streamed == [("result", result)]
    assert not AIResult.objects.exists()
    article.text = "The union called off the ferry strike on Monday after a new pay offer."
    article.save()
    assert answer(article, request).get("failed") is None


def test_summaries_are_precomputed_only_for_sources_that_ask(tram):
    assert precompute_summary(tram) is False
    tram.source.precompute_summaries = True
    tram.source.save()
    assert precompute_summary(tram) is True
    row = AIResult.objects.get(feature="summary")
    assert len(row.result["quotes"]) == 3
    assert answer(tram, PanelRequest("summary"))["cached"] is True


def test_story_brief_prefers_the_article_nearest_the_centre_per_source(db):
    rows = json.loads((TESTDATA / "story_articles.json").read_text())
    now = timezone.now()
    story = Story.objects.create(
        title="Storm",
        first_published_at=now,
        last_published_at=now,
        centroid=np.ones(4, np.float32).tobytes(),
    )
    sources = {}
    for row in rows:
        source = sources.setdefault(row["source"], make_source(row["source"]))
        make_article(source, row["title"], text=row["text"], story=story)
    harbour = sources["Harbour Times"]
    off_centre = make_article(
        harbour, "Harbour Times live blog", text="Live updates follow here.", story=story
    )
    for article in story.articles.all():
        vector = np.ones(4) if article != off_centre else np.array([1.0, -1.0, 0.0, 0.0])
        ArticleEmbedding.objects.create(
            article=article,
            model="test",
            dimensions=4,
            vector=(vector / np.linalg.norm(vector)).astype(np.float16).tobytes(),
            published_at=article.published_at,
        )
    brief = brief_for_story(story)
    assert brief["cached"] is False
    assert brief["sources"] == ["Coast Herald", "Daily Ledger", "Harbour Times"]
    assert "closed for two days" in brief["agreed"][0]["text"]
    assert all("Live updates" not in item["text"] for item in brief["partial"])
    assert brief_for_story(story)["cached"] is True


def test_story_brief_quotes_only_the_teaser_of_an_excerpt_only_publisher(db):
    now = timezone.now()
    story = Story.objects.create(title="Storm", first_published_at=now, last_published_at=now)
    sources = {}
    for row in json.loads((TESTDATA / "story_articles.json").read_text()):
        source = sources.setdefault(row["source"], make_source(row["source"]))
        make_article(
            source, row["title"], text=row["text"], story=story, description=f"{row['source']} teaser."
        )

    def quoted(brief: dict) -> str:
        return " ".join(item["text"] for part in ("agreed", "partial") for item in brief[part])

    assert "Fishermen said they lost a week of income" in quoted(brief_for_story(story))
    herald = sources["Coast Herald"]
    herald.display_policy = DisplayPolicy.EXCERPT
    herald.save()

    brief = brief_for_story(story)
    assert brief["cached"] is False  # the cached brief quoted the body: it is not reused
    assert "Coast Herald" in brief["sources"]
    assert "Fishermen" not in quoted(brief)
    assert "About 40 ships waited at anchor outside the port until the wind dropped" not in quoted(brief)


def test_summarize_command_prints_the_panels_summary(tmp_path, capsys):
    row = json.loads((TESTDATA / "tram_line.json").read_text())
    data = tmp_path / "in.jsonl"
    data.write_text(json.dumps({"id": "tram", **row}) + "\n")
    call_command("summarize", str(data))
    [line] = capsys.readouterr().out.splitlines()
    output = json.loads(line)
    assert output["id"] == "tram"
    assert output["summary"].startswith("The city council approved a new tram line to the harbour on Tuesday")
    assert output["summary"].count(". ") == 2  # three sentences
