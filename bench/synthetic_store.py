"""Synthetic databases for the page benchmarks (`bench_desk.py`, `bench_web.py`).

Everything goes through the Store's public write methods, as analyze would write it:
articles, their extractions and signals, the story row, the memberships and the
corroboration. The scripts choose the shapes (how many articles, groups, stances);
this module only writes them. Imported with bench/ on sys.path, as when a script in
bench/ is run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from corroborator.models import (
    Article,
    ClaimGroup,
    Discrepancy,
    Extraction,
    Sentence,
    Signal,
    Story,
)
from corroborator.store import Store, open_store

Made = tuple[Article, Extraction, list[Signal]]


def build_store(path: Path, fill: Callable[[Store], None]) -> float:
    """Create the database at `path`, let `fill(store)` write it; return the seconds taken."""
    started = time.perf_counter()
    with open_store(path) as store:
        store.conn.execute("PRAGMA synchronous=OFF")  # bench data: no fsync per transaction
        fill(store)
    return time.perf_counter() - started


def claim_sentences(aid: str, bodies: Sequence[str],
                    gap: Callable[[int], str] = lambda s: " ") -> tuple[str, list[Sentence]]:
    """One text from `bodies` (body `s` followed by `gap(s)`) and a claim sentence per body."""
    text, sentences = "", []
    for s, body in enumerate(bodies):
        start = len(text)
        text += body + gap(s)
        sentences.append(Sentence(aid, s, body, start, start + len(body), "claim"))
    return text, sentences


def write_story(store: Store, story: Story, made: Sequence[Made], groups: list[ClaimGroup],
                discrepancies: list[Discrepancy], n_sources: int | None = None) -> None:
    """Store the story's articles with extractions and signals, the story and its verdicts."""
    store.add_articles([article for article, _, _ in made])
    for _, extraction, signals in made:
        store.save_extraction(extraction, signals)
    store.save_story(story, n_sources=n_sources)
    for aid in story.article_ids:
        store.assign_story(aid, story.id, 0.9)
    store.save_corroboration(story.id, groups, discrepancies, model="bench")
