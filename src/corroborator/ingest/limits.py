"""Every cap and deadline ingest applies to hostile or oversized input, in one place.

Each cap, when hit, becomes one `InputError` naming the input and the cap, and
the rest of the batch goes on. ``docs/limits.md`` lists them with the reason for
each value; change them there and here together.
"""

from __future__ import annotations

#: Largest local file (or stdin) read whole: text, HTML, feeds, CSV and JSON documents.
#: JSON Lines and web archives are streamed and capped per record instead.
MAX_FILE_BYTES = 64_000_000
#: Longest JSON Lines line, in bytes; a longer line is one error and reading goes on.
MAX_LINE_BYTES = 16_000_000
#: Largest payload of one web-archive record, after decompression.
MAX_RECORD_BYTES = 20_000_000
#: Most bytes a whole web archive may decompress to (a gzip bomb stops here).
MAX_ARCHIVE_BYTES = 2_000_000_000
#: Longest run of decompressed archive bytes without a line break. WARC and ARC header
#: lines are short; a long run is what a zero-filled or random gzip member looks like.
MAX_ARCHIVE_LINE_BYTES = MAX_RECORD_BYTES
#: Most blank space (spaces, tabs, line breaks) allowed after an archive's last record;
#: more is reported as skipped data rather than dropped in silence.
MAX_TRAILING_BLANK_BYTES = 65_536
#: Largest HTML page parsed, in characters (decoded).
MAX_HTML_CHARS = 5_000_000
#: Most elements in one parsed HTML page, counted on the tree lxml builds (trafilatura
#: spends ~0.1-0.2 ms per element; the 243 saved real pages hold at most 5,516).
MAX_HTML_ELEMENTS = 30_000
#: Most attributes on one HTML element, counted as the tokenizer reads them before
#: parsing (libxml2 checks duplicates in quadratic time; real pages hold at most 38).
MAX_HTML_ATTRIBUTES = 1_000
#: Deepest element nesting of one parsed page. libxml2 stops nesting at 256 levels and
#: drops what lies deeper, so a page that reaches 256 would lose text; real pages: 41.
MAX_HTML_DEPTH = 255
#: Deepest nesting of JSON arrays and objects in one record.
MAX_JSON_DEPTH = 64
#: Longest JSON number literal, in characters.
MAX_JSON_NUMBER_CHARS = 100
#: Longest CSV field, in characters (a whole article fits comfortably).
MAX_CSV_FIELD_CHARS = 10_000_000
#: Most links followed for one feed with ``--follow-links``; later entries keep their feed text.
MAX_FOLLOWED_LINKS = 500
#: Seconds a feed may spend following its links in total; later entries keep their feed text.
FOLLOW_LINKS_DEADLINE_S = 300.0
#: Largest robots.txt read, in bytes.
MAX_ROBOTS_BYTES = 500_000
#: Most redirects followed for one URL.
MAX_REDIRECTS = 5
#: Connection retries for one URL (connection refused or reset before any answer).
CONNECT_RETRIES = 1
