"""Terminal reports with rich: coloured on a terminal, plain text when piped.

Renderers take the JSON-ready dicts (``Comparison.to_dict()`` or a story view), so the
terminal, JSON and HTML outputs always show the same findings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from corroborator.safe_text import printable_data
from corroborator.vocabulary import STANCE_TEXT, STATUS_TEXT, plural

STATUS_STYLE = {"corroborated": "green", "disputed": "red", "unclear": "magenta",
                "single-source": "yellow"}
KIND_LABEL = {"name": "NAME", "number": "NUMBER", "date": "DATE", "negation": "NEGATION",
              "claim": "CLAIM", "headline": "HEADLINE"}
MAX_UNIQUE = 5
WIDTH = 80
#: Widest text output when ``$COLUMNS`` asks for more.
MAX_WIDTH = 400


def print_comparison(data: Mapping[str, Any], console: Console | None = None) -> None:
    """Print a comparison: articles, shared, conflicts, quotes, names, signals, unique."""
    console = console or Console(width=_width())
    data = printable_data(data)  # article text never reaches the terminal raw
    labels = article_labels(data["articles"])
    console.print(_articles_table(data["articles"], labels))
    _section(console, "Key disputes", _key_disputes(data.get("key_disputes", []), labels))
    if data.get("fact_checks"):
        _section(console, "Published fact-checks", _fact_checks(data))
    _section(console, "What they agree on", _shared(data, labels))
    if data.get("claim_groups"):
        _section(console, "Claims", _claim_groups(data["claim_groups"], labels))
    _section(console, "Where they conflict", _discrepancies(data["discrepancies"], labels))
    _section(console, "Shared quotes", _quotes(data["quotes"], labels))
    _section(console, "Signals (described, not judged)", _signals(data.get("signals", {}),
                                                                   labels))
    _section(console, "Only one article says", _unique(data["unique"], labels))


def print_story(data: Mapping[str, Any], console: Console | None = None) -> None:
    """Print a stored story: key disputes and agreements first, then articles, claims,
    discrepancies and signals."""
    console = console or Console(width=_width())
    data = printable_data(data)
    story = data["story"]
    console.print(Panel(Text(story["title"] or "(untitled story)", style="bold"),
                        subtitle=escape(f"{plural(story['n_articles'], 'article')} · "
                                        f"{plural(story['n_sources'], 'independent source')} · "
                                        f"{(story['first_seen'] or '?')[:10]} → "
                                        f"{(story['last_seen'] or '?')[:10]}")))
    labels = article_labels(data["articles"])
    summary = data.get("summary")
    if summary:
        _section(console, "Key disputes", _story_disputes(summary))
        _section(console, "What they agree on", _story_agreements(summary))
    if data.get("fact_checks"):
        _section(console, "Published fact-checks", _fact_checks(data))
    console.print(_articles_table(data["articles"], labels))
    _section(console, "All claims", _claim_groups(data["claim_groups"], labels))
    _section(console, "Where they conflict", _discrepancies(data["discrepancies"], labels))
    signals = {a["id"]: a.get("signals", []) for a in data["articles"]}
    _section(console, "Signals (described, not judged)", _signals(signals, labels))


def _width() -> int:
    """The terminal's width (at most 100), or ``$COLUMNS`` when piped, else 80."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) >= 20:
        return min(int(columns), MAX_WIDTH)
    probe = Console()
    return min(probe.width, 100) if probe.is_terminal else WIDTH


def print_stories(data: Mapping[str, Any], console: Console | None = None) -> None:
    """Print a page of stories (:func:`~corroborator.views.stories_view`): per story its
    sources, outlets, dates, claim counts and top dispute, then what the filters hid."""
    console = console or Console(width=_width(), highlight=False)
    data = printable_data(data)   # titles and outlets come from articles: no control codes
    for row in data["stories"]:
        counts = row.get("status_counts") or {}
        claims = " · ".join(f"{counts[s]} {STATUS_TEXT[s].lower()}" for s in STATUS_TEXT
                            if counts.get(s))
        outlets = ", ".join(o["name"] + (f" ×{o['articles']}" if o["articles"] > 1 else "")
                            for o in row.get("outlet_counts", []))
        console.print(Text.assemble((row["id"][:12], "dim"), "  ", (row["title"] or
                                                                    "(untitled)", "bold")))
        console.print(Text(f"    {plural(row['n_sources'], 'independent source')} · "
                           f"{plural(row['n_articles'], 'article')} · "
                           f"{(row['first_seen'] or '?')[:10]} → {(row['last_seen'] or '?')[:10]}"
                           f"{' · ' + claims if claims else ''}"))
        console.print(Text(f"    outlets: {outlets}", style="dim"))
        dispute = row.get("top_dispute")
        if dispute:
            who = f" (disputed by {', '.join(dispute['disputed_by'])})" \
                if dispute["disputed_by"] else ""
            console.print(Text.assemble(("    ✗ top dispute: ", "red"), dispute["claim"], who),
                          no_wrap=True, overflow="ellipsis")
    if not data["stories"]:
        console.print("no stories match (run 'corroborator analyze', or change the filters)")
    if data.get("hidden_singles"):
        hidden = plural(data["hidden_singles"], "one-article story", "one-article stories")
        console.print(Text(f"{hidden} hidden (--singles shows them)", style="dim"))


def article_labels(articles: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Short labels [A], [B], ... used to point at articles throughout a report."""
    return {a["id"]: chr(ord("A") + i) if i < 26 else str(i) for i, a in enumerate(articles)}


def _section(console: Console, title: str, body: Any) -> None:
    console.print(Rule(Text(title, style="bold"), align="left"))
    console.print(body)


def _articles_table(articles: list[Mapping[str, Any]], labels: Mapping[str, str]) -> Table:
    table = Table(show_header=True, header_style="bold", expand=True, box=None)
    table.add_column("", width=3)
    table.add_column("Outlet", ratio=1)
    table.add_column("Headline", ratio=3)
    table.add_column("Date", width=10)
    for a in articles:
        dup = f" (copy of {a['duplicate_of'][:8]})" if a.get("duplicate_of") else ""
        table.add_row(f"[{labels[a['id']]}]", escape(a.get("outlet") or "?"),
                      escape((a.get("title") or "(no headline)") + dup),
                      escape((a.get("published") or "?")[:10]))
    return table


def _key_disputes(items: list[Mapping[str, Any]], labels: Mapping[str, str]) -> Any:
    """Each key dispute: the claim and the sentence that disputes it, one under the other."""
    if not items:
        return Text("No claim is disputed between these articles.", style="dim")
    out = []
    for d in items:
        why = f" — {'; '.join(d['reasons'])}" if d.get("reasons") else ""
        out.append(Text.assemble(("✗ ", "red"), (_who([d["claim_article"]], labels) + " ",
                                                "bold"), d["claim"]))
        out.append(Text.assemble(("  ↯ ", "red"), (_who([d["evidence_article"]], labels) + " ",
                                                  "bold"), d["evidence"] or "",
                                 (f"  (p={d['probability']:.2f}{why})", "dim")))
    return Group(*out)


def _who(ids: list[str], labels: Mapping[str, str]) -> str:
    return "".join(f"[{labels.get(i, '?')}]" for i in ids)


def _shared(data: Mapping[str, Any], labels: Mapping[str, str]) -> Any:
    if not data["shared"]:
        return Text("Nothing stated by more than one article.", style="dim")
    items = []
    for s in data["shared"]:
        items.append(Text.assemble(("✓ ", "green"), (_who(s["articles"], labels) + " ", "bold"),
                                   s["text"]))
        for aid, sentence in s["evidence"].items():
            if sentence != s["text"]:
                items.append(Text(f"    {_who([aid], labels)} {sentence}", style="dim"))
    return Group(*items)


def _claim_groups(groups: list[Mapping[str, Any]], labels: Mapping[str, str]) -> Any:
    if not groups:
        return Text("No claim groups.", style="dim")
    items = []
    for g in groups:
        style = STATUS_STYLE.get(g["status"], "white")
        status = STATUS_TEXT.get(g["status"], g["status"])
        items.append(Text.assemble((f"{status:<14}", f"bold {style}"), f"{g['text']}"))
        for s in g.get("stances", []):
            if s["label"] == "unrelated":
                continue
            ev = f": {s['evidence']}" if s.get("evidence") else ""
            verb = STANCE_TEXT.get(s["label"], s["label"])
            items.append(Text(f"    {_who([s['article_id']], labels)} {verb}{ev}",
                              style="dim"))
    return Group(*items)


def _story_disputes(summary: Mapping[str, Any]) -> Any:
    """A stored story's key disputes: the claim, one sentence making it, the disputing ones."""
    if not summary["key_disputes"]:
        return Text("No claim is disputed between these outlets.", style="dim")
    out = []
    for d in summary["key_disputes"]:
        out.append(Text.assemble(("✗ Disputed  ", "bold red"), d["claim"]))
        if d["claim_sentence"]:
            c = d["claim_sentence"]
            out.append(Text(f"    {c['outlet']} {STANCE_TEXT['agree']}: “{c['text']}”",
                            style="dim"))
        for s in d["disputed_by"][:2]:
            out.append(Text(f"    {s['outlet']} {STANCE_TEXT['disagree']}: “{s['evidence']}”",
                            style="red"))
    return Group(*out)


def _fact_checks(data: Mapping[str, Any]) -> Any:
    """Each matched ClaimReview: the story's claim, the rating as published, who, the link."""
    text_of = {g["id"]: g["text"] for g in data.get("claim_groups", [])}
    out = []
    for m in data["fact_checks"]:
        r = m["review"]
        out.append(Text.assemble(("☑ ", "cyan"), text_of.get(m["group_id"], r["claim"])))
        who = ", ".join(x for x in (r.get("reviewer"), (r.get("reviewed_at") or "")[:10]) if x)
        out.append(Text(f"    rated “{r.get('rating') or 'no rating'}” ({r['verdict']})"
                        f"{' by ' + who if who else ''}{'  ' + r['url'] if r.get('url') else ''}",
                        style="dim"))
    return Group(*out)


def _story_agreements(summary: Mapping[str, Any]) -> Any:
    if not summary["agreements"]:
        return Text("No claim is corroborated by two or more independent sources yet.",
                    style="dim")
    return Group(*[Text.assemble(("✓ ", "green"), a["claim"],
                                 (f"  ({', '.join(a['outlets'])})", "dim"))
                   for a in summary["agreements"][:8]])


def _discrepancies(items: list[Mapping[str, Any]], labels: Mapping[str, str]) -> Any:
    if not items:
        return Text("No discrepancies found.", style="dim")
    out = []
    for d in items:
        out.append(Text.assemble(("⚠ ", "red"), (f"{KIND_LABEL.get(d['kind'], d['kind'])} ",
                                                 "bold red"),
                                 (_who(d["articles"], labels) + " ", "bold"), d["description"]))
        for aid, sentence in d.get("evidence", {}).items():
            out.append(Text(f"    {_who([aid], labels)} “{sentence}”", style="dim"))
    return Group(*out)


def _quotes(quotes: list[Mapping[str, Any]], labels: Mapping[str, str]) -> Any:
    if not quotes:
        return Text("No quote appears in more than one article.", style="dim")
    return Group(*[
        Text.assemble(("❝ ", "cyan"), (_who(q["articles"], labels) + " ", "bold"),
                      f"“{q['text']}”", (f" — {q['speaker']}" if q.get("speaker") else "",
                                          "italic"))
        for q in quotes
    ])


def _signals(signals: Mapping[str, list[Mapping[str, Any]]], labels: Mapping[str, str]) -> Any:
    out = []
    for aid, items in signals.items():
        for s in items:
            if not _notable(s):
                continue
            out.append(Text.assemble((f"{_who([aid], labels)} ", "bold"),
                                     (f"{s['name'].replace('_', ' ')}: ", "bold"),
                                     s.get("description") or str(s["value"])))
            for ev in s.get("evidence", [])[:2]:
                out.append(Text(f"    “{ev}”", style="dim"))
    return Group(*out) if out else Text("No signals.", style="dim")


def _notable(signal: Mapping[str, Any]) -> bool:
    value = signal["value"]
    if signal["name"] in ("opinion_vs_reporting", "sourcing"):
        return True
    return bool(value) and value != 0


def _unique(unique: Mapping[str, list[str]], labels: Mapping[str, str]) -> Any:
    out = []
    for aid, sentences in unique.items():
        for s in sentences[:MAX_UNIQUE]:
            out.append(Text(f"{_who([aid], labels)} {s}"))
        if len(sentences) > MAX_UNIQUE:
            out.append(Text(f"{_who([aid], labels)} … and {len(sentences) - MAX_UNIQUE} more "
                            "(use --format json for all)", style="dim"))
    return Group(*out) if out else Text("Nothing unique.", style="dim")


def print_outlets(data: Mapping[str, Any], console: Console | None = None) -> None:
    """Print every outlet with its counts (``outlet`` without a name)."""
    console = console or Console(width=_width(), highlight=False)
    data = printable_data(data)
    table = Table(show_header=True, header_style="bold", box=None, expand=False)
    for heading in ("Outlet", "Articles", "Stories", "Corroborated", "Disputed", "Raised"):
        table.add_column(heading, justify="left" if heading == "Outlet" else "right")
    for o in data["outlets"]:
        table.add_row(escape(o["name"]), str(o["articles"]), str(o["stories"]),
                      str(o["claims_corroborated"]), str(o["claims_disputed"]),
                      str(o["disputes_raised"]))
    console.print(table)
    console.print(Text("Corroborated/Disputed: its claims in groups with that status; Raised: "
                       "its stances disputing others' claims. Counts, not a score.", style="dim"))


def print_outlet(data: Mapping[str, Any], console: Console | None = None) -> None:
    """Print one outlet: stories, claims others dispute or corroborate, what it alone
    reported, and its sourcing by month."""
    console = console or Console(width=_width(), highlight=False)
    data = printable_data(data)
    o = data["outlet"]
    console.print(Panel(Text(o["name"], style="bold"), subtitle=(
        f"{plural(o['articles'], 'article')} · {plural(o['stories'], 'story', 'stories')} · "
        f"{o['claims_corroborated']} claims corroborated · {o['claims_disputed']} disputed")))
    _section(console, "Stories it covered", Group(*[
        Text(f"{s['id'][:12]}  {s['title']}  ({plural(s['n_sources'], 'source')})")
        for s in data["stories"]] or [Text("none", style="dim")]))
    for key, title, verb in (("disputed", "Its claims others dispute", "disputes"),
                             ("corroborated", "Its claims others corroborate", "agrees")):
        items = []
        for g in data[key]:
            items.append(Text.assemble((f"{STATUS_TEXT[g['status']]:<14}", STATUS_STYLE[
                g["status"]]), g["its_sentence"]["text"]))
            items += [Text(f"    {e['outlet']} {verb}: “{e['evidence'] or ''}”", style="dim")
                      for e in g["others"][:2]]
        _section(console, title, Group(*items) if items else Text("none", style="dim"))
    _section(console, "What it alone reported", Group(*[
        Text(f"● {g['claim']}") for g in data["alone"][:MAX_UNIQUE * 2]]
        or [Text("nothing", style="dim")]))
    _section(console, "Sourcing by month (mean share of claims)", Group(*[
        Text(f"{m['month']}  {plural(m['articles'], 'article')}  " + ", ".join(
            f"{k} {v:.0%}" for k, v in sorted(m["sourcing"].items(), key=lambda kv: -kv[1])
            if v)) for m in data["signals_by_month"]] or [Text("no signals", style="dim")]))
