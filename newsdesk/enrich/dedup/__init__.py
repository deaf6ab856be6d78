"""Near-duplicates: syndicated copies of one wire text, grouped under the earliest version."""

from newsdesk.enrich.dedup.actions import mark_copies, originals
from newsdesk.enrich.dedup.simhash import containment, hamming, is_copy, simhash

__all__ = ["containment", "hamming", "is_copy", "mark_copies", "originals", "simhash"]
