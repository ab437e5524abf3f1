"""Outlet names and headlines without site suffixes.

A page names its outlet in several places, not all of them right: JSON-LD
``publisher``, trafilatura's site name, ``og:site_name``, the parts of its
``<title>``, and its address. `pick_outlet` takes the candidate that agrees best
with the site's registered domain (found with the Public Suffix List of the `tld`
package, its bundled copy: nothing is fetched), in that order of sources, so
Reuters' ``og:site_name`` "U.S." loses to its JSON-LD publisher "Reuters". With
no candidate the registered domain itself is the name (``reuters.com`` for
``www.reuters.com``). `strip_site_name` removes the outlet from a headline's edges
("Title – TechCrunch", "LinkNaija | Title"), and `OutletNames` keeps one spelling
per outlet across a batch and the store ("Reuters" and "REUTERS").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tld import get_tld

from corroborator.models import Article

#: Most words in an outlet name; a longer "site name" is a tagline or a headline.
MAX_OUTLET_WORDS = 8
#: Shortest host label that counts when it only appears inside a longer name.
MIN_PARTIAL_LABEL = 4
#: Most words in a title part removed for only partly naming the site ("Python Insider").
MAX_PARTIAL_PART_WORDS = 4
#: Most words in a section name left between a headline and its site name ("| News |").
MAX_SECTION_WORDS = 2
#: Fewest words a headline keeps for a section part next to the site name to be dropped.
MIN_HEADLINE_WORDS = 4
#: Host labels that never name a site.
GENERIC_LABELS = frozenset({"www", "m", "amp", "edition", "en", "uk", "us", "ext", "news", "blog"})
#: Fit of a name to the site's address: none, part of it, all of it.
NO_FIT, PARTIAL_FIT, EXACT_FIT = 0, 1, 2

#: Title separators: a bar (or a lower-case "l" standing for one), dash, colon, guillemet,
#: bullet or slash between spaces.
_TITLE_SEPARATOR = re.compile(r"\s*\|\s*|\s+[-–—»·•/~l]+\s+|\s+::?\s+|(?<=[^\s\d]):\s+")
_HOST_LIKE = re.compile(r"^(?:https?://)?(?:www\.)?([\w-]+(?:\.[\w-]+)+)/?$", re.IGNORECASE)
_EDGE_JUNK = " \t_|·•-–—:/@"
_MINOR_WORDS = frozenset({"of", "and", "the", "for", "a", "an", "at", "in", "on", "&"})
#: Words for a company's legal form or kind, dropped from the end of a copyright holder
#: ("Axios Media, Inc." publishes "Axios").
HOLDER_SUFFIXES = frozenset({"inc", "llc", "ltd", "limited", "plc", "corp", "corporation", "co",
                             "company", "gmbh", "ag", "sa", "media", "group", "holdings"})
#: A copyright notice: the sign or word, an optional year or span of years, the holder.
_COPYRIGHT = re.compile(r"(?:©|\(c\)|\bcopyright\b)[\s©:]*(?:\d{4}(?:\s*[-–]\s*\d{4})?[\s,.]*)?"
                        r"(?P<holder>[^\n|©]{2,80})", re.IGNORECASE)
#: Where a holder's name ends: a sentence or clause break, "All rights", a year.
_HOLDER_END = re.compile(r"[.,;|]\s|[,;|]|\s+[-–—]\s|\s*\ball rights\b|\s*\d{4}|\.$", re.IGNORECASE)


@dataclass(frozen=True)
class Site:
    """What a page's address says about its site: registered domain and name labels."""

    domain: str | None
    labels: tuple[str, ...]
    host: str = ""

    @classmethod
    def of(cls, url: str | None) -> Site:
        """The site of `url` (an empty one when there is no usable address)."""
        host = (urlsplit(url).hostname or "").lower() if url else ""
        if not host:
            return cls(None, ())
        parsed = get_tld(f"http://{host}", as_object=True, fail_silently=True)
        host = host.removeprefix("www.")
        if parsed is None:  # localhost, an IP address, an unknown suffix
            return cls(host, (name_key(host.split(".")[0]),), host)
        parts = [p for p in parsed.subdomain.split(".") if p and p not in GENERIC_LABELS]
        labels = [name_key(p) for p in [*parts, parsed.domain]]
        if parts:
            labels.append("".join(labels))  # jamaica.gleaner.com: "jamaicagleaner"
        return cls(parsed.fld, tuple(label for label in labels if label), host)

    @property
    def main_label(self) -> str:
        """The registered domain's own label ("reuters" for www.reuters.com)."""
        return name_key((self.domain or "").split(".")[0])


def name_key(name: str | None) -> str:
    """A name compared loosely: accents, case, punctuation and spaces ignored."""
    text = unicodedata.normalize("NFKD", name or "")
    return "".join(char for char in text.casefold() if char.isalnum())


def fit(name: str, site: Site) -> int:
    """How well `name` matches the site's address: EXACT_FIT, PARTIAL_FIT or NO_FIT."""
    key = name_key(name)
    if not key or not site.labels:
        return NO_FIT
    bare = key.removeprefix("the")
    if key in site.labels or bare in site.labels or _initials(name) in site.labels:
        return EXACT_FIT
    for label in site.labels:
        if len(label) >= MIN_PARTIAL_LABEL and (label in key or (len(bare) >= 4 and bare in label)):
            return PARTIAL_FIT
    return NO_FIT


def clean_name(raw: str | None, site: Site) -> str | None:
    """A candidate outlet name tidied, or None when it cannot be one.

    An address loses its scheme and ``www.`` ("https://www.newsnation.in" ->
    "newsnation.in"), and the page's own host becomes its registered domain; a
    lower-case name that is only the domain's label becomes the domain ("nj" ->
    "nj.com"); of "Name - tagline" the part that fits the site (else the first) is kept.
    """
    text = " ".join((raw or "").split()).strip(_EDGE_JUNK)
    if not text:
        return None
    host = _HOST_LIKE.match(text)
    if host:  # the page's own subdomain stands for the site: its registered domain
        own = host.group(1).lower() == site.host and site.host != site.domain
        return site.domain if own else host.group(1)
    parts = [p.strip(_EDGE_JUNK) for p in _TITLE_SEPARATOR.split(text) if p.strip(_EDGE_JUNK)]
    if len(parts) > 1:
        text = max(parts, key=lambda part: (fit(part, site), -parts.index(part)))
    if len(text.split()) > MAX_OUTLET_WORDS:
        return None
    if text.islower() and name_key(text) == site.main_label and site.domain:
        return site.domain
    return text


def pick_outlet(candidates: Sequence[str | None], title_parts: Sequence[str], url: str | None,
                holders: Sequence[str] = ()) -> str | None:
    """The outlet name: the best-fitting of `candidates` (best source first), of the title
    parts that name the site, a real name before an address; when no real name fits the
    site, a copyright holder that is the site's very name ("Axios" of "Axios Media" on
    axios.com); else the domain.

    Example:
        >>> pick_outlet(["U.S.", "Reuters"], [], "https://www.reuters.com/article/x")
        'Reuters'
    """
    site = Site.of(url)
    names = [name for name in (clean_name(c, site) for c in candidates) if name]
    names += [part for part in (clean_name(p, site) for p in title_parts) if part
              and (fit(part, site) == EXACT_FIT or fit(part, site) == PARTIAL_FIT
                   and _name_like(part))]
    if not any(fit(name, site) > NO_FIT and not _HOST_LIKE.match(name) for name in names):
        names += [name for name in (clean_name(h, site) for h in holders)
                  if name and fit(name, site) == EXACT_FIT]
    if not names:
        return site.domain
    return max(names, key=lambda name: (fit(name, site), not _HOST_LIKE.match(name),
                                         not _squashed(name, site), -names.index(name)))


def copyright_holders(notices: Iterable[str]) -> list[str]:
    """The holders named in copyright notices, without a legal form at the end.

    Example:
        >>> copyright_holders(["Copyright Axios Media, 2020", "© 2021 The Ledger Ltd."])
        ['Axios', 'The Ledger']
    """
    holders = []
    for notice in notices:
        for match in _COPYRIGHT.finditer(" ".join(notice.split())):
            holder = _HOLDER_END.split(match.group("holder"), maxsplit=1)[0]
            words = holder.strip(_EDGE_JUNK).split()
            while len(words) > 1 and name_key(words[-1]) in HOLDER_SUFFIXES:
                words.pop()
            if words and words[0][0].isupper() and len(words) <= MAX_OUTLET_WORDS:
                holders.append(" ".join(words))
    return holders


def _squashed(name: str, site: Site) -> bool:
    """Whether a name is only the domain's label re-cased ("Timesofisrael")."""
    return " " not in name and name_key(name) in site.labels


def title_parts(title: str | None) -> list[str]:
    """A title's parts between separators, the longest (the headline) left out."""
    parts = [part.strip() for part in _TITLE_SEPARATOR.split(title or "") if part.strip()]
    if len(parts) < 2:
        return []
    longest = max(parts, key=len)
    return [part for part in parts if part is not longest]


def strip_site_name(title: str, outlet: str | None, url: str | None,
                    site_names: Sequence[str | None] = ()) -> str:
    """`title` without the site's name (and a short section name or a date next to it) at
    either end. `site_names` are the page's own spellings of its name ("My Magazine - Art,
    Design and DIY"); a title ending with one of them loses it whole.

    Example:
        >>> strip_site_name("Bridge reopens after repairs | Local | The Ledger", "The Ledger", None)
        'Bridge reopens after repairs'
    """
    whole = title
    title = _cut_site_names(title, site_names)
    site = Site.of(url)
    spans = _part_spans(title)
    if len(spans) < 2:
        return title
    start, end = 0, len(spans)
    while end - start > 1 and _is_date(title, spans, end - 1):
        end -= 1
    if title != whole and end - start >= 2 and _is_section(title, spans, end - 1, start):
        end -= 1
    while end - start > 1 and _names_site(title, spans, end - 1, start, outlet, site):
        end -= 1
        if end - start >= 2 and _is_section(title, spans, end - 1, start):
            end -= 1
    while end - start > 1 and _names_site(title, spans, start, end, outlet, site):
        start += 1
        if end - start >= 2 and _is_section(title, spans, start, end - 1, lead=True):
            start += 1
    return title[spans[start][0]:spans[end - 1][1]].strip()


def _cut_site_names(title: str, site_names: Sequence[str | None]) -> str:
    """The title without a trailing separator and one of `site_names` (longest first)."""
    for name in sorted((n.strip() for n in site_names if n and len(n.strip()) > 3),
                       key=len, reverse=True):
        if title.endswith(name) and len(title) > len(name):
            head = title[: len(title) - len(name)]
            separator = _TITLE_SEPARATOR.search(head[-4:] if len(head) >= 4 else head)
            if separator and head.rstrip(" |-–—»·•/~:").strip():
                return head.rstrip(" |-–—»·•/~:")
    return title


def _is_date(title: str, spans: list[tuple[int, int]], index: int) -> bool:
    """Whether a title part is only a date or a number ("19.01.2020")."""
    part = title[spans[index][0]:spans[index][1]]
    return any(char.isdigit() for char in part) and not any(char.isalpha() for char in part)


def _part_spans(title: str) -> list[tuple[int, int]]:
    """Character spans of the title's parts between separators."""
    spans, pos = [], 0
    for match in _TITLE_SEPARATOR.finditer(title):
        if title[pos:match.start()].strip():
            spans.append((pos, match.start()))
        pos = match.end()
    if title[pos:].strip():
        spans.append((pos, len(title)))
    return spans


def _words(title: str, spans: list[tuple[int, int]], first: int, last: int) -> int:
    """Words in the parts first..last (inclusive)."""
    return len(title[spans[first][0]:spans[last][1]].split())


def _names_site(title: str, spans: list[tuple[int, int]], index: int, other: int,
                outlet: str | None, site: Site) -> bool:
    """Whether part `index` names the outlet or its site (`other` bounds the rest)."""
    part = title[spans[index][0]:spans[index][1]].strip(_EDGE_JUNK)
    key = name_key(part)
    if not key:
        return True
    outlet_key = name_key(outlet)
    if outlet_key and (key == outlet_key or key.removeprefix("the") == outlet_key.removeprefix("the")):
        return True
    if _HOST_LIKE.match(part) and site.domain and name_key(part).endswith(name_key(site.domain)):
        return True
    strength = fit(part, site)
    rest = _words(title, spans, min(index, other), max(index, other - 1)) - len(part.split())
    return strength == EXACT_FIT or (
        strength == PARTIAL_FIT and len(part.split()) <= MAX_PARTIAL_PART_WORDS
        and len(part.split()) < rest and _name_like(part))


def _name_like(part: str) -> bool:
    """Whether a title part reads as a name: no digits, every main word capitalised."""
    words = [word for word in part.split() if word.casefold() not in _MINOR_WORDS]
    return not any(char.isdigit() for char in part) and all(
        word[0].isupper() or not word[0].isalpha() for word in words)


def _is_section(title: str, spans: list[tuple[int, int]], index: int, other: int,
                lead: bool = False) -> bool:
    """Whether the part next to a removed site name is a short section name ("| News"):
    the headline parts (from `other` to it, exclusive) keep enough words."""
    part = title[spans[index][0]:spans[index][1]]
    if not part.replace(" ", "").isalpha():
        return False
    part_words = len(part.split())
    if lead:
        headline_words = _words(title, spans, index + 1, other) if other > index else 0
    else:
        headline_words = _words(title, spans, other, index - 1) if index > other else 0
    return part_words <= MAX_SECTION_WORDS and headline_words >= MIN_HEADLINE_WORDS


def _initials(name: str) -> str:
    """Initials of a name's main words ("Jamaica Information Service" -> "jis")."""
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.casefold() not in _MINOR_WORDS]
    return name_key("".join(w[0] for w in words)) if len(words) > 1 else ""


class OutletNames:
    """One spelling per outlet across a batch and what is already stored.

    "REUTERS" after "Reuters" becomes "Reuters"; a page named only by its domain
    (``reuters.com``) takes the name an earlier page of that domain gave, when that
    name fits the domain.
    """

    @classmethod
    def from_store(cls, store: Any) -> OutletNames:
        """Names seeded with the outlets a `corroborator.store.Store` already holds."""
        rows = store.query("SELECT outlet, MIN(url) AS url FROM articles "
                           "WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY MIN(rowid)")
        return cls((row["outlet"], row["url"]) for row in rows)

    def __init__(self, known: Iterable[tuple[str, str | None]] = ()) -> None:
        self._by_key: dict[str, str] = {}
        self._by_domain: dict[str, str] = {}
        for outlet, url in known:
            self._remember(outlet, Site.of(url))

    def apply(self, article: Article) -> Article:
        """Give `article` the outlet's established spelling; returns the same article."""
        if not article.outlet:
            return article
        site = Site.of(article.url)
        if site.domain and name_key(article.outlet) == name_key(site.domain):
            article.outlet = self._by_domain.get(site.domain, article.outlet)
        article.outlet = self._by_key.get(name_key(article.outlet), article.outlet)
        self._remember(article.outlet, site)
        return article

    def _remember(self, outlet: str, site: Site) -> None:
        """Record the first spelling of a name, and of a domain's fitting name."""
        self._by_key.setdefault(name_key(outlet), outlet)
        if site.domain and fit(outlet, site) > NO_FIT and name_key(outlet) != name_key(site.domain):
            self._by_domain.setdefault(site.domain, outlet)
