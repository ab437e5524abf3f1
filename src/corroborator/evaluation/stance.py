"""Score stance predictions the FNC-1 way and evaluate the stance model on FNC-format files.

FNC-1 files: a stances CSV with columns ``Headline``, ``Body ID``, ``Stance`` and a
bodies CSV with ``Body ID``, ``articleBody``. The FNC-1 weighted score gives 0.25
for getting the related/unrelated split right on a pair and 0.75 more for the exact
label of a related pair (agree, disagree, discuss); a correct unrelated pair earns
0.25. The relative score divides by the best possible score.

Example:
    >>> raw, best = fnc_score(["agree", "unrelated"], ["discuss", "unrelated"])
    >>> (raw, best)
    (0.5, 1.25)
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corroborator.errors import InputError

LABELS: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
RELATED = frozenset(("agree", "disagree", "discuss"))
STANCE_COLUMNS = ("Headline", "Body ID", "Stance")
BODY_COLUMNS = ("Body ID", "articleBody")


# ---------------------------------------------------------------- reading


def _rows(path: str | Path, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """CSV rows (with their line numbers) after checking the file and its columns."""
    source = str(path)
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as exc:
        raise InputError(source, f"cannot read file ({exc.strerror or exc})") from exc
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(source, f"missing column(s): {', '.join(missing)}", line=1)
        try:
            return [(reader.line_num, row) for row in reader]
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(source, f"malformed CSV ({exc})", line=reader.line_num) from exc


def read_bodies(path: str | Path) -> dict[str, str]:
    """Map Body ID (as a stripped string) to article text from an FNC-1 bodies CSV."""
    bodies: dict[str, str] = {}
    for line, row in _rows(path, BODY_COLUMNS):
        body_id = (row["Body ID"] or "").strip()
        if not body_id:
            raise InputError(str(path), "empty Body ID", line=line)
        bodies[body_id] = row["articleBody"] or ""
    return bodies


def read_stances(
    path: str | Path, bodies: dict[str, str] | None = None, require_stance: bool = True
) -> list[tuple[str, str, str]]:
    """(headline, Body ID, stance) rows of an FNC-1 stances CSV.

    With `bodies`, every Body ID must be known. With `require_stance` False, the
    ``Stance`` column may be absent (the stance is then an empty string).
    """
    required = STANCE_COLUMNS if require_stance else STANCE_COLUMNS[:2]
    out = []
    for line, row in _rows(path, required):
        body_id = (row["Body ID"] or "").strip()
        stance = (row.get("Stance") or "").strip().lower()
        if bodies is not None and body_id not in bodies:
            raise InputError(str(path), f"unknown Body ID {body_id!r}", line=line)
        if require_stance and stance not in LABELS:
            raise InputError(str(path), f"unknown stance {stance!r}", line=line)
        out.append((row["Headline"] or "", body_id, stance))
    return out


def write_predictions(
    path: str | Path, rows: Sequence[tuple[str, str]], labels: Sequence[str]
) -> None:
    """Write (headline, Body ID) rows with predicted labels in the FNC-1 submission layout."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(STANCE_COLUMNS)
        for (headline, body_id), label in zip(rows, labels, strict=True):
            writer.writerow([headline, body_id, label])


# ---------------------------------------------------------------- scoring


def pair_score(gold: str, pred: str) -> float:
    """FNC-1 weighted score of one prediction."""
    score = 0.0
    if gold == pred:
        score += 0.25
        if gold != "unrelated":
            score += 0.50
    if gold in RELATED and pred in RELATED:
        score += 0.25
    return score


def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float]:
    """(raw weighted FNC-1 score, maximum possible score) of `pred` against `gold`."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    raw = sum(pair_score(g, p) for g, p in zip(gold, pred, strict=True))
    best = sum(pair_score(g, g) for g in gold)
    return raw, best


def relative_fnc_score(gold: Sequence[str], pred: Sequence[str]) -> float:
    """FNC-1 weighted score divided by the maximum possible (0 for empty input)."""
    raw, best = fnc_score(gold, pred)
    return raw / best if best else 0.0


def confusion_matrix(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS
) -> dict[str, dict[str, int]]:
    """Counts as ``confusion[gold_label][predicted_label]``."""
    table = {g: {p: 0 for p in labels} for g in labels}
    for g, p in zip(gold, pred, strict=True):
        table[g][p] += 1
    return table


def per_class_f1(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS
) -> dict[str, float]:
    """F1 of each label (0 where the label is neither gold nor predicted)."""
    table = confusion_matrix(gold, pred, labels)
    out = {}
    for lab in labels:
        tp = table[lab][lab]
        n_gold = sum(table[lab].values())
        n_pred = sum(table[g][lab] for g in labels)
        out[lab] = 2 * tp / (n_gold + n_pred) if n_gold + n_pred else 0.0
    return out


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> float:
    """Unweighted mean of :func:`per_class_f1` over `labels`."""
    scores = per_class_f1(gold, pred, labels)
    return sum(scores.values()) / len(scores)


def score_predictions(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """All stance metrics: fnc_score (relative), raw_score, max_score, F1s, confusion, n."""
    raw, best = fnc_score(gold, pred)
    return {
        "fnc_score": raw / best if best else 0.0,
        "raw_score": raw,
        "max_score": best,
        "macro_f1": macro_f1(gold, pred),
        "per_class_f1": per_class_f1(gold, pred),
        "confusion": confusion_matrix(gold, pred),
        "n": len(gold),
    }


# ---------------------------------------------------------------- evaluation


def figures_by_corpus(gold: Sequence[str], pred: Sequence[str],
                      stories: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Relative score, macro-F1, disagree F1 and n for each corpus, the rows grouped by the
    corpus prefix of their story (``"fnc1:..."``, ``"arc:..."`` as :func:`load_split`
    names them), in order of first appearance."""
    rows: dict[str, list[int]] = {}
    for i, story in enumerate(stories):
        rows.setdefault(str(story).split(":", 1)[0], []).append(i)
    out = {}
    for corpus, idx in rows.items():
        scored = score_predictions([gold[i] for i in idx], [pred[i] for i in idx])
        out[corpus] = {"relative": round(scored["fnc_score"], 4),
                       "macro_f1": round(scored["macro_f1"], 4),
                       "disagree_f1": round(scored["per_class_f1"]["disagree"], 4),
                       "n": scored["n"]}
    return out


def evaluate_stance(
    stances_csv: str | Path,
    bodies_csv: str | Path,
    predictions_out: str | Path | None = None,
    model: Any = None,
) -> dict[str, Any]:
    """Run the verdict stack (with the bundled verdict `model` unless one is given) on
    FNC-1 files, headline as the claim and body as the article, and score it against
    their Stance column.

    Returns :func:`score_predictions`'s keys plus ``model`` (the model's name and
    version). With `predictions_out`, also writes the predictions as an FNC-1
    submission CSV (Headline, Body ID, Stance). Bad input raises
    :class:`~corroborator.errors.InputError`.
    """
    bodies = read_bodies(bodies_csv)
    rows = read_stances(stances_csv, bodies)
    from corroborator.corroboration.story import model_name
    from corroborator.evaluation.fnc import verdict_stances

    labels = [v.label for v in verdict_stances(rows, bodies, model)]
    name = model.name if model is not None else model_name()
    if predictions_out is not None:
        write_predictions(predictions_out, [(h, b) for h, b, _ in rows], labels)
    result = score_predictions([s for _, _, s in rows], labels)
    result["model"] = name
    return result


# ---------------------------------------------------------------- story split

SPLIT_SEED = 1
SPLIT_TEST = 0.2      # whole stories held out for final figures, never tuned on
SPLIT_TUNE = 0.2      # of the remaining stories: thresholds, calibration, combiners


def story_components(rows: Sequence[tuple[str, str, str]]) -> tuple[list[str], list[str]]:
    """The story of each row's headline and of its body: connected components of
    headlines and bodies joined by related pairs (FNC-1's own story gold)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for headline, body, stance in rows:
        find("h:" + headline)
        find("b:" + body)
        if stance in RELATED:
            parent[find("h:" + headline)] = find("b:" + body)
    return ([find("h:" + h) for h, _, _ in rows], [find("b:" + b) for _, b, _ in rows])


def story_split(rows: Sequence[tuple[str, str, str]], test: float = SPLIT_TEST,
                tune: float = SPLIT_TUNE, seed: int = SPLIT_SEED) -> list[str]:
    """Assign each (headline, Body ID, stance) row to ``train``, ``tune`` or ``test``.

    Whole stories (see :func:`story_components`) go to one side; a row whose headline
    and body fall on different sides (an unrelated pairing across stories) is ``cross``
    and belongs to no side, so no text is ever seen on two sides.
    """
    import random

    heads, bods = story_components(rows)
    stories = sorted(set(heads) | set(bods))
    random.Random(seed).shuffle(stories)
    n_test = round(len(stories) * test)
    n_tune = round((len(stories) - n_test) * tune)
    part = {s: "test" for s in stories[:n_test]}
    part |= {s: "tune" for s in stories[n_test:n_test + n_tune]}
    out = []
    for h, b in zip(heads, bods, strict=True):
        side_h, side_b = part.get(h, "train"), part.get(b, "train")
        out.append(side_h if side_h == side_b else "cross")
    return out


CORPORA = {"fnc1": ("fnc1", "train_"), "arc": ("stance/arc", "")}


def load_split(corpus: str, side: str, data_dir: str | Path
               ) -> tuple[list[tuple[str, str, str]], dict[str, str], list[str]]:
    """The rows of one side (``train``, ``tune`` or ``test``) of an FNC-format corpus
    under `data_dir` (``../shared/data``): ``fnc1`` split by story, ``arc`` by debate
    topic (its related pairs join a topic's headline to its comments, so the story split
    is a topic split). Returns (rows, bodies, story of each row)."""
    folder, prefix = CORPORA[corpus]
    base = Path(data_dir) / folder
    bodies = read_bodies(base / f"{prefix}bodies.csv")
    rows = read_stances(base / f"{prefix}stances.csv", bodies)
    sides = story_split(rows)
    stories, _ = story_components(rows)
    keep = [i for i, s in enumerate(sides) if s == side]
    return [rows[i] for i in keep], bodies, [f"{corpus}:{stories[i]}" for i in keep]
