"""Turning a fetched body into text: which character encoding did the publisher mean?

Declarations are tried in the order browsers trust them — byte-order mark, HTTP
header, XML prolog, HTML <meta> — and a declaration the bytes contradict (does not
decode) is skipped, because misconfigured servers are common. Without a usable
declaration: valid UTF-8 is UTF-8, otherwise charset-normalizer guesses among
the encodings browsers know.
"""

import codecs
import re

from charset_normalizer import from_bytes

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels browsers read as a superset encoding (WHATWG Encoding Standard); decoding
# "latin-1" pages as windows-1252 recovers their curly quotes and euro signs.
SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
}
# Guesses are limited to the legacy encodings browsers support: charset-normalizer
# left free prefers exotic code pages (Mac Latin-2 for plain French, for one).
WEB_LEGACY_ENCODINGS = [
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "iso8859_2", "iso8859_4", "iso8859_5", "iso8859_7", "iso8859_8", "iso8859_10", "iso8859_13",
    "iso8859_15", "iso8859_16", "koi8_r", "koi8_u", "cp866", "cp874",
    "gb18030", "big5", "euc_jp", "iso2022_jp", "shift_jis", "euc_kr",
]  # fmt: skip
PRESCAN_BYTES = 4096
HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([\w.:-]+)["']""", re.IGNORECASE)
META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def codec_name(label: str | bytes) -> str | None:
    """Python's codec for an encoding label, widened to the browser superset; None if unknown."""
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return SUPERSETS.get(name, name)


def declared_encodings(content: bytes, content_type: str | None = None) -> list[str]:
    """Encodings the body and its header declare, most trusted first."""
    found: list[str | None] = []
    for bom, name in BOMS:
        if content.startswith(bom):
            found.append(name)
            break
    if content_type and (match := HEADER_CHARSET.search(content_type)):
        found.append(codec_name(match.group(1)))
    head = content[:PRESCAN_BYTES]
    for pattern in (XML_ENCODING, META_CHARSET):
        if match := pattern.search(head):
            name = codec_name(match.group(1))
            # The declaration was readable as ASCII, so the document cannot really be UTF-16/32.
            found.append("utf-8" if name and name.startswith(("utf-16", "utf-32")) else name)
    unique: list[str] = []
    for name in found:
        if name and name not in unique:
            unique.append(name)
    return unique


def decode_body(content: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding used). Never raises: the last resort replaces undecodable bytes."""
    candidates = declared_encodings(content, content_type)
    for name in candidates:
        try:
            return _decode(content, name, "strict"), name
        except UnicodeDecodeError:
            continue
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = from_bytes(content, cp_isolation=WEB_LEGACY_ENCODINGS).best()
    if guess is not None and (name := codec_name(guess.encoding)):
        return _decode(content, name, "replace"), name
    name = candidates[0] if candidates else "utf-8"
    return _decode(content, name, "replace"), name


def _decode(content: bytes, name: str, errors: str) -> str:
    for bom, bom_name in BOMS:
        if content.startswith(bom) and name == bom_name:
            content = content[len(bom) :]
            break
    return content.decode(name, errors)
