"""Story-clustering quality against a gold JSONL: B-cubed and pairwise scores.

Each line of the file is one article: ``text`` (required), ``title``, ``outlet``,
``published``, ``url``, ``language``, ``id`` (optional) and the gold ``story`` label.
Articles are clustered in file order with :func:`corroborator.stories.cluster_records`.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corroborator.errors import InputError
from corroborator.models import Article
from corroborator.stories import ClusterConfig, cluster_records

ARTICLE_FIELDS = ("title", "url", "outlet", "published", "language", "id")


def evaluate_clusters(path: str | Path, config: ClusterConfig | None = None) -> dict[str, Any]:
    """Cluster the articles of a gold JSONL file and score the result.

    Returns:
        ``bcubed_precision``, ``bcubed_recall``, ``bcubed_f1``, ``pairwise_precision``,
        ``pairwise_recall``, ``pairwise_f1``, ``n_pred``, ``n_gold``, ``n_articles``.

    Raises:
        InputError: the file is missing or empty, or a line is not a JSON object with a
            non-empty ``text`` and a ``story``.

    Example:
        >>> evaluate_clusters("bench/out/fnc1_stories.jsonl")["bcubed_f1"]  # doctest: +SKIP
        0.9
    """
    articles, gold = read_gold(path)
    predicted = cluster_records(articles, config)
    return score_clusters(predicted, gold)


def read_gold(path: str | Path) -> tuple[list[Article], list[str]]:
    """Articles and gold story labels of a JSONL file, in file order."""
    source = str(path)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(source, f"cannot read file ({exc})") from exc
    articles, gold = [], []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            article, story = _parse_line(source, number, line)
            articles.append(article)
            gold.append(story)
    if not articles:
        raise InputError(source, "no articles (expected one JSON object per line)")
    return articles, gold


def _parse_line(source: str, number: int, line: str) -> tuple[Article, str]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"not valid JSON ({exc.msg})", number) from exc
    if not isinstance(row, dict):
        raise InputError(source, "expected a JSON object", number)
    if not isinstance(row.get("text"), str):
        raise InputError(source, "missing 'text' (a string)", number)
    if row.get("story") in (None, ""):
        raise InputError(source, "missing gold 'story' label", number)
    fields = {k: row[k] for k in ARTICLE_FIELDS if row.get(k) is not None}
    fields["title"] = str(fields.get("title", ""))
    return Article(text=row["text"], **fields), str(row["story"])


def score_clusters(predicted: Sequence[str], gold: Sequence[str]) -> dict[str, Any]:
    """B-cubed and pairwise precision, recall and F1 of `predicted` against `gold` labels."""
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predicted labels for {len(gold)} gold labels")
    bp, br = _bcubed(predicted, gold)
    pp, pr = _pairwise(predicted, gold)
    return {
        "bcubed_precision": bp, "bcubed_recall": br, "bcubed_f1": _f1(bp, br),
        "pairwise_precision": pp, "pairwise_recall": pr, "pairwise_f1": _f1(pp, pr),
        "n_pred": len(set(predicted)), "n_gold": len(set(gold)), "n_articles": len(gold),
    }


def _bcubed(predicted: Sequence[str], gold: Sequence[str]) -> tuple[float, float]:
    both = Counter(zip(predicted, gold, strict=True))
    pred_size, gold_size = Counter(predicted), Counter(gold)
    precision = sum(n * n / pred_size[p] for (p, _), n in both.items()) / len(gold)
    recall = sum(n * n / gold_size[g] for (_, g), n in both.items()) / len(gold)
    return precision, recall


def _pairwise(predicted: Sequence[str], gold: Sequence[str]) -> tuple[float, float]:
    pairs = lambda n: n * (n - 1) / 2  # noqa: E731
    by_pred: dict[str, Counter] = defaultdict(Counter)
    for p, g in zip(predicted, gold, strict=True):
        by_pred[p][g] += 1
    same_both = sum(pairs(n) for c in by_pred.values() for n in c.values())
    same_pred = sum(pairs(n) for n in Counter(predicted).values())
    same_gold = sum(pairs(n) for n in Counter(gold).values())
    precision = same_both / same_pred if same_pred else 1.0
    recall = same_both / same_gold if same_gold else 1.0
    return precision, recall


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0
