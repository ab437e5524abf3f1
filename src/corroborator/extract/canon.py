"""Resolve entity mentions across articles into canonical entities with recorded variants.

"Gen. Mark Milley" and "Milley" are one person; "William H. Seely III" and "William H.
Seeley III" are one person spelled two ways; "Suleimani" and "Soleimani" likewise. People
match when their surnames are equal or one small edit apart and their first names (or
initials) do not conflict. Other entities match on a normalised form.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from corroborator.extract.entities import SUFFIXES, surname
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
    people = [e for e in entities if e.label == "PERSON"]
    surnames = {_fold(surname(e.text)) for e in people}
    singles = [e for e in entities if e.label == "MISC" and _fold(e.text) in surnames]
    groups = _group_people(people + singles)
    others = [e for e in entities if e.label not in ("PERSON",) and e not in singles]
    groups += _group_by_form(others)
    result = [_finish(g) for g in groups]
    result.sort(key=lambda c: (-len(c.mentions), c.canonical))
    return result


def _group_people(mentions: list[Entity]) -> list[list[Entity]]:
    full = sorted((m for m in mentions if len(_name_parts(m.text)) > 1),
                  key=lambda m: -len(m.text))
    short = [m for m in mentions if len(_name_parts(m.text)) <= 1]
    groups: list[list[Entity]] = []
    for mention in full:
        target = next((g for g in groups if _same_person(g[0].text, mention.text)), None)
        if target is None:
            groups.append([mention])
        else:
            target.append(mention)
    for mention in short:
        target = _best_group_for_surname(groups, mention)
        if target is None:
            groups.append([mention])
        else:
            target.append(mention)
    return groups


def _best_group_for_surname(groups: list[list[Entity]], mention: Entity) -> list[Entity] | None:
    name = _fold(surname(mention.text))
    exact = [g for g in groups if any(_fold(surname(m.text)) == name for m in g)]
    close = [g for g in groups if _surnames_match(_fold(surname(g[0].text)), name)]
    candidates = exact or close
    if not candidates:
        return None
    same_article = [g for g in candidates if any(m.article_id == mention.article_id for m in g)]
    return (same_article or candidates)[0]


def _same_person(a: str, b: str) -> bool:
    pa, pb = _name_parts(a), _name_parts(b)
    if not _surnames_match(_fold(pa[-1]), _fold(pb[-1])):
        return False
    return _firsts_compatible(pa[:-1], pb[:-1])


def _firsts_compatible(a: list[str], b: list[str]) -> bool:
    if not a or not b:
        return True
    x, y = _fold(a[0]).rstrip("."), _fold(b[0]).rstrip(".")
    if len(x) == 1 or len(y) == 1:
        return x[0] == y[0]
    return x == y or _edit_distance(x, y) <= 1


def _surnames_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < MIN_SURNAME_LEN_FOR_EDITS or a[0] != b[0] and a[-1] != b[-1]:
        return False
    return _edit_distance(a, b) <= MAX_SURNAME_EDITS


def _group_by_form(mentions: list[Entity]) -> list[list[Entity]]:
    groups: dict[tuple[str, str], list[Entity]] = defaultdict(list)
    for m in mentions:
        groups[(_fold(m.text).removeprefix("the "), m.label)].append(m)
    return list(groups.values())


def _finish(group: list[Entity]) -> CanonicalEntity:
    label = "PERSON" if any(m.label == "PERSON" for m in group) else group[0].label
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


def _forms_by_article(group: list[Entity]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for m in group:
        out[m.article_id].add(m.text)
    return out


def _first_seen(group: list[Entity], name: str) -> int:
    return next(i for i, m in enumerate(group) if surname(m.text) == name)


def _name_parts(name: str) -> list[str]:
    return [p for p in name.split() if p not in SUFFIXES]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold().replace("’", "'").removesuffix("'s").strip()


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (names are short, so the quadratic table is fine)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
