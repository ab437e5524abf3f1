"""robots.txt for ``--follow-links``: a crawl of a feed's links asks each site first.

The rules are read by the standard library's `urllib.robotparser` and fetched
through `fetch` (same deadline and size cap). Following RFC 9309, a missing
robots.txt (any 4xx) allows everything; a site whose robots.txt cannot be
fetched (5xx, unreachable, timed out) is not crawled.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from corroborator.errors import InputError
from corroborator.ingest.http import fetch
from corroborator.ingest.limits import MAX_ROBOTS_BYTES
from corroborator.ingest.options import IngestOptions


class RobotsRules:
    """robots.txt verdicts for one run, each site's file fetched once."""

    def __init__(self, options: IngestOptions) -> None:
        self.options = dataclasses.replace(options, max_bytes=MAX_ROBOTS_BYTES)
        self._sites: dict[str, RobotFileParser | None] = {}

    def allows(self, url: str) -> str | None:
        """None when `url` may be fetched, else the reason it may not."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self._sites:
            self._sites[site] = self._load(site)
        rules = self._sites[site]
        if rules is None:
            return "robots.txt could not be fetched; the site is not crawled"
        if not rules.can_fetch(self.options.user_agent, url):
            return "disallowed by robots.txt"
        return None

    def _load(self, site: str) -> RobotFileParser | None:
        """The parsed robots.txt of `site`; allow-all when it has none, None when unreachable."""
        parser = RobotFileParser(f"{site}/robots.txt")
        try:
            body = fetch(f"{site}/robots.txt", self.options).decode().text
        except InputError as exc:
            if _client_error(exc.problem) or exc.problem == "empty response":
                parser.parse([])
                return parser
            return None
        parser.parse(body.splitlines())
        return parser


def _client_error(problem: str) -> bool:
    """Whether a fetch problem is an HTTP 4xx status (robots.txt absent: allow all)."""
    return problem.startswith("HTTP 4")
