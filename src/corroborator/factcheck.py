"""Published fact-checks: schema.org ``ClaimReview`` found in pages, stored, and matched
to story claims offline.

Fact-checkers mark up each review with the claim reviewed, a rating, the reviewer and a
date, in JSON-LD or in microdata. :func:`reviews_in_html` reads both from a parsed page;
ingest keeps them in the article's metadata (``claim_reviews``) and
:func:`save_reviews` copies them into the ``claim_reviews`` table.

A review is attached to a claim only when it is the *same* claim, not merely the same
topic: most of the review's content words must appear in the claim
(``MIN_CONTAINMENT``), the two must overlap overall (``MIN_JACCARD``), every number
the review states must be in the claim, both must be put the same way round (not
one affirmed and the other denied), and so must every name the review mentions (a
capitalised word), though the story's title may supply a name the claim leaves
implicit. No model is trained or loaded.

Example:
    >>> tree = lxml.html.fromstring(page)                        # doctest: +SKIP
    >>> [r["verdict"] for r in reviews_in_html(tree)]            # doctest: +SKIP
    ['false']
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from corroborator.models import Article, stable_id

#: Share of the review's content words that the claim must contain.
MIN_CONTAINMENT = 0.6
#: Overlap (intersection over union) of content words the pair must reach.
MIN_JACCARD = 0.3
#: Largest JSON-LD block read, in characters, and most reviews kept per page.
MAX_JSONLD_CHARS = 500_000
MAX_REVIEWS = 50
#: Normalised verdicts, from most to least supported by the review.
VERDICTS = ("true", "mostly-true", "mixed", "mostly-false", "false", "unrated")
_VERDICT_WORDS = [  # checked in order: the longer phrases first
    ("mostly-false", ("mostly false", "largely false", "mostly inaccurate", "misleading",
                      "exaggerat", "distort", "out of context", "missing context")),
    ("mostly-true", ("mostly true", "largely true", "mostly accurate", "mostly correct")),
    ("mixed", ("half true", "half-true", "mixed", "mixture", "partly", "partially",
               "unproven", "unsupported", "unverified", "needs context", "disputed")),
    ("false", ("false", "pants on fire", "fake", "fabricated", "incorrect", "wrong",
               "inaccurate", "hoax", "baseless", "no evidence", "not true", "untrue")),
    ("true", ("true", "correct", "accurate", "confirmed", "verified")),
]
_STOPWORDS = frozenset("""a an and are as at be been but by for from had has have he her his
i in is it its of on or our she that the their them they this to was were will with would
said says say not no than then there these those which who what when where about after
into over also more most only some such can could may might should very just""".split())
#: Words that turn a statement round: a claim and its denial are not the same claim.
_NEGATIONS = frozenset({"not", "no", "never", "nobody", "none", "nothing", "neither", "nor",
                        "without", "deny", "denies", "denied", "false", "n't"})
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")

__all__ = ["match_reviews", "normalise_rating", "reviews_for_claim", "reviews_for_story",
           "reviews_in_html", "reviews_of", "same_claim", "save_reviews", "stored_reviews"]


# -- reading ClaimReview ----------------------------------------------------------------------


def reviews_in_html(tree: Any) -> list[dict[str, Any]]:
    """Every ClaimReview of a parsed page (lxml tree), from JSON-LD and microdata.

    Each review is a dict: ``claim``, ``claimant``, ``rating`` (as published),
    ``verdict`` (one of ``VERDICTS``), ``reviewer``, ``reviewed_at`` and ``url``.
    Malformed blocks are skipped; nothing in them is executed.
    """
    found = list(_jsonld_reviews(tree)) + list(_microdata_reviews(tree))
    unique: dict[tuple[str, str | None], dict[str, Any]] = {}
    for review in found:
        if review["claim"]:
            unique.setdefault((review["claim"], review["url"]), review)
    return list(unique.values())[:MAX_REVIEWS]


def _jsonld_reviews(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        text = (script.text or "").strip()
        if not text or len(text) > MAX_JSONLD_CHARS:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        for node in _nodes(data):
            if _has_type(node, "ClaimReview"):
                yield _review_from_jsonld(node)


def _nodes(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document (``@graph`` and nesting included), bounded."""
    if depth > 8:
        return
    if isinstance(data, list):
        for item in data[:200]:
            yield from _nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, dict | list):
                yield from _nodes(value, depth + 1)


def _has_type(node: Mapping[str, Any], name: str) -> bool:
    types = node.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == name
               for t in types)


def _review_from_jsonld(node: Mapping[str, Any]) -> dict[str, Any]:
    rating = _first_dict(node.get("reviewRating"))
    item = _first_dict(node.get("itemReviewed"))
    return _review(
        claim=_text(node.get("claimReviewed")) or _text(item.get("name")),
        claimant=_name(item.get("author")),
        rating=_text(rating.get("alternateName")) or _text(rating.get("name")),
        value=(rating.get("ratingValue"), rating.get("bestRating"), rating.get("worstRating")),
        reviewer=_name(node.get("author")),
        reviewed_at=_text(node.get("datePublished")),
        url=_text(node.get("url")))


def _microdata_reviews(tree: Any) -> Iterator[dict[str, Any]]:
    for scope in tree.xpath("//*[@itemscope][contains(@itemtype, 'ClaimReview')]"):
        props = _itemprops(scope)
        rating = props.get("reviewRating")
        item = props.get("itemReviewed")
        rating_props = _itemprops(rating) if rating is not None else {}
        item_props = _itemprops(item) if item is not None else {}
        author = props.get("author")
        claimant = item_props.get("author")
        yield _review(
            claim=_prop_text(props.get("claimReviewed")) or _prop_text(item_props.get("name")),
            claimant=_prop_text(_itemprops(claimant).get("name")) if claimant is not None
            and claimant.get("itemscope") is not None else _prop_text(claimant),
            rating=_prop_text(rating_props.get("alternateName")),
            value=tuple(_prop_text(rating_props.get(k)) for k in
                        ("ratingValue", "bestRating", "worstRating")),
            reviewer=_prop_text(_itemprops(author).get("name")) if author is not None
            and author.get("itemscope") is not None else _prop_text(author),
            reviewed_at=_prop_text(props.get("datePublished")),
            url=_prop_text(props.get("url")))


def _itemprops(scope: Any) -> dict[str, Any]:
    """The direct properties of one microdata item (not those of nested items)."""
    props: dict[str, Any] = {}
    for element in scope.iterdescendants():
        owner = next((a for a in element.iterancestors() if a.get("itemscope") is not None),
                     None)
        if owner is scope and element.get("itemprop"):
            for name in element.get("itemprop").split():
                props.setdefault(name, element)
    return props


def _prop_text(element: Any) -> str | None:
    if element is None:
        return None
    for attribute in ("content", "datetime", "href"):
        if element.get(attribute):
            return element.get(attribute).strip()
    return " ".join(element.text_content().split()) or None


def _review(claim: str | None, claimant: str | None, rating: str | None,
            value: tuple[Any, Any, Any], reviewer: str | None, reviewed_at: str | None,
            url: str | None) -> dict[str, Any]:
    shown = rating or (f"{value[0]}/{value[1]}" if value[0] not in (None, "") and value[1]
                       else _text(value[0]))
    return {"claim": " ".join((claim or "").split()), "claimant": claimant, "rating": shown,
            "verdict": normalise_rating(rating, *value), "reviewer": reviewer,
            "reviewed_at": reviewed_at, "url": url}


def normalise_rating(text: str | None, value: Any = None, best: Any = None,
                     worst: Any = None) -> str:
    """One of ``VERDICTS`` from a published rating: its words first, else its number
    placed between ``worst`` (default 1) and ``best`` (default 5)."""
    words = (text or "").lower()
    for verdict, phrases in _VERDICT_WORDS:
        if any(p in words for p in phrases):
            return verdict
    try:
        number, top = float(value), float(best if best not in (None, "") else 5)
        bottom = float(worst if worst not in (None, "") else 1)
    except (TypeError, ValueError):
        return "unrated"
    if top <= bottom or not bottom <= number <= top:
        return "unrated"
    share = (number - bottom) / (top - bottom)
    return VERDICTS[4 - min(4, int(share * 5))]


def _first_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), {})
    return value if isinstance(value, dict) else {}


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _text(value: Any) -> str | None:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        return text or None
    return None


# -- storing ----------------------------------------------------------------------------------


def save_reviews(store: Any, articles: Iterable[Article]) -> int:
    """Copy the reviews ingest found in `articles` (``metadata["claim_reviews"]``) into the
    ``claim_reviews`` table; returns how many were new."""
    rows = []
    for article in articles:
        for r in article.metadata.get("claim_reviews") or []:
            review_id = stable_id(r.get("url") or article.id, r["claim"])
            rows.append((review_id, article.id, r["claim"], r.get("claimant"), r.get("rating"),
                         r.get("verdict") or "unrated", r.get("reviewer"),
                         r.get("reviewed_at"), r.get("url") or article.url, article.source))
    if not rows:
        return 0
    with store.transaction() as conn:
        before = conn.total_changes
        conn.executemany("INSERT OR IGNORE INTO claim_reviews VALUES (?,?,?,?,?,?,?,?,?,?)",
                         rows)
        return conn.total_changes - before


# -- matching ---------------------------------------------------------------------------------


def _features(text: str) -> tuple[set[str], set[str], list[str]]:
    """Content words (lower case, plural 's' dropped), numbers, and the words as written."""
    words = _WORD.findall(text)
    content = {_stem(w.lower()) for w in words if w.lower() not in _STOPWORDS and len(w) > 2}
    numbers = {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}
    return content, numbers, words


def _names(words: list[str], elsewhere: set[str]) -> set[str]:
    """Capitalised words (stemmed, lower case) that name something. The first word counts
    only when it is capitalised `elsewhere` too (the other text or the story), since any
    word is capitalised at the start of a sentence."""
    names = set()
    for i, word in enumerate(words):
        key = _stem(word.lower())
        if word[:1].isupper() and word.lower() not in _STOPWORDS and (i or key in elsewhere):
            names.add(key)
    return names


def _negated(words: list[str]) -> bool:
    """Whether a statement is put in the negative (an odd number of negations)."""
    count = sum(1 for w in words if w.lower().replace("’", "'") in _NEGATIONS
                or w.lower().endswith(("n't", "n’t")))
    return count % 2 == 1


def _capitalised(words: list[str]) -> set[str]:
    return {_stem(w.lower()) for w in words if w[:1].isupper()}


def _stem(word: str) -> str:
    word = word.replace("’", "'").removesuffix("'s")
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def same_claim(review_claim: str, claim: str, context: str = "") -> float:
    """How surely `claim` is the claim a review rates: 0 when not the same claim, else
    the content-word overlap (intersection over union).

    Both must say it the same way round (a claim and its denial differ), and every name
    in the review must be in the claim. `context` (the story's title and key
    names) may supply names a claim leaves implicit ("Engineers had warned about cracks"
    in a story about the Harbor Bridge), unless the claim names something the review
    does not (then it is about someone else).
    """
    r_words, r_numbers, r_raw = _features(review_claim)
    c_words, c_numbers, c_raw = _features(claim)
    if not r_words or not c_words:
        return 0.0
    shared = r_words & c_words
    containment = len(shared) / len(r_words)
    jaccard = len(shared) / len(r_words | c_words)
    if containment < MIN_CONTAINMENT or jaccard < MIN_JACCARD:
        return 0.0
    if not r_numbers <= c_numbers or _negated(r_raw) != _negated(c_raw):
        return 0.0
    context_words, _, context_raw = _features(context)
    around = _capitalised(context_raw)
    r_names = _names(r_raw, _capitalised(c_raw) | around)
    c_names = _names(c_raw, _capitalised(r_raw) | around)
    implicit = context_words if not c_names - r_names else set()
    if not r_names <= c_words | implicit:
        return 0.0
    return round(jaccard, 3)


def match_reviews(groups: Sequence[Mapping[str, Any]], reviews: Sequence[Mapping[str, Any]],
                  context: str = "") -> list[dict[str, Any]]:
    """Attach each review to the claim groups it rates: ``[{group_id, score, review}]``.

    A group matches when its text or one of its claims' sentences is the same claim; a
    review attaches to its best group per story only.
    """
    matches = []
    for review in reviews:
        best: tuple[float, str] | None = None
        for group in groups:
            texts = [group["text"], *(c["text"] for c in group.get("claims", []))]
            score = max(same_claim(review["claim"], t, context) for t in texts)
            if score and (best is None or score > best[0]):
                best = (score, group["id"])
        if best:
            matches.append({"group_id": best[1], "score": best[0], "review": dict(review)})
    return matches


def reviews_for_story(store: Any, groups: Sequence[Mapping[str, Any]],
                      context: str = "") -> list[dict[str, Any]]:
    """The stored reviews matching a story's claim groups (``story_view``'s
    ``fact_checks``), best first; `context` is the story's title and key names."""
    return sorted(match_reviews(groups, stored_reviews(store), context),
                  key=lambda m: -m["score"])


def reviews_of(articles: Iterable[Article]) -> list[dict[str, Any]]:
    """The reviews ingest found in `articles` (loose files: ``compare``, ``check``)."""
    return [dict(r) | {"article_id": a.id} for a in articles
            for r in a.metadata.get("claim_reviews") or []]


def stored_reviews(store: Any) -> list[dict[str, Any]]:
    """Every review in the store's ``claim_reviews`` table (none in a database opened
    read-only before its upgrade to the desk's tables)."""
    if not store.query("SELECT 1 FROM sqlite_master WHERE name = 'claim_reviews'"):
        return []
    return [dict(r) for r in store.query(
        "SELECT id, claim, claimant, rating, verdict, reviewer, reviewed_at, url, article_id "
        "FROM claim_reviews")]


def reviews_for_claim(claim: str, reviews: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The reviews that rate `claim` itself (``check``), best first."""
    scored = [(same_claim(r["claim"], claim), r) for r in reviews]
    return [{"score": score, "review": dict(r)}
            for score, r in sorted(scored, key=lambda sr: -sr[0]) if score]
