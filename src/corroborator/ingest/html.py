"""HTML pages: main text through trafilatura, metadata from meta tags, an lxml fallback.

trafilatura finds the article body and basic metadata. Publication dates are
read here from explicit metadata first (``article:published_time``, JSON-LD
``datePublished``, ``itemprop`` ...), which makes them reliable; a date that
only trafilatura's heuristics or the URL provide is kept but marked unreliable.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import lxml.html
from lxml import etree

from corroborator.factcheck import reviews_in_html
from corroborator.ingest.dates import date_from_url, parse_date
from corroborator.ingest.decode import decode_bytes
from corroborator.ingest.limits import MAX_HTML_ATTRIBUTES, MAX_HTML_CHARS, MAX_HTML_ELEMENTS
from corroborator.ingest.options import input_error
from corroborator.ingest.text import detect_language, outlet_from_url, split_paragraphs
from corroborator.models import Article, normalize_text

#: Meta keys (property, name or itemprop; lower case) holding a publication date, best first.
DATE_META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "citation_publication_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "date",
)
#: Elements whose text never belongs to an article body.
JUNK_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "svg",
    "iframe",
    "template",
)
#: Elements that start a new paragraph in the fallback text extraction.
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "li",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "br",
        "hr",
        "figcaption",
        "table",
        "ul",
        "ol",
    }
)

#: An opening tag up to its end; ``[^<>]`` keeps the scan linear on unclosed brackets.
_TAG = re.compile(r"<[A-Za-z][^<>]*")
_SPACE_RUN = re.compile(r"\s+")

logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


def parse_html(html: str | bytes, source: str = "<html>", url: str | None = None) -> Article:
    """Parse one HTML page into an article.

    Args:
        html: The page, as text or as bytes (decoded with its BOM or declared charset).
        source: The input's name, kept in ``Article.source`` and used in errors.
        url: The page's address, if known; otherwise the page's canonical link is used.

    Returns:
        An `Article` with ``format="html"``. ``outlet`` is ``og:site_name`` (or
        trafilatura's site name, else the URL's domain).

    Raises:
        InputError: "no article text found" when the page holds no readable text.

    Example:
        >>> page = "<html><body><article><h1>Bridge</h1><p>It reopened.</p></article></body></html>"
        >>> parse_html(page).text
        'It reopened.'
    """
    metadata: dict[str, Any] = {}
    if isinstance(html, bytes):
        decoded = decode_bytes(html, source)
        html, metadata["encoding"] = decoded.text, decoded.encoding
        if decoded.warnings:
            metadata["warnings"] = decoded.warnings
    problem = html_problem(html)
    if problem:
        raise input_error(source, f"HTML refused: {problem}")
    tree = load_tree(html)
    if tree is None:
        raise input_error(source, "no article text found (not parseable as HTML)")
    meta = read_meta(tree)
    reviews = reviews_in_html(tree)  # before extraction, which may prune the tree
    if reviews:
        metadata["claim_reviews"] = reviews
    doc = _extract(tree, url)
    return _build(html, source, url, meta, doc, metadata)


def html_to_text(html: str | etree._Element) -> str:
    """Readable text of an HTML page or fragment: blocks become paragraphs, junk is dropped."""
    tree = load_tree(html) if isinstance(html, str) else html
    if tree is None:
        return ""
    for element in tree.xpath("|".join(f"//{tag}" for tag in JUNK_TAGS)):
        _drop(element)
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag.lower() in BLOCK_TAGS:
            element.tail = "\n\n" + (element.tail or "")
    body = tree.find(".//body")
    return split_paragraphs((body if body is not None else tree).text_content())


def html_problem(html: str) -> str | None:
    """Why HTML is over the caps (size, attributes on one element), or None; linear time."""
    if len(html) > MAX_HTML_CHARS:
        return f"larger than {MAX_HTML_CHARS} characters"
    for count, match in enumerate(_TAG.finditer(html), start=1):
        tag = match.group(0)
        if len(tag) > MAX_HTML_ATTRIBUTES and _attribute_count(tag) > MAX_HTML_ATTRIBUTES:
            return f"an element with more than {MAX_HTML_ATTRIBUTES} attributes"
        if count > MAX_HTML_ELEMENTS:
            return f"more than {MAX_HTML_ELEMENTS} elements"
    return None


def _attribute_count(tag: str) -> int:
    """A generous attribute count for one opening tag: its runs of spaces and equals signs."""
    return max(len(_SPACE_RUN.findall(tag)), tag.count("="))


def load_tree(html: str) -> etree._Element | None:
    """Parse HTML text into an lxml tree, or None when there is nothing to parse or the
    text is over the HTML caps."""
    if not html.strip() or html_problem(html):
        return None
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return None


def read_meta(tree: etree._Element) -> dict[str, str]:
    """Meta tags (property/name/itemprop, lower case) plus title, canonical and JSON-LD dates."""
    meta: dict[str, str] = {}
    for element in tree.xpath("//meta[@content]|//*[@itemprop][@datetime or @content]"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        value = element.get("content") or element.get("datetime") or ""
        if key and value.strip():
            meta.setdefault(key.strip().lower(), value.strip())
    _add_first(meta, "html:title", tree.xpath("//title/text()"))
    _add_first(meta, "html:h1", [h1.text_content() for h1 in tree.xpath("//h1")])
    _add_first(meta, "html:canonical", tree.xpath("//link[@rel='canonical']/@href"))
    _add_first(meta, "jsonld:datepublished", _jsonld_dates(tree))
    return meta


def _extract(tree: etree._Element, url: str | None) -> Any:
    """Run trafilatura on the tree; None when it finds nothing or fails."""
    try:
        import trafilatura  # imported on first HTML page: a third of a second at start-up

        return trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception:  # trafilatura can fail on odd markup; the lxml fallback takes over
        return None


def _build(
    html: str,
    source: str,
    url: str | None,
    meta: dict[str, str],
    doc: Any,
    metadata: dict[str, Any],
) -> Article:
    """Assemble the Article from the page text, meta tags and trafilatura's findings."""
    title = _title(meta, doc)
    text = _body(doc, title) or html_to_text(html)
    if not text:
        raise input_error(source, "no article text found")
    canonical = meta.get("html:canonical") or meta.get("og:url") or _attr(doc, "url")
    page_url = url or canonical
    published, reliable, how = _published(meta, doc, page_url)
    metadata.update(_extras(meta, doc, canonical, how))
    return Article(
        text=text,
        title=title,
        url=page_url,
        outlet=meta.get("og:site_name") or _attr(doc, "sitename") or outlet_from_url(page_url),
        byline=_attr(doc, "author") or meta.get("author"),
        published=published,
        date_reliable=reliable,
        language=detect_language(text),
        source=source,
        format="html",
        metadata=metadata,
    )


def _body(doc: Any, title: str) -> str:
    """trafilatura's text as blank-line paragraphs, without a leading copy of the title."""
    raw = _attr(doc, "text")
    if not raw:
        return ""
    lines = [line.strip() for line in raw.split("\n") if line.strip()]
    if lines and title and normalize_text(lines[0]).casefold() == normalize_text(title).casefold():
        lines = lines[1:]
    return "\n\n".join(lines)


def _title(meta: dict[str, str], doc: Any) -> str:
    """The headline: trafilatura's title, else og:title, <title> or the first <h1>."""
    for candidate in (
        _attr(doc, "title"),
        meta.get("og:title"),
        meta.get("html:title"),
        meta.get("html:h1"),
    ):
        if candidate and candidate.strip():
            return " ".join(candidate.split())
    return ""


def _published(meta: dict[str, str], doc: Any, url: str | None) -> tuple[str | None, bool, str]:
    """The publication date, whether it is reliable, and where it came from."""
    for key in (*DATE_META_KEYS, "jsonld:datepublished"):
        parsed = parse_date(meta.get(key))
        if parsed:
            return parsed, True, f"meta:{key}"
    guessed = parse_date(_attr(doc, "date"))
    if guessed:
        return guessed, False, "trafilatura"
    from_url = date_from_url(url)
    return (from_url, False, "url") if from_url else (None, False, "")


def _extras(meta: dict[str, str], doc: Any, canonical: str | None, how: str) -> dict[str, Any]:
    """Useful leftovers for ``Article.metadata``: description, tags, canonical URL, date source."""
    extras: dict[str, Any] = {
        "description": _attr(doc, "description") or meta.get("description"),
        "canonical_url": canonical,
        "categories": _attr(doc, "categories") or None,
        "tags": _attr(doc, "tags") or None,
        "date_source": how or None,
    }
    return {key: value for key, value in extras.items() if value}


def _jsonld_dates(tree: etree._Element) -> list[str]:
    """``datePublished`` values found in the page's JSON-LD blocks."""
    found: list[str] = []
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            _collect_key(json.loads(script), "datePublished", found)
        except (ValueError, RecursionError):
            continue
    return found


def _collect_key(node: Any, key: str, found: list[str]) -> None:
    """Append every string value stored under `key` anywhere inside a JSON value."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key and isinstance(value, str):
                found.append(value)
            else:
                _collect_key(value, key, found)
    elif isinstance(node, list):
        for item in node:
            _collect_key(item, key, found)


def _add_first(meta: dict[str, str], key: str, values: list[Any]) -> None:
    """Store the first non-blank value of `values` under `key`."""
    for value in values:
        text = " ".join(str(value).split())
        if text:
            meta[key] = text
            return


def _attr(doc: Any, name: str) -> Any:
    """An attribute of trafilatura's document (None-safe)."""
    return getattr(doc, name, None) if doc is not None else None


def _drop(element: etree._Element) -> None:
    """Remove an element (and its text) from the tree, keeping the text that follows it."""
    if element.getparent() is not None:
        element.drop_tree()
