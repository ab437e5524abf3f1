"""Rendering: terminal (rich), JSON and self-contained HTML, from the same JSON-ready dicts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from corroborator.report.build import build_report, versioned, versioned_report

if TYPE_CHECKING:
    from corroborator.report.html import (
        comparison_html,
        report_html,
        stories_report_html,
        story_html,
    )
    from corroborator.report.text import (
        print_comparison,
        print_outlet,
        print_outlets,
        print_stories,
        print_story,
    )

#: Renderers imported on first use: the terminal ones (and the HTML ones, which share
#: their labels) import rich, which JSON output never needs.
_LAZY = {
    "comparison_html": "html", "report_html": "html", "stories_report_html": "html",
    "story_html": "html", "print_comparison": "text", "print_outlet": "text",
    "print_outlets": "text", "print_stories": "text", "print_story": "text",
}

__all__ = [
    "build_report", "comparison_html", "print_comparison", "print_outlet", "print_outlets", "print_stories", "print_story", "report_html",
    "stories_report_html", "story_html", "to_json", "versioned", "versioned_report",
]


def to_json(data: Mapping[str, Any] | list[Any]) -> str:
    """Pretty, UTF-8-preserving JSON."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def __getattr__(name: str) -> Any:
    """The renderers of `_LAZY`, imported on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"corroborator.report.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
