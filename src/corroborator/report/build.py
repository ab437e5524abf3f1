"""The report's data: the largest stories' views, summaries first, as one JSON object."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from corroborator.coverage import skipped_in_store
from corroborator.store import Store
from corroborator.store.database import now_iso
from corroborator.views import SCHEMA_VERSION, story_view


def build_report(store: Store, limit: int = 20) -> dict[str, Any]:
    """The report of the `limit` largest stories: ``{schema_version, generated_at, stories,
    skipped}`` (``skipped``: articles in no story, see `corroborator.coverage`).

    Each story is a full story view (docs/json.md) whose ``summary`` holds its key
    disputes, agreements and coverage of the key claim: what the HTML shows first.
    """
    rows = store.list_stories(limit=limit, sort="size")
    report = versioned_report([story_view(store, row["id"]) for row in rows])
    report["skipped"] = skipped_in_store(store)  # articles in no story, by reason and language
    return report


def versioned_report(views: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Wrap story views as a report object."""
    return {"schema_version": SCHEMA_VERSION, "generated_at": now_iso(), "stories": list(views)}


def versioned(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` with ``schema_version`` first (for objects built outside the view layer)."""
    return {"schema_version": SCHEMA_VERSION, **data}
