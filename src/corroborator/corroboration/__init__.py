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

Callers import the entry points from here.
"""

from __future__ import annotations

from corroborator.corroboration.result import Comparison, display_name, key_disputes
from corroborator.corroboration.story import check_claim, corroborate_articles, corroborate_story

__all__ = ["Comparison", "check_claim", "corroborate_articles", "corroborate_story",
           "display_name", "key_disputes"]
