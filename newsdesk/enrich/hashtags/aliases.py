"""Alias folding: "Trump", "President Trump" and "Donald Trump" are one hashtag, #DonaldTrump.

Three sources of aliases, strongest first: the article itself (a surname alone joins the full
name the same article uses), a small curated table (aliases.txt), and a mapping learnt from the
archive's own hashtags (a one-word tag that is the last name of one frequent full-name tag).
Job titles are stripped before any lookup.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from newsdesk.enrich.hashtags.keywords import CONNECTORS, TITLE_MODIFIERS, TITLE_WORDS
from newsdesk.enrich.hashtags.names import camel_words, hashtag_key, stopwords, to_hashtag, words_of

_HERE = Path(__file__).resolve().parent

# First words of places and bodies, not of people: "York" must not become #NewYork.
NOT_FIRST_NAMES = frozenset(
    """new north south east west central united great upper lower old royal saint st san santa los las
    el la le real inter sporting atletico athletic manchester west the""".split()
)
# Last words of organisations and places, not surnames: "Party" is no one's surname.
NOT_SURNAMES = frozenset(
    """inc corp ltd plc group bank party council university college city united fc club league cup
    news times post press media association union ministry department agency office house court
    state states county island islands republic kingdom airport station street road park river""".split()
)
# A learnt surname must be this much the more common owner among full names ending with it.
DOMINANT_SHARE = 0.75
MIN_FULL_NAME_USES = 3


def strip_job_titles(name: str) -> str:
    """ "PresidentTrump" -> "Trump", "PrimeMinisterTonyBlair" -> "TonyBlair"; a bare title stays."""
    words = camel_words(name)
    start = 0
    while start < len(words) - 1:
        word, following = words[start].lower(), words[start + 1].lower()
        if word in TITLE_WORDS or (word in TITLE_MODIFIERS and following in TITLE_WORDS):
            start += 1
        else:
            break
    return "".join(words[start:]) if start else name


def looks_like_full_name(name: str) -> bool:
    """Two or three capitalised words that could be a person's given and family names."""
    words = camel_words(name)
    if not 2 <= len(words) <= 3:
        return False
    if not all(word.isalpha() and word[:1].isupper() and not word.isupper() for word in words):
        return False
    lowered = [word.lower() for word in words]
    if lowered[0] in NOT_FIRST_NAMES or lowered[-1] in NOT_SURNAMES:
        return False
    return not any(word in CONNECTORS or word in TITLE_WORDS for word in lowered)


@cache
def curated_aliases() -> dict[str, str]:
    """Alias key -> canonical name, from aliases.txt."""
    table: dict[str, str] = {}
    for line in (_HERE / "aliases.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or ":" not in line:
            continue
        canonical, _, others = line.partition(":")
        canonical = canonical.strip()
        for alias in [canonical, *others.split(",")]:
            if alias.strip():
                table[hashtag_key(alias)] = canonical
    return table


def learn_surnames(usage: Iterable[tuple[str, int]]) -> dict[str, str]:
    """Surname key -> full name, from (hashtag name, uses) of the archive.

    Only when one full name clearly owns the surname ("Trump" -> DonaldTrump even with a few
    #IvankaTrump), and that full name is used often enough to be trusted.
    """
    owners: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for name, uses in usage:
        if looks_like_full_name(name):
            owners[camel_words(name)[-1].lower()].append((uses, name))
    learnt = {}
    for surname, names in owners.items():
        uses, best = max(names)
        if uses >= MIN_FULL_NAME_USES and uses >= DOMINANT_SHARE * sum(n for n, _ in names):
            learnt[surname] = best
    return learnt


@dataclass(frozen=True)
class Aliases:
    """Where a hashtag's name folds to across articles: curated first, then learnt surnames."""

    learnt: dict[str, str] = field(default_factory=dict)

    def canonical(self, name: str) -> str:
        stripped = strip_job_titles(name)
        key = hashtag_key(stripped)
        found = curated_aliases().get(key) or self.learnt.get(key)
        return found or stripped


def fold_within_article(names: list[str]) -> dict[str, str]:
    """Key -> the full name it stands for in this article: "Trump" -> "DonaldTrump" when both appear.

    A one-word name joins the person's name it ends (not "Park" into RiverfrontPark); when several
    do ("Trump": Donald, Ivanka), it is left alone rather than guessed.
    """
    full_names = [name for name in names if looks_like_full_name(name)]
    surnames = [(full, camel_words(full)[-1].lower()) for full in full_names]
    folded = {}
    for name in names:
        words = camel_words(name)
        if len(words) != 1:
            continue
        word = words[0].lower()
        owners = {hashtag_key(full) for full, surname in surnames if surname == word}
        if len(owners) == 1:
            owner_key = owners.pop()
            folded[hashtag_key(name)] = next(full for full in full_names if hashtag_key(full) == owner_key)
    return folded


def canonical_name(raw: str, aliases: Aliases | None = None) -> str | None:
    """The hashtag a raw name folds to outside any article context, or None when it is junk."""
    name = to_hashtag(raw)
    if name is None:
        return None
    return (aliases or Aliases()).canonical(name)


def _plain_name(word: str) -> bool:
    """A lone capitalised word counts unless it is a function word ("Who is...", "Us")."""
    return len(word) > 2 and word.lower() not in stopwords()


def known_names_in(title: str, text: str) -> list[tuple[str, bool]]:
    """(canonical name, named in the title) for curated names the article spells with capitals.

    The capitalisation-based finder cannot tell a headline's first word from a name ("Trump
    threatens tariffs"); a name from the curated table needs no such proof.
    """
    table = curated_aliases()
    found: dict[str, bool] = {}
    for in_title, passage in ((True, title), (False, text)):
        words = words_of(passage or "")
        capitalised = [word[:1].isupper() for word in words]
        # Most words are lower-case: only a capitalised one can start a run.
        starts = [i for i, is_capitalised in enumerate(capitalised) if is_capitalised]
        for size in (3, 2, 1):
            for i in starts:
                if i + size > len(words) or not all(capitalised[i : i + size]):
                    continue
                run = words[i : i + size]
                canonical = table.get("".join(run).lower())
                if canonical and (size > 1 or run[0].isupper() or _plain_name(run[0])):
                    found[canonical] = found.get(canonical, False) or in_title
    return list(found.items())
