"""Stable identity for articles: canonical URLs, ids and content hashes.

The same story reaches us as `?utm_source=…`, as an AMP page, with or without a
trailing slash; all of them must map to one article id.
"""

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ocid",
        "cmpid",
        "ncid",
        "ito",
        "smid",
        "cid_source",
        "ref_src",
        "amp",
        "outputtype",
        "__twitter_impression",
        "at_medium",
        "at_campaign",
        "src",
        "ref",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_")
DEFAULT_PORTS = {"http": 80, "https": 443}
AMP_PATH = re.compile(r"(?:/amp/?$|\.amp(?=\.html?$|$)|/amp(?=/)(?!/s/))", re.IGNORECASE)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonicalize_url(url: str) -> str:
    """A normal form for an article URL; two forms of one page give the same string."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("amp."):
        host = host[4:]
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"

    path = re.sub(r"/{2,}", "/", parts.path or "/")
    path = AMP_PATH.sub("", path) or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"

    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def without_tracking(url: str) -> str:
    """`url` as given, less its tracking parameters (utm_source, fbclid, ...): the address a link
    should send a reader to. Unlike `canonicalize_url` it changes nothing else, since a publisher's
    server may care about a trailing slash or the order of parameters."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = [pair for pair in parts.query.split("&") if not _is_tracking(pair.split("=", 1)[0])]
    return urlunsplit(parts._replace(query="&".join(pairs)))


def article_id(canonical_url: str) -> str:
    """The article id: 32 hex digits of md5 over the canonical URL."""
    return hashlib.md5(canonical_url.encode("utf-8")).hexdigest()


def content_hash(text: str) -> str:
    """A hash of the body that survives whitespace, case and punctuation noise; empty for short text."""
    folded = unicodedata.normalize("NFKC", text).lower()
    words = re.findall(r"\w+", folded)
    if len(words) < 40:
        return ""
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()
