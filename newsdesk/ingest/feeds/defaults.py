"""The publishers a fresh install subscribes to, shipped as an OPML file an operator can edit."""

from pathlib import Path

from .opml import OpmlOutline, parse_opml


def default_sources_path() -> Path:
    return Path(__file__).with_name("default_sources.opml")


def load_default_outlines() -> list[OpmlOutline]:
    return parse_opml(default_sources_path().read_bytes())
