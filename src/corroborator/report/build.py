"""The report's data: the largest stories' views, summaries first, as one JSON object."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from corroborator.coverage import skipped_in_store
from corroborator.store import Store
from corroborator.store.database import now_iso
from corroborator.storylist import StoryFilter, select_stories
from corroborator.views import SCHEMA_VERSION, story_view


def build_report(store: Store, limit: int | None = None, flt: StoryFilter | None = None,
                 sort: str = "size") -> dict[str, Any]:
    """The report of the stories `flt` selects: ``{schema_version, generated_at, filters,
    stories, skipped}`` (``skipped``: articles in no story, see `corroborator.coverage`).

    Args:
        store: an open store.
        limit: at most this many stories (None: all the filter selects).
        flt: which stories (default: every story of two or more articles).
        sort: their order (``size``, ``recent`` or ``disputed``).

    Each story is a full story view (docs/json.md) whose ``summary`` holds its key
    disputes, agreements and coverage of the key claim: what the HTML shows first.
    """
    flt = flt or StoryFilter()
    rows, _, _ = select_stories(store, flt, sort=sort, limit=limit)
    return versioned_report([story_view(store, row["id"]) for row in rows]) | {
        "filters": flt.to_params(), "skipped": skipped_in_store(store)}


def versioned_report(views: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Wrap story views as a report object."""
    return {"schema_version": SCHEMA_VERSION, "generated_at": now_iso(), "stories": list(views)}


def versioned(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` with ``schema_version`` first (for objects built outside the view layer)."""
    return {"schema_version": SCHEMA_VERSION, **data}
