"""Categories: a fixed taxonomy, a classifier with a confidence, section priors and operator overrides.

Names are imported on first use, so `python -m newsdesk.enrich.categories.train` can set Django
up before the models load.
"""

from importlib import import_module

_EXPORTS = {
    "categorize_article": "newsdesk.enrich.categories.assign",
    "classify": "newsdesk.enrich.categories.classifier",
    "classify_many": "newsdesk.enrich.categories.classifier",
    "category_from_section": "newsdesk.enrich.categories.sections",
    "section_prior": "newsdesk.enrich.categories.sections",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
