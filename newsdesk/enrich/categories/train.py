"""Learn the category weights from the labelled sets and the hand-written seed examples.

    python -m newsdesk.enrich.categories.train --bbc topics/bbc-dev.jsonl \\
        --uci stories/uci-news-aggregator-dev.csv [--out weights.npz] [--cache DIR] [--cv]

Deterministic: the same data and embedder give the same weights. The embedding half learns from
embedding_text (title + lead: the vector the pipeline stores and passes in), the word half from
the title and the first 2,000 characters of the body. Needs scikit-learn (for the
word model's fit only; the shipped model runs on numpy). Full articles are learnt twice,
as articles and as bare titles, so that headline-only items look familiar; the seed examples
(seed.txt) teach the categories the sets lack (world, science, health). --cv prints honest
held-out numbers: random folds for articles, folds by whole story for headlines (headlines of one
story are near-identical), and training without the headlines to score them cross-domain. The
held-out headlines are also scored pooled by story (pooling.py), both ways the project pools:
as the pipeline does (in the set's time order, assign.story_category's rule) and as
`newsdesk categorize` does (no timestamps, INPUT_BATCH items at a time), in the set's own order
and in one fixed shuffled order.
"""

import argparse
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import django
import numpy as np

if __name__ == "__main__":
    # Run as a script: the models below need Django set up first.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    django.setup()

from newsdesk.enrich.categories.assign import STORY_MEMBERS_POOLED  # noqa: E402
from newsdesk.enrich.categories.classifier import classify_many, decide, log_evidence, text_for_model  # noqa: E402
from newsdesk.enrich.categories.datasets import LabelledItem, read_aggregator_csv, read_bbc_jsonl  # noqa: E402
from newsdesk.enrich.categories.lexical import LexicalModel, ngrams  # noqa: E402
from newsdesk.enrich.categories.model import WEIGHTS_PATH, CategoryModel, fit_partial_labels  # noqa: E402
from newsdesk.enrich.categories.pooling import INPUT_BATCH, POOL_WEIGHT, InputPools, toward_story  # noqa: E402
from newsdesk.enrich.embeddings import embedding_text  # noqa: E402
from newsdesk.enrich.stories.actions import cluster_settings  # noqa: E402
from newsdesk.enrich.stories.cluster import StoryClusterer, StoryItem  # noqa: E402
from newsdesk.models import Category  # noqa: E402

CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category if c != Category.GENERAL)
SEED_PATH = Path(__file__).resolve().parent / "seed.txt"

# Share of the training weight each kind of example carries (within a kind, classes are balanced).
# Seeds at 2.0: held-out headlines 0.767 → 0.771, unseen titles 0.600 → 0.636 (docs/quality.md).
KIND_WEIGHTS = {"articles": 1.0, "article_titles": 0.5, "headlines": 1.0, "seed": 2.0}
L2 = 1e-4
STEPS = 1000
# Word model: vocabulary size, inverse regularisation, and its share when joined with the embeddings.
LEXICAL_FEATURES = 20000
LEXICAL_C = 10.0
# Word model's share for articles with body text and for bare titles (tuned by --cv: articles
# 0.970 at 0.5, 0.974 at 1.0; headlines 0.767 at 0.5, 0.760 at 1.0).
LEXICAL_SHARE = 1.0
LEXICAL_SHARE_TITLE = 0.5
FOLDS = 5
# The one shuffled order (numpy.random.default_rng seed, one generator over the folds in turn) in
# which --cv also feeds each fold's held-out headlines through InputPools as `newsdesk categorize`
# would (docs/quality.md has other orders).
CLI_ORDER_SEED = 0

Embed = Callable[[list[str]], np.ndarray]


@dataclass
class Examples:
    kind: str
    texts: list[str]
    vectors: np.ndarray
    accepted: np.ndarray
    groups: list[str]
    # Publication time (epoch seconds, None when the set has none) and publisher of each example.
    published: list[float | None]
    sources: list[str]

    def subset(self, rows: np.ndarray) -> "Examples":
        return Examples(
            self.kind,
            [self.texts[i] for i in rows],
            self.vectors[rows],
            self.accepted[rows],
            [self.groups[i] for i in rows],
            [self.published[i] for i in rows],
            [self.sources[i] for i in rows],
        )


def read_seed(path: Path = SEED_PATH) -> list[LabelledItem]:
    items, category = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            category = line[1:-1]
            if category not in CATEGORIES:
                raise ValueError(f"{path}:{number}: unknown category {category}")
            continue
        if category is None:
            raise ValueError(f"{path}:{number}: example before any [category]")
        items.append(LabelledItem(f"seed:{number}", line, "", frozenset({category})))
    return items


def accepted_matrix(items: Sequence[LabelledItem]) -> np.ndarray:
    return np.array([[c in item.accepted for c in CATEGORIES] for item in items], dtype=bool)


def cached_embedder(embed: Embed, cache: Path | None, model_name: str) -> Embed:
    """Embeddings of the same texts by the same model are read back from `cache` (slow CPU)."""
    if cache is None:
        return embed

    def embed_cached(texts: list[str]) -> np.ndarray:
        digest = hashlib.sha256(json.dumps([model_name, texts]).encode()).hexdigest()[:24]
        path = cache / f"{digest}.npy"
        if path.exists():
            return np.load(path)
        vectors = embed(texts)
        cache.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
        return vectors

    return embed_cached


def build_examples(
    articles: list[LabelledItem],
    headlines: list[LabelledItem],
    embed: Embed,
) -> list[Examples]:
    """Vectors of what the pipeline stores (embedding_text); words of the title and body."""
    seed = read_seed()
    kinds = [
        ("articles", articles, True),
        ("article_titles", articles, False),
        ("headlines", headlines, False),
        ("seed", seed, False),
    ]
    return [
        Examples(
            kind,
            [text_for_model(i.title, i.text if with_body else "") for i in items],
            embed([embedding_text(i.title, i.text if with_body else "") for i in items]),
            accepted_matrix(items),
            [i.group or i.id for i in items],
            [i.published for i in items],
            [i.source for i in items],
        )
        for kind, items, with_body in kinds
        if items
    ]


def _sample_weights(examples: list[Examples]) -> np.ndarray:
    """Each kind gets its share of the weight, split equally among the categories it teaches,
    and within a category equally among its stories (a story's near-identical headlines count
    once together: held-out headline accuracy 0.767 against 0.764 counting each headline).
    """
    weights = []
    for e in examples:
        first = e.accepted.argmax(axis=1)
        _, story, story_sizes = np.unique(e.groups, return_inverse=True, return_counts=True)
        per_story = 1.0 / story_sizes[story]
        category_totals = np.bincount(first, weights=per_story, minlength=len(CATEGORIES))
        taught = np.count_nonzero(category_totals)
        weights.append(KIND_WEIGHTS[e.kind] / taught * per_story / category_totals[first])
    return np.concatenate(weights)


def fit_lexical(texts: list[str], accepted: np.ndarray, sample_weights: np.ndarray) -> LexicalModel:
    """TF-IDF + logistic regression; an example accepting k answers counts 1/k for each."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, labels = np.nonzero(accepted)
    share = sample_weights[rows] / accepted.sum(axis=1)[rows]
    vectorizer = TfidfVectorizer(
        analyzer=ngrams, min_df=2, sublinear_tf=True, max_features=LEXICAL_FEATURES, dtype=np.float64
    )
    features = vectorizer.fit_transform([texts[i] for i in rows])
    classifier = LogisticRegression(C=LEXICAL_C, max_iter=2000)
    classifier.fit(features, labels, sample_weight=share * len(share))
    weights = np.zeros((features.shape[1] + 1, len(CATEGORIES)), dtype=np.float32)
    # Categories no example teaches keep a very low bias rather than none at all.
    weights[-1] = -20.0
    weights[:-1, classifier.classes_] = classifier.coef_.T
    weights[-1, classifier.classes_] = classifier.intercept_
    return LexicalModel(dict(vectorizer.vocabulary_), vectorizer.idf_, weights)


def fit(examples: list[Examples], embedder: str = "") -> CategoryModel:
    examples = [e for e in examples if len(e.vectors)]
    vectors = np.vstack([e.vectors for e in examples])
    accepted = np.vstack([e.accepted for e in examples])
    sample_weights = _sample_weights(examples)
    embedding = fit_partial_labels(vectors, accepted, sample_weights, CATEGORIES, l2=L2, steps=STEPS)
    lexical = fit_lexical([t for e in examples for t in e.texts], accepted, sample_weights)
    return CategoryModel(embedding, lexical, LEXICAL_SHARE, LEXICAL_SHARE_TITLE, embedder)


def accuracy(model: CategoryModel, examples: Examples, rows: np.ndarray | None = None) -> float:
    if rows is not None:
        examples = examples.subset(np.flatnonzero(rows))
    vectors, accepted = examples.vectors, examples.accepted
    if not len(vectors):
        return float("nan")
    titles_only = np.full(len(vectors), examples.kind != "articles")
    probabilities = model.probabilities(examples.texts, vectors, titles_only)
    chosen = [decide(p, model.categories)[0] for p in probabilities]
    return _hits(chosen, accepted) / len(chosen)


def _hits(chosen: Sequence[str], accepted: np.ndarray) -> int:
    return sum(
        bool(c in CATEGORIES and row[CATEGORIES.index(c)]) for c, row in zip(chosen, accepted, strict=True)
    )


def pooled_cli_hits(model: CategoryModel, headlines: Examples, order: np.ndarray) -> int:
    """Headlines right when classified as `newsdesk categorize` classifies a file of them in `order`:
    one InputPools (no timestamps, order standing for time), batches of INPUT_BATCH, classify_many."""
    pool, chosen = InputPools(), [""] * len(order)
    for start in range(0, len(order), INPUT_BATCH):
        rows = order[start : start + INPUT_BATCH]
        results = classify_many(
            [(headlines.texts[i], "") for i in rows], model=model, vectors=headlines.vectors[rows], pool=pool
        )
        for row, (category, _) in zip(rows, results, strict=True):
            chosen[row] = category
    return _hits(chosen, headlines.accepted)


def pooled_pipeline_hits(model: CategoryModel, headlines: Examples) -> int:
    """Headlines right when decided as the pipeline decides them: in time order (ties: set order),
    each joins a story of StoryClusterer(cluster_settings()) and, as assign.story_category does, its
    own evidence and that of the newest STORY_MEMBERS_POOLED earlier members of its story as it
    stands then make a pool; it and each of those members are decided from their own evidence
    pooled with it (toward_story, POOL_WEIGHT; no section prior). A headline counts with its last
    decision; one alone in its story keeps its own. Needs every headline's time."""
    filled, log_p = log_evidence([(t, "") for t in headlines.texts], model=model, vectors=headlines.vectors)
    evidence = dict(zip(filled, log_p, strict=True))
    vectors = np.asarray(headlines.vectors, dtype=np.float32)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    clusterer = StoryClusterer(cluster_settings())
    chosen, joined = [""] * len(headlines.texts), []
    for i in sorted(range(len(headlines.texts)), key=lambda i: (headlines.published[i], i)):
        item = StoryItem(str(i), headlines.texts[i], headlines.published[i], vectors[i], headlines.sources[i])
        clusterer.add(item)
        story = clusterer.story_of(item.id)
        joined.append(i)
        if i not in evidence:
            continue
        members = [j for j in reversed(joined[:-1]) if j in evidence and clusterer.story_of(str(j)) == story]
        members = members[:STORY_MEMBERS_POOLED]
        pool = np.array([evidence[j] for j in (i, *members)])
        for j, probabilities in zip((i, *members), toward_story(pool, pool, POOL_WEIGHT), strict=True):
            chosen[j] = decide(probabilities, model.categories)[0]
    return _hits(chosen, headlines.accepted)


def _folds(groups: list[str], folds: int, seed: int) -> np.ndarray:
    """A fold per row; all rows of one group share it."""
    unique = sorted(set(groups))
    order = np.random.default_rng(seed).permutation(len(unique))
    fold_of = {group: order[i] % folds for i, group in enumerate(unique)}
    return np.array([fold_of[g] for g in groups])


def cross_validate(examples: list[Examples], folds: int = FOLDS) -> dict[str, float]:
    """Held-out accuracy: articles by random folds, headlines by folds of whole stories."""
    by_kind = {e.kind: e for e in examples}
    articles, headlines = by_kind["articles"], by_kind.get("headlines")
    article_fold = _folds(articles.groups, folds, seed=1)
    headline_fold = _folds(headlines.groups, folds, seed=2) if headlines else None
    article_hits, headline_hits = [], []
    cli_hits, cli_set_order_hits, pipeline_hits = 0, 0, 0
    timed = bool(headlines) and all(t is not None for t in headlines.published)
    cli_order = np.random.default_rng(CLI_ORDER_SEED)
    for fold in range(folds):
        training = []
        for e in examples:
            if e.kind in ("articles", "article_titles"):
                training.append(e.subset(np.flatnonzero(article_fold != fold)))
            elif e.kind == "headlines":
                training.append(e.subset(np.flatnonzero(headline_fold != fold)))
            else:
                training.append(e)
        model = fit(training)
        held = article_fold == fold
        article_hits.append(accuracy(model, articles, held) * held.sum())
        if headlines:
            held = headline_fold == fold
            headline_hits.append(accuracy(model, headlines, held) * held.sum())
            held_out = headlines.subset(np.flatnonzero(held))
            cli_hits += pooled_cli_hits(model, held_out, cli_order.permutation(len(held_out.texts)))
            cli_set_order_hits += pooled_cli_hits(model, held_out, np.arange(len(held_out.texts)))
            if timed:
                pipeline_hits += pooled_pipeline_hits(model, held_out)
    result = {"articles_cv_accuracy": round(sum(article_hits) / len(articles.vectors), 4)}
    if headlines:
        result["headlines_story_cv_accuracy"] = round(sum(headline_hits) / len(headlines.vectors), 4)
        if timed:
            result["headlines_story_cv_accuracy_pooled_pipeline"] = round(
                pipeline_hits / len(headlines.vectors), 4
            )
        result["headlines_story_cv_accuracy_pooled_cli"] = round(cli_hits / len(headlines.vectors), 4)
        result["headlines_story_cv_accuracy_pooled_cli_set_order"] = round(
            cli_set_order_hits / len(headlines.vectors), 4
        )
        without_headlines = fit([e for e in examples if e.kind != "headlines"])
        result["headlines_cross_domain_accuracy"] = round(accuracy(without_headlines, headlines), 4)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bbc", type=Path, required=True, help="BBC-style articles, jsonl")
    parser.add_argument("--uci", type=Path, help="aggregator headlines, csv")
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--cache", type=Path, help="folder for cached embeddings")
    parser.add_argument("--cv", action="store_true", help="also print cross-validated accuracy")
    args = parser.parse_args(argv)
    from newsdesk.enrich.embeddings import get_embedder

    embedder = get_embedder()
    embed = cached_embedder(embedder.embed, args.cache, embedder.name)
    articles = read_bbc_jsonl(args.bbc)
    headlines = read_aggregator_csv(args.uci) if args.uci else []
    examples = build_examples(articles, headlines, embed)
    model = fit(examples, embedder.name)
    model.save(args.out, examples=sum(len(e.vectors) for e in examples))
    report = {"weights": str(args.out), **{e.kind: len(e.vectors) for e in examples}}
    if args.cv:
        report.update(cross_validate(examples))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
