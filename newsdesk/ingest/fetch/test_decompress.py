import gzip
import zlib

import brotli
import pytest

from newsdesk.ingest.fetch.decompress import PIECE_BYTES, BodyDecoder, UnsupportedEncoding

TEXT = b"<p>" + b"All the news that fits, and then some. " * 5000 + b"</p>"


def _deflate_raw(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def _decode(encoding: str, body: bytes, chunk: int = 4096) -> bytes:
    decoder = BodyDecoder(encoding)
    return b"".join(
        piece for start in range(0, len(body), chunk) for piece in decoder.feed(body[start : start + chunk])
    )


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", _deflate_raw),
        ("br", brotli.compress),
        ("", lambda data: data),
        ("identity", lambda data: data),
    ],
)
def test_round_trip(encoding: str, encode) -> None:
    body = encode(TEXT)
    assert _decode(encoding, body) == TEXT
    assert _decode(encoding, body, chunk=1) == TEXT


def test_stacked_codings_are_undone_in_reverse() -> None:
    assert _decode("gzip, br", brotli.compress(gzip.compress(TEXT))) == TEXT


@pytest.mark.parametrize(("encoding", "encode"), [("gzip", gzip.compress), ("br", brotli.compress)])
def test_bomb_inflates_in_bounded_pieces(encoding: str, encode) -> None:
    bomb = encode(bytes(20 * 1024 * 1024))
    sizes = [len(piece) for piece in BodyDecoder(encoding).feed(bomb)]
    assert sum(sizes) == 20 * 1024 * 1024
    assert max(sizes) <= 2 * PIECE_BYTES


def test_corrupt_data_raises() -> None:
    with pytest.raises(zlib.error):
        _decode("gzip", TEXT)
    with pytest.raises(brotli.error):
        _decode("br", TEXT)


def test_unknown_coding() -> None:
    with pytest.raises(UnsupportedEncoding, match="compress"):
        BodyDecoder("compress")
