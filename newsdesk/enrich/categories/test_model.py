import numpy as np

from newsdesk.enrich.categories.lexical import LexicalModel, ngrams
from newsdesk.enrich.categories.model import CategoryModel, LinearModel, fit_partial_labels, load_model

CATEGORIES = ("a", "b", "c")


def clusters(rng: np.random.Generator, n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    centres = np.eye(3) * 3
    labels = rng.integers(0, 3, n)
    return centres[labels] + rng.normal(scale=0.5, size=(n, 3)), labels


def test_softmax_regression_learns_separable_classes():
    rng = np.random.default_rng(7)
    vectors, labels = clusters(rng)
    accepted = np.eye(3, dtype=bool)[labels]
    model = fit_partial_labels(vectors, accepted, np.ones(len(labels)), CATEGORIES, steps=300)
    test_vectors, test_labels = clusters(rng)
    predicted = np.exp(model.log_probabilities(test_vectors)).argmax(axis=1)
    assert (predicted == test_labels).mean() > 0.95


def test_partial_labels_let_the_data_choose_between_the_accepted_answers():
    rng = np.random.default_rng(3)
    vectors, labels = clusters(rng, 90)
    accepted = np.eye(3, dtype=bool)[labels]
    # Class "c" examples are only known to be "b or c"; the "a"/"b" examples say where b lies.
    accepted[labels == 2] = [False, True, True]
    model = fit_partial_labels(vectors, accepted, np.ones(len(labels)), CATEGORIES, steps=300)
    probabilities = np.exp(model.log_probabilities(vectors[labels == 2]))
    assert (probabilities[:, 1] + probabilities[:, 2] > 0.9).all()
    assert probabilities[:, 0].max() < 0.1


def test_word_ngrams_are_lower_case_words_and_pairs():
    assert ngrams("The Fed's rate, RAISED") == [
        "the",
        "fed",
        "rate",
        "raised",
        "the fed",
        "fed rate",
        "rate raised",
    ]


def test_lexical_model_scores_by_tf_idf_weighted_words():
    vocabulary = {"goal": 0, "shares": 1}
    weights = np.array([[2.0, -2.0], [-2.0, 2.0], [0.0, 0.0]])
    model = LexicalModel(vocabulary, np.ones(2), weights)
    log_p = model.log_probabilities(["A late goal", "Shares fell", "nothing known"])
    assert log_p[0].argmax() == 0 and log_p[1].argmax() == 1
    assert np.allclose(np.exp(log_p[2]), 0.5)


def test_a_saved_model_loads_back_the_same(tmp_path):
    embedding = LinearModel(("a", "b"), np.arange(8, dtype=np.float32).reshape(4, 2))
    lexical = LexicalModel({"goal": 0, "shares": 1}, np.array([1.0, 2.0]), np.ones((3, 2), dtype=np.float32))
    CategoryModel(embedding, lexical, 0.5, 0.25, "test-embedder").save(tmp_path / "w.npz")
    loaded = load_model(tmp_path / "w.npz")
    vectors = np.random.default_rng(1).normal(size=(2, 3)).astype(np.float32)
    assert loaded.categories == ("a", "b") and loaded.embedder == "test-embedder"
    original = CategoryModel(embedding, lexical, 0.5, 0.25, "test-embedder")
    for titles_only in (None, [True, False]):
        assert np.allclose(
            loaded.probabilities(["goal", "x"], vectors, titles_only),
            original.probabilities(["goal", "x"], vectors, titles_only),
        )


def test_a_bare_title_gets_the_title_share_of_the_word_model():
    embedding = LinearModel(("a", "b"), np.zeros((3, 2), dtype=np.float32))
    lexical = LexicalModel({"goal": 0}, np.ones(1), np.array([[2.0, -2.0], [0.0, 0.0]]))
    model = CategoryModel(embedding, lexical, 1.0, 0.0, "test")
    vectors = np.zeros((2, 2), dtype=np.float32)
    probabilities = model.probabilities(["goal", "goal"], vectors, [False, True])
    assert probabilities[0, 0] > 0.95, "with body text the words count fully"
    assert np.allclose(probabilities[1], 0.5), "a bare title here leaves the words out"
