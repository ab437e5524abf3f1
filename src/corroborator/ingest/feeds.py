"""RSS and Atom feeds through feedparser: one Article per entry.

An entry's text is its full content (``content:encoded`` or Atom ``content``),
else its summary; markup is reduced to paragraphs. With link following on,
each entry's link is fetched and parsed as a page instead.

Published fact-checks (schema.org ``ClaimReview``, in JSON-LD or microdata) inside an
entry's content or summary are kept in ``metadata["claim_reviews"]``, as for pages.
feedparser's sanitizer drops ``<script>`` blocks and microdata attributes, so a feed
that names ``ClaimReview`` at all is read a second time unsanitized, for the reviews
only: the article text always comes from the sanitized entry, and nothing is executed.
"""

from __future__ import annotations

import time
from collections.abc import Container, Iterator
from typing import Any

import feedparser

from corroborator.errors import InputError
from corroborator.factcheck import reviews_in_html
from corroborator.ingest.dates import parse_date
from corroborator.ingest.decode import repair_declared_encoding, strip_xml_controls
from corroborator.ingest.html import html_to_text, load_tree, parse_html
from corroborator.ingest.http import fetch
from corroborator.ingest.limits import MAX_FOLLOWED_LINKS
from corroborator.ingest.options import IngestOptions, input_error, one_line
from corroborator.ingest.robots import RobotsRules
from corroborator.ingest.text import detect_language, outlet_from_url, split_paragraphs
from corroborator.models import Article

Result = Article | InputError

#: Root elements that mark an XML document as a feed.
FEED_MARKERS = ("<rss", "<feed", "<rdf:rdf")


def looks_like_feed(head: str) -> bool:
    """Whether the start of a document looks like an RSS, Atom or RDF feed."""
    lowered = head[:2048].lower()
    return any(marker in lowered for marker in FEED_MARKERS) and "<html" not in lowered


def read_feed(
    data: bytes | str,
    source: str,
    options: IngestOptions | None = None,
    follow_links: bool = False,
    base_url: str | None = None,
    known_links: Container[str] = (),
) -> Iterator[Result]:
    """Yield one Article per feed entry, or InputErrors.

    Args:
        data: The feed document (bytes are preferred: feedparser reads the encoding).
        source: The input's name.
        options: Fetch settings for followed links; ``fetch_linked_pages`` turns following on.
        follow_links: Fetch each entry's link and parse that page instead of the entry text.
        base_url: The feed's own URL, used to resolve relative entry links.
        known_links: When following links, entries whose link is among these (pages
            already stored, as ``watch`` passes) are skipped, not fetched again.

    Returns:
        An iterator of Articles (``format`` "rss" or "atom", or "url" for followed pages).

    Example:
        >>> rss = b"<rss><channel><title>Gazette</title><item><title>T</title>"
        >>> rss += b"<description>Body.</description></item></channel></rss>"
        >>> [a.outlet for a in read_feed(rss, "f.rss")]
        ['Gazette']
    """
    options = options or IngestOptions()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    raw = strip_xml_controls(repair_declared_encoding(raw))
    headers = {"content-location": base_url} if base_url else None
    parsed = feedparser.parse(raw, response_headers=headers)
    problem = _feed_problem(parsed)
    if problem:
        yield input_error(source, problem)
        return
    fmt = "atom" if str(parsed.get("version", "")).startswith("atom") else "rss"
    feed_title = _clean(parsed.feed.get("title")) or None
    follow = follow_links or options.fetch_linked_pages
    budget = _FollowBudget(options) if follow else None
    reviews = _entry_reviews(raw, headers, len(parsed.entries))
    for number, entry in enumerate(parsed.entries, start=1):
        if follow and entry.get("link") in known_links:
            continue
        skip = budget.why_not(entry.get("link")) if budget and entry.get("link") else "off"
        if skip is None:
            result = _followed(entry, source, options, feed_title)
        else:
            result = _entry_article(entry, source, fmt, feed_title, number)
            if skip != "off" and isinstance(result, Article):
                result.metadata.setdefault("warnings", []).append(f"link not followed: {skip}")
        if isinstance(result, Article) and reviews[number - 1]:
            _add_reviews(result, reviews[number - 1])
        yield result


def _entry_reviews(raw: bytes, headers: dict[str, str] | None,
                   count: int) -> list[list[dict[str, Any]]]:
    """The ClaimReviews in each entry's content and summary (one list per entry).

    Read from an unsanitized parse, made only when the feed mentions ``ClaimReview``;
    each fragment goes through the same size and depth bounds as a page.
    """
    if b"ClaimReview" not in raw:
        return [[] for _ in range(count)]
    entries = feedparser.parse(raw, response_headers=headers, sanitize_html=False).entries
    if len(entries) != count:  # the two parses disagree: attach nothing rather than misplace
        return [[] for _ in range(count)]
    return [_fragment_reviews(entry) for entry in entries]


def _fragment_reviews(entry: Any) -> list[dict[str, Any]]:
    """Reviews marked up in one raw entry's content blocks and summary."""
    fragments = [item.get("value", "") for item in entry.get("content") or []]
    fragments.append(entry.get("summary", ""))
    found: list[dict[str, Any]] = []
    for fragment in fragments:
        if "ClaimReview" not in (fragment or ""):
            continue
        tree = load_tree(f"<html><body>{fragment}</body></html>")
        if tree is not None:
            found += [r for r in reviews_in_html(tree) if r not in found]
    return found


def _add_reviews(article: Article, reviews: list[dict[str, Any]]) -> None:
    """Add an entry's reviews to its article (a followed page may carry some already)."""
    kept = article.metadata.setdefault("claim_reviews", [])
    seen = {(r["claim"], r.get("url")) for r in kept}
    kept += [r for r in reviews if (r["claim"], r.get("url")) not in seen]


class _FollowBudget:
    """Which feed links may still be followed: a count cap, a time budget, robots.txt."""

    def __init__(self, options: IngestOptions) -> None:
        self.deadline = time.monotonic() + options.follow_deadline
        self.left = MAX_FOLLOWED_LINKS
        self.robots = RobotsRules(options) if options.respect_robots else None

    def why_not(self, link: str) -> str | None:
        """None when `link` may be followed now (and counts it), else the reason not."""
        if self.left <= 0:
            return f"more than {MAX_FOLLOWED_LINKS} links in one feed"
        if time.monotonic() > self.deadline:
            return "the feed's time budget for following links is spent"
        refusal = self.robots.allows(link) if self.robots else None
        if refusal:
            return refusal
        self.left -= 1
        return None


def _feed_problem(parsed: Any) -> str | None:
    """Why a parsed document cannot be read as a feed, or None when it can."""
    if parsed.entries:
        return None
    if not parsed.get("version"):
        reason = parsed.get("bozo_exception")
        detail = f" ({one_line(reason)})" if reason else ""
        return f"not a valid RSS or Atom feed{detail}"
    return "feed has no entries"


def _entry_article(entry: Any, source: str, fmt: str, outlet: str | None, number: int) -> Result:
    """Build the Article carried inside one feed entry."""
    text = _entry_text(entry)
    if not text:
        return input_error(source, f"entry {number}: no article text found")
    published = _entry_date(entry)
    link = entry.get("link") or None
    return Article(
        text=text,
        title=_clean(entry.get("title")),
        url=link,
        outlet=outlet or outlet_from_url(link),
        byline=_clean(entry.get("author")) or None,
        published=published,
        date_reliable=published is not None,
        language=detect_language(text),
        source=source,
        format=fmt,
        metadata=_entry_metadata(entry, number, published),
    )


def _followed(entry: Any, source: str, options: IngestOptions, outlet: str | None) -> Result:
    """Fetch an entry's link and parse the page; feed metadata fills gaps the page leaves."""
    link = entry["link"]
    try:
        response = fetch(link, options)
        article = parse_html(response.decode().text, source=response.url, url=response.url)
    except InputError as exc:
        return exc
    article.format = "url"
    article.source = source
    article.outlet = outlet or article.outlet
    article.title = article.title or _clean(entry.get("title"))
    article.byline = article.byline or _clean(entry.get("author")) or None
    if not article.date_reliable:
        _prefer_feed_date(article, entry)
    article.metadata.update(feed=source, entry_link=link)
    return article


def _prefer_feed_date(article: Article, entry: Any) -> None:
    """Use the feed's explicit date when the page gave none that is reliable."""
    published = _entry_date(entry)
    if published:
        article.published, article.date_reliable = published, True
        article.metadata["date_source"] = "feed"


def _entry_text(entry: Any) -> str:
    """The entry's body: full content if present, else the summary, as plain paragraphs."""
    for item in entry.get("content") or []:
        text = _markup_to_text(item.get("value", ""))
        if text:
            return text
    return _markup_to_text(entry.get("summary", ""))


def _entry_date(entry: Any) -> str | None:
    """The entry's explicit date (published, else updated), parsed."""
    for key in ("published", "updated", "created"):
        parsed = parse_date(entry.get(key)) or parse_date(entry.get(f"{key}_parsed"))
        if parsed:
            return parsed
    return None


def _entry_metadata(entry: Any, number: int, published: str | None) -> dict[str, Any]:
    """Entry id, tags and position for ``Article.metadata``."""
    metadata: dict[str, Any] = {"entry": number}
    if entry.get("id"):
        metadata["entry_id"] = entry["id"]
    tags = [tag.get("term") for tag in entry.get("tags") or [] if tag.get("term")]
    if tags:
        metadata["tags"] = tags
    if published:
        metadata["date_source"] = "feed"
    return metadata


def _markup_to_text(value: str) -> str:
    """Entry content as text: HTML reduced to paragraphs, plain text tidied."""
    value = (value or "").strip()
    if not value:
        return ""
    if "<" in value and ">" in value:
        return html_to_text(f"<html><body>{value}</body></html>")
    return split_paragraphs(value)


def _clean(value: Any) -> str:
    """A feed field as single-spaced text."""
    return " ".join(str(value or "").split())
