"""Self-contained HTML: inline CSS, no scripts from anywhere, works from file://.

Stored stories (``report``, ``story --format html``) render through the web app's Jinja2
templates (``report.html`` and the ``_findings.html`` macros the story page shares), so
the report and the web app use one vocabulary and one stylesheet. The comparison of
loose files (``compare --format html``) is built here; every article-derived string goes
through :func:`esc` and links are emitted only for http(s) URLs.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from corroborator.report.text import article_labels
from corroborator.vocabulary import STANCE_SYMBOL as SYMBOLS
from corroborator.vocabulary import STANCE_TEXT

STANCE_SYMBOL = {label: (SYMBOLS[label], STANCE_TEXT[label]) for label in SYMBOLS}
CSS = """
:root{--ok:#0072B2;--bad:#D55E00;--warn:#E69F00;--muted:#666;--bg:#fff;--fg:#1a1a1a;
--line:#ddd;--soft:#f5f5f2}
*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;
color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:2px solid var(--line);padding-bottom:.2rem;
margin-top:2rem}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);
padding:.35rem .5rem;text-align:left;vertical-align:top}.lab{font-weight:700;font-family:monospace}
.badge{display:inline-block;border-radius:3px;padding:0 .4rem;font-size:.8rem;font-weight:700;
color:#fff}.corroborated,.agree{background:var(--ok)}.disputed,.disagree{background:var(--bad)}
.single-source,.discuss{background:var(--warn);color:#000}.unrelated{background:#bbb;color:#000}
.ev{color:var(--muted);font-size:.92rem;margin:.1rem 0 .1rem 1.2rem}.item{margin:.6rem 0}
.kind{font-weight:700;color:var(--bad);text-transform:uppercase;font-size:.85rem}
.matrix td,.matrix th{text-align:center}.matrix td.claim{text-align:left;max-width:28rem}
details summary{cursor:pointer}.sbs{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.sbs .s{padding:.2rem .4rem;margin:.15rem 0;border-left:4px solid transparent}
.sbs .shared{border-color:var(--ok);background:#eef6fb}.sbs .conflict{border-color:var(--bad);
background:#fdf1ea}.legend span{margin-right:1rem}.scroll{overflow-x:auto}
@media(max-width:700px){.sbs{grid-template-columns:1fr}}
"""


def esc(value: Any) -> str:
    """Escape any value for HTML text or attribute context."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_link(url: str | None, text: str) -> str:
    """A link only for http(s) URLs; anything else is shown as plain text."""
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(text)}</a>'
    return esc(text)


def comparison_html(data: Mapping[str, Any], title: str = "corroborator comparison") -> str:
    """The whole report for ``Comparison.to_dict()`` as one HTML document."""
    labels = article_labels(data["articles"])
    body = [
        f"<h1>{esc(title)}</h1>",
        _articles(data["articles"], labels),
        _section("What they agree on", _shared(data["shared"], labels)),
        _section("Claims and coverage matrix", _matrix(data.get("claim_groups", []),
                                                       data["articles"], labels)),
        _section("Where they conflict", _discrepancies(data["discrepancies"], labels)),
        _section("Shared quotes", _quotes(data["quotes"], labels)),
        _section("People and names", _entities(data["entities"], labels)),
        _section("Signals (described, not judged)", _signals(data.get("signals", {}), labels)),
        _section("Side by side", _side_by_side(data, labels)),
        _section("Only one article says", _unique(data["unique"], labels)),
    ]
    return _page(title, "\n".join(body))


def report_html(data: Mapping[str, Any], title: str = "corroborator report") -> str:
    """The report of :func:`~corroborator.report.build_report` as one HTML document.

    Each story opens with its coverage bar and key disputes (both sentences side by
    side), then agreements and differing details; the matrix, people and articles fold.
    """
    from corroborator.web.render import inline_css, render

    return render("report.html", data=data, title=title, css=inline_css(),
                  article_href=lambda article_id: f"#art-{article_id}", outlet_of=_outlet_of)


def story_html(data: Mapping[str, Any]) -> str:
    """The report for one stored story view (``story --format html``)."""
    from corroborator.report.build import versioned_report

    return report_html(versioned_report([data]), title=data["story"]["title"] or "story")


def stories_report_html(views: Sequence[Mapping[str, Any]],
                        title: str = "corroborator report") -> str:
    """One document with every story view: an index, then each story's section."""
    from corroborator.report.build import versioned_report

    return report_html(versioned_report(views), title=title)


def _outlet_of(view: Mapping[str, Any], article_id: str) -> str:
    for article in view["articles"]:
        if article["id"] == article_id:
            return article["outlet"]
    return article_id


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>{body}"
        "<footer><p class=\"ev\">Generated by corroborator. Signals describe; they do not "
        "judge.</p></footer></body></html>"
    )


def _who(ids: Sequence[str], labels: Mapping[str, str]) -> str:
    return "".join(f'<span class="lab">[{esc(labels.get(i, "?"))}]</span>' for i in ids)


def _section(title: str, content: str) -> str:
    return f"<section><h2>{esc(title)}</h2>{content}</section>"


def _articles(articles: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> str:
    rows = "".join(
        f"<tr><td>{_who([a['id']], labels)}</td><td>{esc(a.get('outlet') or '?')}</td>"
        f"<td>{safe_link(a.get('url'), a.get('title') or '(no headline)')}</td>"
        f"<td>{esc((a.get('published') or '?')[:10])}</td></tr>"
        for a in articles
    )
    return ("<table><thead><tr><th></th><th>Outlet</th><th>Headline</th><th>Date</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def _shared(shared: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> str:
    if not shared:
        return "<p>Nothing stated by more than one article.</p>"
    return "".join(
        f'<div class="item">✓ {_who(s["articles"], labels)} {esc(s["text"])}'
        + "".join(f'<div class="ev">{_who([aid], labels)} {esc(t)}</div>'
                  for aid, t in s["evidence"].items())
        + "</div>" for s in shared
    )


def _matrix(groups: Sequence[Mapping[str, Any]], articles: Sequence[Mapping[str, Any]],
            labels: Mapping[str, str]) -> str:
    if not groups:
        return "<p>No claim groups.</p>"
    head = "".join(f"<th>{_who([a['id']], labels)}<br>{esc(a.get('outlet') or '')}</th>"
                   for a in articles)
    rows = []
    for g in groups:
        stances = {s["article_id"]: s for s in g.get("stances", [])}
        cells = "".join(_cell(stances.get(a["id"])) for a in articles)
        rows.append(f'<tr><td class="claim"><span class="badge {esc(g["status"])}">'
                    f'{esc(g["status"])}</span> {esc(g["text"])}</td>{cells}</tr>')
    legend = "".join(f"<span>{sym} {esc(name)}</span>" for sym, name in STANCE_SYMBOL.values())
    return (f'<p class="legend">{legend}</p><div class="scroll"><table class="matrix"><thead>'
            f"<tr><th>Claim</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def _cell(stance: Mapping[str, Any] | None) -> str:
    if stance is None:
        return "<td>–</td>"
    symbol, name = STANCE_SYMBOL.get(stance["label"], ("?", stance["label"]))
    evidence = stance.get("evidence") or ""
    return (f'<td><details><summary><span class="badge {esc(stance["label"])}">{symbol} '
            f"{esc(name)}</span></summary><div class=\"ev\">{esc(evidence)}</div></details></td>")


def _discrepancies(items: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> str:
    if not items:
        return "<p>No discrepancies found.</p>"
    return "".join(
        f'<div class="item"><span class="kind">⚠ {esc(d["kind"])}</span> '
        f'{_who(d["articles"], labels)} {esc(d["description"])}'
        + "".join(f'<div class="ev">{_who([aid], labels)} “{esc(t)}”</div>'
                  for aid, t in d.get("evidence", {}).items())
        + "</div>" for d in items
    )


def _quotes(quotes: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> str:
    if not quotes:
        return "<p>No quote appears in more than one article.</p>"
    return "".join(
        f'<div class="item">❝ {_who(q["articles"], labels)} “{esc(q["text"])}”'
        f'{" — <em>" + esc(q["speaker"]) + "</em>" if q.get("speaker") else ""}</div>'
        for q in quotes
    )


def _entities(entities: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> str:
    people = [e for e in entities if len(e.get("variants", {})) > 0 and e["label"] == "PERSON"]
    if not people:
        return "<p>No people named.</p>"
    rows = "".join(
        f"<tr><td>{esc(e['canonical'])}</td><td>"
        + "; ".join(f"{_who([aid], labels)} {esc(', '.join(forms))}"
                    for aid, forms in e["variants"].items())
        + "</td></tr>" for e in people
    )
    return f"<table><thead><tr><th>Person</th><th>As written</th></tr></thead>{rows}</table>"


def _signals(signals: Mapping[str, Sequence[Mapping[str, Any]]],
             labels: Mapping[str, str]) -> str:
    out = []
    for aid, items in signals.items():
        rows = "".join(
            f"<details><summary><strong>{esc(s['name'].replace('_', ' '))}</strong>: "
            f"{esc(s.get('description') or s['value'])}</summary>"
            + "".join(f'<div class="ev">“{esc(ev)}”</div>' for ev in s.get("evidence", []))
            + "</details>" for s in items
        )
        out.append(f'<div class="item"><h3>{_who([aid], labels)}</h3>{rows}</div>')
    return "".join(out) or "<p>No signals.</p>"


def _side_by_side(data: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    articles = data["articles"][:2]
    if len(articles) < 2:
        return ""
    shared = {t for s in data["shared"] for t in s["evidence"].values()}
    conflict = {t for d in data["discrepancies"] for t in d.get("evidence", {}).values()}
    columns = []
    for a in articles:
        sentences = data.get("sentences", {}).get(a["id"], [])
        items = "".join(
            f'<div class="s {"shared" if t in shared else "conflict" if t in conflict else ""}">'
            f"{esc(t)}</div>" for t in sentences
        )
        columns.append(f"<div><h3>{_who([a['id']], labels)} {esc(a.get('outlet') or '')}"
                       f"</h3>{items}</div>")
    legend = ('<p class="legend"><span class="s shared">shared</span> '
              '<span class="s conflict">in conflict</span></p>')
    return f'{legend}<div class="sbs">{"".join(columns)}</div>'


def _unique(unique: Mapping[str, Sequence[str]], labels: Mapping[str, str]) -> str:
    out = "".join(f'<div class="item">{_who([aid], labels)} {esc(t)}</div>'
                  for aid, items in unique.items() for t in items)
    return out or "<p>Nothing unique.</p>"
