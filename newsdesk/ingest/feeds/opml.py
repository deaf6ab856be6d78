"""OPML subscription lists: read what other readers export, write what they import.

A feed's category comes from its own `category` attribute, else from the folder (outline
without xmlUrl) that encloses it; newsdesk uses it as the feed's section prior.
"""

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from .cleaning import local_name, untrusted_xml, xml_safe


class OpmlError(ValueError):
    """The file is not OPML at all; individual junk outlines are skipped, not fatal."""


@dataclass(frozen=True)
class OpmlOutline:
    title: str
    xml_url: str
    html_url: str = ""
    category: str = ""


_WHITESPACE = re.compile(r"\s+")


def _clean(value: str | None) -> str:
    return _WHITESPACE.sub(" ", xml_safe(value or "")).strip()


def _category_attribute(value: str) -> str:
    """OPML 2.0 categories are comma-separated paths ("/News/World,/Europe"); the first leaf names it."""
    first = value.split(",")[0]
    parts = [part.strip() for part in first.split("/") if part.strip()]
    return parts[-1] if parts else ""


def _walk(element: etree._Element, folder: str, found: dict[str, OpmlOutline]) -> None:
    for child in element:
        if local_name(child) != "outline":
            _walk(child, folder, found)  # junk wrappers: keep looking inside them
            continue
        attributes = {name.lower(): _clean(value) for name, value in child.attrib.items()}
        name = attributes.get("text") or attributes.get("title") or ""
        xml_url = attributes.get("xmlurl") or ""
        if not xml_url and attributes.get("type", "").lower() in ("rss", "atom"):
            xml_url = attributes.get("url", "")
        if not xml_url:
            _walk(child, name or folder, found)
            continue
        category = _category_attribute(attributes.get("category", "")) or folder
        # The same feed filed in two folders is one subscription; the first filing wins.
        found.setdefault(
            xml_url,
            OpmlOutline(
                title=name or xml_url,
                xml_url=xml_url,
                html_url=attributes.get("htmlurl", ""),
                category=category,
            ),
        )


def parse_opml(content: bytes) -> list[OpmlOutline]:
    return read_opml(content)[0]


def read_opml(content: bytes) -> tuple[list[OpmlOutline], str]:
    """The outlines, and what was wrong with the markup ("" if nothing): a broken file is read as far
    as it can be, and the outlines after the break may be missing, which the operator must be told."""
    if not content or not content.strip():
        raise OpmlError("the OPML file is empty")
    root, problem = untrusted_xml(content, "the OPML file", OpmlError)
    if local_name(root) != "opml":
        raise OpmlError(f"not an OPML file: the root element is <{local_name(root)}>, not <opml>")
    found: dict[str, OpmlOutline] = {}
    bodies = [child for child in root if local_name(child) == "body"]
    _walk(bodies[0] if bodies else root, "", found)
    if problem:
        problem = f"the file is not well-formed XML ({problem}); outlines after that point may be missing"
    return list(found.values()), problem


def write_opml(outlines: Iterable[OpmlOutline], title: str) -> str:
    """OPML 2.0 with one folder per category, in order of first appearance, as feed readers import it."""
    opml = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(opml, "head")
    ElementTree.SubElement(head, "title").text = _clean(title)
    body = ElementTree.SubElement(opml, "body")
    folders: dict[str, ElementTree.Element] = {}
    for outline in outlines:
        category = _clean(outline.category)
        parent = body
        if category:
            if category not in folders:
                folders[category] = ElementTree.SubElement(body, "outline", text=category, title=category)
            parent = folders[category]
        name = _clean(outline.title) or _clean(outline.xml_url)
        attributes = {"type": "rss", "text": name, "title": name, "xmlUrl": _clean(outline.xml_url)}
        if outline.html_url:
            attributes["htmlUrl"] = _clean(outline.html_url)
        ElementTree.SubElement(parent, "outline", attributes)
    ElementTree.indent(opml, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(opml, encoding="unicode") + "\n"
