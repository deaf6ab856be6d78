"""Sentence embeddings on the CPU, offline by default; the embedder is chosen by settings."""

from newsdesk.enrich.embeddings.base import Embedder
from newsdesk.enrich.embeddings.onnx import OnnxEmbedder, default_model_files

__all__ = ["Embedder", "OnnxEmbedder", "default_model_files", "get_embedder"]

_embedder: Embedder | None = None


def get_embedder() -> Embedder:
    """The process-wide embedder (loading a model costs a second and ~100 MB, so once)."""
    global _embedder
    if _embedder is None:
        from django.conf import settings

        model_path = getattr(settings, "NEWSDESK_EMBEDDING_MODEL_PATH", "")
        tokenizer_path = getattr(settings, "NEWSDESK_EMBEDDING_TOKENIZER_PATH", "")
        if not model_path:
            model_path, default_tokenizer = default_model_files()
            tokenizer_path = tokenizer_path or default_tokenizer
        _embedder = OnnxEmbedder(model_path, tokenizer_path)
    return _embedder
