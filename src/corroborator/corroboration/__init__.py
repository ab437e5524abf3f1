"""Corroboration: from the extracted articles of one story to claim groups, stances and conflicts.

The package's modules are the steps, each a plain function over typed records:

- :mod:`~corroborator.corroboration.inference` — the sentence-pair / stance model (ONNX);
- :mod:`~corroborator.corroboration.judgement` — candidate sentences, rules and the calibrated
  verdict of one article toward one claim;
- :mod:`~corroborator.corroboration.fold` — the story folded article by article: alignment,
  claim groups, judged stances (the stored, resumable state);
- :mod:`~corroborator.corroboration.quantities` and
  :mod:`~corroborator.corroboration.discrepancies` — same-fact comparison of numbers, dates,
  names and negations;
- :mod:`~corroborator.corroboration.story` — statuses, reconciliation with discrepancies and
  the entry points used by ``compare``, ``check``, the pipeline and the web app;
- :mod:`~corroborator.corroboration.result` — the comparison record shown to readers.

Callers import the entry points from here. They load on first use, so that importing one
step (``corroboration.quantities`` from the aligner, say) does not import them all.
"""

from __future__ import annotations

import importlib
from typing import Any

_ENTRY_POINTS = {
    "Comparison": "result", "display_name": "result", "key_disputes": "result",
    "check_claim": "story", "corroborate_articles": "story", "corroborate_story": "story",
}
__all__ = sorted(_ENTRY_POINTS)


def __getattr__(name: str) -> Any:
    if name not in _ENTRY_POINTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{_ENTRY_POINTS[name]}")
    return getattr(module, name)
