"""Extraction: quality on the hand-labelled examples and throughput on 2 cores.

Quality (examples/gold/extraction.jsonl, labelled by hand, plus the seeds' required
cases): sentence-type accuracy, attribution-kind accuracy, quote-with-speaker precision /
recall / F1, and whether each labelled person's spellings resolve to one entity.
Speed: articles per second for `extract` over the example corpus repeated.

Writes docs/benchmarks/extract.md. Run: .venv/bin/python bench/bench_extract.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "examples" / "gold" / "extraction.jsonl"
OUT = ROOT / "docs" / "benchmarks" / "extract.md"
SPEED_ROUNDS = 10


def norm(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return " ".join(text.strip(' "\'.,').split()).lower()


def match_sentence(gold: str, ours: dict[str, object]) -> object | None:
    g = norm(gold)
    if g in ours:
        return ours[g]
    return next((v for k, v in ours.items() if g in k or k in g), None)


def same_speaker(gold: str | None, ours: str | None) -> bool:
    if not gold or not ours:
        return gold == ours
    g, o = norm(gold), norm(ours)
    content = {w for w in g.split() if len(w) > 3} & {w.strip("()") for w in o.split()}
    return g in o or o in g or g.split()[-1] == o.split()[-1] or bool(content)


def evaluate(records: list[dict], articles: dict) -> dict:
    from corroborator.extract import extract

    counts = dict.fromkeys(("sent_gold", "sent_found", "type_ok", "attr_ok", "q_gold",
                            "q_pred", "q_tp", "ent_gold", "ent_ok"), 0)
    for record in records:
        ext = extract(articles[record["key"]])
        ours = {norm(s.text): s for s in ext.sentences}
        for gold in record["sentences"]:
            counts["sent_gold"] += 1
            found = match_sentence(gold["text"], ours)
            if found is None:
                continue
            counts["sent_found"] += 1
            counts["type_ok"] += found.type == gold["type"]
            counts["attr_ok"] += found.attribution.kind == gold["attribution"]["kind"]
        _quotes(record, ext, counts)
        _entities(record, ext, counts)
    return counts


def _quotes(record: dict, ext, counts: dict) -> None:
    gold_quotes = record.get("quotes", [])
    counts["q_gold"] += len(gold_quotes)
    counts["q_pred"] += len(ext.quotes)
    used = set()
    for g in gold_quotes:
        for i, q in enumerate(ext.quotes):
            text_ok = norm(g["text"]) in norm(q.text) or norm(q.text) in norm(g["text"])
            if i not in used and text_ok and same_speaker(g["speaker"], q.speaker):
                used.add(i)
                counts["q_tp"] += 1
                break


def _entities(record: dict, ext, counts: dict) -> None:
    for surfaces in record.get("entity_variants", {}).values():
        counts["ent_gold"] += 1
        resolved = {e.canonical for e in ext.entities
                    if any(norm(s) == norm(e.text) or norm(s).endswith(norm(e.text))
                           for s in surfaces)}
        counts["ent_ok"] += len(resolved) == 1


def speed(articles: list) -> float:
    from corroborator.extract import extract

    extract(articles[0])
    start = time.perf_counter()
    for _ in range(SPEED_ROUNDS):
        for a in articles:
            extract(a)
    return SPEED_ROUNDS * len(articles) / (time.perf_counter() - start)


def main() -> None:
    from corroborator.evaluation.corpus import load_keyed_articles

    articles = load_keyed_articles(ROOT / "examples")
    records = [json.loads(line) for line in GOLD.read_text().splitlines() if line.strip()]
    c = evaluate(records, articles)
    precision = c["q_tp"] / c["q_pred"] if c["q_pred"] else 0.0
    recall = c["q_tp"] / c["q_gold"] if c["q_gold"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result = {
        "articles_labelled": len(records),
        "sentences_labelled": c["sent_gold"],
        "sentences_matched": c["sent_found"],
        "sentence_type_accuracy": round(c["type_ok"] / max(1, c["sent_found"]), 3),
        "attribution_kind_accuracy": round(c["attr_ok"] / max(1, c["sent_found"]), 3),
        "quote_speaker_precision": round(precision, 3),
        "quote_speaker_recall": round(recall, 3),
        "quote_speaker_f1": round(f1, 3),
        "entity_variants_resolved": f"{c['ent_ok']}/{c['ent_gold']}",
        "articles_per_second": round(speed(list(articles.values())), 1),
    }
    write(result)
    print(json.dumps(result, indent=2))


def write(result: dict) -> None:
    lines = ["# Extraction", "",
             "Command: `.venv/bin/python bench/bench_extract.py` (2 CPU cores).",
             "Gold: `examples/gold/extraction.jsonl` (hand-labelled sentences, quotes with "
             "speakers, attributions and name variants of 6 example articles).", "",
             "| metric | value | target |", "|---|---|---|"]
    targets = {"sentence_type_accuracy": "≥ 0.85", "attribution_kind_accuracy": "≥ 0.85",
               "quote_speaker_f1": "≥ 0.90", "articles_per_second": "≥ 50"}
    for key, value in result.items():
        lines.append(f"| {key.replace('_', ' ')} | {value} | {targets.get(key, '')} |")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
