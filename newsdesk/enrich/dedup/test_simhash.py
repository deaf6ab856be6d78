from pathlib import Path

from newsdesk.enrich.dedup.simhash import CANDIDATE_BITS, containment, hamming, is_copy, simhash

TESTDATA = Path(__file__).parent / "testdata"


def read(name: str) -> str:
    return (TESTDATA / name).read_text(encoding="utf-8")


def test_a_republished_wire_text_lands_a_few_bits_from_the_original():
    original, copy = simhash(read("wire.txt")), simhash(read("wire_copy.txt"))
    assert hamming(original, copy) <= CANDIDATE_BITS
    assert is_copy(read("wire.txt"), read("wire_copy.txt"))


def test_another_write_up_of_the_same_event_is_not_a_copy():
    assert not is_copy(read("wire.txt"), read("same_event_other_text.txt"))
    assert containment(read("wire.txt"), read("same_event_other_text.txt")) < 0.2


def test_fingerprints_fit_a_signed_64_bit_column():
    for name in ("wire.txt", "wire_copy.txt", "same_event_other_text.txt"):
        value = simhash(read(name))
        assert -(2**63) <= value < 2**63
    assert hamming(-1, 0) == 64


def test_a_text_too_short_to_judge_has_no_fingerprint_and_is_never_a_copy():
    assert simhash("Breakwater to close for repairs") is None
    assert not is_copy("Breakwater to close for repairs", "Breakwater to close for repairs")


def test_identical_texts_have_identical_fingerprints():
    assert simhash(read("wire.txt")) == simhash(read("wire.txt"))
