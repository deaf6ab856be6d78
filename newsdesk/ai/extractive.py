"""Offline, deterministic features: every output is a sentence of the article, so it cannot invent.

Sentences are compared as TF-IDF vectors over stemmed content words, with the IDF taken
over the article's own sentences (no corpus statistics to ship or keep fresh). A sentence is
central when it shares much with the others (mean cosine, as in LexRank's degree centrality).
How the summary weights were chosen, and what they score: docs/quality.md ("Summaries").
"""

import math
from collections import Counter
from dataclasses import dataclass

from newsdesk.ai.text import WORD, Sentence, content_terms, is_character_pair, word_count

SUMMARY_SENTENCES = 3
KEY_POINTS = 5
ANSWER_SENTENCES = 3

# Summary score = position prior + centrality − redundancy with what is already chosen.
POSITION_WEIGHT = 0.3
CENTRALITY_WEIGHT = 2.0
REDUNDANCY_WEIGHT = 1.0
# Words allowed, as a share of the first three sentences' words: as long as a lead, not longer.
LENGTH_BUDGET = 1.05
# An answer sentence must share at least this much weighted vocabulary with the question.
MIN_ANSWER_MATCH = 0.12

Vector = dict[str, float]
# How questions are phrased, not what they are about: "How much profit?" asks about profit.
QUESTION_WORDS = frozenset(
    """much many long far often big kind sort happen happened happening mean means meant know tell
    explain exactly really please think thing things""".split()
)


@dataclass(frozen=True)
class SentenceSpace:
    """The article's sentences as unit TF-IDF vectors."""

    sentences: list[Sentence]
    vectors: list[Vector]
    idf: dict[str, float]

    @classmethod
    def of(cls, sentences: list[Sentence]) -> "SentenceSpace":
        terms = [content_terms(s.text) for s in sentences]
        document_frequency = Counter(t for ts in terms for t in set(ts))
        count = len(sentences)
        idf = {t: math.log((count + 1) / (df + 0.5)) for t, df in document_frequency.items()}
        return cls(sentences, [unit_vector(Counter(ts), idf) for ts in terms], idf)

    def centrality(self) -> list[float]:
        """Each sentence's mean cosine with the others, scaled so the most central scores 1."""
        count = len(self.vectors)
        totals = [0.0] * count
        for i in range(count):
            for j in range(i + 1, count):
                similarity = cosine(self.vectors[i], self.vectors[j])
                totals[i] += similarity
                totals[j] += similarity
        top = max(totals, default=0.0)
        return [total / top for total in totals] if top else totals

    def question_vector(self, question: str) -> Vector:
        # Words the article never uses get the rarest weight, so a question about something else
        # finds no sentence; the words every question is made of ("how much") are not counted.
        # Character pairs the article lacks are left out instead: most straddle two words of the
        # question ("桥什" of "大桥什么") and would drown the pairs that are its words.
        rare = math.log(len(self.sentences) + 1)
        terms = Counter(
            term
            for term in content_terms(question, also_drop=QUESTION_WORDS)
            if term in self.idf or not is_character_pair(term)
        )
        return unit_vector(terms, {t: self.idf.get(t, rare) for t in terms})


def unit_vector(counts: Counter, idf: dict[str, float]) -> Vector:
    weighted = {term: n * idf.get(term, 0.0) for term, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in weighted.values()))
    return {term: w / norm for term, w in weighted.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(term, 0.0) for term, w in a.items())


def _select(
    space: SentenceSpace, scores: list[float], count: int, budget: float | None = None
) -> list[Sentence]:
    """Greedy choice of `count` sentences by score minus redundancy, within a word budget."""
    chosen: list[int] = []
    used_words = 0
    while len(chosen) < count:
        best, best_value = None, -math.inf
        for index, score in enumerate(scores):
            if index in chosen:
                continue
            words = word_count(space.sentences[index].text)
            if budget is not None and chosen and used_words + words > budget:
                continue
            redundancy = max((cosine(space.vectors[index], space.vectors[j]) for j in chosen), default=0.0)
            value = score - REDUNDANCY_WEIGHT * redundancy
            if value > best_value:
                best, best_value = index, value
        if best is None:
            break
        chosen.append(best)
        used_words += word_count(space.sentences[best].text)
    return [space.sentences[i] for i in sorted(chosen)]


def _salience(space: SentenceSpace) -> list[float]:
    return [
        POSITION_WEIGHT / (1 + index) + CENTRALITY_WEIGHT * central
        for index, central in enumerate(space.centrality())
    ]


def summarize(sentences: list[Sentence], count: int = SUMMARY_SENTENCES) -> list[Sentence]:
    """The `count` most central sentences, in article order, no longer than the lead's `count`."""
    if len(sentences) <= count:
        return list(sentences)
    space = SentenceSpace.of(sentences)
    budget = LENGTH_BUDGET * sum(word_count(s.text) for s in sentences[:count])
    return _select(space, _salience(space), count, budget)


def key_points(sentences: list[Sentence], count: int = KEY_POINTS) -> list[Sentence]:
    """More sentences than the summary, spread over the article by the redundancy penalty."""
    if len(sentences) <= count:
        return list(sentences)
    space = SentenceSpace.of(sentences)
    return _select(space, _salience(space), count)


def answer(question: str, sentences: list[Sentence], count: int = ANSWER_SENTENCES) -> list[Sentence]:
    """The sentences that best support an answer; none when the article does not address it."""
    if not sentences:
        return []
    space = SentenceSpace.of(sentences)
    question_vector = space.question_vector(question)
    if not question_vector:
        return []
    matches = [cosine(question_vector, vector) for vector in space.vectors]
    # Centrality breaks ties between equally matching sentences towards the article's point.
    scores = [
        match + 0.1 * central if match >= MIN_ANSWER_MATCH else -math.inf
        for match, central in zip(matches, space.centrality(), strict=True)
    ]
    ranked = sorted((i for i, s in enumerate(scores) if s > -math.inf), key=lambda i: -scores[i])
    picked: list[int] = []
    for index in ranked:
        if len(picked) == count:
            break
        if all(cosine(space.vectors[index], space.vectors[j]) < 0.8 for j in picked):
            picked.append(index)
    return [space.sentences[i] for i in sorted(picked)]


def unmatched_words(question: str, sentences: list[Sentence]) -> list[str]:
    """The question's words the article never uses, as typed: an answer from the sentences that
    match the rest must not pass for an answer to them ("What did the mayor say about elephants?").

    Chinese and Japanese words are left out: their character pairs do not map back to words.
    """
    used = {term for sentence in sentences for term in content_terms(sentence.text)}
    missing: list[str] = []
    for word in WORD.findall(question):
        terms = content_terms(word, also_drop=QUESTION_WORDS)
        if terms and not any(map(is_character_pair, terms)) and terms[0] not in used and word not in missing:
            missing.append(word)
    return missing
