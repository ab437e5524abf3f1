"""The reader-precision labels and their workflow (bench/bench_reader_precision.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import bench_reader_precision as reader  # noqa: E402


def labelled(kind: str, label: bool, denied: list[str] | None = None) -> dict:
    return {"kind": kind, "sha1": reader.sha1(kind + str(label)), "articles": ["1", "2"],
            "label": label, "denied_by": denied or []}


def test_labels_file_holds_keys_not_texts():
    data = json.loads((BENCH / "data" / "reader_labels.json").read_text())
    bodies = [b for s in data["stories"] for b in s["bodies"]]
    assert len(data["stories"]) >= 12
    assert len(bodies) == len(set(bodies)), "a body belongs to one story only"
    for story in data["stories"]:
        for item in story["items"]:
            assert set(item) <= set(reader.LABEL_FIELDS)
            assert item["kind"] in ("corroborated", "dispute", "conflict")
            assert len(item["sha1"]) == 40 and isinstance(item["label"], bool)
            assert set(item["articles"]) <= set(story["bodies"])
        for conflict in story["conflicts"]:
            assert len(set(conflict["articles"]) & set(story["bodies"])) == 2


def test_figures_count_precision_and_denied_claims():
    found = [labelled("corroborated", True), labelled("corroborated", False, ["3"]),
             labelled("dispute", True), labelled("conflict", False)]
    result = reader.figures(found, [{"kind": "dispute"}], (1, 4))
    assert result["corroborated"] == {"precision": 0.5, "correct": 1, "n": 2}
    assert result["disputes_all"]["precision"] == 0.5
    assert result["corroborated_but_denied"] == 1
    assert result["unlabelled"]["dispute"] == 1
    assert result["conflict_pairs_flagged"] == {"recall": 0.25, "flagged": 1, "n": 4}


def test_a_conflict_pair_is_flagged_by_any_dispute_naming_both_bodies():
    items = [{"kind": "conflict", "articles": ["1", "2", "3"]},
             {"kind": "corroborated", "articles": ["4", "5"]}]
    shown = reader.flagged_pairs(items)
    assert frozenset({"1", "3"}) in shown and frozenset({"4", "5"}) not in shown


def test_merge_labels_adds_labelled_items_without_texts():
    labels = {"stories": [{"bodies": ["1", "2"], "items": []}]}
    filled = [{**labelled("corroborated", True), "story": 0, "bodies": ["1", "2"],
               "text": "claim text", "evidence": {"1": "a sentence"}},
              {**labelled("dispute", True), "story": 0, "bodies": ["1", "2"], "label": None}]
    assert reader.merge_labels(labels, filled) == 1
    (item,) = labels["stories"][0]["items"]
    assert "text" not in item and "evidence" not in item
    filled[0]["label"] = False
    reader.merge_labels(labels, filled)
    assert [i["label"] for i in labels["stories"][0]["items"]] == [False]


def test_merge_labels_refuses_items_of_other_bodies():
    labels = {"stories": [{"bodies": ["1", "2"], "items": []}]}
    item = {**labelled("conflict", True), "story": 0, "bodies": ["1", "9"]}
    with pytest.raises(SystemExit, match="do not match"):
        reader.merge_labels(labels, [item])
