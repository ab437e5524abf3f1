"""Precision that a reader sees: `compare` on held-out FNC-1 stories, scored against hand labels.

Each story is a few FNC-1 bodies from the ``test`` side of ``story_split`` (never trained
or tuned on) that share a related headline. ``compare`` runs on the bodies and every item
a reader is shown as a finding is matched to ``bench/data/reader_labels.json``:

* ``corroborated``: a CORROBORATED claim group with the articles listed as agreeing.
  Label ``true`` when every one of them really asserts the claim; ``denied_by`` lists the
  bodies of the story that deny it (a CORROBORATED claim another article denies).
* ``dispute``: a DISPUTED claim group (what key disputes show first): the claim's article
  and the most confident disagreeing one. ``true`` when the two really conflict on it.
* ``conflict``: a negation, claim, number or date discrepancy between articles. ``true``
  when the articles really conflict on it.

Each story also lists, by hand, its ``conflicts``: pairs of bodies that really conflict
(one asserts what the other denies); a pair counts as flagged when some dispute or
conflict item names both bodies.

Items are keyed by kind, the sha1 of the claim (or discrepancy) text and the FNC-1 Body
IDs of the articles; no article text is stored in the labels.

Run:   .venv/bin/python bench/bench_reader_precision.py
       prints corroborated precision, dispute precision (groups, discrepancies, both),
       the count of corroborated-but-denied claims over the labelled items and the share
       of the hand-listed conflicting pairs that were flagged; writes the
       figures to bench/out/reader_precision.json and every item with no label yet
       (new outputs after a change) to bench/out/reader_unlabelled.json.
Label: fill ``label`` (true/false) and, for corroborated items, ``denied_by`` (Body IDs)
       in a copy of reader_unlabelled.json after reading the bodies (``--show N`` prints
       story N's bodies), then
       .venv/bin/python bench/bench_reader_precision.py --label that_copy.json
       merges the labelled items into bench/data/reader_labels.json (texts are dropped).
Pick:  --pick N lists N candidate held-out stories (3-6 bodies, agree and disagree ones
       first); --init writes them as the stories of a new labels file.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FNC = ROOT.parent / "shared" / "data" / "fnc1"
LABELS_FILE = ROOT / "bench" / "data" / "reader_labels.json"
OUT_DIR = ROOT / "bench" / "out"
CONFLICT_KINDS = ("negation", "claim", "number", "date")
MIN_BODIES, MAX_BODIES = 3, 6


def sha1(text: str) -> str:
    """The key of a claim or discrepancy text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def load_fnc() -> tuple[list[tuple[str, str, str]], list[str], dict[str, str]]:
    """FNC-1 training rows, their story_split sides and the bodies."""
    from corroborator.evaluation.stance import read_bodies, read_stances, story_split

    bodies = read_bodies(FNC / "train_bodies.csv")
    rows = read_stances(FNC / "train_stances.csv", bodies)
    return rows, story_split(rows), bodies


# ---------------------------------------------------------------- picking stories


def candidate_stories(n: int, seed: int = 19) -> list[dict[str, Any]]:
    """Held-out headlines with 3-6 related bodies, ones with agree and disagree bodies
    first; each story shares no body with an earlier one."""
    rows, sides, _ = load_fnc()
    by_head: dict[str, dict[str, str]] = defaultdict(dict)
    for (head, body, stance), side in zip(rows, sides, strict=True):
        if side == "test" and stance != "unrelated":
            by_head[head][body] = stance
    sized = [(h, s) for h, s in sorted(by_head.items()) if MIN_BODIES <= len(s) <= MAX_BODIES]
    random.Random(seed).shuffle(sized)
    mixed = [x for x in sized if {"agree", "disagree"} <= set(x[1].values())]
    rest = [x for x in sized if x not in mixed]
    out, seen = [], set()
    for head, stances in mixed + rest:
        key = tuple(sorted(stances, key=int))
        if not seen & set(key):
            seen.update(key)
            out.append({"bodies": list(key), "headline_sha1": sha1(head),
                        "fnc_stances": [stances[b] for b in key]})
    return out[:n]


# ---------------------------------------------------------------- items shown to a reader


def run_story(body_ids: list[str], bodies: dict[str, str]):
    """`compare` on the bodies of one story (outlet "body <id>")."""
    from corroborator.compare import compare
    from corroborator.models import Article

    return compare([Article(text=bodies[b], title="", outlet=f"body {b}") for b in body_ids])


def story_items(comparison) -> list[dict[str, Any]]:
    """Every corroborated group, disputed group and conflict discrepancy, as label keys plus
    the texts a labeller needs."""
    fnc_id = {a.id: a.outlet.removeprefix("body ") for a in comparison.articles}
    items = []
    for group in comparison.claim_groups:
        if group.status == "corroborated":
            agreeing = sorted({fnc_id[s.article_id] for s in group.stances if s.label == "agree"},
                              key=int)
            items.append(_item("corroborated", group.text, agreeing, {
                fnc_id[s.article_id]: s.evidence for s in group.stances if s.label == "agree"}))
        elif group.status == "disputed":
            items.extend(_dispute(group, fnc_id))
    for d in comparison.discrepancies:
        if d.kind in CONFLICT_KINDS and len(d.articles) >= 2:
            ids = sorted({fnc_id.get(a, a) for a in d.articles}, key=int)
            items.append(_item("conflict", f"{d.kind}: {d.description}", ids,
                               {fnc_id.get(a, a): t for a, t in d.evidence.items()}))
    return items


def _dispute(group, fnc_id: dict[str, str]) -> list[dict[str, Any]]:
    """The dispute a reader is shown for a disputed group: its claim against the most
    confident disagreeing article (as key_disputes picks it)."""
    claim = next((c for c in group.claims if c.text == group.text), group.claims[0])
    against = max((s for s in group.stances if s.label == "disagree"), key=lambda s: s.score,
                  default=None)
    if against is None:
        return []
    ids = [fnc_id[claim.article_id], fnc_id[against.article_id]]
    return [_item("dispute", group.text, ids, {ids[0]: claim.text, ids[1]: against.evidence},
                  probability=round(against.score, 3))]


def _item(kind: str, text: str, articles: list[str], evidence: dict, **extra) -> dict[str, Any]:
    return {"kind": kind, "sha1": sha1(text), "articles": articles, "text": text,
            "evidence": evidence, **extra}


def item_key(item: dict[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    return item["kind"], item["sha1"], tuple(item["articles"])


# ---------------------------------------------------------------- scoring


def score(labels: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Figures over the labelled items of every story, and the unlabelled items found."""
    _, _, bodies = load_fnc()
    found, unlabelled, recall = [], [], [0, 0]
    for index, story in enumerate(labels["stories"]):
        known = {item_key(i): i for i in story["items"]}
        items = story_items(run_story(story["bodies"], bodies))
        print(f"story {index} ({len(story['bodies'])} bodies): {len(items)} items", flush=True)
        for item in items:
            label = known.get(item_key(item))
            if label is None or label.get("label") is None:
                unlabelled.append({"story": index, "bodies": story["bodies"], **item,
                                   "label": None, "denied_by": []})
            else:
                found.append(label)
        shown = flagged_pairs(items)
        recall[0] += sum(frozenset(c["articles"]) in shown for c in story.get("conflicts", []))
        recall[1] += len(story.get("conflicts", []))
    return figures(found, unlabelled, tuple(recall)), unlabelled


def flagged_pairs(items: list[dict[str, Any]]) -> set[frozenset[str]]:
    """Every pair of articles named together by a dispute or conflict item."""
    return {frozenset(pair) for i in items if i["kind"] != "corroborated"
            for pair in itertools.combinations(i["articles"], 2)}


def figures(found: list[dict[str, Any]], unlabelled: list[dict[str, Any]],
            recall: tuple[int, int] = (0, 0)) -> dict[str, Any]:
    """Precision of each kind over the labelled items found, the denied count, and the
    share of hand-listed conflicting article pairs (found, listed) that were flagged."""
    def precision(kinds: tuple[str, ...]) -> dict[str, Any]:
        mine = [i for i in found if i["kind"] in kinds]
        yes = sum(bool(i["label"]) for i in mine)
        return {"precision": round(yes / len(mine), 3) if mine else None,
                "correct": yes, "n": len(mine)}

    return {
        "corroborated": precision(("corroborated",)),
        "dispute_groups": precision(("dispute",)),
        "conflict_discrepancies": precision(("conflict",)),
        "disputes_all": precision(("dispute", "conflict")),
        "corroborated_but_denied": sum(bool(i.get("denied_by")) for i in found
                                       if i["kind"] == "corroborated"),
        "conflict_pairs_flagged": {
            "recall": round(recall[0] / recall[1], 3) if recall[1] else None,
            "flagged": recall[0], "n": recall[1]},
        "unlabelled": {k: sum(i["kind"] == k for i in unlabelled)
                       for k in ("corroborated", "dispute", "conflict")},
    }


# ---------------------------------------------------------------- label workflow


LABEL_FIELDS = ("kind", "sha1", "articles", "label", "denied_by", "note")


def merge_labels(labels: dict[str, Any], filled: list[dict[str, Any]]) -> int:
    """Add the labelled items of `filled` (reader_unlabelled.json entries) to `labels`."""
    added = 0
    for item in filled:
        if item.get("label") is None:
            continue
        story = labels["stories"][item["story"]]
        if story["bodies"] != item["bodies"]:
            raise SystemExit(f"{item['story']}: bodies {item['bodies']} do not match the labels")
        entry = {k: item[k] for k in LABEL_FIELDS if k in item}
        story["items"] = [i for i in story["items"] if item_key(i) != item_key(entry)] + [entry]
        added += 1
    return added


def show(labels: dict[str, Any], index: int) -> None:
    """Print the bodies of story `index` for a labeller (never stored)."""
    _, _, bodies = load_fnc()
    for body in labels["stories"][index]["bodies"]:
        print(f"===== body {body}\n{bodies[body]}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--label", type=Path, help="merge a labelled copy of the unlabelled file")
    parser.add_argument("--show", type=int, help="print the bodies of story N")
    parser.add_argument("--pick", type=int, help="list N candidate held-out stories")
    parser.add_argument("--init", action="store_true", help="with --pick: start a labels file")
    parser.add_argument("--labels", type=Path, default=LABELS_FILE)
    args = parser.parse_args()
    if not FNC.exists():
        print(f"skipped: {FNC} is absent")
        return
    if args.pick:
        stories = candidate_stories(args.pick)
        print(json.dumps(stories, indent=1))
        if args.init:
            data = {"stories": [{**s, "items": []} for s in stories]}
            args.labels.write_text(json.dumps(data, indent=1) + "\n")
        return
    labels = json.loads(args.labels.read_text())
    if args.show is not None:
        return show(labels, args.show)
    if args.label:
        added = merge_labels(labels, json.loads(args.label.read_text()))
        args.labels.write_text(json.dumps(labels, indent=1) + "\n")
        print(f"merged {added} labelled items into {args.labels}")
        return
    result, unlabelled = score(labels)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "reader_unlabelled.json").write_text(json.dumps(unlabelled, indent=1) + "\n")
    (OUT_DIR / "reader_precision.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.exit(main())
