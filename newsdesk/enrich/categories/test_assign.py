import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from newsdesk import pipeline
from newsdesk.enrich.categories import categorize_article, classifier
from newsdesk.enrich.categories.evaluate import evaluate_categories
from newsdesk.enrich.vectors import embed_article
from newsdesk.models import Article, Feed
from newsdesk.web.testing import make_article, make_source

TESTDATA = Path(__file__).parent / "testdata"
SPORT = (
    "Late penalty sends Rovers into the cup final",
    "Rovers beat United 2-1 with a penalty in the 90th minute.",
)


def article_category(article, vector=None):
    """The decision alone (the stored evidence has its own tests in test_story_category.py)."""
    return categorize_article(article, vector)[0]


@pytest.fixture
def source():
    return make_source("Harbour Times")


@pytest.mark.django_db
def test_the_pipeline_stores_category_and_confidence(source):
    article = make_article(source, SPORT[0], text=SPORT[1])
    pipeline.classify(article)
    stored = Article.objects.get(id=article.id)
    assert stored.category == "sports"
    assert 0.5 < stored.category_confidence <= 1


@pytest.mark.django_db
def test_the_stored_vector_is_reused_not_embedded_again(source, monkeypatch):
    article = make_article(source, SPORT[0], text=SPORT[1])
    vector = embed_article(article)
    expected = article_category(article)

    def no_embedder(model):
        raise AssertionError("the article was embedded a second time")

    monkeypatch.setattr(classifier, "embedder_for", no_embedder)
    assert article_category(article, vector) == expected
    # The vector decides: a business article's vector turns the sports text's answer.
    business = embed_article(make_article(source, "Central bank raises interest rates to curb inflation"))
    assert article_category(make_article(source, SPORT[0]), business) != article_category(
        make_article(source, SPORT[0]), vector
    )


@pytest.mark.django_db
def test_a_vector_of_another_embedder_is_not_read_as_ours(source):
    article = make_article(source, SPORT[0], text=SPORT[1])
    assert article_category(article, np.ones(1024, dtype=np.float32)) == article_category(article)


@pytest.mark.django_db
def test_a_feed_override_applies_to_every_article_of_the_feed(source):
    feed = Feed.objects.create(source=source, url="https://harbour.example/rss", category_override="health")
    article = make_article(source, SPORT[0], text=SPORT[1], feed=feed)
    assert article_category(article) == ("health", 1.0)
    feed.category_override = "gossip"
    assert article_category(article)[0] == "sports", "an unknown override is ignored"


@pytest.mark.django_db
def test_the_feed_section_is_a_prior(source):
    feed = Feed.objects.create(source=source, url="https://harbour.example/tech/rss", section="technology")
    title = "Smartphone sales slow in China"
    assert article_category(make_article(source, title))[0] != "technology"
    assert article_category(make_article(source, title, feed=feed))[0] == "technology"


@pytest.mark.django_db
def test_a_locked_category_is_never_reclassified(source):
    article = make_article(source, SPORT[0], text=SPORT[1], category="science", category_locked=True)
    assert article_category(article) is None
    pipeline.classify(article)
    assert Article.objects.get(id=article.id).category == "science"


@pytest.mark.django_db
def test_an_operator_edit_in_the_admin_locks_the_category(admin_client, source):
    article = make_article(source, SPORT[0], text=SPORT[1], category="sports")
    admin_client.post(
        reverse("admin:newsdesk_article_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": article.pk,
            "form-0-category": "science",
            "_save": "Save",
        },
    )
    stored = Article.objects.get(pk=article.pk)
    assert (stored.category, stored.category_locked) == ("science", True)
    pipeline.classify(stored)
    assert Article.objects.get(pk=article.pk).category == "science"


def test_categorize_prints_one_line_per_item_and_reports_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": 1, "title": SPORT[0], "text": SPORT[1]}),
        "not json",
        json.dumps({"title": "no id"}),
        json.dumps({"id": "b", "title": "Central bank raises interest rates again"}),
        json.dumps({"id": "c", "title": "Smartphone sales slow in China", "section": "Tech"}),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="2 bad lines"):
        call_command("categorize", str(path), stdout=out, stderr=err)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["id"], r["category"]) for r in rows] == [(1, "sports"), ("b", "business"), ("c", "technology")]
    assert all(0 < r["confidence"] <= 1 for r in rows)
    assert "in.jsonl:2" in err.getvalue() and "in.jsonl:3" in err.getvalue()


def test_categorize_needs_an_existing_file(tmp_path):
    with pytest.raises(CommandError, match="no file"):
        call_command("categorize", str(tmp_path / "missing.jsonl"))


def test_evaluation_reads_articles_or_headlines_by_extension():
    articles = evaluate_categories(TESTDATA / "articles.jsonl")
    headlines = evaluate_categories(TESTDATA / "headlines.csv")
    assert (articles["items"], headlines["items"]) == (5, 6)
    for metrics in (articles, headlines):
        correct = sum(item["correct"] for item in metrics["per_item"])
        assert metrics["accuracy"] == round(correct / metrics["items"], 4)
        assert metrics["accuracy"] >= 0.8
    # "t" accepts either technology or science.
    assert "science|technology" in headlines["accuracy_by_label"]


def test_evaluation_rejects_other_files(tmp_path):
    from newsdesk.enrich.categories.datasets import DatasetError

    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(DatasetError):
        evaluate_categories(tmp_path / "x.txt")
    (tmp_path / "x.csv").write_text("A,B\n1,2\n")
    with pytest.raises(DatasetError, match="missing columns"):
        evaluate_categories(tmp_path / "x.csv")
