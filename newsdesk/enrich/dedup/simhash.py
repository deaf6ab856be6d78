"""64-bit SimHash of word shingles: syndicated copies of one wire text land a few bits apart.

Copies differ by a byline, a dateline or a trimmed last paragraph; SimHash moves only a few bits
for such edits, while two different texts differ in about half of the 64.
"""

import hashlib
import re

import numpy as np

SHINGLE_WORDS = 4
# Fingerprints this close are compared word by word; unrelated texts differ in ~32 bits, while a
# copy with a new byline or a trimmed paragraph drifts by up to ~20.
CANDIDATE_BITS = 18
# Share of the shorter text's shingles found in the longer one for it to count as a copy.
MIN_CONTAINMENT = 0.7
# Below this many words (a feed teaser, a headline) a fingerprint is too coarse to trust.
MIN_WORDS = 40

_WORD = re.compile(r"\w+")
_MASK = (1 << 64) - 1


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def shingles(text: str) -> set[str]:
    tokens = words(text)
    return {" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)}


def simhash(text: str) -> int | None:
    """Signed 64-bit fingerprint (fits a BigInteger column), or None for texts too short to judge."""
    tokens = words(text)
    if len(tokens) < MIN_WORDS:
        return None
    digests = b"".join(
        hashlib.blake2b(" ".join(tokens[start : start + SHINGLE_WORDS]).encode(), digest_size=8).digest()
        for start in range(len(tokens) - SHINGLE_WORDS + 1)
    )
    # One row of 64 bits per shingle; a fingerprint bit is set where most shingles set it.
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1, bitorder="big")
    majority = bits.sum(axis=0) * 2 > bits.shape[0]
    unsigned = int("".join("1" if bit else "0" for bit in majority), 2)
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def hamming(first: int, second: int) -> int:
    return ((first ^ second) & _MASK).bit_count()


def containment(first: str, second: str) -> float:
    """How much of the shorter text the longer one contains: 1.0 for a copy that was only trimmed."""
    a, b = shingles(first), shingles(second)
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def is_copy(first: str, second: str, first_hash: int | None = None, second_hash: int | None = None) -> bool:
    """Same wire text: fingerprints close, then confirmed on the shingles themselves."""
    first_hash = simhash(first) if first_hash is None else first_hash
    second_hash = simhash(second) if second_hash is None else second_hash
    if first_hash is None or second_hash is None or hamming(first_hash, second_hash) > CANDIDATE_BITS:
        return False
    return containment(first, second) >= MIN_CONTAINMENT
