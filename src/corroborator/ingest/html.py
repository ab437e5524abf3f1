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
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml import etree

from corroborator.factcheck import reviews_in_html
from corroborator.ingest.dates import date_from_url, parse_date
from corroborator.ingest.decode import decode_bytes
from corroborator.ingest.limits import (
    MAX_HTML_ATTRIBUTES,
    MAX_HTML_CHARS,
    MAX_HTML_DEPTH,
    MAX_HTML_ELEMENTS,
)
from corroborator.ingest.options import input_error
from corroborator.ingest.outlets import (
    EXACT_FIT,
    Site,
    copyright_holders,
    fit,
    name_key,
    pick_outlet,
    strip_site_name,
    title_parts,
)
from corroborator.ingest.text import detect_language, split_paragraphs
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

#: One attribute as an HTML tokenizer reads it: a name, then optionally ``=`` and a quoted
#: or bare value. Quotes count only after ``=`` and a name may start with ``=``, as in the
#: tokenizer, so a quoted value (a 13 KB ``<meta content=...>``) is one attribute however
#: many spaces it holds, and no stray quote or ``=`` hides attributes from the count.
_ATTRIBUTE = r"""[^\s/>][^\s/>=]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?"""
#: A start tag with its attributes up to its ``>``; the pieces never overlap, so the
#: scan stays linear on hostile markup.
_START_TAG = re.compile(rf"<([A-Za-z][^\s/>]*)(?:[\s/]+|{_ATTRIBUTE})*")
_ATTRIBUTE_RE = re.compile(_ATTRIBUTE)
#: A comment's start or a start tag, whichever comes first.
_MARKUP = re.compile(r"<!--|<[A-Za-z]")
#: Elements whose content the tokenizer reads as text up to their end tag.
RAW_TEXT_TAGS = frozenset({"script", "style"})

#: Text nodes of the page holding a copyright notice (outside scripts and styles).
_NOTICES = ("//body//text()[contains(., '©') or contains(., 'opyright')]"
            "[not(ancestor::script) and not(ancestor::style)]")
#: Most copyright notices read from one page.
MAX_NOTICES = 5

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
    tree = _parse(html)
    if tree is None:
        raise input_error(source, "no article text found (not parseable as HTML)")
    problem = tree_problem(tree)
    if problem:
        raise input_error(source, f"HTML refused: {problem}")
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
    """Why HTML text cannot be parsed safely (its size, attributes on one element), or None.

    Runs before parsing, in linear time: libxml2 checks an element's attributes for
    duplicates in quadratic time, so a hostile element must be caught by a tokenizer-
    like scan first. The refusal names the bound and the value found.
    """
    if len(html) > MAX_HTML_CHARS:
        return f"{len(html)} characters (the bound is {MAX_HTML_CHARS})"
    for tag in start_tags(html):
        # Each attribute takes at least one character, so only long start tags are counted.
        if len(tag) > MAX_HTML_ATTRIBUTES:
            count = attribute_count(tag)
            if count > MAX_HTML_ATTRIBUTES:
                return f"an element with {count} attributes (the bound is {MAX_HTML_ATTRIBUTES})"
    return None


def start_tags(html: str) -> Iterator[str]:
    """Every start tag as the tokenizer reads it, skipping comments and the content of
    script, style and other raw-text elements; linear time."""
    pos = 0
    while found := _MARKUP.search(html, pos):
        if found.group(0) == "<!--":
            end = html.find("-->", found.end())
            pos = len(html) if end < 0 else end + 3
            continue
        tag = _START_TAG.match(html, found.start())
        assert tag is not None  # "<" and a letter always start a tag
        yield tag.group(0)
        pos = tag.end()
        name = tag.group(1).lower()
        if name in RAW_TEXT_TAGS:
            closing = re.compile(rf"</{name}[\s/>]", re.IGNORECASE).search(html, pos)
            pos = closing.end() if closing else len(html)


def tree_problem(tree: etree._Element) -> str | None:
    """Why a parsed page is too big to extract (elements, nesting depth), or None."""
    elements = int(tree.xpath("count(//*)"))
    if elements > MAX_HTML_ELEMENTS:
        return f"{elements} elements (the bound is {MAX_HTML_ELEMENTS})"
    depth = tree_depth(tree)
    if depth > MAX_HTML_DEPTH:
        return f"elements nested {depth} deep (the bound is {MAX_HTML_DEPTH})"
    return None


def attribute_count(tag: str) -> int:
    """The attributes an HTML tokenizer finds in one start tag (``<name ...``)."""
    name_end = re.match(r"<[^\s/>]*", tag)
    start = name_end.end() if name_end else 0
    return sum(1 for _ in _ATTRIBUTE_RE.finditer(tag, start))


def tree_depth(tree: etree._Element) -> int:
    """How deep the parsed elements nest (the root is depth 1)."""
    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def load_tree(html: str) -> etree._Element | None:
    """Parse HTML text into an lxml tree, or None when there is nothing to parse or the
    page is over the HTML bounds."""
    if html_problem(html):
        return None
    tree = _parse(html)
    return None if tree is None or tree_problem(tree) else tree


def _parse(html: str) -> etree._Element | None:
    """lxml's tree of HTML text already checked by `html_problem`; None when unparseable."""
    if not html.strip():
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
    _add_first(meta, "jsonld:publisher", _jsonld_publishers(tree))
    notices = tree.xpath(_NOTICES)[:MAX_NOTICES]
    if notices:
        meta["html:copyright"] = "\n".join(" ".join(str(n).split()) for n in notices)
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
    text = _body(doc, _attr(doc, "title") or "") or html_to_text(html)
    if not text:
        raise input_error(source, "no article text found")
    canonical = meta.get("html:canonical") or meta.get("og:url") or _attr(doc, "url")
    page_url = url or canonical
    outlet = _outlet(meta, doc, page_url)
    title = _title(meta, doc, outlet, page_url)
    published, reliable, how = _published(meta, doc, page_url)
    metadata.update(_extras(meta, doc, canonical, how))
    return Article(
        text=text,
        title=title,
        url=page_url,
        outlet=outlet,
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


def _title(meta: dict[str, str], doc: Any, outlet: str | None, url: str | None) -> str:
    """The headline without the site's name: trafilatura's title when the page's own
    titles bear it out, else og:title, <title> or the first <h1>."""
    own = [meta.get(key) for key in ("og:title", "html:title", "html:h1")]
    own = [" ".join(title.split()) for title in own if title and title.strip()]
    found = " ".join((_attr(doc, "title") or "").split())
    candidates = ([found] if found and (not own or _borne_out(found, own)) else []) + own
    names = _site_names(meta, doc)
    site = Site.of(url)
    stripped = [strip_site_name(title, outlet, url, names) for title in candidates]
    for title in stripped:  # a "title" that is only the site's name is no headline
        if name_key(title) != name_key(outlet) and fit(title, site) != EXACT_FIT:
            return title
    return stripped[0] if stripped else ""


def _borne_out(title: str, own: list[str]) -> bool:
    """Whether a title appears in (or holds) one of the page's own titles."""
    key = name_key(title)
    return any(key in name_key(other) or name_key(other) in key for other in own)


def _site_names(meta: dict[str, str], doc: Any) -> list[str | None]:
    """The page's own spellings of its site's name, best source first. trafilatura's site
    name is left out when it only re-cases og:site_name ("nj" -> "Nj")."""
    og_name, found = meta.get("og:site_name"), _attr(doc, "sitename")
    if og_name and name_key(found) == name_key(og_name):
        found = None
    return [meta.get("jsonld:publisher"), found, og_name]


def _outlet(meta: dict[str, str], doc: Any, url: str | None) -> str | None:
    """The outlet: JSON-LD publisher, trafilatura's site name, og:site_name or a title part,
    whichever fits the site's domain best (see `pick_outlet`), else the domain."""
    candidates = _site_names(meta, doc)
    parts = title_parts(meta.get("html:title")) + title_parts(meta.get("og:title"))
    holders = copyright_holders(meta.get("html:copyright", "").split("\n"))
    return pick_outlet(candidates, parts, url, holders)


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


def _jsonld_publishers(tree: etree._Element) -> list[str]:
    """Names of the ``publisher`` organisations in the page's JSON-LD blocks."""
    found: list[str] = []
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            publishers: list[Any] = []
            _collect_any(json.loads(script), "publisher", publishers)
        except (ValueError, RecursionError):
            continue
        for publisher in publishers:
            for item in publisher if isinstance(publisher, list) else [publisher]:
                name = item.get("name") if isinstance(item, dict) else item
                if isinstance(name, str) and name.strip():
                    found.append(name)
    return found


def _collect_any(node: Any, key: str, found: list[Any]) -> None:
    """Append every value stored under `key` anywhere inside a JSON value."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                found.append(value)
            else:
                _collect_any(value, key, found)
    elif isinstance(node, list):
        for item in node:
            _collect_any(item, key, found)


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
