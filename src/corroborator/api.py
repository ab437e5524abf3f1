"""Small public helpers shared by the CLI, the web app and library users."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from corroborator.models import Article, Extraction
from corroborator.store import Store


def extraction_dict(extraction: Extraction) -> dict[str, Any]:
    """The documented JSON of `corroborator extract`."""
    return {
        "sentences": [
            {"text": s.text, "type": s.type, "checkworthiness": s.checkworthiness,
             "attribution": {"kind": s.attribution.kind, "source": s.attribution.source}}
            for s in extraction.sentences
        ],
        "quotes": [{"text": q.text, "speaker": q.speaker, "direct": q.direct}
                   for q in extraction.quotes],
        "entities": [{"text": e.text, "label": e.label, "canonical": e.canonical}
                     for e in extraction.entities],
        "numbers": [_mention(m) for m in extraction.mentions if m.kind != "date"],
        "dates": [_mention(m) for m in extraction.mentions if m.kind == "date"],
        "claims": [{"text": c.text, "checkworthiness": c.checkworthiness,
                    "attribution": asdict(c.attribution)} for c in extraction.claims],
        "warnings": extraction.warnings,
    }


def _mention(m: Any) -> dict[str, Any]:
    return {"text": m.text, "kind": m.kind, "value": m.value, "unit": m.unit,
            "head": m.head, "bound": m.bound, "aspect": m.aspect, "sentence": m.sentence_index}


def extraction_text(article: Article, data: dict[str, Any]) -> str:
    """A plain, readable listing of an extraction."""
    lines = [f"{article.title or '(no headline)'} — {article.outlet or '?'}", ""]
    for s in data["sentences"]:
        att = s["attribution"]
        source = f" ← {att['kind']}: {att['source']}" if att["kind"] != "none" else ""
        lines.append(f"[{s['type']:<8} {s['checkworthiness']:.2f}] {s['text']}{source}")
    lines.append("")
    lines.extend(f"quote ({'direct' if q['direct'] else 'reported'}): “{q['text']}” — "
                 f"{q['speaker'] or 'unattributed'}" for q in data["quotes"])
    people = sorted({(e["canonical"], e["label"]) for e in data["entities"]})
    lines.append("entities: " + "; ".join(f"{n} ({label})" for n, label in people))
    lines.append("numbers: " + "; ".join(n["text"] for n in data["numbers"]))
    lines.append("dates: " + "; ".join(f"{d['text']} = {d['value']}" for d in data["dates"]))
    return "\n".join(lines)


def list_stories(store: Store, sort: str = "recent", limit: int = 50,
                 offset: int = 0) -> list[dict[str, Any]]:
    """Story summaries with the outlets that cover each (one query for the whole page)."""
    rows = store.list_stories(limit=limit, offset=offset, sort=sort)
    ids = [row["id"] for row in rows]
    outlets: dict[str, list[str]] = {i: [] for i in ids}
    if ids:
        found = store.query(
            "SELECT DISTINCT sa.story_id, a.outlet FROM story_articles sa JOIN articles a "
            f"ON a.id = sa.article_id WHERE sa.story_id IN ({','.join('?' * len(ids))}) "
            "AND a.outlet IS NOT NULL ORDER BY a.outlet", ids)
        for r in found:
            outlets[r[0]].append(r[1])
    return [row | {"outlets": outlets[row["id"]]} for row in rows]


def run_check(claim: str, inputs: list[str], store: Store | None = None,
              story_id: str | None = None, show_all: bool = False,
              limit: int | None = None) -> dict[str, Any]:
    """Each article's verdict on `claim`: from files or URLs, or from a database (all
    articles, or one story's). Inputs that cannot be read are listed as warnings.

    Articles come ranked by relevance (how surely the article speaks to the claim at all)
    and then by the verdict's probability; ``unrelated`` ones are left out (counted in
    ``hidden``) unless `show_all`; at most `limit` are returned."""
    from corroborator.compare import load_articles
    from corroborator.corroboration.story import check_claim
    from corroborator.errors import InputError
    from corroborator.extract import extract

    warnings: list[str] = []
    if store is not None:
        ids = (store.get_story(story_id).article_ids if story_id
               else [r[0] for r in store.query("SELECT id FROM articles ORDER BY rowid")])
        articles = store.get_articles(ids)
        extractions = {a.id: store.load_extraction(a.id) for a in articles}
    else:
        articles = []
        for item in inputs:
            try:
                articles.extend(load_articles([item]))
            except InputError as exc:
                warnings.append(str(exc))
        extractions = {a.id: extract(a) for a in articles}
    if not articles:
        raise InputError(", ".join(inputs) or "database", "no readable articles to check")
    verdicts = check_claim(claim, articles, extractions)
    rows = [{"id": a.id, "title": a.title, "outlet": a.outlet, "url": a.url,
             "stance": v.label, "probability": round(v.probability, 3),
             "relevance": _relevance(v), "evidence": v.evidence, "reasons": v.reasons}
            for a, v in verdicts]
    rows.sort(key=lambda r: (r["stance"] == "unrelated", -r["relevance"], -r["probability"]))
    shown = rows if show_all else [r for r in rows if r["stance"] != "unrelated"]
    if limit is not None:
        shown = shown[:max(0, limit)]
    return {"claim": " ".join(claim.split())[:1000], "warnings": warnings,
            "checked": len(rows), "hidden": len(rows) - len(shown), "articles": shown}


def _relevance(verdict) -> float:
    """How surely an article speaks to the claim: 1 - P(unrelated) (0 when not judged)."""
    if not verdict.probabilities:
        return 0.0 if verdict.label == "unrelated" else 1.0
    return round(1.0 - float(verdict.probabilities.get("unrelated", 0.0)), 3)


def check_claim_dict(data: dict[str, Any]) -> dict[str, Any]:
    """The documented JSON of `corroborator check` (docs/json.md), ranked as shown."""
    from corroborator.views import SCHEMA_VERSION

    return {"schema_version": SCHEMA_VERSION, "claim": data["claim"],
            "checked": data["checked"], "hidden": data["hidden"], "articles": [
                {"id": a["id"], "title": a["title"], "outlet": a["outlet"], "url": a["url"],
                 "stance": a["stance"], "probability": a["probability"],
                 "relevance": a["relevance"], "evidence": a["evidence"],
                 "reasons": a["reasons"]}
                for a in data["articles"]]}


def check_claim_text(data: dict[str, Any]) -> str:
    """A plain listing of `corroborator check`, most relevant first."""
    lines = [f"Claim: {data['claim'] or '(empty)'}", ""]
    for a in data["articles"]:
        who = a["outlet"] or a["title"] or a["id"][:8]
        why = f" ({'; '.join(a['reasons'])})" if a["reasons"] else ""
        lines.append(f"{a['stance'].upper():<9} {a['probability']:.2f}  {who}{why}")
        if a["evidence"]:
            lines.append(f"          “{a['evidence']}”")
    if not data["articles"]:
        lines.append("No article speaks to this claim.")
    if data["hidden"]:
        lines.extend(["", f"{data['hidden']} of {data['checked']} articles not shown "
                          "(unrelated, or past --limit); --all shows every article."])
    return "\n".join(lines)
