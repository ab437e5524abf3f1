"""Jinja2 rendering for the web pages: one environment, autoescape on, small filters."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import jinja2

from corroborator.safe_text import isolate_bidi
from corroborator.vocabulary import (
    COVERAGE_TEXT,
    NO_COVERAGE,
    STANCE_SYMBOL,
    STANCE_TEXT,
    STATUS_SYMBOL,
    STATUS_TEXT,
    plural,
)

TEMPLATE_DIR = Path(__file__).parent / "templates"
SAFE_SCHEMES = ("http", "https")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")

STATIC_DIR = Path(__file__).parent / "static"


def safe_url(url: Any) -> str | None:
    """`url` if it is an absolute http(s) URL with a host, else None (never ``javascript:``)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc else None


def path_part(value: Any) -> str:
    """Quote `value` for use as one URL path segment (slashes included)."""
    return quote(str(value), safe="")


def short_date(value: Any) -> str:
    """An ISO 8601 timestamp shortened to ``YYYY-MM-DD HH:MM`` (or '' when missing)."""
    if not value:
        return ""
    text = str(value).replace("T", " ")
    return text[:16]


def show_value(value: Any) -> str:
    """A signal value for people: floats to two decimals, booleans as yes/no, shares
    (a dict of fractions, e.g. sourcing) as percentages, largest first."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dict):
        parts = sorted(value.items(), key=lambda kv: -_number(kv[1]))
        return " · ".join(f"{str(k).replace('_', ' ')} {_share(v)}" for k, v in parts
                          if _number(v)) or "none"
    if isinstance(value, list):
        return ", ".join(show_value(v) for v in value)
    return str(value)


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _share(value: Any) -> str:
    number = _number(value)
    return f"{number:.0%}" if 0 <= number <= 1 else show_value(value)


def article_href(article_id: str) -> str:
    """The web app's page of one article (the report passes its own anchors instead)."""
    return "/article/" + path_part(article_id)



def inline_css() -> str:
    """The web app's stylesheet, for self-contained pages (the HTML report)."""
    return (STATIC_DIR / "style.css").read_text(encoding="utf-8")


def stance_digest(stances: list[dict[str, Any]], per_label: int = 3) -> dict[str, Any]:
    """Counts per stance label and the strongest few stances of each, for a compact summary."""
    by_label: dict[str, list[dict[str, Any]]] = {}
    for stance in stances:
        by_label.setdefault(stance["label"], []).append(stance)
    order = [label for label in STANCE_TEXT if label in by_label] + sorted(
        set(by_label) - set(STANCE_TEXT))
    shown = []
    for label in order:
        best = sorted(by_label[label], key=lambda s: -(s.get("score") or 0.0))
        shown += [s for s in best[:per_label] if label != "unrelated"]
    return {"counts": [(label, len(by_label[label])) for label in order], "shown": shown,
            "hidden": len(stances) - len(shown)}


def query_url(path: str, **params: Any) -> str:
    """`path` with the non-empty `params` as a query string."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


@cache
def environment() -> jinja2.Environment:
    """The shared Jinja2 environment (autoescape on for every template)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=isolate_bidi,  # a right-to-left override in a title stays inside it
    )
    env.filters.update(safe_url=safe_url, path_part=path_part, short_date=short_date,
                       show_value=show_value, stance_digest=stance_digest, plural=plural)
    env.globals.update(query_url=query_url, STANCE_SYMBOL=STANCE_SYMBOL,
                       STANCE_TEXT=STANCE_TEXT, STATUS_SYMBOL=STATUS_SYMBOL,
                       STATUS_TEXT=STATUS_TEXT, NO_COVERAGE=NO_COVERAGE,
                       COVERAGE_TEXT=COVERAGE_TEXT,
                       article_href=article_href)
    return env


def render(template: str, **context: Any) -> str:
    """Render one template with `context`."""
    return environment().get_template(template).render(**context)
