import json
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from newsdesk.ai.features import PanelRequest, cache_key_for
from newsdesk.ai.providers import ExtractiveProvider
from newsdesk.models import AIResult, Story
from newsdesk.store.actions import rekey_article
from newsdesk.web.testing import make_article, make_source

BODY_HTML = (
    "<p>The city council approved a new tram line to the harbour on Tuesday.</p>"
    "<p>Construction of the tram line is due to start next spring and to take three years.</p>"
    "<ul><li>The tram line will cost 240 million euros.</li></ul>"
    "<p>Shop owners fear months of roadworks on Harbour Street.</p>"
)


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    cache.clear()


@pytest.fixture
def article(db):
    return make_article(make_source("Harbour Times"), "Tram line approved", html=BODY_HTML, text="unused")


def ids_in(page: str) -> set[str]:
    return set(lxml_html.fromstring(page).xpath("//*[@class='story-body']//@id"))


def test_article_page_offers_the_panel_and_anchors_paragraphs(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert ids_in(page) == {"p-1", "p-2", "p-3", "p-4"}
    tree = lxml_html.fromstring(page)
    assert tree.xpath("//section[@id='ai-panel']//button[text()='Summary']")
    assert tree.xpath("//section[@id='ai-panel']//input[@name='question']/@maxlength") == ["300"]
    # The offline provider cannot explain or translate: readers are not offered what cannot work,
    # nor told about the operator's settings.
    offered = set(tree.xpath("//section[@id='ai-panel']//input[@name='feature']/@value"))
    assert offered == {"summary", "key_points", "ask"}
    assert "NEWSDESK_" not in page and "language model" not in page


def test_text_only_articles_get_paragraph_ids_too(client, db):
    plain = make_article(make_source("Coast Herald"), "Plain", text="First one.\n\nSecond one.")
    assert ids_in(client.get(plain.get_absolute_url()).content.decode()) == {"p-1", "p-2"}


def test_without_javascript_a_question_renders_the_article_with_linked_quotes(client, article):
    url = reverse("ai_article", args=[article.id])
    response = client.get(url, {"feature": "ask", "question": "When does construction start?"})
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    tree = lxml_html.fromstring(response.content)
    quotes = tree.xpath("//a[@class='ai-quote']")
    assert quotes[0].get("href") == "#p-2"
    assert "due to start next spring" in quotes[0].text_content()
    assert tree.xpath("//*[@id='p-2']")[0].text_content().startswith("Construction of the tram line")


@pytest.mark.parametrize("view", ["ai_article", "ai_article_stream"])
def test_the_panel_of_a_moved_article_follows_it(client, article, view):
    old_id = article.id
    moved = rekey_article(article, "https://harbour.example/2024/tram-line")

    response = client.get(reverse(view, args=[old_id]), {"feature": "summary"})

    assert response.status_code == 301
    assert response["Location"] == reverse(view, args=[moved.id]) + "?feature=summary"
    assert client.get(reverse(view, args=["0" * 32])).status_code == 404


def test_reader_text_is_escaped(client, article):
    url = reverse("ai_article", args=[article.id])
    response = client.get(url, {"feature": "ask", "question": "<script>alert(1)</script> tram cost?"})
    page = response.content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_model_text_is_escaped_when_rendered(client, article):
    summary = {
        "feature": "summary",
        "provider": "openai",
        "model": "m",
        "text": "<img src=x onerror=alert(1)>",
    }
    key = cache_key_for(article, PanelRequest("summary"), ExtractiveProvider())
    AIResult.objects.create(
        key=key, article=article, feature="summary", provider="extractive", result=summary
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_too_long_questions_are_refused_with_the_reason(client, article, settings):
    settings.NEWSDESK_AI_MAX_QUESTION_CHARS = 10
    response = client.get(reverse("ai_article", args=[article.id]), {"feature": "ask", "question": "x" * 11})
    assert response.status_code == 400
    assert "up to 10 characters" in response.content.decode()
    stream = client.get(
        reverse("ai_article_stream", args=[article.id]), {"feature": "ask", "question": "x" * 11}
    )
    assert stream.status_code == 400 and "up to 10 characters" in stream.json()["error"]


def test_uncached_requests_are_rate_limited_per_ip(client, article, settings):
    settings.NEWSDESK_RATELIMIT_ENABLED = True
    settings.NEWSDESK_AI_RATE_PER_IP = 2
    url = reverse("ai_article", args=[article.id])
    for question in ("tram cost?", "tram start?"):
        assert client.get(url, {"feature": "ask", "question": question}).status_code == 200
    refused = client.get(url, {"feature": "ask", "question": "shop owners?"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "please wait" in refused.content.decode()
    # A cached answer costs nothing and is still served.
    assert client.get(url, {"feature": "ask", "question": "Tram cost"}).status_code == 200
    other_reader = client.get(url, {"feature": "ask", "question": "shop owners?"}, REMOTE_ADDR="10.0.0.9")
    assert other_reader.status_code == 200


def test_stream_sends_the_rendered_result_as_a_server_sent_event(client, article):
    response = client.get(reverse("ai_article_stream", args=[article.id]), {"feature": "summary"})
    assert response["Content-Type"] == "text/event-stream"
    body = b"".join(response.streaming_content).decode()
    [event] = re.findall(r"event: result\ndata: (.*)\n\n", body)
    payload = json.loads(event)
    fragment = lxml_html.fragment_fromstring(payload["html"], create_parent="div")
    assert [a.get("href") for a in fragment.xpath("//a[@class='ai-quote']")] == ["#p-1", "#p-2", "#p-3"]
    assert payload["cached"] is False


def test_excerpt_only_sources_get_no_panel(client, db):
    excerpt = make_article(make_source("Strict Post", display_policy="excerpt"), "Strict", text="One. Two.")
    page = client.get(excerpt.get_absolute_url()).content.decode()
    assert "only an excerpt be shown here, so the AI features are off" in page
    response = client.get(reverse("ai_article", args=[excerpt.id]), {"feature": "summary"})
    assert response.status_code == 400


def test_story_page_shows_the_brief_naming_sources(client, db):
    now = timezone.now()
    story = Story.objects.create(title="Storm", first_published_at=now, last_published_at=now)
    rows = json.loads((Path(__file__).parents[2] / "ai" / "testdata" / "story_articles.json").read_text())
    articles = {
        row["source"]: make_article(make_source(row["source"]), row["title"], text=row["text"], story=story)
        for row in rows
    }
    response = client.get(reverse("story", args=[story.id]))
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content)
    agreed = tree.xpath("//ul[@class='ai-brief-agreed']/li")
    assert len(agreed) == 1 and "closed for two days" in agreed[0].text_content()
    partial = {li.text_content(): li for li in tree.xpath("//ul[@class='ai-brief-partial']/li")}
    insurers = next(li for text, li in partial.items() if "Insurers" in text)
    [link] = insurers.xpath("a")
    assert link.text == "Daily Ledger"
    assert link.get("href") == f"{articles['Daily Ledger'].get_absolute_url()}#p-2"


def test_an_answer_that_could_not_be_given_does_not_claim_where_it_came_from(client, db):
    headline = make_article(make_source("Coast Herald"), "Ferry strike called off", text="")
    response = client.get(reverse("ai_article", args=[headline.id]), {"feature": "summary"})
    [output] = lxml_html.fromstring(response.content).xpath("//div[@class='ai-output']")
    assert "Only this article's headline has been fetched" in output.text_content()
    assert not output.xpath(".//*[@class='ai-provenance']")
