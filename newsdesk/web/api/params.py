"""Query parameters: read strictly, so a typo is a 400 that names it rather than a silently wider answer."""

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from django.http import QueryDict

from newsdesk.models import Category
from newsdesk.store.search import parse_query
from newsdesk.web.api.http import ApiError
from newsdesk.web.pages.views import MAX_QUERY_LENGTH

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Far beyond any ranked list (search ranks 1,000 matches): a bigger offset was not made by this API.
MAX_OFFSET = 1_000_000
ARTICLE_FILTERS = ("category", "source", "hashtag", "language", "since", "until")
PAGING = ("cursor", "page_size")
ARTICLE_PARAMETERS = (*ARTICLE_FILTERS, "q", *PAGING)
STORY_PARAMETERS = ("min_sources", *PAGING)
# A story's full coverage pages its timeline.
COVERAGE_PARAMETERS = PAGING
TRENDING_PARAMETERS = ("limit",)
SOURCE_PARAMETERS = PAGING
# Source rows are small: a default page holds every source of a default install (the bundled list).
DEFAULT_SOURCE_PAGE_SIZE = 100
MAX_SOURCE_PAGE_SIZE = 500
DEFAULT_TRENDING = 10
MAX_TRENDING = 50
# ISO 639-1 codes as enrich/language stores them; three letters allowed for 639-2/3.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
# A "+02:00" offset typed unencoded in a URL arrives as " 02:00".
UNENCODED_OFFSET = re.compile(r" (\d{2}(?::?\d{2})?)$")


def bad_parameter(name: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", f"{name}: {message}")


@dataclass(frozen=True)
class KeyCursor:
    """A position in a newest-first list: the (published_at, id) of the row it starts beside."""

    older: bool  # True: the rows after this one (older); False: the rows before it (newer)
    published_at: datetime
    article_id: str


@dataclass(frozen=True)
class OffsetCursor:
    """A position in a ranked list (search, stories), whose order has no stable key."""

    offset: int


@dataclass(frozen=True)
class NameCursor:
    """A position in a list by name (sources): the (name, id) of the row it starts beside."""

    after: bool  # True: the rows after this one (later names); False: the rows before it
    name: str
    row_id: int


Cursor = KeyCursor | OffsetCursor | NameCursor
CursorKind = TypeVar("CursorKind", KeyCursor, OffsetCursor, NameCursor)


@dataclass(frozen=True)
class ArticleFilters:
    category: str | None = None
    source: str | None = None
    hashtag: str | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class ArticleQuery:
    filters: ArticleFilters
    q: str | None
    page_size: int
    cursor: Cursor | None


@dataclass(frozen=True)
class StoryQuery:
    min_sources: int
    page_size: int
    cursor: OffsetCursor | None


@dataclass(frozen=True)
class TimelineQuery:
    page_size: int
    cursor: OffsetCursor | None


@dataclass(frozen=True)
class SourceQuery:
    page_size: int
    cursor: NameCursor | None


def check_known(params: QueryDict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        accepted = ", ".join(allowed) if allowed else "none"
        raise ApiError(
            400,
            "unknown_parameter",
            f"unknown parameter {', '.join(unknown)}; this endpoint takes: {accepted}",
        )


def single(params: QueryDict, name: str) -> str | None:
    """The parameter's one value; None when absent. Given twice is an error, not a silent pick."""
    values = params.getlist(name)
    if len(values) > 1:
        raise bad_parameter(name, "give it once")
    return values[0] if values else None


def whole_number(params: QueryDict, name: str, default: int, low: int, high: int) -> int:
    raw = single(params, name)
    if raw is None:
        return default
    # isascii: "²".isdigit() is true, and int() refuses it.
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise bad_parameter(name, f"a whole number from {low} to {high}, not {raw!r}")
    return int(raw)


def moment(name: str, raw: str) -> datetime:
    """An ISO 8601 date or date-time; without a zone it is UTC, a bare date is its midnight UTC."""
    text = UNENCODED_OFFSET.sub(r"+\1", raw.strip())
    try:
        parsed = datetime.fromisoformat(text)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: an offset that moves it past year 9999
        raise bad_parameter(
            name, f"an ISO 8601 date or date-time such as 2024-03-05 or 2024-03-05T12:00:00Z, not {raw!r}"
        ) from None


def encode_cursor(cursor: Cursor) -> str:
    if isinstance(cursor, OffsetCursor):
        payload: dict = {"o": cursor.offset}
    elif isinstance(cursor, NameCursor):
        payload = {"d": "after" if cursor.after else "before", "n": cursor.name, "i": cursor.row_id}
    else:
        payload = {
            "d": "older" if cursor.older else "newer",
            "t": cursor.published_at.isoformat(),
            "i": cursor.article_id,
        }
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> Cursor:
    """The cursor a `next`/`previous` link carried; anything else is a 400, never a wrong page."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        if set(payload) == {"o"} and isinstance(payload["o"], int) and 0 <= payload["o"] <= MAX_OFFSET:
            return OffsetCursor(payload["o"])
        if set(payload) == {"d", "t", "i"} and payload["d"] in ("older", "newer") and _storable(payload["i"]):
            published_at = datetime.fromisoformat(payload["t"])
            if published_at.tzinfo is not None:
                return KeyCursor(payload["d"] == "older", published_at, payload["i"])
        if (
            set(payload) == {"d", "n", "i"}
            and payload["d"] in ("after", "before")
            and _storable(payload["n"])
            and type(payload["i"]) is int
            and 0 <= payload["i"] < 2**63
        ):
            return NameCursor(payload["d"] == "after", payload["n"], payload["i"])
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, AttributeError):
        pass
    raise bad_parameter("cursor", "not a cursor this API gave; follow the next and previous links as given")


def _storable(value: object) -> bool:
    """A string every database can compare: PostgreSQL refuses a NUL in text outright."""
    return isinstance(value, str) and "\x00" not in value


def page_size(params: QueryDict, default: int = DEFAULT_PAGE_SIZE, most: int = MAX_PAGE_SIZE) -> int:
    return whole_number(params, "page_size", default, 1, most)


def article_query(params: QueryDict) -> ArticleQuery:
    """The /articles parameters, checked; the source and hashtag are looked up by the query itself."""
    check_known(params, ARTICLE_PARAMETERS)
    category = single(params, "category")
    if category is not None and category not in Category.values:
        raise bad_parameter("category", f"unknown category {category!r}; one of {', '.join(Category.values)}")
    language = single(params, "language")
    if language is not None:
        language = language.lower()
        if not LANGUAGE_CODE.fullmatch(language):
            raise bad_parameter("language", f"an ISO 639-1 code such as en or de, not {language!r}")
    hashtag = single(params, "hashtag")
    if hashtag is not None:
        hashtag = hashtag.strip().lstrip("#")
        if not hashtag:
            raise bad_parameter("hashtag", "a hashtag name such as Elections")
    since, until = (single(params, name) for name in ("since", "until"))
    filters = ArticleFilters(
        category=category,
        source=single(params, "source"),
        hashtag=hashtag,
        language=language,
        since=moment("since", since) if since is not None else None,
        until=moment("until", until) if until is not None else None,
    )
    if filters.since and filters.until and filters.since >= filters.until:
        raise bad_parameter("since", "must come before until")
    q = single(params, "q")
    if q is not None:
        q = _search_words(q)
        given = [name for name in ARTICLE_FILTERS if params.get(name) is not None]
        if given:
            raise bad_parameter(
                "q", f"search ranks the whole archive and cannot be combined with {', '.join(given)}"
            )
    decoded = _cursor_of(params, OffsetCursor if q is not None else KeyCursor)
    return ArticleQuery(filters=filters, q=q, page_size=page_size(params), cursor=decoded)


def _search_words(q: str) -> str:
    if len(q) > MAX_QUERY_LENGTH:
        raise bad_parameter("q", f"at most {MAX_QUERY_LENGTH} characters")
    if not parse_query(q):
        raise bad_parameter("q", "give words to search for")
    return q.strip()


def story_query(params: QueryDict, default_min_sources: int) -> StoryQuery:
    check_known(params, STORY_PARAMETERS)
    return StoryQuery(
        min_sources=whole_number(params, "min_sources", default_min_sources, 1, 1000),
        page_size=page_size(params),
        cursor=_cursor_of(params, OffsetCursor),
    )


def timeline_query(params: QueryDict) -> TimelineQuery:
    check_known(params, COVERAGE_PARAMETERS)
    return TimelineQuery(page_size=page_size(params), cursor=_cursor_of(params, OffsetCursor))


def _cursor_of(params: QueryDict, kind: type[CursorKind]) -> CursorKind | None:
    """The request's cursor, which must be of the kind this list pages by."""
    cursor = single(params, "cursor")
    decoded = decode_cursor(cursor) if cursor is not None else None
    if decoded is not None and not isinstance(decoded, kind):
        raise bad_parameter("cursor", "this cursor belongs to another query; follow the links as given")
    return decoded


def source_query(params: QueryDict) -> SourceQuery:
    check_known(params, SOURCE_PARAMETERS)
    return SourceQuery(
        page_size=page_size(params, DEFAULT_SOURCE_PAGE_SIZE, MAX_SOURCE_PAGE_SIZE),
        cursor=_cursor_of(params, NameCursor),
    )


def trending_limit(params: QueryDict) -> int:
    check_known(params, TRENDING_PARAMETERS)
    return whole_number(params, "limit", DEFAULT_TRENDING, 1, MAX_TRENDING)
