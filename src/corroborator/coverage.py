"""What analysis leaves out, said out loud: articles skipped by reason and language.

Story clustering and corroboration run on English text. Articles in other languages,
empty or too short are stored and searchable but placed in no story; the clustering
stage records why in the ``unclustered`` table ("non-English (pt)", "too short (12
words < 40)"). This module counts those reasons for `analyze`, ``stories`` and the
report.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

#: Reasons as the clustering stage writes them, and the words shown for each.
_REASONS = (
    (re.compile(r"^non-English \((?P<lang>[^)]*)\)"), "not English"),
    (re.compile(r"^other language \((?P<lang>[^)]*)\)"), "other language"),
    (re.compile(r"^too short"), "too short"),
    (re.compile(r"^empty"), "empty"),
)


def count_skipped(reasons: Iterable[str]) -> dict[str, Any]:
    """Count skip reasons by kind and, for other languages, by language code.

    Returns:
        ``{"total": n, "reasons": {kind: n}, "languages": {code: n}}``, most common first
        (ties in name order).

    Example:
        >>> count_skipped(["non-English (pt)", "non-English (pt)", "too short (3 words < 40)"])
        {'total': 3, 'reasons': {'not English': 2, 'too short': 1}, 'languages': {'pt': 2}}
    """
    kinds: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    for reason in reasons:
        kind, language = _kind(reason)
        kinds[kind] += 1
        if language:
            languages[language] += 1
    return {"total": sum(kinds.values()), "reasons": _by_count(kinds),
            "languages": _by_count(languages)}


def _by_count(counts: Counter[str]) -> dict[str, int]:
    """Counts most common first, ties in name order (the same order wherever counted)."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def skipped_in_store(store: Any) -> dict[str, Any]:
    """`count_skipped` over every article the store holds outside all stories."""
    rows = store.query("SELECT reason, COUNT(*) AS n FROM unclustered GROUP BY reason")
    return count_skipped(row["reason"] for row in rows for _ in range(row["n"]))


def describe_skipped(skipped: dict[str, Any]) -> str:
    """One line: "8 skipped: not English (pt 3, de 2), too short 1"."""
    if not skipped["total"]:
        return "0 skipped"
    parts = []
    for kind, count in skipped["reasons"].items():
        if kind in ("not English", "other language") and skipped["languages"]:
            langs = ", ".join(f"{code} {n}" for code, n in skipped["languages"].items())
            parts.append(f"{kind} ({langs})")
        else:
            parts.append(f"{kind} {count}")
    return f"{skipped['total']} skipped: " + ", ".join(parts)


def _kind(reason: str) -> tuple[str, str | None]:
    """The kind of one stored reason and the language it names, if any."""
    for pattern, kind in _REASONS:
        match = pattern.match(reason)
        if match:
            return kind, match.groupdict().get("lang")
    return reason, None
