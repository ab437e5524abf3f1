"""Resolve entity mentions across articles into canonical entities with recorded variants.

"Gen. Mark Milley" and "Milley" are one person; "William H. Seely III" and "William H.
Seeley III" are one person spelled two ways; "Suleimani" and "Soleimani" likewise. People
match when their surnames are equal or one small edit apart and their first names (or
initials) do not conflict. Other entities match on a normalised form.

Matching is by blocking, not all pairs: distinct names are resolved once each, exact
surnames through a dictionary, and near spellings only among surnames that share their
first or last letter, scored by rapidfuzz's Levenshtein distance with a cut-off. A
1 MB article with thousands of name mentions canonicalises in well under a second.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from corroborator.extract.entities import SUFFIXES, _looks_like_person, surname
from corroborator.models import Entity

MAX_SURNAME_EDITS = 1
MIN_SURNAME_LEN_FOR_EDITS = 5


@dataclass
class CanonicalEntity:
    """One real-world entity and every surface form each article used for it."""

    canonical: str
    label: str
    variants: dict[str, list[str]] = field(default_factory=dict)
    mentions: list[Entity] = field(default_factory=list)

    @property
    def spellings(self) -> set[str]:
        """Distinct spellings of the distinguishing word (the surname for people)."""
        if self.label != "PERSON":
            return {_fold(m.text) for m in self.mentions}
        return {surname(m.text) for m in self.mentions}


def canonicalize(entities: Sequence[Entity]) -> list[CanonicalEntity]:
    """Group mentions into canonical entities and set each mention's ``canonical``."""
    people = [e for e in entities if e.label == "PERSON" or (
        e.label == "MISC" and len(e.text.split()) > 1 and _looks_like_person(e.text))]
    surnames = {_fold(surname(e.text)) for e in people}
    singles = [e for e in entities if e.label == "MISC" and _fold(e.text) in surnames]
    single_ids = {id(e) for e in singles}
    groups = _group_people(people + singles)
    others = [e for e in entities if e.label != "PERSON" and id(e) not in single_ids]
    groups += _group_by_form(others)
    result = [_finish(g) for g in groups]
    result.sort(key=lambda c: (-len(c.mentions), c.canonical))
    return result


class _SurnameIndex:
    """Groups of people found by surname: exact through a dict, near spellings through
    blocks keyed on the first and the last letter."""

    def __init__(self) -> None:
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.blocks: dict[str, set[str]] = defaultdict(set)

    def add(self, name: str, group: int) -> None:
        if group not in self.exact[name]:
            self.exact[name].append(group)
        if name:
            self.blocks["^" + name[0]].add(name)
            self.blocks[name[-1] + "$"].add(name)

    def near(self, name: str) -> list[str]:
        """Surnames equal to `name` or one edit from it (long enough to allow edits)."""
        if not name:
            return []
        if len(name) < MIN_SURNAME_LEN_FOR_EDITS:
            return [name] if name in self.exact else []
        pool = self.blocks.get("^" + name[0], set()) | self.blocks.get(name[-1] + "$", set())
        found = process.extract(name, pool, scorer=Levenshtein.distance,
                                score_cutoff=MAX_SURNAME_EDITS, limit=None)
        return [candidate for candidate, _, _ in sorted(found, key=lambda f: (f[1], f[0]))
                if len(candidate) >= MIN_SURNAME_LEN_FOR_EDITS or candidate == name]


def _group_people(mentions: list[Entity]) -> list[list[Entity]]:
    by_text: dict[str, list[Entity]] = defaultdict(list)
    for m in mentions:
        by_text[m.text].append(m)
    full = sorted((t for t in by_text if len(_name_parts(t)) > 1), key=lambda t: (-len(t), t))
    short = [t for t in by_text if len(_name_parts(t)) <= 1]
    groups: list[list[Entity]] = []
    heads: list[str] = []
    index = _SurnameIndex()
    for text in full:
        key = _fold(_name_parts(text)[-1])
        target = next((g for name in index.near(key) for g in index.exact[name]
                       if _firsts_compatible(_name_parts(heads[g])[:-1],
                                             _name_parts(text)[:-1])), None)
        if target is None:
            groups.append([])
            heads.append(text)
            target = len(groups) - 1
        groups[target].extend(by_text[text])
        index.add(key, target)
    for text in short:
        target = _best_group_for_surname(index, groups, by_text[text])
        if target is None:
            groups.append(list(by_text[text]))
            heads.append(text)
            index.add(_fold(surname(text)), len(groups) - 1)
        else:
            groups[target].extend(by_text[text])
    return [g for g in groups if g]


def _best_group_for_surname(index: _SurnameIndex, groups: list[list[Entity]],
                            mentions: list[Entity]) -> int | None:
    name = _fold(surname(mentions[0].text))
    candidates = index.exact.get(name) or [g for n in index.near(name) for g in index.exact[n]]
    if not candidates:
        return None
    articles = {m.article_id for m in mentions}
    same_article = [g for g in candidates if any(m.article_id in articles for m in groups[g])]
    return (same_article or candidates)[0]


def _firsts_compatible(a: list[str], b: list[str]) -> bool:
    if not a or not b:
        return True
    x, y = _fold(a[0]).rstrip("."), _fold(b[0]).rstrip(".")
    if not x or not y:
        return True
    if len(x) == 1 or len(y) == 1:
        return x[0] == y[0]
    return x == y or Levenshtein.distance(x, y, score_cutoff=1) <= 1


def _group_by_form(mentions: list[Entity]) -> list[list[Entity]]:
    """Same normalised form and type; a bare first word ("Calloway") joins the one
    organisation of that article it begins ("Calloway Minerals")."""
    groups: dict[tuple[str, str], list[Entity]] = defaultdict(list)
    leading: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for m in mentions:
        key = (_fold(m.text).removeprefix("the "), m.label)
        groups[key].append(m)
        if m.label == "ORG" and len(m.text.split()) > 1:
            leading[(m.article_id, _fold(m.text.split()[0]))].add(key)
    for key in list(groups):
        form, label = key
        if label != "MISC" or " " in form:
            continue
        by_article = {m.article_id for m in groups[key]}
        owners = set().union(*(leading.get((a, form), set()) for a in by_article))
        if len(owners) == 1:
            groups[owners.pop()].extend(groups.pop(key))
    return list(groups.values())


def _finish(group: list[Entity]) -> CanonicalEntity:
    people = sum(m.label == "PERSON" for m in group)
    label = "PERSON" if people and people * 2 >= len(group) else _majority_label(group)
    name = _canonical_name(group)
    entity = CanonicalEntity(canonical=name, label=label, mentions=group)
    for m in group:
        m.canonical = name
        m.label = label
        forms = entity.variants.setdefault(m.article_id, [])
        if m.text not in forms:
            forms.append(m.text)
    return entity


def _canonical_name(group: list[Entity]) -> str:
    """The most complete form, spelled the way most articles spell it."""
    spelling = Counter()
    for article_forms in _forms_by_article(group).values():
        for s in {surname(f) for f in article_forms}:
            spelling[s] += 1
    best_surname = max(spelling, key=lambda s: (spelling[s], -_first_seen(group, s)))
    full = [m.text for m in group if surname(m.text) == best_surname]
    return max(full, key=lambda t: (len(_name_parts(t)), len(t)))


def _majority_label(group: list[Entity]) -> str:
    counts = Counter(m.label for m in group if m.label != "MISC")
    if counts.get("PERSON") and len(counts) == 1:
        return "PERSON"
    counts.pop("PERSON", None)
    return counts.most_common(1)[0][0] if counts else group[0].label


def _forms_by_article(group: list[Entity]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for m in group:
        out[m.article_id].add(m.text)
    return out


def _first_seen(group: list[Entity], name: str) -> int:
    return next(i for i, m in enumerate(group) if surname(m.text) == name)


def _name_parts(name: str) -> list[str]:
    return [p for p in name.split() if p not in SUFFIXES]


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold().replace("’", "'").removesuffix("'s").strip()
