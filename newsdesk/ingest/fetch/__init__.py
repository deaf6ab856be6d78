"""Fetching publishers' pages and feeds politely and safely (see client.py)."""

from newsdesk.ingest.fetch.addresses import GuardedTransport, is_public_address
from newsdesk.ingest.fetch.charset import decode_body
from newsdesk.ingest.fetch.client import Fetcher, FetchResult
from newsdesk.ingest.fetch.errors import (
    BodyTooLarge,
    ConnectionFailed,
    ContentDecodingFailed,
    FetchError,
    FetchTimeout,
    HostCoolingDown,
    HTTPStatusError,
    PrivateAddressRefused,
    RobotsDisallowed,
    TooManyRedirects,
    UnsupportedURL,
)
from newsdesk.ingest.fetch.retry import backoff_seconds, parse_retry_after

__all__ = [
    "BodyTooLarge",
    "ConnectionFailed",
    "ContentDecodingFailed",
    "FetchError",
    "FetchResult",
    "FetchTimeout",
    "Fetcher",
    "GuardedTransport",
    "HTTPStatusError",
    "HostCoolingDown",
    "PrivateAddressRefused",
    "RobotsDisallowed",
    "TooManyRedirects",
    "UnsupportedURL",
    "backoff_seconds",
    "decode_body",
    "is_public_address",
    "parse_retry_after",
]
