"""Sentence-pair inference: does a premise entail, contradict, or say nothing about a claim?

The bundled model is a MiniLM cross-encoder fine-tuned by ``train/train_nli.py`` on the
training parts of the shared NLI sets and FNC-1 training stories, exported to ONNX (int8)
and run with ``onnxruntime`` and ``tokenizers``: no torch at run time, no download.
Probabilities are temperature-calibrated on held-out pairs (``meta.json``).

The int8 weights use dynamic quantisation, which scales activations per batch: batched
with other pairs, a pair's probabilities would move by a few hundredths with its
batch-mates. Pairs are therefore run one at a time (:data:`BATCH`), so a pair's verdict
never depends on what else is judged with it (the local, worker and Ray engines agree);
this costs about 40 % of the batched throughput (287 vs 471 pairs/s on 2 cores).

Example:
    >>> model = get_nli_model()
    >>> p = model.predict([("The minister denied the report.", "The minister resigned.")])
    >>> p.shape
    (1, 3)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from corroborator.errors import CorroboratorError


class ModelError(CorroboratorError):
    """A bundled model cannot be loaded (missing or damaged files)."""


MODEL_DIR = Path(__file__).parent.parent / "resources" / "nli"
LABELS = ("entailment", "neutral", "contradiction")
STANCE_LABELS = ("agree", "disagree", "discuss", "unrelated")
MAX_STANCE_TOKENS = 176   # claim + passage (see corroboration.passages)
ENTAIL, NEUTRAL, CONTRA = range(3)
BATCH = 1            # see the module docstring: per-pair results, independent of batching
MAX_CHARS = 2000     # per side: anything longer is cut before tokenising
MAX_TOKENS = 96      # per pair at run time (training used up to 128): cost grows with length


class NLIModel:
    """A calibrated 3-way sentence-pair classifier (entailment, neutral, contradiction).

    Thread-safe: the ONNX session is shared (onnxruntime sessions are), each thread gets
    its own tokenizer.
    """

    def __init__(self, directory: str | Path = MODEL_DIR) -> None:
        directory = Path(directory)
        try:
            import onnxruntime as ort

            self.meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
            options = ort.SessionOptions()
            options.intra_op_num_threads = 2
            options.inter_op_num_threads = 1
            self._session = ort.InferenceSession(str(directory / "model.onnx"), options,
                                                 providers=["CPUExecutionProvider"])
        except (OSError, ValueError, ImportError) as exc:
            raise ModelError(f"cannot load the inference model from {directory}: {exc}") from exc
        except Exception as exc:   # onnxruntime raises its own exception types
            raise ModelError(f"cannot load the inference model from {directory}: {exc}") from exc
        self._tokenizer_path = directory / "tokenizer.json"
        self._local = threading.local()
        self.temperature = float(self.meta.get("temperature", 1.0))
        self.max_tokens = min(MAX_TOKENS, int(self.meta.get("max_tokens", MAX_TOKENS)))

    @property
    def name(self) -> str:
        return str(self.meta.get("name", "nli"))

    def _tokenizer(self):
        tok = getattr(self._local, "tokenizer", None)
        if tok is None:
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(str(self._tokenizer_path))
            tok.enable_truncation(self.max_tokens, strategy="longest_first")
            tok.no_padding()
            self._local.tokenizer = tok
        return tok

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Calibrated probabilities, one row (entailment, neutral, contradiction) per
        (premise, hypothesis) pair, in input order."""
        if not pairs:
            return np.zeros((0, 3), dtype=np.float32)
        clean = [(p[:MAX_CHARS] or ".", h[:MAX_CHARS] or ".") for p, h in pairs]
        encodings = self._tokenizer().encode_batch(clean)
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            chunk = order[start:start + BATCH]
            out[chunk] = self._run([encodings[i] for i in chunk])
        return out

    @property
    def has_stance(self) -> bool:
        """True when the model has the claim-vs-passage stance head."""
        return "stance_temperature" in self.meta

    def predict_stance(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray | None:
        """Calibrated (agree, disagree, discuss, unrelated) probabilities, one row per
        (claim, passage) pair in input order; None for a model without a stance head.
        Pairs run one at a time, like :meth:`predict`."""
        if not self.has_stance:
            return None
        out = np.zeros((len(pairs), len(STANCE_LABELS)), dtype=np.float32)
        if not pairs:
            return out
        tok = getattr(self._local, "stance_tokenizer", None)
        if tok is None:
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(str(self._tokenizer_path))
            tok.enable_truncation(int(self.meta.get("max_stance_tokens", MAX_STANCE_TOKENS)),
                                  strategy="longest_first")
            tok.no_padding()
            self._local.stance_tokenizer = tok
        clean = [(c[:MAX_CHARS] or ".", p[:4 * MAX_CHARS] or ".") for c, p in pairs]
        temperature = float(self.meta["stance_temperature"])
        for i, enc in enumerate(tok.encode_batch(clean)):
            out[i] = self._run([enc], output=1, temperature=temperature)
        return out

    def _run(self, encodings: list, output: int = 0,
             temperature: float | None = None) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for i, e in enumerate(encodings):
            n = len(e.ids)
            ids[i, :n], mask[i, :n], types[i, :n] = e.ids, 1, e.type_ids
        logits = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                          "token_type_ids": types})[output]
        z = logits / (temperature or self.temperature)
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)


@cache
def get_nli_model() -> NLIModel:
    """The bundled inference model, loaded once per process."""
    return NLIModel()


def nli_available() -> bool:
    """True when the bundled model files are present."""
    return (MODEL_DIR / "model.onnx").exists()
