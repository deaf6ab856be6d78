import codecs

import pytest

from newsdesk.ingest.fetch import decode_body
from newsdesk.ingest.fetch.charset import codec_name, declared_encodings

FRENCH = (
    "Le café du coin a rouvert ses portes après trois mois de travaux. Les habitués étaient "
    "nombreux à célébrer l'événement : « enfin ! », s'exclamait une cliente âgée."
)


def test_header_charset() -> None:
    text, encoding = decode_body(FRENCH.encode("latin-1"), "text/html; charset=ISO-8859-1")
    assert (text, encoding) == (FRENCH, "cp1252")


def test_latin1_label_means_windows_1252_like_browsers() -> None:
    body = "“quoted” – €5".encode("cp1252")
    assert decode_body(body, "text/html; charset=iso-8859-1") == ("“quoted” – €5", "cp1252")


def test_meta_charset_both_forms() -> None:
    for meta in (
        '<meta charset="windows-1252">',
        '<meta http-equiv="Content-Type" content="text/html; charset=latin1">',
    ):
        body = f"<html><head>{meta}</head><body>{FRENCH}</body></html>".encode("cp1252")
        text, encoding = decode_body(body, "text/html")
        assert FRENCH in text and encoding == "cp1252"


def test_xml_prolog() -> None:
    body = f'<?xml version="1.0" encoding="ISO-8859-15"?><rss><title>{FRENCH} €</title></rss>'.encode(
        "iso8859-15"
    )
    text, encoding = decode_body(body, "application/rss+xml")
    assert f"{FRENCH} €" in text and encoding == "iso8859-15"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_byte_order_mark_wins_and_is_stripped(bom: bytes, codec: str) -> None:
    body = bom + FRENCH.encode(codec)
    assert decode_body(body, "text/html; charset=iso-8859-1") == (FRENCH, codec)


def test_header_beats_meta() -> None:
    body = f'<meta charset="utf-8"><p>{FRENCH}</p>'.encode("cp1252")
    assert decode_body(body, "text/html; charset=windows-1252")[1] == "cp1252"


def test_declaration_the_bytes_contradict_is_skipped() -> None:
    # A server default of "charset=utf-8" on a page that really is windows-1252.
    body = f'<meta charset="windows-1252"><p>{FRENCH}</p>'.encode("cp1252")
    text, encoding = decode_body(body, "text/html; charset=utf-8")
    assert FRENCH in text and encoding == "cp1252"


def test_undeclared_utf8() -> None:
    assert decode_body(FRENCH.encode()) == (FRENCH, "utf-8")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (FRENCH, "cp1252"),
        ("Москва - столица России, крупнейший город страны и её политический центр.", "koi8_r"),
        ("Η Αθήνα είναι η πρωτεύουσα της Ελλάδας και η μεγαλύτερη πόλη της χώρας.", "cp1253"),
    ],
)
def test_undeclared_legacy_text_is_detected(text: str, codec: str) -> None:
    assert decode_body(text.encode(codec))[0] == text


def test_meta_claiming_utf16_in_an_ascii_document_means_utf8() -> None:
    body = f'<meta charset="utf-16"><p>{FRENCH}</p>'.encode()
    assert decode_body(body, "text/html") == (body.decode(), "utf-8")


def test_unknown_labels_are_ignored() -> None:
    assert codec_name("x-no-such-charset") is None
    body = FRENCH.encode()
    assert decode_body(body, "text/html; charset=x-no-such-charset") == (FRENCH, "utf-8")


def test_garbage_never_raises() -> None:
    text, _ = decode_body(bytes(range(256)) * 4, "text/html; charset=utf-8")
    assert isinstance(text, str) and text


def test_declared_encodings_order() -> None:
    body = b'<?xml version="1.0" encoding="iso-8859-2"?><meta charset="koi8-r">'
    assert declared_encodings(body, "text/xml; charset=shift_jis") == ["cp932", "iso8859-2", "koi8-r"]
