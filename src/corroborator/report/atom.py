"""Alerts as an Atom feed (RFC 4287), so any feed reader can follow ``corroborator watch``."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ID = "urn:corroborator:alerts"


#: Characters XML 1.0 does not allow in a document (C0 controls but tab and line breaks,
#: lone surrogates, U+FFFE and U+FFFF); ElementTree would write them raw.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def alerts_atom(alerts: Sequence[Mapping[str, Any]], base_url: str,
                updated: str) -> bytes:
    """An Atom document of `alerts` (dicts as in ``/api/alerts``), links under `base_url`.

    Args:
        alerts: newest first.
        base_url: the web app's address, e.g. ``http://127.0.0.1:8000``.
        updated: the feed's timestamp when there is no alert.
    """
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _text(feed, "id", FEED_ID)
    _text(feed, "title", "corroborator alerts")
    _text(feed, "updated", alerts[0]["created_at"] if alerts else updated)
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    _text(author, "name", "corroborator watch")
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", rel="self", href=f"{base_url}/alerts.atom")
    for alert in alerts:
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        _text(entry, "id", f"urn:corroborator:alert:{quote(alert['key'], safe=':')}")
        _text(entry, "title", alert["title"])
        _text(entry, "updated", alert["created_at"])
        ET.SubElement(entry, f"{{{ATOM_NS}}}category", term=alert["kind"])
        if alert.get("story_id"):
            ET.SubElement(entry, f"{{{ATOM_NS}}}link", rel="alternate",
                          href=f"{base_url}/story/{quote(alert['story_id'], safe='')}")
        _text(entry, "content", alert_text(alert)).set("type", "text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def alert_text(alert: Mapping[str, Any]) -> str:
    """The evidence of one alert as plain lines: who said what."""
    detail = alert.get("detail") or {}
    lines = [alert["title"]]
    if detail.get("story"):
        lines.append(f"Story: {detail['story']}")
    if detail.get("outlets"):
        lines.append(f"Outlets: {', '.join(detail['outlets'])}")
    for key, verb in (("claimed_by", "says"), ("agreed_by", "agrees"),
                      ("disputed_by", "disputes"), ("evidence", "says")):
        for item in detail.get(key) or []:
            lines.append(f"{item['outlet']} {verb}: “{item.get('sentence') or ''}”")
    return "\n".join(lines)


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}")
    element.text = _XML_FORBIDDEN.sub("\ufffd", value)  # one bad title must not void the feed
    return element
