"""Article vectors: compact storage and nearest-neighbour search (numpy matrix or pgvector)."""

from newsdesk.enrich.vectors.codec import vector_from_bytes, vector_to_bytes
from newsdesk.enrich.vectors.index import Neighbour, VectorIndex, get_vector_index, reset_vector_index
from newsdesk.enrich.vectors.store import embed_article, embed_articles, load_vectors, store_embedding

__all__ = [
    "Neighbour",
    "VectorIndex",
    "embed_article",
    "embed_articles",
    "get_vector_index",
    "load_vectors",
    "reset_vector_index",
    "store_embedding",
    "vector_from_bytes",
    "vector_to_bytes",
]
