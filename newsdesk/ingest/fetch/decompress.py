"""Content-Encoding decoders that never inflate more than a small piece at a time.

httpx inflates each network chunk in one go; a few kilobytes of brotli can expand
to gigabytes, so the body cap must be checked between bounded pieces instead.
A truncated compressed stream simply yields what it had, as browsers do.
"""

import zlib
from collections.abc import Iterable, Iterator

import brotli

PIECE_BYTES = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate, br"


class UnsupportedEncoding(ValueError):
    pass


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data


class _Zlib:
    def __init__(self, wbits: int, *, sniff_raw_deflate: bool = False) -> None:
        self._inflater = zlib.decompressobj(wbits)
        # "deflate" means zlib-wrapped by the RFC, but some servers send raw deflate;
        # the first two bytes tell which.
        self._sniff_buffer = b"" if sniff_raw_deflate else None

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._sniff_buffer is not None:
            data = self._sniff_buffer + data
            if len(data) < 2:
                self._sniff_buffer = data
                return
            self._sniff_buffer = None
            if not _is_zlib_header(data[:2]):
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        while data or not self._inflater.eof:
            piece = self._inflater.decompress(data, PIECE_BYTES)
            if piece:
                yield piece
            data = self._inflater.unconsumed_tail
            # A full piece can leave output pending inside zlib, so only stop on a short one.
            if self._inflater.eof or (not data and len(piece) < PIECE_BYTES):
                break


def _is_zlib_header(first_two: bytes) -> bool:
    """RFC 1950: method 8 (deflate), window size <= 32 KiB, and a header checksum divisible by 31."""
    return first_two[0] & 0x0F == 8 and first_two[0] >> 4 <= 7 and int.from_bytes(first_two) % 31 == 0


class _Brotli:
    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        piece = self._decompressor.process(data, output_buffer_limit=PIECE_BYTES)
        # Output stays pending both while the decoder refuses input and after a full piece.
        while True:
            if piece:
                yield piece
            if self._decompressor.can_accept_more_data() and len(piece) < PIECE_BYTES:
                return
            piece = self._decompressor.process(b"", output_buffer_limit=PIECE_BYTES)


def _decoder_for(coding: str) -> _Identity | _Zlib | _Brotli:
    if coding in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS)
    if coding == "deflate":
        return _Zlib(zlib.MAX_WBITS, sniff_raw_deflate=True)
    if coding == "br":
        return _Brotli()
    if coding == "identity":
        return _Identity()
    raise UnsupportedEncoding(f"unsupported Content-Encoding {coding!r}")


class BodyDecoder:
    """Undoes a Content-Encoding header's codings (applied in order, so undone in reverse).

    Raises UnsupportedEncoding for unknown codings, zlib.error or brotli.error for corrupt data.
    """

    def __init__(self, content_encoding: str | None) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        self._decoders = [_decoder_for(coding) for coding in reversed(codings)]

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of `data`, each at most about PIECE_BYTES long."""
        pieces: Iterable[bytes] = [data]
        for decoder in self._decoders:
            pieces = _chain_feed(decoder, pieces)
        yield from pieces


def _chain_feed(decoder: _Identity | _Zlib | _Brotli, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from decoder.feed(piece)
