"""Incremental corroboration: a story's claim groups grown one article at a time.

A story's corroboration is a fold over its articles in arrival order. When an article
joins a story, :func:`add_article`

1. aligns it with the few earlier articles nearest to it (a nearest-neighbour search over
   the story's stored sentence vectors), not with every earlier article;
2. adds its sentences to the claim groups they state, or opens a group with the earlier
   sentence they match, and opens single-source groups for its own most check-worthy
   claims;
3. judges it on the existing groups nearest to it, and judges the earlier articles
   nearest to each group it opened (the rest are ``unrelated``), within an inference
   budget.

What an article adds (its sentence vectors, conflicting values, entities) is computed once
and kept in the story's :class:`StoryState`, which the store keeps between runs. The cost
of adding an article therefore does not grow with the story beyond one matrix product
over its sentence vectors, and a story corroborated in one run or over several batches
ends in the same state. A one-article story is never aligned.
"""

from __future__ import annotations

import json
import math
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from functools import cache, lru_cache

import numpy as np

from corroborator.align import Pair, align_pair, make_units, same_polarity
from corroborator.align.lexical import concepts
from corroborator.corroboration.discrepancies import (
    Finding,
    headline_discrepancies,
    merge_findings,
    name_discrepancies,
    pair_findings,
    same_fact_pairs,
)
from corroborator.corroboration.inference import PairCache, active_cache, caching
from corroborator.corroboration.judgement import (
    DEBUNK,
    EXPLICIT_DENIAL,
    HEDGE,
    RULE_REASON,
    ClaimView,
    get_verdict_model,
    judge,
    may_reject,
    view_article,
)
from corroborator.corroboration.result import MAX_ALIGNED_SENTENCES, display_name
from corroborator.extract import canonicalize
from corroborator.models import (
    Article,
    Claim,
    ClaimGroup,
    Discrepancy,
    Entity,
    Extraction,
    Mention,
    Sentence,
    Stance,
)

STATE_VERSION = "fold-10"   # change whenever StoryState or the fold changes
STATE_MAGIC = b"corroborator-fold-state/2\n"   # one blob (databases before migration 0018)
PARTS_MAGIC = b"corroborator-fold-state/3\n"   # the head of a state kept in parts
PARTNERS = 6              # earlier articles a new article is aligned with, nearest first
NEAR_GROUPS = 16          # existing groups a new article is judged on (the rest: unrelated)
JUDGED_PER_GROUP = 6      # earlier articles judged on each new group (the rest: unrelated)
JUDGE_MIN_COSINE = 0.35   # no sentence this far from a claim speaks to it
HEADLINE_PEERS = 6        # articles a headline is checked against
INFERENCE_PER_ARTICLE = 12  # candidate sentences inferred per article (the second article
                            # of a story also brings the first's share)...
INFERENCE_STORY = 300     # ...until the story has used this many; then...
INFERENCE_FLOOR = 1       # ...this many per added article
MAX_GROUPS = 80           # single-source groups open only while the story has fewer groups
MAX_SINGLE_SOURCE_CLAIMS = 6
MIN_SINGLE_CHECKWORTHINESS = 0.02
GROUP_MIN_COSINE = 0.55
HEDGED_MAKER_PROBABILITY = 0.75
REPRESENTATIVE_SAMPLE = 12  # members weighed when choosing a big group's representative
FIT_SAMPLE = 12           # a joining claim must fit this many members (the earliest)

NOT_A_CLAIM = re.compile(
    r"\?\s*$|^\W*(reporting|editing|writing|additional reporting) by\b|pic\.twitter\.com|"
    r"https?://|^\s*[@#]|\b(click here|read more|subscribe|sign up|follow us)\b|"
    r"^\W*\(?(photo|image|video|credit)s?\b",
    re.IGNORECASE)

Loader = Callable[[str], tuple[Article, Extraction]]


def is_claim_text(text: str) -> bool:
    """False for sentences that never stand as an agreed claim: questions, debunking
    sentences, credit lines, links, embedded posts and share prompts."""
    return not NOT_A_CLAIM.search(text) and not DEBUNK.search(text)


@dataclass
class StoryState:
    """Everything a story's corroboration keeps between articles (stored as data: JSON plus
    the float16 sentence matrix, see :meth:`dumps` and :func:`load_state`)."""

    key: str
    article_ids: list[str] = field(default_factory=list)
    outlets: dict[str, str] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float16))
    groups: list[ClaimGroup] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    mentions: dict[tuple[str, int], list[Mention]] = field(default_factory=dict)
    name_sentences: dict[str, dict[int, Sentence]] = field(default_factory=dict)
    headline_peers: dict[str, list[str]] = field(default_factory=dict)
    headlines: dict[str, Discrepancy] = field(default_factory=dict)
    duplicates: dict[str, str] = field(default_factory=dict)
    written: dict[int, str] = field(default_factory=dict)   # group position → fingerprint
    maker_text: dict[int, str] = field(default_factory=dict)  # group text makers were judged on
    inferences: int = 0
    stored: _Stored | None = field(default=None, compare=False, repr=False)

    def vectors_of(self, article_id: str) -> np.ndarray:
        start, end = self.spans[article_id]
        return self.matrix[start:end].astype(np.float32)

    def row_of(self, article_id: str, sentence_index: int) -> np.ndarray | None:
        start, end = self.spans[article_id]
        return (self.matrix[start + sentence_index].astype(np.float32)
                if start + sentence_index < end else None)

    def dumps(self) -> bytes:
        """The state as bytes: a magic line, the JSON of every field but the matrix, then
        the matrix as little-endian float16 (nothing in it is ever executed on load)."""
        data = {name: _to_data(getattr(self, name)) for name in _DATA_FIELDS}
        data["matrix_shape"] = list(self.matrix.shape)
        header = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        matrix = np.ascontiguousarray(self.matrix, dtype="<f2").tobytes()
        return STATE_MAGIC + len(header).to_bytes(8, "little") + header + matrix

    def parts(self) -> dict[str, bytes]:
        """The parts of the state that changed since it was loaded or last returned here,
        by name (see :func:`load_parts`): the head (``""``: the story-wide fields), one
        part per article added (``a/N``: its sentence vectors, entities, mentions and the
        sentences naming people), per group changed (``g/N``) and the findings added
        (``f/N``, from finding N on), each as JSON (msgspec). A fold replaces a group's
        stances and claims rather than editing them, which is what a group's change is
        seen by. A state that was not loaded from parts returns every part."""
        encode = _codec().encode
        stored = self.stored or _Stored(0, 0, {})
        head = _Head(**{name: getattr(self, name) for name in _HEAD_FIELDS},
                     matrix_cols=int(self.matrix.shape[1]) if self.matrix.size else 0,
                     n_groups=len(self.groups))
        out = {"": PARTS_MAGIC + encode(head)}
        added = self.article_ids[stored.articles:]
        if added:
            entities: dict[str, list[Entity]] = {aid: [] for aid in added}
            mentions: dict[str, list] = {aid: [] for aid in added}
            for e in self.entities:
                if e.article_id in entities:
                    entities[e.article_id].append(e)
            for (aid, index), found in self.mentions.items():
                if aid in mentions:
                    mentions[aid].append((index, found))
            for n, aid in enumerate(added, start=stored.articles):
                start, end = self.spans[aid]
                header = encode(_ArticlePart(entities[aid], mentions[aid],
                                             self.name_sentences.get(aid)))
                rows = np.ascontiguousarray(self.matrix[start:end], dtype="<f2").tobytes()
                out[f"a/{n}"] = len(header).to_bytes(8, "little") + header + rows
        for n, group in enumerate(self.groups):
            mark = _group_mark(group)
            if stored.groups.get(n) != mark:
                out[f"g/{n}"] = encode(group)
                stored.groups[n] = mark
        if len(self.findings) > stored.findings:
            out[f"f/{stored.findings}"] = encode(self.findings[stored.findings:])
        stored.articles, stored.findings = len(self.article_ids), len(self.findings)
        self.stored = stored
        return out


@dataclass
class _Stored:
    """What of a state is already stored as parts: its first `articles` articles, its
    first `findings` findings and each group as it stood (by :func:`_group_mark`)."""

    articles: int
    findings: int
    groups: dict[int, tuple]


@dataclass
class _Head:
    """The story-wide part of a state kept in parts."""

    key: str
    article_ids: list[str]
    outlets: dict[str, str]
    spans: dict[str, tuple[int, int]]
    headline_peers: dict[str, list[str]]
    headlines: dict[str, Discrepancy]
    duplicates: dict[str, str]
    written: dict[int, str]
    maker_text: dict[int, str]
    inferences: int
    matrix_cols: int
    n_groups: int


@dataclass
class _ArticlePart:
    """What one article added to a state (its sentence vectors follow the JSON)."""

    entities: list[Entity]
    mentions: list[tuple[int, list[Mention]]]      # by sentence index
    name_sentences: dict[int, Sentence] | None


@dataclass(frozen=True)
class _Codec:
    encode: Callable[[typing.Any], bytes]
    head: typing.Any
    article: typing.Any
    group: typing.Any
    findings: typing.Any
    errors: tuple[type[Exception], ...]


@cache
def _codec() -> _Codec:
    """JSON encoder and typed decoders of the parts (msgspec checks every field's type
    while decoding; nothing else is read)."""
    import msgspec

    decoder = msgspec.json.Decoder
    return _Codec(msgspec.json.Encoder(enc_hook=_plain_number).encode, decoder(_Head),
                  decoder(_ArticlePart), decoder(ClaimGroup), decoder(list[Finding]),
                  (msgspec.DecodeError,))


def _plain_number(value):
    if isinstance(value, np.generic):
        return value.item()
    raise NotImplementedError(f"cannot store {type(value).__name__} in a fold state")


def _group_mark(group: ClaimGroup) -> tuple:
    """What tells a changed group from the stored one: its shown fields and the identity
    of each claim and stance (the fold replaces them, never edits them in place)."""
    return (group.id, group.text, group.status, group.independent_sources,
            tuple(map(id, group.claims)),
            tuple((id(s), s.label, s.score, s.evidence) for s in group.stances))


_DATA_FIELDS = ("key", "article_ids", "outlets", "spans", "groups", "findings", "entities",
                "mentions", "name_sentences", "headline_peers", "headlines", "duplicates",
                "written", "maker_text", "inferences")
_HEAD_FIELDS = ("key", "article_ids", "outlets", "spans", "headline_peers", "headlines",
                "duplicates", "written", "maker_text", "inferences")


def state_key(model: str, extractor: str) -> str:
    """A state is reused only by the same fold, verdict stack and extractor."""
    return f"{STATE_VERSION}|{model}|{extractor}"


def load_state(stored: bytes | Mapping[str, bytes] | None, key: str) -> StoryState | None:
    """The stored state (one blob, or the parts :meth:`StoryState.parts` wrote), or None
    when absent, unreadable, invalid or made by other code (the story is then folded
    again). Only data is read: JSON and float16 arrays."""
    if isinstance(stored, Mapping):
        head = stored.get("")
        if head is not None and head.startswith(PARTS_MAGIC):
            return load_parts(stored, key)
        stored = head
    return _load_blob(stored, key)


def load_parts(parts: Mapping[str, bytes], key: str) -> StoryState | None:
    """A state from its parts (see :meth:`StoryState.parts`); None when one is missing,
    damaged or the state was made by other code."""
    codec = _codec()
    try:
        head = codec.head.decode(parts[""][len(PARTS_MAGIC):])
        if head.key != key:
            return None
        entities: list[Entity] = []
        mentions: dict[tuple[str, int], list[Mention]] = {}
        name_sentences: dict[str, dict[int, Sentence]] = {}
        rows = []
        for n, aid in enumerate(head.article_ids):
            blob = parts[f"a/{n}"]
            size = int.from_bytes(blob[:8], "little")
            article = codec.article.decode(blob[8:8 + size])
            entities.extend(article.entities)
            mentions.update(((aid, index), found) for index, found in article.mentions)
            if article.name_sentences is not None:
                name_sentences[aid] = article.name_sentences
            raw = blob[8 + size:]
            if head.matrix_cols == 0 and raw or head.matrix_cols and len(raw) % (
                    2 * head.matrix_cols):
                return None
            rows.append(np.frombuffer(raw, dtype="<f2").reshape(-1, head.matrix_cols))
        groups = [codec.group.decode(parts[f"g/{n}"]) for n in range(head.n_groups)]
        findings: list[Finding] = []
        while f"f/{len(findings)}" in parts:
            findings.extend(codec.findings.decode(parts[f"f/{len(findings)}"]))
        matrix = (np.concatenate(rows).astype(np.float16) if rows
                  else np.zeros((0, 0), np.float16))
        state = StoryState(matrix=matrix, groups=groups, findings=findings, entities=entities,
                           mentions=mentions, name_sentences=name_sentences,
                           **{name: getattr(head, name) for name in _HEAD_FIELDS})
    except (KeyError, TypeError, ValueError, *codec.errors):
        return None
    if not _valid_spans(state):
        return None
    state.stored = _Stored(len(state.article_ids), len(state.findings),
                           {n: _group_mark(g) for n, g in enumerate(state.groups)})
    return state


def _valid_spans(state: StoryState) -> bool:
    n = state.matrix.shape[0]
    return all(0 <= a <= b <= n for a, b in state.spans.values())


def _load_blob(blob: bytes | None, key: str) -> StoryState | None:
    if not blob or not blob.startswith(STATE_MAGIC):
        return None
    try:
        start = len(STATE_MAGIC)
        size = int.from_bytes(blob[start:start + 8], "little")
        data = json.loads(blob[start + 8:start + 8 + size].decode("utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        rows, cols = (int(n) for n in data.pop("matrix_shape"))
        raw = blob[start + 8 + size:]
        if rows < 0 or cols < 0 or len(raw) != rows * cols * 2:
            return None
        hints = _state_hints()
        values = {name: _from_data(hints[name], data[name]) for name in _DATA_FIELDS}
        matrix = np.frombuffer(raw, dtype="<f2").reshape(rows, cols).astype(np.float16)
        state = StoryState(matrix=matrix, **values)
    except (KeyError, TypeError, ValueError, AttributeError, UnicodeDecodeError):
        return None
    return state if _valid_spans(state) else None


@lru_cache(maxsize=1)
def _state_hints() -> dict:
    return typing.get_type_hints(StoryState)


def _to_data(value):
    """Plain JSON data of a state field: dataclasses as objects, mappings as [key, value]
    pairs (keys may be tuples or ints), tuples and lists as lists."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: _to_data(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return [[_to_data(k), _to_data(v)] for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [_to_data(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


_PLAIN = frozenset({str, int, float, bool, type(None)})


@cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names (None for any other type), found once per class."""
    if not is_dataclass(kind):
        return None
    return tuple(f.name for f in fields(kind))


_PRIMITIVES = {str: str, int: int, float: float, bool: bool}


def _from_data(kind, data):
    """Rebuild a value of type `kind` from :func:`_to_data`'s output, checking its shape
    (a mismatch raises TypeError or ValueError)."""
    return _decoder(kind)(data)


@cache
def _decoder(kind) -> Callable[[typing.Any], typing.Any]:
    """A function rebuilding values of type `kind`, made once per type: the type is
    inspected here, not again for each of the many values a big story's state holds."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is typing.Any:
        return _plain_value
    if is_dataclass(kind):
        return _dataclass_decoder(kind)
    if origin in (typing.Union, types.UnionType):
        return _optional_decoder(args)
    if origin is typing.Literal:
        return _literal_decoder(args)
    if origin is dict:
        return _dict_decoder(_decoder(args[0]), _decoder(args[1]))
    if origin in (list, tuple):
        return _sequence_decoder(origin, args)
    if kind in _PRIMITIVES:
        return _primitive_decoder(kind)
    raise TypeError(f"unsupported type {kind!r}")


def _plain_value(data):
    if isinstance(data, (dict, list)):
        raise TypeError("nested data where a plain value is expected")
    return data


def _dataclass_decoder(kind: type) -> Callable:
    hints = typing.get_type_hints(kind)
    parts = [(f.name, _taken_as_is(hints[f.name]), _decoder(hints[f.name]))
             for f in fields(kind)]

    def decode(data):
        if not isinstance(data, dict):
            raise TypeError(f"{kind.__name__}: expected an object")
        values = {}
        for name, as_is, part in parts:
            if name in data:
                value = data[name]
                # a value of exactly the declared plain type is what its decoder returns
                values[name] = value if type(value) in as_is else part(value)
        return kind(**values)
    return decode


def _taken_as_is(kind) -> tuple[type, ...]:
    """The JSON value types a field of type `kind` keeps unchanged (its decoder returns
    them as they are): the plain type itself, and None where the field is optional."""
    if kind in _PRIMITIVES:
        return (kind,)
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = typing.get_args(kind)
        plain = [a for a in args if a is not type(None)]
        if type(None) in args and len(plain) == 1 and plain[0] in _PRIMITIVES:
            return (type(None), plain[0])
        if type(None) in args:
            return (type(None),)
    return ()


def _optional_decoder(args: tuple) -> Callable:
    nullable = type(None) in args
    inner = _decoder(next(a for a in args if a is not type(None)))

    def decode(data):
        if data is None and nullable:
            return None
        return inner(data)
    return decode


def _literal_decoder(args: tuple) -> Callable:
    def decode(data):
        if data not in args:
            raise ValueError(f"unexpected value {data!r}")
        return data
    return decode


def _dict_decoder(key: Callable, value: Callable) -> Callable:
    def decode(data):
        if not isinstance(data, list):
            raise TypeError("expected [key, value] pairs")
        return {key(k): value(v) for k, v in data}
    return decode


def _sequence_decoder(origin: type, args: tuple) -> Callable:
    if origin is list or (len(args) == 2 and args[1] is Ellipsis):
        item = _decoder(args[0])
        build = list if origin is list else tuple

        def decode_items(data):
            if not isinstance(data, list):
                raise TypeError("expected a list")
            return build([item(v) for v in data])
        return decode_items
    items = [_decoder(a) for a in args]

    def decode_fixed(data):
        if not isinstance(data, list):
            raise TypeError("expected a list")
        if len(items) != len(data):
            raise ValueError("tuple of the wrong length")
        return tuple(part(v) for part, v in zip(items, data, strict=True))
    return decode_fixed


def _primitive_decoder(kind: type) -> Callable:
    if kind is float:
        def decode_float(data):
            if isinstance(data, bool) or not isinstance(data, (int, float)):
                raise TypeError("expected float")
            return float(data)
        return decode_float

    def decode(data):
        if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
            raise TypeError(f"expected {kind.__name__}")
        return data
    return decode


def quantize(vectors: np.ndarray) -> np.ndarray:
    """Vectors as the state keeps them (float16), so a fresh and a reloaded fold agree."""
    return np.asarray(vectors, dtype=np.float16).astype(np.float32)


# ---------------------------------------------------------------- one article


def add_article(state: StoryState, article: Article, extraction: Extraction,
                vectors: np.ndarray, load: Loader) -> None:
    """Fold one article into the story (what changed for readers is found by
    :func:`corroborator.corroboration.story.finish`, which compares each group with what it
    last showed).

    A pair the step infers twice (a maker's sentence against its group's claim is often
    also one of the candidates judged) is inferred once: without a caller's cache, the
    step keeps its own (see :func:`corroborator.corroboration.inference.caching`)."""
    if active_cache() is not None:
        _add_article(state, article, extraction, vectors, load)
        return
    with caching(PairCache(process_only=True)):
        _add_article(state, article, extraction, vectors, load)


def _add_article(state: StoryState, article: Article, extraction: Extraction,
                 vectors: np.ndarray, load: Loader) -> None:
    aid = article.id
    vectors = quantize(vectors[:MAX_ALIGNED_SENTENCES])
    n_old_groups = len(state.groups)
    earlier = state.matrix.astype(np.float32)   # the story's sentences before this one
    _append(state, article, extraction, vectors)
    touched: set[int] = set()
    if len(state.article_ids) > 1:
        partners = _nearest_articles(state, vectors, earlier, PARTNERS, exclude={aid})
        pairs = _align_with(state, extraction, vectors, partners, load)
        state.findings.extend(pair_findings([p for p in pairs if p.relation != "same"],
                                            state.outlets))
        touched |= _join_groups(state, pairs, extraction, load)
        _check_headlines(state, article, extraction, partners, load)
    elif article.title:
        _check_headlines(state, article, extraction, [], load)
    touched |= _open_single_groups(state, extraction)
    for position in touched:
        group = state.groups[position]
        group.text = representative(group.claims[:REPRESENTATIVE_SAMPLE])
    new_groups = {p for p in touched if p >= n_old_groups}
    views = _Views(state, load)
    views.put(aid, extraction, vectors, article.title)
    _maker_stances(state, touched, views)
    if len(state.article_ids) > 1:
        _judge(state, aid, vectors, earlier, new_groups, views)


def _append(state: StoryState, article: Article, extraction: Extraction,
            vectors: np.ndarray) -> None:
    start = state.matrix.shape[0]
    rows = vectors.astype(np.float16)
    state.matrix = rows if start == 0 else np.vstack([state.matrix, rows])
    state.spans[article.id] = (start, start + len(rows))
    state.article_ids.append(article.id)
    state.outlets[article.id] = display_name(article)
    state.entities.extend(extraction.entities)
    by_index = {s.index: s for s in extraction.sentences}
    state.name_sentences[article.id] = {
        e.sentence_index: by_index[e.sentence_index] for e in extraction.entities
        if e.label in ("PERSON", "MISC") and e.sentence_index in by_index}
    claim_rows = {c.sentence_index for c in extraction.claims}
    for m in extraction.mentions:
        if m.sentence_index in claim_rows:
            state.mentions.setdefault((article.id, m.sentence_index), []).append(m)


def _nearest_articles(state: StoryState, vectors: np.ndarray, earlier: np.ndarray, limit: int,
                      exclude: set[str]) -> list[str]:
    """Earlier articles (whose sentences are the rows of `earlier`) ordered by their
    closest sentence to any of `vectors`."""
    old_rows = len(earlier)
    if old_rows == 0 or len(vectors) == 0:
        return []
    best = (earlier @ vectors.T).max(axis=1)
    ids = [a for a in state.article_ids
           if a not in exclude and state.spans[a][0] < min(state.spans[a][1], old_rows)]
    if not ids:
        return []
    starts = np.array([state.spans[a][0] for a in ids])
    ends = np.array([min(state.spans[a][1], old_rows) for a in ids])
    # the best row of each article's span: reduceat over the sorted span starts
    order = np.argsort(starts, kind="stable")
    edges = np.concatenate([starts[order], [old_rows]])
    per_span = np.maximum.reduceat(best, edges[:-1])
    article_best = np.empty(len(ids))
    article_best[order] = per_span
    # a span ends before the next one starts only when an excluded article sits between
    for k, i in enumerate(order):
        if ends[i] < edges[k + 1]:
            article_best[i] = best[starts[i]:ends[i]].max()
    ranked = sorted(range(len(ids)), key=lambda i: (-article_best[i], i))
    return [ids[i] for i in ranked[:limit] if article_best[i] >= JUDGE_MIN_COSINE]


def _align_with(state: StoryState, extraction: Extraction, vectors: np.ndarray,
                partners: Sequence[str], load: Loader) -> list[Pair]:
    """The aligner's pairs with each partner, then the pairs giving conflicting figures or
    dates for one fact that the aligner did not make (same-fact comparison)."""
    units = make_units(extraction.sentences[:len(vectors)], extraction.mentions)
    pairs: list[Pair] = []
    facts: list[Pair] = []
    for pid in partners:
        _, pext = load(pid)
        pvec = state.vectors_of(pid)
        punits = make_units(pext.sentences[:len(pvec)], pext.mentions)
        aligned = align_pair(punits, units, pvec, vectors[:len(units)])
        seen = {(p.a.sentence.article_id, p.a.sentence.index, p.b.sentence.article_id,
                 p.b.sentence.index) for p in aligned}
        pairs.extend(aligned)
        facts.extend(same_fact_pairs(punits, units, pvec[:len(punits)], vectors[:len(units)],
                                     seen))
    return pairs + facts


# ---------------------------------------------------------------- groups


def _join_groups(state: StoryState, pairs: Sequence[Pair], extraction: Extraction,
                 load: Loader) -> set[int]:
    """Same-statement pairs, best first: the new sentence joins the group of the earlier
    one (if it is close to every member), or the two open a group."""
    aid = extraction.article_id
    claims_of = {aid: {c.sentence_index: c for c in extraction.claims}}
    member = _members(state)
    touched: set[int] = set()
    for pair in sorted((p for p in pairs if p.relation == "same"), key=lambda p: -p.score):
        old, new = pair.a.sentence, pair.b.sentence
        if old.article_id not in claims_of:
            claims_of[old.article_id] = {c.sentence_index: c for c in load(old.article_id)[1].claims}
        new_claim = claims_of[aid].get(new.index) if is_claim_text(new.text) else None
        old_claim = (claims_of[old.article_id].get(old.index)
                     if is_claim_text(old.text) else None)
        position = member.get((old.article_id, old.index))
        if position is not None:
            if new_claim and _fits(state, state.groups[position], new_claim):
                _add_claim(state, position, new_claim, member)
                touched.add(position)
            continue
        position = member.get((aid, new.index))
        if position is not None:
            if old_claim and _fits(state, state.groups[position], old_claim):
                _add_claim(state, position, old_claim, member)
                touched.add(position)
            continue
        claims = [c for c in (old_claim, new_claim) if c is not None]
        if claims:
            state.groups.append(ClaimGroup("", claims[0].text, []))
            for claim in claims:
                _add_claim(state, len(state.groups) - 1, claim, member)
            touched.add(len(state.groups) - 1)
    return touched


def representative(claims: Sequence[Claim]) -> str:
    """The claim that shares most concepts with the others (the group's centre); shorter
    wins ties, so a long sentence stating several facts rarely speaks for the group."""
    found = [_concepts(c.text) for c in claims]

    def centrality(i: int) -> tuple[int, int]:
        return (sum(len(found[i] & f) for j, f in enumerate(found) if j != i),
                -len(claims[i].text))

    return claims[max(range(len(claims)), key=centrality)].text


@lru_cache(maxsize=65536)
def _concepts(text: str) -> frozenset[str]:
    return concepts(text)


@lru_cache(maxsize=65536)
def _same_polarity(a: str, b: str) -> bool:
    return same_polarity(a, b)


def _members(state: StoryState) -> dict[tuple[str, int], int]:
    return {(c.article_id, c.sentence_index): i for i, g in enumerate(state.groups)
            for c in g.claims}


def _add_claim(state: StoryState, position: int, claim: Claim,
               member: dict[tuple[str, int], int]) -> None:
    group = state.groups[position]
    group.claims.append(claim)
    group.stances = [s for s in group.stances if s.article_id != claim.article_id]
    member[(claim.article_id, claim.sentence_index)] = position


def _fits(state: StoryState, group: ClaimGroup, claim: Claim) -> bool:
    """No second claim from one article; close to, and of the same polarity as, each of
    the group's first members (no drifting chains)."""
    if any(c.article_id == claim.article_id for c in group.claims):
        return False
    vec = state.row_of(claim.article_id, claim.sentence_index)
    if vec is None:
        return False
    for other in group.claims[:FIT_SAMPLE]:
        ovec = state.row_of(other.article_id, other.sentence_index)
        if ovec is None or float(vec @ ovec) < GROUP_MIN_COSINE:
            return False
        if not _same_polarity(claim.text, other.text):
            return False
    return True


def _open_single_groups(state: StoryState, extraction: Extraction) -> set[int]:
    """Groups for the article's most check-worthy claims not already in a group; a claim
    worded exactly as a group's representative joins that group instead."""
    member = _members(state)
    by_text = {g.text: i for i, g in enumerate(state.groups)}
    touched: set[int] = set()
    free = sorted((c for c in extraction.claims
                   if (c.article_id, c.sentence_index) not in member
                   and c.checkworthiness >= MIN_SINGLE_CHECKWORTHINESS
                   and is_claim_text(c.text)), key=lambda c: -c.checkworthiness)
    for claim in free[:MAX_SINGLE_SOURCE_CLAIMS]:
        position = by_text.get(claim.text)
        if position is not None:
            if not any(c.article_id == claim.article_id for c in state.groups[position].claims):
                _add_claim(state, position, claim, member)
                touched.add(position)
            continue
        if len(state.groups) >= MAX_GROUPS:
            continue
        state.groups.append(ClaimGroup("", claim.text, []))
        _add_claim(state, len(state.groups) - 1, claim, member)
        by_text[claim.text] = len(state.groups) - 1
        touched.add(len(state.groups) - 1)
    return touched


def _maker_stances(state: StoryState, positions: set[int], views: _Views) -> None:
    """Whether each article making a group's claim asserts the group's claim (its
    representative), judged in the article's own context: a restatement that the next
    sentence rejects, a debunking frame or a disputing passage make it a dispute; a hedge
    of a firmly worded claim, or a sentence on the same topic that does not state the
    claim, makes it discussion; only an asserted claim agrees. Makers are judged again
    when the group's representative changes."""
    jobs: list[tuple[int, Claim]] = []
    for position in sorted(positions):
        group = state.groups[position]
        makers = {c.article_id for c in group.claims}
        if state.maker_text.get(position) != group.text:
            group.stances = [s for s in group.stances if s.article_id not in makers]
            state.maker_text[position] = group.text
        have = {s.article_id for s in group.stances}
        for claim in group.claims:
            if claim.article_id not in have:
                jobs.append((position, claim))
                have.add(claim.article_id)
    if not jobs:
        return
    claims = {position: _claim_view(state, state.groups[position]) for position, _ in jobs}
    pairs = [(claims[position], views.get(claim.article_id)) for position, claim in jobs]
    look = [may_reject(claim.text, view, negation=False) for claim, view in pairs]
    verdicts = judge(pairs, budget=2 * len(pairs), evidence=("disagree",), look=look)
    threshold = get_verdict_model().status_threshold
    framed = [debunking_frame(view.title, claim.text) for claim, view in pairs]
    # an article disputes a claim it states only on a close look at its passage
    sure = [threshold if looked else math.inf for looked in look]
    asks = [needs_entailment(claim, state.groups[position].text, verdict, f, s)
            for (position, claim), verdict, f, s in zip(jobs, verdicts, framed, sure,
                                                          strict=True)]
    entails = _entailment([(claim.text, state.groups[position].text) if ask else ("", "")
                           for (position, claim), ask in zip(jobs, asks, strict=True)])
    for (position, claim), verdict, entail, f, s in zip(jobs, verdicts, entails, framed, sure,
                                                        strict=True):
        group = state.groups[position]
        group.stances.append(maker_stance(claim, group.text, verdict, f, s, entail))


MAKER_ENTAILMENT = 0.5   # a member's own sentence must entail the group's claim to agree


def _entailment(pairs: Sequence[tuple[str, str]]) -> list[float]:
    """P(entailment) of each (member sentence, group claim); 1.0 where they are the same
    text (nothing to infer)."""
    todo = [i for i, (a, b) in enumerate(pairs) if a != b]
    out = [1.0] * len(pairs)
    if todo:
        from corroborator.corroboration.inference import ENTAIL, get_nli_model

        probs = get_nli_model().predict([pairs[i] for i in todo])
        for i, p in zip(todo, probs, strict=True):
            out[i] = float(p[ENTAIL])
    return out


def debunking_frame(title: str, claim: str) -> bool:
    """The article's title calls something false or a hoax, is about the claim (a shared
    content word) and the claim itself does not say so: a claim listed under "Five false
    claims about X" is reported, not asserted."""
    return (bool(title) and bool(DEBUNK.search(title)) and not DEBUNK.search(claim)
            and bool(_concepts(title) & _concepts(claim)))


def needs_entailment(claim: Claim, group_text: str, verdict, framed: bool,
                     sure: float) -> bool:
    """Whether :func:`maker_stance` reads the sentence-pair model's entailment for this
    member (it does only when no earlier rule decides its stance)."""
    disputes = verdict.label == "disagree" and (verdict.probability >= sure
                                                or RULE_REASON in verdict.reasons)
    hedged = bool(HEDGE.search(claim.text)) and not HEDGE.search(group_text)
    return not (disputes or hedged or framed or claim.text == group_text)


def maker_stance(claim: Claim, group_text: str, verdict, framed: bool = False,
                 sure: float = 0.0, entails: float = 1.0) -> Stance:
    """The stance of the article that made `claim` toward its group (worded
    `group_text`), from the verdict of its article on the group's claim.

    An article disputes its own sentence only on the verdict's word (a rejection in
    context); the article whose sentence is the group's wording otherwise asserts it,
    unless it hedges a claim; another member agrees only when its own sentence entails the
    group's claim (`entails`, the sentence-pair model's probability: same topic is not
    same claim), else it discusses.
    An article disputes a claim it states itself only from probability `sure` (the
    verdict model's status threshold) or by rule."""
    probs = verdict.probabilities
    if verdict.label == "disagree" and (verdict.probability >= sure
                                        or RULE_REASON in verdict.reasons):
        return Stance(claim.article_id, "", "disagree", round(verdict.probability, 3),
                      verdict.evidence or claim.text, reasons=verdict.reasons,
                      probabilities=probs)
    if HEDGE.search(claim.text) and not HEDGE.search(group_text):
        return Stance(claim.article_id, "", "discuss", HEDGED_MAKER_PROBABILITY, claim.text,
                      reasons=["hedged: states it as possible, not as fact"],
                      probabilities=probs)
    if framed:
        return Stance(claim.article_id, "", "discuss", HEDGED_MAKER_PROBABILITY, claim.text,
                      reasons=["reported under a headline that calls it false"],
                      probabilities=probs)
    if claim.text == group_text:
        hedged = bool(HEDGE.search(claim.text))
        score = 1.0 - float(probs.get("disagree", 0.0))
        return Stance(claim.article_id, "", "agree",
                      round(min(score, HEDGED_MAKER_PROBABILITY) if hedged else score, 3),
                      claim.text, probabilities=probs)
    if entails >= MAKER_ENTAILMENT:
        return Stance(claim.article_id, "", "agree", round(entails, 3), claim.text,
                      probabilities=probs)
    return Stance(claim.article_id, "", "discuss", round(probs.get("discuss", 0.5), 3),
                  claim.text, reasons=["on the same topic, but does not state the claim"],
                  probabilities=probs)


# ---------------------------------------------------------------- verdicts


def _judge(state: StoryState, aid: str, vectors: np.ndarray, earlier: np.ndarray,
           new_groups: set[int], views: _Views) -> None:
    """The new article on the groups near it; the earlier articles nearest to each new
    group on that group. Everyone else is ``unrelated``, which the state leaves implicit
    (see :func:`with_silent`)."""
    jobs: list[tuple[int, str]] = []
    old_groups = [i for i, g in enumerate(state.groups)
                  if i not in new_groups and all(c.article_id != aid for c in g.claims)]
    claim_views = {i: _claim_view(state, state.groups[i]) for i in old_groups}
    relevance = sorted(((-float((vectors @ claim_views[i].vector).max()), i)
                        for i in old_groups if len(vectors)), key=lambda x: x)
    near = {i for score, i in relevance[:NEAR_GROUPS] if -score >= JUDGE_MIN_COSINE}
    jobs.extend((i, aid) for i in old_groups if i in near)
    for i in sorted(new_groups):
        group = state.groups[i]
        claim_views[i] = _claim_view(state, group)
        makers = {c.article_id for c in group.claims}
        nearest = _nearest_articles(state, claim_views[i].vector[None, :], earlier,
                                    JUDGED_PER_GROUP, exclude=makers)
        jobs.extend((i, other) for other in nearest)
    if not jobs:
        return
    share = INFERENCE_PER_ARTICLE * (2 if len(state.article_ids) == 2 else 1)
    budget = max(INFERENCE_FLOOR, min(share, INFERENCE_STORY - state.inferences))
    state.inferences += budget
    verdicts = judge([(claim_views[i], views.get(other)) for i, other in jobs], budget=budget,
                     cascade=True)
    asserted = _asserts([(claim_views[i].text, v) for (i, _), v in zip(jobs, verdicts,
                                                                       strict=True)])
    for (i, other), v, states in zip(jobs, verdicts, asserted, strict=True):
        label, reasons = v.label, v.reasons
        if label == "agree" and not states:
            label, reasons = "discuss", ["on the same topic, but does not state the claim"]
        _set_stance(state.groups[i], Stance(other, "", label, round(v.probability, 3),
                                            v.evidence, reasons=reasons,
                                            probabilities=v.probabilities))


def _asserts(judged: Sequence[tuple[str, object]]) -> list[bool]:
    """Whether each agreeing verdict's evidence sentence states the claim: it entails it
    (sentence-pair model) and neither denies nor debunks anything. Agreement means
    assertion; an article that only talks about the same thing discusses the claim."""
    todo = [i for i, (_, v) in enumerate(judged) if v.label == "agree" and v.evidence]
    out = [False] * len(judged)
    pairs = [(judged[i][1].evidence, judged[i][0]) for i in todo]
    for i, entail in zip(todo, _entailment(pairs), strict=True):
        evidence = judged[i][1].evidence
        out[i] = entail >= MAKER_ENTAILMENT and not DEBUNK.search(evidence) \
            and not EXPLICIT_DENIAL.search(evidence)
    return out


def with_silent(group: ClaimGroup, article_ids: Sequence[str],
                order: Mapping[str, int] | None = None) -> ClaimGroup:
    """A copy of `group` whose stances include ``unrelated`` for each of `article_ids`
    without one, in story order, then the rest by id (the state keeps only makers' and
    judged stances). `order` is `article_ids`' positions, when the caller has them."""
    have = {s.article_id: s for s in group.stances}
    missing = [Stance(a, group.id, "unrelated", 1.0, None) for a in article_ids
               if a not in have]
    if order is None:
        order = {a: i for i, a in enumerate(article_ids)}
    listed = [s for s in (*group.stances, *missing) if s.article_id in order]
    rest = [s for s in group.stances if s.article_id not in order]
    stances = (sorted(listed, key=lambda s: order[s.article_id])
               + sorted(rest, key=lambda s: s.article_id))
    return ClaimGroup(group.id, group.text, group.claims, stances, group.status,
                      group.independent_sources)


def _set_stance(group: ClaimGroup, stance: Stance) -> None:
    group.stances = [s for s in group.stances if s.article_id != stance.article_id]
    group.stances.append(stance)


class _Views:
    """Article views for judging, built once per article per fold step."""

    def __init__(self, state: StoryState, load: Loader) -> None:
        self.state, self.load, self.cache = state, load, {}

    def put(self, aid: str, extraction: Extraction, vectors: np.ndarray,
            title: str = "") -> None:
        self.cache[aid] = view_article(_capped(extraction, len(vectors)), vectors, title)

    def get(self, aid: str):
        if aid not in self.cache:
            article, ext = self.load(aid)
            vectors = self.state.vectors_of(aid)
            self.cache[aid] = view_article(_capped(ext, len(vectors)), vectors, article.title)
        return self.cache[aid]


def _capped(extraction: Extraction, n: int) -> Extraction:
    if len(extraction.sentences) <= n:
        return extraction
    return replace(extraction, sentences=extraction.sentences[:n])


def _claim_view(state: StoryState, group: ClaimGroup) -> ClaimView:
    claim = next((c for c in group.claims if c.text == group.text), group.claims[0])
    vector = state.row_of(claim.article_id, claim.sentence_index)
    if vector is None:
        from corroborator.embed import get_embedder

        vector = quantize(get_embedder("fast").encode([claim.text]))[0]
    return ClaimView(claim.text, vector,
                     state.mentions.get((claim.article_id, claim.sentence_index), []))


# ---------------------------------------------------------------- headlines


def _check_headlines(state: StoryState, article: Article, extraction: Extraction,
                     partners: Sequence[str], load: Loader) -> None:
    """The new headline against its body and its nearest peers; each peer's headline
    again with the new article among its peers."""
    aid = article.id
    state.headline_peers[aid] = list(partners[:HEADLINE_PEERS])
    _headline(state, article, extraction, load)
    for pid in partners:
        peers = state.headline_peers.setdefault(pid, [])
        if aid not in peers and len(peers) < HEADLINE_PEERS:
            peers.append(aid)
            particle, pext = load(pid)
            _headline(state, particle, pext, load)


def _headline(state: StoryState, article: Article, extraction: Extraction,
              load: Loader) -> None:
    others = [load(p)[1] for p in state.headline_peers.get(article.id, [])]
    found = headline_discrepancies(article, extraction, others, state.outlets)
    if found:
        state.headlines[article.id] = found[0]
    else:
        state.headlines.pop(article.id, None)


# ---------------------------------------------------------------- results


def discrepancies(state: StoryState) -> list[Discrepancy]:
    """Name, number, date, negation and headline discrepancies found so far."""
    # canonicalize relabels the mentions it groups: work on copies, so that the stored
    # entities stay as extracted and the result does not depend on earlier calls
    entities = canonicalize([_shallow_copy(e) for e in state.entities])
    sentences = {aid: _Sparse(found) for aid, found in state.name_sentences.items()}
    names = name_discrepancies(entities, state.outlets, sentences)
    return (names + merge_findings(state.findings, state.outlets)
            + [state.headlines[a] for a in state.article_ids if a in state.headlines])


def _shallow_copy(entity: Entity) -> Entity:
    """A copy of `entity` with the same fields (as ``copy.copy``, without its protocol
    lookups: a story's state holds thousands)."""
    copied = object.__new__(Entity)
    copied.__dict__.update(entity.__dict__)
    return copied


class _Sparse(Sequence[Sentence]):
    """An article's sentences where only those naming people are known (the ones a name
    discrepancy quotes); the others read as empty."""

    def __init__(self, found: dict[int, Sentence]) -> None:
        self.found = found
        self.size = max(found, default=-1) + 1

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.size))]
        found = self.found.get(index)
        return found if found is not None else Sentence("", index, "", 0, 0)
