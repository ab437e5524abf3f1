"""Rendering: terminal (rich), JSON and self-contained HTML, from the same JSON-ready dicts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from corroborator.report.build import build_report, versioned, versioned_report
from corroborator.report.html import comparison_html, report_html, stories_report_html, story_html
from corroborator.report.text import (
    print_comparison,
    print_outlet,
    print_outlets,
    print_stories,
    print_story,
)

__all__ = [
    "build_report", "comparison_html", "print_comparison", "print_outlet", "print_outlets", "print_stories", "print_story", "report_html",
    "stories_report_html", "story_html", "to_json", "versioned", "versioned_report",
]


def to_json(data: Mapping[str, Any] | list[Any]) -> str:
    """Pretty, UTF-8-preserving JSON."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)
