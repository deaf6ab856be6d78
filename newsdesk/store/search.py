"""Full-text article search on the database's own engine (SQLite FTS5 or PostgreSQL tsvector).

The index itself is defined in search_index.py; these queries must
stay in step with it. Readers type anything, so their text never reaches the
engine's query syntax: it is parsed here (words, "phrases", -exclusions, `or`) and written
again, as quoted terms for SQLite and as plain words for PostgreSQL's websearch_to_tsquery.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from newsdesk.models import Article

# A match this many days old scores half of the same match published now.
RECENCY_HALF_LIFE_DAYS = 7.0
# Beyond this, extra words only slow the query down.
MAX_QUERY_WORDS = 16
# How many of the newest matches are ranked; older ones past this are not found.
MAX_CANDIDATES = 1000
# Column weights for SQLite's bm25(): a word in the title counts most.
SQLITE_WEIGHTS = "10.0, 4.0, 1.0"

# The key table's rowids grow with insertion, so the newest matches come first; ranking only the
# newest thousand keeps a query for a word in every article as cheap as a rare one. The key
# table's own published_at spares reading each candidate's article row, whose published_at sits
# behind the bodies on overflow pages. `total` counts the candidates (a subquery on the CTE, which
# SQLite materialises once: cheaper than a window function), so the caller knows whether the
# recent table held the newest thousand (search_index.py).
SQLITE_QUERY = f"""
    WITH candidates AS (
        SELECT rowid, bm25({{table}}, {SQLITE_WEIGHTS}) AS score
        FROM {{table}}
        WHERE {{table}} MATCH %s
        ORDER BY rowid DESC
        LIMIT %s
    )
    SELECT k.article_id, (SELECT count(*) FROM candidates) AS total
    FROM candidates c
    JOIN newsdesk_article_search_key k ON k.rowid = c.rowid
    ORDER BY c.score
        / (1.0 + max(0.0, julianday(%s) - julianday(k.published_at)) / {RECENCY_HALF_LIFE_DAYS}),
        k.published_at DESC,
        k.article_id
    LIMIT %s OFFSET %s
"""
SQLITE_RECENT_TABLE = "newsdesk_article_recent_fts"
SQLITE_FULL_TABLE = "newsdesk_article_fts"

# Same bound as SQLite: the GIN index finds the matches, only the newest thousand are ranked, on the
# stored document (search_index.py), so no body is parsed at query time. Sorting matches by date
# reads each one's row, so the matches are first taken from a recent window that widens only while
# it holds fewer than the candidates wanted: the newest thousand are the same, and a common word
# never reads a million rows. The window is a condition inside the GIN index over the document and
# the date (migration 0008, btree_gin), so a window's scan costs its own matches and rows, not the
# words' matches over the whole archive; each next window is sized from the matches the last one
# held, as one scan of the right width costs less than several narrower ones.
POSTGRES_CANDIDATES = """
    SELECT a.id, a.ctid
    FROM newsdesk_article a
    WHERE a.search_document @@ websearch_to_tsquery('english'::regconfig, %s)
        AND a.published_at >= %s::timestamptz
    ORDER BY a.published_at DESC
    LIMIT %s
"""
# The last step: no date condition, which inside the date GIN index would visit every date.
POSTGRES_ALL_CANDIDATES = """
    SELECT a.id, a.ctid
    FROM newsdesk_article a
    WHERE a.search_document @@ websearch_to_tsquery('english'::regconfig, %s)
    ORDER BY a.published_at DESC
    LIMIT %s
"""
POSTGRES_FIRST_WINDOW = timedelta(days=7)
# A window this wide would scan a year of dates: the whole archive through the words' index is cheaper.
POSTGRES_WIDEST_WINDOW = timedelta(days=365)
# Matches do not arrive evenly; a window sized for exactly the candidates would often fall short.
POSTGRES_WINDOW_MARGIN = 1.5
# The candidates are ranked where the candidate query found them, by row address (ctid): fetching
# a thousand rows again by their text key cost 7 ms at 10 k articles and 11 ms at 1 M, the deeper
# index being the only part of a search that grew once the windows were in. A row address holds
# only within one snapshot (an update moves the row), so both queries then run in one REPEATABLE
# READ transaction; inside a caller's transaction, whose statements each see their own snapshot,
# the key is used.
POSTGRES_RANKING = f"""
    SELECT a.id
    FROM newsdesk_article a
    WHERE {{rows}}
    ORDER BY ts_rank(a.search_document, websearch_to_tsquery('english'::regconfig, %s))
        / (1.0 + greatest(0.0, extract(epoch FROM (%s::timestamptz - a.published_at)) / 86400.0)
            / {RECENCY_HALF_LIFE_DAYS}) DESC,
        a.published_at DESC,
        a.id
    LIMIT %s OFFSET %s
"""


# A term of a reader's query: a word or a "quoted phrase", "-" before it (after a space) excluding it.
QUERY_TERM = re.compile(r'(?P<exclude>(?:^|(?<=\s))-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>\w+))')


@dataclass(frozen=True)
class Alternative:
    """Articles with every `required` term and none of the `excluded` ones; a term is a word or a phrase."""

    required: tuple[tuple[str, ...], ...]
    excluded: tuple[tuple[str, ...], ...] = ()


def parse_query(query: str) -> list[Alternative]:
    """A reader's query as web search engines read it: every word, "a phrase", -excluded, `or` between.

    Only words survive (no engine syntax gets through), at most MAX_QUERY_WORDS of them; an
    alternative with nothing required is dropped, as a search cannot start from exclusions.
    """
    groups: list[tuple[list, list]] = [([], [])]
    budget = MAX_QUERY_WORDS
    for match in QUERY_TERM.finditer(query):
        words = tuple(re.findall(r"\w+", match["phrase"] if match["phrase"] is not None else match["word"]))
        words = words[:budget]
        if not words:
            continue
        budget -= len(words)
        if match["word"] and words[0].lower() == "or" and not match["exclude"]:
            groups.append(([], []))
            continue
        groups[-1][1 if match["exclude"] else 0].append(words)
        if budget <= 0:
            break
    return [Alternative(tuple(required), tuple(excluded)) for required, excluded in groups if required]


def fts5_match_expression(query: str) -> str:
    """An FTS5 MATCH string for `parse_query(query)`: each term quoted, so `AND (` or `NEAR` is plain
    text, and PostgreSQL's websearch_to_tsquery reads the same query the same way. "" when nothing
    is required."""

    def quoted(term: tuple[str, ...]) -> str:
        return '"' + " ".join(term) + '"'

    alternatives = [
        " ".join(map(quoted, alternative.required))
        + "".join(f" NOT {quoted(term)}" for term in alternative.excluded)
        for alternative in parse_query(query)
    ]
    if len(alternatives) == 1:
        return alternatives[0]
    return " OR ".join(f"({alternative})" for alternative in alternatives)


def websearch_expression(query: str) -> str:
    """`parse_query(query)` written again for websearch_to_tsquery: only words and its operators."""

    def written(term: tuple[str, ...]) -> str:
        return f'"{" ".join(term)}"' if len(term) > 1 else term[0]

    return " or ".join(
        " ".join(
            [*map(written, alternative.required), *(f"-{written(term)}" for term in alternative.excluded)]
        )
        for alternative in parse_query(query)
    )


def search_articles(query: str, *, limit: int, offset: int = 0) -> list[Article]:
    """Articles matching `query` (every word, "phrases", -exclusions, `or`), best and newest first,
    then by id, so offset pages never repeat or skip one; [] when it requires nothing.

    A syndicated copy stands as its original, where the best-ranked of its versions ranks, and each
    original once across all pages: the ranking is folded from its top, so a copy on page 1 and
    its original on page 2 are one result on page 1. Filtering copies out would lose a hit that
    only a copy's own headline matched; its original tells the same story, under the publisher
    that ran it first.
    """
    if not parse_query(query) or limit <= 0:
        return []
    # The site's clock rather than the database's, so "recent" means the same in every query.
    now = timezone.now()
    wanted, fetched = offset + limit, offset + limit
    while True:
        ranked = _ranked_ids(query, now, fetched)
        shown = _originals_once(ranked)
        # Enough results, or the whole ranking (at most MAX_CANDIDATES) has been read.
        if len(shown) >= wanted or len(ranked) < fetched:
            break
        fetched = 2 * fetched
    ids = shown[offset:wanted]
    found = Article.objects.select_related("source").defer("html").in_bulk(ids)
    return [found[article_id] for article_id in ids if article_id in found]


def _ranked_ids(query: str, now: datetime, limit: int) -> list[str]:
    """The ids of the best `limit` matches, copies included."""
    if connection.vendor == "sqlite":
        match = fts5_match_expression(query)
        return _sqlite_search(match, now, limit, 0) if match else []
    if connection.vendor == "postgresql":
        return _postgres_search(websearch_expression(query), now, limit, 0)
    raise NotImplementedError(f"full-text search is not built for {connection.vendor}")


def _originals_once(ranked: list[str]) -> list[str]:
    """`ranked` with each copy replaced by its original's id, each id kept where it first stands."""
    original_of = dict(
        Article.objects.filter(id__in=ranked, duplicate_of__isnull=False).values_list("id", "duplicate_of_id")
    )
    return list(dict.fromkeys(original_of.get(article_id, article_id) for article_id in ranked))


def _sqlite_search(match: str, now: datetime, limit: int, offset: int) -> list[str]:
    """Rank in the recent table; the whole index only when the recent one may lack some of the newest
    matches. bm25 counts every match of a word, so in the whole index its cost grows with the archive."""
    params = [match, MAX_CANDIDATES, now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(SQLITE_QUERY.format(table=SQLITE_RECENT_TABLE), params)
        rows = cursor.fetchall()
        if not rows or rows[0][1] < MAX_CANDIDATES:
            cursor.execute("SELECT floor FROM newsdesk_article_recent_floor WHERE id = 1")
            floor = cursor.fetchone()
            if floor is None or floor[0] > 0:
                cursor.execute(SQLITE_QUERY.format(table=SQLITE_FULL_TABLE), params)
                rows = cursor.fetchall()
    return [row[0] for row in rows]


def next_search_window(window: timedelta, found: int) -> timedelta | None:
    """The window expected to hold MAX_CANDIDATES matches when `window` held `found` (fewer than that),
    at least twice as wide; None means the whole archive."""
    if found == 0:
        return None
    wider = window * max(MAX_CANDIDATES / found * POSTGRES_WINDOW_MARGIN, 2.0)
    return None if wider > POSTGRES_WIDEST_WINDOW else wider


def _postgres_search(words: str, now: datetime, limit: int, offset: int) -> list[str]:
    if connection.in_atomic_block:
        return _postgres_ranked(words, now, limit, offset, by_row_address=False)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return _postgres_ranked(words, now, limit, offset, by_row_address=True)


def _postgres_ranked(
    words: str, now: datetime, limit: int, offset: int, *, by_row_address: bool
) -> list[str]:
    with connection.cursor() as cursor:
        window, found_before = POSTGRES_FIRST_WINDOW, -1
        while True:
            if window is None:
                cursor.execute(POSTGRES_ALL_CANDIDATES, [words, MAX_CANDIDATES])
            else:
                cursor.execute(POSTGRES_CANDIDATES, [words, now - window, MAX_CANDIDATES])
            candidates = cursor.fetchall()
            # A full window holds the newest N matches: wider ones would only add older ones.
            if len(candidates) >= MAX_CANDIDATES or window is None:
                break
            # Nothing more in a wider window: the archive may end there, so the next asks it whole.
            found = len(candidates)
            window = None if found == found_before else next_search_window(window, found)
            found_before = found
        if not candidates:
            return []
        if by_row_address:
            rows, keys = "a.ctid = ANY(%s::tid[])", [str(address) for _, address in candidates]
        else:
            rows, keys = "a.id = ANY(%s)", [article_id for article_id, _ in candidates]
        cursor.execute(POSTGRES_RANKING.format(rows=rows), [keys, words, now, limit, offset])
        return [row[0] for row in cursor.fetchall()]
