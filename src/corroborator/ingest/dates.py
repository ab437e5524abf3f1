"""Turn the many shapes a date arrives in into ISO 8601 strings.

Publication dates come from explicit metadata (a JSON field, a meta tag, a
feed's ``pubDate``) or are guessed (a date in the URL path, a dateline in the
text, a crawl date). Only the first kind is *reliable*; callers record which
kind they used in ``Article.date_reliable``.

Output is ``YYYY-MM-DD`` when only a day is known, or a full
``YYYY-MM-DDTHH:MM:SS+HH:MM`` when a time is given. A time without a zone is
taken as UTC, so every full datetime carries an offset and compares safely.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

#: Years outside this range are treated as parsing accidents, not publication dates.
MIN_YEAR = 1900
MAX_YEAR = 2100
#: Longest string handed to the free-form parser; longer values are not dates.
MAX_DATE_CHARS = 80

_TZ_HOURS = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "UT": 0,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "IST": 5.5,
    "JST": 9,
    "AEST": 10,
    "AEDT": 11,
}
TZINFOS = {name: timezone(timedelta(hours=hours)) for name, hours in _TZ_HOURS.items()}

# Two far-apart defaults: a field that differs between the two parses was not in the string.
_DEFAULT_A = datetime(2001, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2002, 2, 2, 13, 17, 19)

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_TEXT_DATE = re.compile(
    rf"\b(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)",
    re.IGNORECASE,
)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|_|\.|$)")


def parse_date(value: object) -> str | None:
    """Parse a date in any common shape to ISO 8601.

    Args:
        value: A string (ISO 8601, RFC 822 as in feeds, "January 6, 2020", ...),
            a ``datetime``/``date``, a Unix timestamp, or a ``time.struct_time``.

    Returns:
        ``YYYY-MM-DD``, or a full datetime with offset when a time was given;
        None when the value is empty, partial (no day) or not a date.

    Example:
        >>> parse_date("Mon, 06 Jan 2020 14:30:00 GMT")
        '2020-01-06T14:30:00+00:00'
        >>> parse_date("January 6, 2020")
        '2020-01-06'
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _format_datetime(value)
    if isinstance(value, date):
        return _format_date(value)
    if isinstance(value, int | float):
        return _from_timestamp(float(value))
    if hasattr(value, "tm_year"):
        return _from_struct_time(value)
    return _parse_string(str(value))


def date_from_url(url: str | None) -> str | None:
    """A ``YYYY-MM-DD`` date found in a URL path such as ``/2020/01/06/``, or None."""
    if not url:
        return None
    match = _URL_DATE.search(url)
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    return _safe_date(year, month, day)


def find_date_in_text(text: str) -> str | None:
    """The first explicit date written in `text` (e.g. a dateline), parsed, or None."""
    match = _TEXT_DATE.search(text)
    return parse_date(match.group(0)) if match else None


def _parse_string(text: str) -> str | None:
    """Parse one date string, trying strict formats before the free-form parser."""
    text = text.strip()
    if not text or len(text) > MAX_DATE_CHARS:
        return None
    if re.fullmatch(r"\d{9,10}(\.\d+)?", text):
        return _from_timestamp(float(text))
    return _parse_iso(text) or _parse_rfc822(text) or _parse_free(text)


def _parse_iso(text: str) -> str | None:
    """Parse ISO 8601 (``2020-01-06``, ``2020-01-06T10:00:00Z``), or None."""
    if not re.match(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    if len(text) == 10:
        return _format_date(parsed.date())
    return _format_datetime(parsed)


def _parse_rfc822(text: str) -> str | None:
    """Parse an RFC 822 date as used by RSS ``pubDate``, or None."""
    if not re.search(r"\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}", text):
        return None
    try:
        return _format_datetime(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None


def _parse_free(text: str) -> str | None:
    """Parse free-form text with dateutil, refusing dates that lack a day."""
    first = _dateutil(text, _DEFAULT_A)
    second = _dateutil(text, _DEFAULT_B)
    if first is None or second is None:
        return None
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None
    # Seconds are often left out of a written time; hour and minute decide.
    has_time = (first.hour, first.minute) == (second.hour, second.minute)
    return _format_datetime(first) if has_time else _format_date(first.date())


def _dateutil(text: str, default: datetime) -> datetime | None:
    """Run dateutil's parser quietly; None on any failure."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return dateutil_parser.parse(text, default=default, tzinfos=TZINFOS)
    except (ValueError, OverflowError, TypeError, dateutil_parser.ParserError):
        return None


def _from_timestamp(seconds: float) -> str | None:
    """Convert Unix seconds to a UTC datetime string (milliseconds are detected)."""
    if seconds > 1e11:
        seconds /= 1000.0
    try:
        return _format_datetime(datetime.fromtimestamp(seconds, tz=UTC))
    except (OverflowError, OSError, ValueError):
        return None


def _from_struct_time(value: object) -> str | None:
    """Convert a ``time.struct_time`` (feedparser's ``*_parsed``), taken as UTC."""
    try:
        fields = tuple(value)[:6]  # type: ignore[call-overload]
        return _format_datetime(datetime(*fields, tzinfo=UTC))
    except (TypeError, ValueError):
        return None


def _safe_date(year: int, month: int, day: int) -> str | None:
    """Build a date from parts, or None when they are not a real day in range."""
    try:
        return _format_date(date(year, month, day))
    except ValueError:
        return None


def _format_date(value: date) -> str | None:
    """``YYYY-MM-DD`` for a date in the accepted year range, else None."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    return value.isoformat()


def _format_datetime(value: datetime) -> str | None:
    """Full ISO datetime with offset (naive times taken as UTC), seconds precision."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    return value.replace(microsecond=0).isoformat()
