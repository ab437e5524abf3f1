"""Corroboration quality on the labelled example stories (examples/gold/corroboration.json).

For stories A and B: discrepancy detection precision/recall (a found discrepancy matches a
gold one of the same kind when they share an evidence sentence), claim-status accuracy (a
gold claim is found when one of our claim groups contains one of its evidence sentences)
and the seed comparison's timing. Writes docs/benchmarks/corroboration.md.

Run: .venv/bin/python bench/bench_corroboration.py
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
OUT = ROOT / "docs" / "benchmarks" / "corroboration.md"
KINDS = ("name", "number", "date", "negation", "claim", "headline")


def story_comparison(story: str, articles: dict, index: dict):
    """The comparison (with claim groups) of one gold story's articles."""
    from corroborator.compare import compare

    keys = [k for k, meta in index.items() if meta["story"] == story]
    keys = [k for k in keys if (articles[k].language or "en") == "en"]
    result = compare([articles[k] for k in keys])
    key_of = {articles[k].id: k for k in keys}
    return result, key_of


def _norm(text: str) -> str:
    return " ".join(text.replace("“", '"').replace("”", '"').replace("’", "'").split()).lower()


def _shares_evidence(found: dict, gold: dict, key_of: dict) -> bool:
    gold_sentences = {_norm(s) for s in gold.get("evidence", {}).values()}
    for aid, sentence in found["evidence"].items():
        if key_of.get(aid) and any(_norm(sentence) in g or g in _norm(sentence)
                                   for g in gold_sentences):
            return True
    return False


def discrepancy_scores(found: list[dict], gold: list[dict], key_of: dict) -> dict:
    """Per-kind and overall precision/recall of discrepancy detection."""
    tp_gold, tp_found, per_kind = 0, 0, {}
    for kind in KINDS:
        f = [d for d in found if d["kind"] == kind]
        g = [d for d in gold if d["kind"] == kind]
        hit_g = sum(any(_shares_evidence(x, y, key_of) or _same_values(x, y) for x in f)
                    for y in g)
        hit_f = sum(any(_shares_evidence(x, y, key_of) or _same_values(x, y) for y in g)
                    for x in f)
        per_kind[kind] = {"gold": len(g), "found": len(f), "recall_hits": hit_g,
                          "precision_hits": hit_f}
        tp_gold, tp_found = tp_gold + hit_g, tp_found + hit_f
    n_found = sum(v["found"] for v in per_kind.values())
    n_gold = sum(v["gold"] for v in per_kind.values())
    return {"precision": tp_found / n_found if n_found else 0.0,
            "recall": tp_gold / n_gold if n_gold else 0.0, "per_kind": per_kind}


def _same_values(found: dict, gold: dict) -> bool:
    fv = {_norm(str(v)) for v in found.get("values", [])}
    gv = {_norm(str(v)) for v in gold.get("values", [])}
    return len(gv) >= 2 and all(any(g in f for f in fv) for g in gv)


def status_accuracy(groups: list[dict], claims: list[dict], articles_by_id: dict) -> dict:
    """How many gold claims we found, and whether their status matches."""
    found = correct = 0
    confusion: Counter = Counter()
    for claim in claims:
        sentences = {_norm(s) for s in claim.get("evidence", {}).values()}
        group = next((g for g in groups if any(_norm(c["text"]) in sentences
                                               for c in g["claims"])), None)
        if group is None:
            confusion[(claim["status"], "missing")] += 1
            continue
        found += 1
        correct += group["status"] == claim["status"]
        confusion[(claim["status"], group["status"])] += 1
    n = len(claims)
    return {"n": n, "found": found, "accuracy_on_found": correct / found if found else 0.0,
            "accuracy_all": correct / n if n else 0.0,
            "confusion": {f"{g}→{p}": c for (g, p), c in sorted(confusion.items())}}


def main() -> dict:
    from corroborator.evaluation.corpus import load_index, load_keyed_articles

    if not (EXAMPLES / "gold" / "corroboration.json").exists():
        print("examples/gold/corroboration.json missing; nothing to evaluate")
        sys.exit(0)
    gold = json.loads((EXAMPLES / "gold" / "corroboration.json").read_text())
    index = load_index(EXAMPLES)
    articles = load_keyed_articles(EXAMPLES)
    results = {}
    for story in ("A", "B"):
        start = time.perf_counter()
        comparison, key_of = story_comparison(story, articles, index)
        elapsed = time.perf_counter() - start
        data = comparison.to_dict()
        results[story] = {
            "articles": len(key_of), "seconds": round(elapsed, 2),
            "discrepancies": discrepancy_scores(data["discrepancies"],
                                                gold[story]["discrepancies"], key_of),
            "claims": status_accuracy(data["claim_groups"], gold[story]["claims"], key_of),
        }
    write_report(results)
    print(json.dumps(results, indent=2))
    return results


def write_report(results: dict) -> None:
    lines = ["# Corroboration on the labelled examples", "",
             "Command: `.venv/bin/python bench/bench_corroboration.py` (2 CPU cores).", "",
             "| story | articles | discrepancy P | discrepancy R | gold claims found | "
             "status accuracy (found) | status accuracy (all) | seconds |",
             "|---|---|---|---|---|---|---|---|"]
    for story, r in results.items():
        d, c = r["discrepancies"], r["claims"]
        lines.append(f"| {story} | {r['articles']} | {d['precision']:.2f} | {d['recall']:.2f} | "
                     f"{c['found']}/{c['n']} | {c['accuracy_on_found']:.2f} | "
                     f"{c['accuracy_all']:.2f} | {r['seconds']} |")
    lines += ["", "Per kind (gold / found / gold hit / found hit):", ""]
    for story, r in results.items():
        for kind, v in r["discrepancies"]["per_kind"].items():
            if v["gold"] or v["found"]:
                lines.append(f"- {story} {kind}: {v['gold']} / {v['found']} / "
                             f"{v['recall_hits']} / {v['precision_hits']}")
    lines += ["", "Status confusion (gold→ours):", ""]
    for story, r in results.items():
        lines.append(f"- {story}: {r['claims']['confusion']}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
