"""Publishers' section names ("sport", "middle-east", "Tech") mapped to our fixed taxonomy."""

import re

from newsdesk.models import Category

# Words publishers use for their sections, mapped to our fixed taxonomy.
SECTION_WORDS: dict[str, str] = {
    "world": Category.WORLD, "international": Category.WORLD, "europe": Category.WORLD,
    "asia": Category.WORLD, "africa": Category.WORLD, "middle east": Category.WORLD,
    "americas": Category.WORLD, "politics": Category.POLITICS, "election": Category.POLITICS,
    "elections": Category.POLITICS, "government": Category.POLITICS, "business": Category.BUSINESS,
    "economy": Category.BUSINESS, "markets": Category.BUSINESS, "finance": Category.BUSINESS,
    "money": Category.BUSINESS, "technology": Category.TECHNOLOGY, "tech": Category.TECHNOLOGY,
    "science": Category.SCIENCE, "environment": Category.SCIENCE, "space": Category.SCIENCE,
    "climate": Category.SCIENCE, "health": Category.HEALTH, "medicine": Category.HEALTH,
    "sport": Category.SPORTS, "sports": Category.SPORTS, "football": Category.SPORTS,
    "cricket": Category.SPORTS, "soccer": Category.SPORTS, "tennis": Category.SPORTS,
    "entertainment": Category.ENTERTAINMENT, "culture": Category.ENTERTAINMENT,
    "movies": Category.ENTERTAINMENT, "film": Category.ENTERTAINMENT, "music": Category.ENTERTAINMENT,
    "celebrity": Category.ENTERTAINMENT, "arts": Category.ENTERTAINMENT, "tv": Category.ENTERTAINMENT,
}  # fmt: skip


def category_from_section(section: str) -> str | None:
    """Map a publisher's section name or URL path part to a category, if it names one."""
    words = re.sub(r"[^a-z ]+", " ", (section or "").lower()).split()
    phrase = " ".join(words)
    if phrase in SECTION_WORDS:
        return SECTION_WORDS[phrase]
    for word in words:
        if word in SECTION_WORDS:
            return SECTION_WORDS[word]
    return None


def section_prior(*sections: str) -> str:
    """The first of a feed's section, the publisher's tags or URL path parts that names a category."""
    for section in sections:
        if section and (category := category_from_section(section)):
            return category
    return ""
