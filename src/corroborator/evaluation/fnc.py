"""The verdict stack on FNC-1 pairs: headline = claim, body = article.

Each distinct body is extracted once (sentences and mentions, the product's own path)
and embedded once; each (headline, body) row becomes a (claim, article) job for
:func:`corroborator.corroboration.judgement.judge`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from corroborator.corroboration.judgement import (
    ArticleView,
    ClaimView,
    Verdict,
    judge,
    view_article,
)
from corroborator.models import Article


def fnc_jobs(rows: Sequence[tuple[str, str, str]], bodies: Mapping[str, str],
             embedder=None) -> list[tuple[ClaimView, ArticleView]]:
    """One (claim, article) job per (headline, Body ID, stance) row."""
    from corroborator.embed import get_embedder
    from corroborator.extract import extract
    from corroborator.extract.numbers import find_mentions

    embedder = embedder or get_embedder("fast")
    views: dict[str, ArticleView] = {}
    for body_id in dict.fromkeys(b for _, b, _ in rows):
        ext = extract(Article(text=bodies[body_id], title=""))
        views[body_id] = view_article(ext, embedder.encode([s.text for s in ext.sentences]))
    heads = list(dict.fromkeys(h for h, _, _ in rows))
    head_vecs = dict(zip(heads, embedder.encode(heads), strict=True))
    claims = {h: ClaimView(h, head_vecs[h], find_mentions("claim", h, 0)) for h in heads}
    return [(claims[h], views[b]) for h, b, _ in rows]


def verdict_stances(rows: Sequence[tuple[str, str, str]], bodies: Mapping[str, str],
                    model=None, cascade: bool = False) -> list[Verdict]:
    """The verdict stack's stance for each FNC-1 row (`cascade`: as the fold judges
    other articles, see :func:`corroborator.corroboration.judgement.judge`)."""
    return judge(fnc_jobs(rows, bodies), model, cascade=cascade)
