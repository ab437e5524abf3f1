"""Build examples/warc/ridgeline-radio.warc.gz from the HTML pages in examples/warc/src/.

The output is deterministic: every WARC-Date and WARC-Record-ID is fixed, and
the gzip members carry no timestamp, so running this script twice gives
byte-identical files.

    .venv/bin/python examples/make_warc.py
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
SRC = HERE / "warc" / "src"
OUT = HERE / "warc" / "ridgeline-radio.warc.gz"

# (source file, URL it was "captured" from, capture time, HTTP Date header)
PAGES = [
    (
        "ridgeline-redfern-union-rally.html",
        "https://ridgelineradio.example/news/2026/03/03/redfern-workers-union-hall-calloway-denial",
        "2026-03-03T18:02:11Z",
        "Tue, 03 Mar 2026 18:02:11 GMT",
    ),
    (
        "ridgeline-tamsin-shelter.html",
        "https://ridgelineradio.example/news/2026/03/04/civic-arena-shelter-lower-fenwick",
        "2026-03-04T15:41:37Z",
        "Wed, 04 Mar 2026 15:41:37 GMT",
    ),
]

USER_AGENT = "corroborator-example-crawler/0.1 (+https://corroborator.example/bot)"


def record_id(*parts: str) -> str:
    """A fixed, content-derived WARC-Record-ID in urn:uuid form."""
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"<urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}>"


def build() -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="1.1")

    info = (
        "software: corroborator examples/make_warc.py (warcio)\r\n"
        "format: WARC File Format 1.1\r\n"
        "description: Two fictional Ridgeline Public Radio pages for the corroborator example corpus.\r\n"
        "license: Apache-2.0\r\n"
    ).encode("utf-8")
    writer.write_record(
        writer.create_warc_record(
            "",
            "warcinfo",
            payload=io.BytesIO(info),
            length=len(info),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Record-ID": record_id("warcinfo", OUT.name),
                "WARC-Date": PAGES[0][2],
                "WARC-Filename": OUT.name,
            },
        )
    )

    for filename, url, warc_date, http_date in PAGES:
        body = (SRC / filename).read_bytes()
        host = url.split("/")[2]
        path = "/" + url.split("/", 3)[3]
        response_id = record_id("response", url, warc_date)
        request_id = record_id("request", url, warc_date)

        http_headers = StatusAndHeaders(
            "200 OK",
            [
                ("Date", http_date),
                ("Server", "nginx"),
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "max-age=300"),
            ],
            protocol="HTTP/1.1",
        )
        writer.write_record(
            writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http_headers,
                warc_headers_dict={
                    "WARC-Record-ID": response_id,
                    "WARC-Date": warc_date,
                    "WARC-IP-Address": "192.0.2.17",
                },
            )
        )

        req_headers = StatusAndHeaders(
            f"GET {path} HTTP/1.1",
            [
                ("Host", host),
                ("User-Agent", USER_AGENT),
                ("Accept", "text/html,application/xhtml+xml"),
                ("Accept-Language", "en"),
            ],
            is_http_request=True,
        )
        writer.write_record(
            writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(b""),
                length=0,
                http_headers=req_headers,
                warc_headers_dict={
                    "WARC-Record-ID": request_id,
                    "WARC-Date": warc_date,
                    "WARC-Concurrent-To": response_id,
                },
            )
        )
    return buf.getvalue()


def main() -> None:
    data = build()
    OUT.write_bytes(data)
    print(f"wrote {OUT} ({len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]})")


if __name__ == "__main__":
    main()
