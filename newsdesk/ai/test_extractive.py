import json
from pathlib import Path

from newsdesk.ai import extractive
from newsdesk.ai.brief import BriefArticle, story_brief
from newsdesk.ai.providers import Document, ExtractiveProvider
from newsdesk.ai.text import word_count

TESTDATA = Path(__file__).parent / "testdata"


def tram() -> Document:
    article = json.loads((TESTDATA / "tram_line.json").read_text())
    return Document.of(title=article["title"], text=article["text"])


def test_summary_is_three_sentences_in_order_within_the_leads_length():
    document = tram()
    summary = extractive.summarize(document.sentences)
    assert len(summary) == 3
    assert [s.position for s in summary] == sorted(s.position for s in summary)
    lead_words = sum(word_count(s.text) for s in document.sentences[:3])
    assert sum(word_count(s.text) for s in summary) <= extractive.LENGTH_BUDGET * lead_words
    assert all("weather" not in s.text for s in summary)


def test_summary_passes_over_an_off_topic_opening():
    document = Document.of(
        title="Tram line approved",
        text=(
            "It was a grey morning in the old town hall, and coffee ran out early.\n\n"
            "The council approved the harbour tram line by 31 votes to 14.\n\n"
            "The harbour tram line will cost 240 million euros and open in three years.\n\n"
            "Supporters of the harbour tram line say it will cut traffic on the harbour road.\n\n"
            "Critics of the tram line wanted electric buses on the harbour road instead."
        ),
    )
    summary = extractive.summarize(document.sentences)
    assert "grey morning" not in " ".join(s.text for s in summary)
    assert len(summary) == 3


def test_short_articles_are_their_own_summary():
    document = Document.of(title="Short", text="One thing happened. Then another.")
    assert [s.text for s in extractive.summarize(document.sentences)] == [
        "One thing happened.",
        "Then another.",
    ]


def test_key_points_cover_the_article_without_the_aside():
    document = tram()
    points = extractive.key_points(document.sentences)
    assert len(points) == extractive.KEY_POINTS
    assert len({p.text for p in points}) == len(points)
    assert not any("weather" in p.text for p in points)
    assert {p.paragraph for p in points} >= {"p-2", "p-3"}


def test_ask_finds_the_supporting_sentence_and_its_paragraph():
    document = tram()
    found = extractive.answer("How much will the tram line cost?", document.sentences)
    assert found[0].text.startswith("The council said the tram line will cost 240 million euros")
    assert found[0].paragraph == "p-3"
    fear = extractive.answer("What do shop owners fear?", document.sentences)
    assert "fear months of roadworks" in fear[0].text and fear[0].paragraph == "p-4"


def test_ask_reads_how_much_as_the_question_not_its_subject():
    document = Document.of(
        title="Harbour company results",
        text=(
            "The harbour company posted a profit of 3.4 million euros for the year.\n\n"
            "Its chief executive said ferry traffic had grown strongly since the spring.\n\n"
            "Profit rose by a fifth, helped by the new cargo terminal and lower fuel costs.\n\n"
            "The board will meet in March to decide on a dividend for shareholders.\n\n"
            "Unions have asked for a share of the profit to go to dock workers.\n\n"
            "The company also plans to hire forty staff at the terminal next year."
        ),
    )
    found = extractive.answer("How much profit?", document.sentences)
    assert found and "3.4 million euros" in found[0].text
    assert extractive.answer("How much did profits rise?", document.sentences)


def test_ask_says_which_words_of_the_question_the_article_never_uses():
    provider = ExtractiveProvider()
    partial = provider.run("ask", tram(), question="How much will the tram line cost in dollars?")
    assert partial["text"] == "The article never mentions “dollars”. These sentences come closest:"
    assert "240 million euros" in partial["quotes"][0]["text"]
    weather = provider.run("ask", tram(), question="What is the weather forecast for the harbour tomorrow?")
    assert weather["text"].startswith("The article never mentions “forecast” or “tomorrow”.")
    answered = provider.run("ask", tram(), question="How much will the tram line cost?")
    assert answered["text"] == "These sentences of the article answer it best:"


def test_ask_returns_nothing_when_the_article_does_not_say():
    assert extractive.answer("Who won the football final?", tram().sentences) == []
    assert extractive.answer("???", tram().sentences) == []


def brief_articles() -> list[BriefArticle]:
    rows = json.loads((TESTDATA / "story_articles.json").read_text())
    return [
        BriefArticle(
            f"a{i}", row["source"], row["title"], Document.of(title=row["title"], text=row["text"]).sentences
        )
        for i, row in enumerate(rows)
    ]


def test_story_brief_separates_what_all_report_from_what_some_do():
    brief = story_brief(brief_articles())
    assert brief["sources"] == ["Coast Herald", "Daily Ledger", "Harbour Times"]
    assert len(brief["agreed"]) == 1
    assert "closed for two days" in brief["agreed"][0]["text"]
    assert brief["agreed"][0]["sources"] == brief["sources"]
    partial = {item["text"]: item for item in brief["partial"]}
    ships = next(item for text, item in partial.items() if "40 ships" in text)
    assert ships["sources"] == ["Coast Herald", "Harbour Times"]
    insurers = next(item for text, item in partial.items() if "Insurers" in text)
    assert insurers["sources"] == ["Daily Ledger"] and insurers["article_id"] == "a2"
    assert insurers["paragraph"] == "p-2"


def test_story_brief_of_one_source_agrees_on_nothing():
    brief = story_brief(brief_articles()[:1])
    assert brief["sources"] == ["Harbour Times"]
    assert brief["agreed"] == []
    assert brief["partial"] and all(item["source"] == "Harbour Times" for item in brief["partial"])


def test_ask_answers_from_a_chinese_article():
    document = Document.of(
        title="新大桥",
        body_html="<p>上海市政府周一宣布，将在浦东新区建设一座新的跨江大桥。该项目预计投资约二百亿元，"
        "计划于二〇二八年完工。</p><p>市长表示，大桥将缓解现有隧道的交通压力。</p>",
    )
    assert [s.text for s in extractive.answer("大桥什么时候完工？", document.sentences)] == [
        "该项目预计投资约二百亿元，计划于二〇二八年完工。"
    ]
    assert extractive.answer("谁赢得了足球决赛？", document.sentences) == []
