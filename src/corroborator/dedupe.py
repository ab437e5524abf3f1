"""Exact duplicates, near-duplicates and syndicated copies.

Cheap fingerprints first: the content hash finds exact copies; MinHash LSH over word
shingles finds near copies (a reprint with small edits, another outlet's boilerplate, a
trimmed copy). LSH only proposes candidates; each is verified on the real shingle sets
with Jaccard similarity, or containment for a trimmed copy. A group of copies has one
*original*: the earliest published copy where dates allow, else the first ingested. A
group counts as one independent source (:func:`independent_sources`).

MinHash signatures are kept in the ``article_minhashes`` table, so a later run rebuilds
its LSH from stored signatures instead of re-shingling every stored text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

import numpy as np

from corroborator.models import Article, normalize_text
from corroborator.store import Store

if TYPE_CHECKING:                 # datasketch pulls in scipy: imported where it is used
    from datasketch import MinHash

SHINGLE_WORDS = 5          # words per shingle
NUM_PERM = 128             # MinHash permutations
MINHASH_SEED = 1
MINHASH_SCHEME = "affine32"  # datasketch 2 hashing scheme, pinned so stored signatures match
LSH_THRESHOLD = 0.3        # candidate Jaccard for LSH (datasketch's 0.9 misses edited reprints)
MIN_JACCARD = 0.5          # verified Jaccard for a near copy (tuned, see bench_stories.py)
MIN_CONTAINMENT = 0.8      # or: share of the smaller copy's shingles found in the larger
MIN_SHINGLES = 20          # texts with fewer shingles only match exactly

DuplicateKind = Literal["exact", "near", "syndicated"]
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class DedupeConfig:
    """Settings of near-duplicate detection (defaults: the module constants)."""

    shingle_words: int = SHINGLE_WORDS
    num_perm: int = NUM_PERM
    seed: int = MINHASH_SEED
    lsh_threshold: float = LSH_THRESHOLD
    min_jaccard: float = MIN_JACCARD
    min_containment: float = MIN_CONTAINMENT
    min_shingles: int = MIN_SHINGLES

    @property
    def signature_version(self) -> str:
        """Names the shingling and hashing, so stale stored signatures are recomputed."""
        return f"minhash-{MINHASH_SCHEME}-w{self.shingle_words}-p{self.num_perm}-s{self.seed}.v1"


@dataclass(frozen=True)
class DuplicateLink:
    """`article_id` is a copy of `original_id` (kind, and how similar: 0..1)."""

    article_id: str
    original_id: str
    kind: DuplicateKind
    similarity: float


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Word `size`-grams of the normalised, case-folded text (the whole text if shorter)."""
    tokens = _WORD.findall(normalize_text(text).casefold())
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def minhash(shingle_set: Iterable[str], config: DedupeConfig = DedupeConfig()) -> MinHash:
    """MinHash signature of a shingle set."""
    from datasketch import MinHash

    sig = MinHash(num_perm=config.num_perm, seed=config.seed, scheme=MINHASH_SCHEME)
    sig.update_batch([s.encode("utf-8") for s in shingle_set])
    return sig


def overlap(a: set[str], b: set[str]) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two shingle sets."""
    if not a or not b:
        return 0.0, 0.0
    inter = len(a & b)
    return inter / len(a | b), inter / min(len(a), len(b))


def is_copy(a: set[str], b: set[str], config: DedupeConfig = DedupeConfig()) -> float | None:
    """The similarity if `a` and `b` are copies of one text, else None."""
    if min(len(a), len(b)) < config.min_shingles:
        return None
    jaccard, containment = overlap(a, b)
    if jaccard >= config.min_jaccard:
        return jaccard
    if containment >= config.min_containment:
        return containment
    return None


def copies_among(articles: Sequence[Article],
                 config: DedupeConfig = DedupeConfig()) -> dict[str, str]:
    """Store-free duplicate detection for a handful of articles (as in `compare`): map each
    copy's id to its original's (earliest published, else first given)."""
    order = sorted(range(len(articles)), key=lambda i: _original_key(articles[i], i))
    sets = {a.id: shingles(a.text) for a in articles}
    hashes = {a.id: a.content_hash for a in articles}
    found: dict[str, str] = {}
    for rank, i in enumerate(order):
        copy = articles[i]
        for j in order[:rank]:
            original = articles[j]
            if original.id in found:
                continue
            if (hashes[copy.id] == hashes[original.id]
                    or is_copy(sets[copy.id], sets[original.id], config) is not None):
                found[copy.id] = original.id
                break
    return found


def independent_groups(article_ids: Iterable[str],
                       duplicates: Mapping[str, str]) -> dict[str, list[str]]:
    """Group `article_ids` by original: a syndicated group is one key."""
    groups: dict[str, list[str]] = {}
    for aid in article_ids:
        groups.setdefault(root_of(aid, duplicates), []).append(aid)
    return groups


def independent_sources(article_ids: Iterable[str], duplicates: Mapping[str, str]) -> int:
    """How many independent sources `article_ids` are: each group of copies counts once.

    Example:
        >>> independent_sources(["a", "b", "c"], {"b": "a"})
        2
    """
    return len(independent_groups(article_ids, duplicates))


def root_of(article_id: str, duplicates: Mapping[str, str]) -> str:
    """Follow duplicate links to the original (cycle-safe)."""
    seen = {article_id}
    while article_id in duplicates and duplicates[article_id] not in seen:
        article_id = duplicates[article_id]
        seen.add(article_id)
    return article_id


def find_duplicates(store: Store, article_ids: Sequence[str],
                    config: DedupeConfig = DedupeConfig()) -> list[DuplicateLink]:
    """Find and store the copies among `article_ids` (against each other and the store).

    Idempotent: running it again on the same articles finds the same links. Each link is
    saved with ``store.save_duplicate``; when a newly found copy is older than its group's
    original, the whole group is re-pointed to it.

    Returns:
        The duplicate links of `article_ids` (copies only; originals have none).

    Example:
        >>> links = find_duplicates(store, store.pending_article_ids())  # doctest: +SKIP
    """
    finder = _Finder(store, config)
    for chunk in _chunks(list(article_ids), 200):
        for article in store.get_articles(chunk):
            finder.add(article)
    return _links_of(store, article_ids)


class _Finder:
    """An LSH over every stored signature, plus the writes for one run."""

    def __init__(self, store: Store, config: DedupeConfig) -> None:
        from datasketch import MinHashLSH

        self.store, self.config = store, config
        self.lsh = MinHashLSH(threshold=config.lsh_threshold, num_perm=config.num_perm)
        for article_id, values in store.minhash_signatures(config.signature_version):
            self.lsh.insert(article_id, self._restore(values), check_duplication=False)

    def _restore(self, values: bytes) -> MinHash:
        from datasketch import MinHash

        hashvalues = np.frombuffer(values, dtype=np.uint64)
        return MinHash(num_perm=self.config.num_perm, seed=self.config.seed,
                       hashvalues=hashvalues, scheme=MINHASH_SCHEME)

    def add(self, article: Article) -> None:
        """Sign `article`, link it to the copies it has, index it."""
        own = shingles(article.text, self.config.shingle_words)
        if not own:
            return
        sig = minhash(own, self.config)
        matches = self._exact(article) | self._near(article, own, sig)
        if article.id not in self.lsh:
            self.lsh.insert(article.id, sig, check_duplication=False)
            self.store.save_minhash(article.id, self.config.signature_version,
                                    sig.hashvalues.astype(np.uint64).tobytes())
        if matches:
            self._link_group(article, matches, own)

    def _exact(self, article: Article) -> set[str]:
        rows = self.store.query("SELECT id FROM articles WHERE content_hash = ? AND id != ?",
                                (article.content_hash, article.id))
        return {r[0] for r in rows} if article.text.strip() else set()

    def _near(self, article: Article, own: set[str], sig: MinHash) -> set[str]:
        if len(own) < self.config.min_shingles:
            return set()
        ids = sorted(k for k in self.lsh.query(sig) if k != article.id)
        found = set()
        for other in self.store.get_articles(ids):
            if is_copy(own, shingles(other.text, self.config.shingle_words), self.config):
                found.add(other.id)
        return found

    def _link_group(self, article: Article, matches: set[str], own: set[str]) -> None:
        """Point every copy in the merged group at the group's original."""
        links = self.store.duplicates_of(sorted(matches | {article.id}))
        roots = {root_of(m, links) for m in matches | {article.id}}
        members = set(roots) | matches | {article.id} | set(self.store.copies_of(sorted(roots)))
        copies = self.store.get_articles(sorted(members))
        order = self.store.ingest_order([c.id for c in copies])
        original = min(copies, key=lambda a: _original_key(a, order.get(a.id, 0)))
        origin_shingles = shingles(original.text, self.config.shingle_words)
        for copy in copies:
            if copy.id != original.id:
                kind, sim = self._kind(copy, original, origin_shingles)
                self.store.save_duplicate(copy.id, original.id, kind, sim)
        self.store.delete_duplicates([original.id])

    def _kind(self, copy: Article, original: Article,
              origin_shingles: set[str]) -> tuple[DuplicateKind, float]:
        if copy.content_hash == original.content_hash:
            return "exact", 1.0
        jaccard, containment = overlap(shingles(copy.text, self.config.shingle_words),
                                       origin_shingles)
        outlets = {(copy.outlet or "").strip().lower(), (original.outlet or "").strip().lower()}
        kind: DuplicateKind = "syndicated" if len(outlets) == 2 and "" not in outlets else "near"
        return kind, round(max(jaccard, containment), 4)


def _original_key(article: Article, ingest_order: int) -> tuple:
    """Earliest published first (dated copies before undated), then first ingested."""
    from corroborator.stories.features import parse_published  # stories imports dedupe

    when = parse_published(article.published)
    return (when is None, when or datetime.min, ingest_order, article.id)


def _links_of(store: Store, article_ids: Sequence[str]) -> list[DuplicateLink]:
    links = store.duplicate_links(article_ids)
    return [DuplicateLink(r["article_id"], r["original_id"], r["kind"], r["similarity"])
            for r in links]


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
