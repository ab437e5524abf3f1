"""Sentence-pair inference: does a premise entail, contradict, or say nothing about a claim?

The bundled model is a MiniLM cross-encoder fine-tuned by ``train/train_nli.py`` on the
training parts of the shared NLI sets and FNC-1 training stories, exported to ONNX (int8)
and run with ``onnxruntime`` and ``tokenizers``: no torch at run time, no download.
Probabilities are temperature-calibrated on held-out pairs (``meta.json``).

**One pair per call.** The int8 weights use dynamic quantisation, which scales activations
per batch: batched with other pairs, a pair's probabilities move by a few hundredths with
its batch-mates. Pairs are therefore run one at a time (:data:`BATCH`), so a pair's verdict
never depends on what else is judged with it (the local, worker and Ray engines agree).
Length-bucketed batches across calls measured at most 1.38x faster and would break that.

**Threads.** Each process runs one session with ``cores // workers`` intra-op threads
(:func:`threads_for`), so two workers on two cores do not fight over them; the
``CORROBORATOR_THREADS`` environment variable or :func:`configure` overrides it. Idle
threads sleep instead of spinning: one pair is a few milliseconds of work, and spinning
between such calls doubled the CPU time of a two-thread session (and its wall time on a
busy machine) for the same results.

**Devices.** ``cpu`` (default), ``cuda`` (onnxruntime's CUDA provider, from the
``onnxruntime-gpu`` package) or ``auto`` (CUDA when the provider is available);
``CORROBORATOR_DEVICE`` or :func:`configure` choose it.

**Cache.** Inside :func:`caching` a :class:`PairCache` answers pairs already inferred
(keyed by a content hash of premise, hypothesis and model fingerprint) and collects the
new ones, which the caller stores (the ``nli_pairs`` table), so re-analysis and
incremental runs never infer a pair twice. The stance head's (claim, passage) pairs are
cached the same way under their own keys (the ``stance_pairs`` table).

Example:
    >>> model = get_nli_model()
    >>> p = model.predict([("The minister denied the report.", "The minister resigned.")])
    >>> p.shape
    (1, 3)
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path

import numpy as np

from corroborator.errors import CorroboratorError


class ModelError(CorroboratorError):
    """A bundled model cannot be loaded (missing or damaged files, or no such device)."""


MODEL_DIR = Path(__file__).parent.parent / "resources" / "nli"
LABELS = ("entailment", "neutral", "contradiction")
STANCE_LABELS = ("agree", "disagree", "discuss", "unrelated")
MAX_STANCE_TOKENS = 176   # claim + passage (see corroboration.passages)
STANCE_OUTPUT = "stance_logits"
ENTAIL, NEUTRAL, CONTRA = range(3)
BATCH = 1            # see the module docstring: per-pair results, independent of batching
MAX_CHARS = 2000     # per side: anything longer is cut before tokenising
MAX_TOKENS = 96      # per pair at run time (training used up to 128): cost grows with length
DEVICES = ("cpu", "cuda", "auto")
THREADS_ENV = "CORROBORATOR_THREADS"
DEVICE_ENV = "CORROBORATOR_DEVICE"
NLI_OUTPUT = "logits"

_settings: dict[str, object] = {"device": None, "threads": None}


def configure(device: str | None = None, threads: int | None = None,
              workers: int | None = None) -> None:
    """Choose this process's inference device and intra-op threads.

    Args:
        device: ``cpu``, ``cuda`` or ``auto`` (default: ``CORROBORATOR_DEVICE`` or cpu).
        threads: intra-op threads per session (default: from `workers` and the machine).
        workers: processes that will infer at the same time (sets the default threads).

    The model is reloaded on next use when the settings change.
    """
    if device is not None and device not in DEVICES:
        raise ValueError(f"unknown device {device!r}; choose {', '.join(DEVICES)}")
    if threads is None and workers is not None:
        threads = threads_for(workers)
    new = {"device": device or _settings["device"], "threads": threads or _settings["threads"]}
    if new != _settings:
        _settings.update(new)
        get_nli_model.cache_clear()


def threads_for(workers: int = 1) -> int:
    """Intra-op threads for one of `workers` inferring processes: the environment's
    ``CORROBORATOR_THREADS`` if set, else the cores this process may use split evenly."""
    env = os.environ.get(THREADS_ENV, "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, _cores() // max(1, workers))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:                        # not Linux
        return os.cpu_count() or 1


def resolve_device(device: str | None = None) -> str:
    """The device a session will use: ``cpu`` or ``cuda``.

    Raises:
        ModelError: ``cuda`` was asked for and onnxruntime has no CUDA provider here.
    """
    device = device or str(_settings["device"] or os.environ.get(DEVICE_ENV) or "cpu")
    if device not in DEVICES:
        raise ModelError(f"unknown device {device!r}; choose {', '.join(DEVICES)}")
    if device == "cpu":
        return "cpu"
    import onnxruntime as ort

    has_cuda = "CUDAExecutionProvider" in ort.get_available_providers()
    if device == "cuda" and not has_cuda:
        raise ModelError("device cuda: this onnxruntime has no CUDA provider (install "
                         "onnxruntime-gpu with a CUDA runtime, or use --device cpu)")
    return "cuda" if has_cuda else "cpu"


class OnnxSession:
    """An ONNX model on one device: feeds in, the named outputs out.

    Generic over the model's outputs, so one exported model can serve several heads
    (``logits`` for the 3-way NLI, and any other output a later model adds).
    """

    def __init__(self, path: Path, device: str = "cpu", threads: int = 1) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        providers = (["CUDAExecutionProvider", "CPUExecutionProvider"] if device == "cuda"
                     else ["CPUExecutionProvider"])
        self.device, self.threads = device, threads
        self._session = ort.InferenceSession(str(path), options, providers=providers)
        self.output_names = [o.name for o in self._session.get_outputs()]

    def run(self, feeds: Mapping[str, np.ndarray], outputs: Sequence[str]
            ) -> dict[str, np.ndarray]:
        """The named `outputs` for `feeds`."""
        missing = [n for n in outputs if n not in self.output_names]
        if missing:
            raise ModelError(f"the model has no output {missing[0]!r} "
                             f"(it has {', '.join(self.output_names)})")
        values = self._session.run(list(outputs), dict(feeds))
        return dict(zip(outputs, values, strict=True))


class NLIModel:
    """A calibrated 3-way sentence-pair classifier (entailment, neutral, contradiction).

    Thread-safe: the ONNX session is shared (onnxruntime sessions are), each thread gets
    its own tokenizer.
    """

    def __init__(self, directory: str | Path = MODEL_DIR, device: str | None = None,
                 threads: int | None = None) -> None:
        directory = Path(directory)
        try:
            self.meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
            self._session = OnnxSession(directory / "model.onnx", resolve_device(device),
                                        threads or threads_for())
        except ModelError:
            raise
        except Exception as exc:   # OSError, ValueError, and onnxruntime's own types
            raise ModelError(f"cannot load the inference model from {directory}: {exc}") from exc
        self._model_path = directory / "model.onnx"
        self._tokenizer_path = directory / "tokenizer.json"
        self._local = threading.local()
        self.temperature = float(self.meta.get("temperature", 1.0))
        self.max_tokens = min(MAX_TOKENS, int(self.meta.get("max_tokens", MAX_TOKENS)))

    @property
    def name(self) -> str:
        return str(self.meta.get("name", "nli"))

    @property
    def device(self) -> str:
        return self._session.device

    @property
    def threads(self) -> int:
        return self._session.threads

    @property
    def fingerprint(self) -> str:
        """The model's name and a hash of its weights: what a cached result depends on."""
        fp = getattr(self, "_fingerprint", None)
        if fp is None:
            with self._model_path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "blake2b").hexdigest()[:16]
            fp = self._fingerprint = f"{self.name}:{digest}:{self.max_tokens}"
        return fp

    @property
    def has_stance(self) -> bool:
        """True when the model has the claim-vs-passage stance head."""
        return "stance_temperature" in self.meta and \
            STANCE_OUTPUT in self._session.output_names

    @property
    def stance_fingerprint(self) -> str:
        """What a cached stance-head result depends on: the weights and the token limit."""
        limit = int(self.meta.get("max_stance_tokens", MAX_STANCE_TOKENS))
        return f"{self.fingerprint}|stance:{limit}"

    def predict_stance(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray | None:
        """Calibrated (agree, disagree, discuss, unrelated) probabilities, one row per
        (claim, passage) pair in input order; None for a model without a stance head.
        Pairs run one at a time, like :meth:`predict`; pairs in an active
        :func:`caching` cache are not inferred again."""
        if not self.has_stance:
            return None
        if not pairs:
            return np.zeros((0, len(STANCE_LABELS)), dtype=np.float32)
        clean = [(c[:MAX_CHARS] or ".", p[:4 * MAX_CHARS] or ".") for c, p in pairs]
        pair_cache = _ACTIVE.get()
        if pair_cache is None:
            return self._predict_stance(clean)
        return pair_cache.predict_stance(pair_cache.model_key(self, stance=True), clean,
                                         self._predict_stance)

    def _predict_stance(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        out = np.zeros((len(pairs), len(STANCE_LABELS)), dtype=np.float32)
        tok = self._tokenizer(int(self.meta.get("max_stance_tokens", MAX_STANCE_TOKENS)))
        temperature = float(self.meta["stance_temperature"])
        for i, encoding in enumerate(tok.encode_batch(list(pairs))):
            z = self._run([encoding], (STANCE_OUTPUT,))[STANCE_OUTPUT][0] / temperature
            z = np.exp(z - z.max())
            out[i] = z / z.sum()
        return out

    def _tokenizer(self, max_tokens: int | None = None):
        """This thread's tokenizer, truncating pairs to `max_tokens` (default: the
        sentence-pair limit). One tokenizer serves both heads: loading it costs more
        than changing its truncation."""
        tok = getattr(self._local, "tokenizer", None)
        if tok is None:
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(str(self._tokenizer_path))
            tok.no_padding()
            self._local.tokenizer, self._local.limit = tok, None
        limit = max_tokens or self.max_tokens
        if self._local.limit != limit:
            tok.enable_truncation(limit, strategy="longest_first")
            self._local.limit = limit
        return tok

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Calibrated probabilities, one row (entailment, neutral, contradiction) per
        (premise, hypothesis) pair, in input order; pairs in an active :func:`caching`
        cache are not inferred again."""
        if not pairs:
            return np.zeros((0, 3), dtype=np.float32)
        clean = [(p[:MAX_CHARS] or ".", h[:MAX_CHARS] or ".") for p, h in pairs]
        pair_cache = _ACTIVE.get()
        if pair_cache is None:
            return self._predict(clean)
        return pair_cache.predict(pair_cache.model_key(self), clean, self._predict)

    def _predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        logits = self.outputs(pairs, (NLI_OUTPUT,))[NLI_OUTPUT]
        z = logits / self.temperature
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return (p / p.sum(axis=1, keepdims=True)).astype(np.float32)

    def outputs(self, pairs: Sequence[tuple[str, str]], names: Sequence[str]
                ) -> dict[str, np.ndarray]:
        """The model's raw `names` outputs for each pair, in input order, each pair run
        on its own (see :data:`BATCH`)."""
        encodings = self._tokenizer().encode_batch(list(pairs))
        out: dict[str, np.ndarray] = {}
        for i, encoding in enumerate(encodings):
            for name, value in self._run([encoding], names).items():
                if name not in out:
                    out[name] = np.zeros((len(pairs), *value.shape[1:]), dtype=np.float32)
                out[name][i] = value[0]
        return out

    def _run(self, encodings: list, names: Sequence[str]) -> dict[str, np.ndarray]:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for i, e in enumerate(encodings):
            n = len(e.ids)
            ids[i, :n], mask[i, :n], types[i, :n] = e.ids, 1, e.type_ids
        return self._session.run({"input_ids": ids, "attention_mask": mask,
                                  "token_type_ids": types}, names)


@cache
def get_nli_model() -> NLIModel:
    """The bundled inference model, loaded once per process with the :func:`configure`
    settings."""
    threads = _settings["threads"]
    return NLIModel(device=_settings["device"],  # type: ignore[arg-type]
                    threads=int(threads) if threads else None)  # type: ignore[call-overload]


def nli_available() -> bool:
    """True when the bundled model files are present."""
    return (MODEL_DIR / "model.onnx").exists()


# -- the pair cache ---------------------------------------------------------------------------

PairRow = tuple[bytes, str, float, float, float]
"""One cached pair: (key, model fingerprint, entailment, neutral, contradiction)."""

StanceRow = tuple[bytes, str, float, float, float, float]
"""One cached stance pair: (key, stance fingerprint, agree, disagree, discuss, unrelated)."""

Lookup = Callable[[Sequence[bytes]], Mapping[bytes, Sequence[float]]]


def pair_key(model: str, premise: str, hypothesis: str) -> bytes:
    """The 16-byte content hash a pair's result is cached under."""
    h = hashlib.blake2b(digest_size=16)
    for part in (model, premise, hypothesis):
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


class _Results:
    """One kind of cached result (sentence pairs or stance pairs)."""

    def __init__(self, lookup: Lookup | None) -> None:
        self.lookup = lookup
        self.known: dict[bytes, np.ndarray] = {}
        self.new: list = []
        self.hits = 0

    def answer(self, model: str, pairs: Sequence[tuple[str, str]],
               infer: Callable[[Sequence[tuple[str, str]]], np.ndarray]) -> np.ndarray:
        keys = [pair_key(model, a, b) for a, b in pairs]
        self._fetch([k for k in keys if k not in self.known])
        todo = list(dict.fromkeys(k for k in keys if k not in self.known))
        if todo:
            first = {k: i for i, k in reversed(list(enumerate(keys)))}
            rows = infer([pairs[first[k]] for k in todo])
            for key, row in zip(todo, rows, strict=True):
                self.known[key] = row.astype(np.float32)
                self.new.append((key, model, *(float(x) for x in row)))
        self.hits += len(keys) - len(todo)
        return np.vstack([self.known[k] for k in keys])

    def take_new(self) -> list:
        rows, self.new = self.new, []
        return rows

    def _fetch(self, keys: list[bytes]) -> None:
        if not keys or self.lookup is None:
            return
        for key, row in self.lookup(list(dict.fromkeys(keys))).items():
            self.known[key] = np.asarray(row, dtype=np.float32)


class PairCache:
    """Inference results by pair key: those looked up in `lookup` (sentence pairs) and
    `stance_lookup` (stance pairs), e.g. a database, and those inferred while the cache
    was active (:attr:`new` and :attr:`new_stances`, to be stored)."""

    def __init__(self, lookup: Lookup | None = None, stance_lookup: Lookup | None = None,
                 process_only: bool = False) -> None:
        self._pairs = _Results(lookup)
        self._stances = _Results(stance_lookup)
        self.process_only = process_only

    def model_key(self, model: NLIModel, stance: bool = False) -> str:
        """What results of `model` are keyed by here: its content fingerprint, or, in a
        `process_only` cache (never stored, no lookup), the loaded model itself, which
        spares hashing the weights for a cache that lives one fold step."""
        if self.process_only:
            return f"{model.name}@{id(model)}" + ("|stance" if stance else "")
        return model.stance_fingerprint if stance else model.fingerprint

    @property
    def new(self) -> list[PairRow]:
        """Sentence pairs inferred and not yet taken."""
        return self._pairs.new

    @property
    def new_stances(self) -> list[StanceRow]:
        """Stance pairs inferred and not yet taken."""
        return self._stances.new

    @property
    def hits(self) -> int:
        """Sentence pairs answered without inference."""
        return self._pairs.hits

    @property
    def stance_hits(self) -> int:
        """Stance pairs answered without inference."""
        return self._stances.hits

    def predict(self, model: str, pairs: Sequence[tuple[str, str]],
                infer: Callable[[Sequence[tuple[str, str]]], np.ndarray]) -> np.ndarray:
        """Rows for sentence `pairs`: cached ones looked up, the others inferred with
        `infer`."""
        return self._pairs.answer(model, pairs, infer)

    def predict_stance(self, model: str, pairs: Sequence[tuple[str, str]],
                       infer: Callable[[Sequence[tuple[str, str]]], np.ndarray]
                       ) -> np.ndarray:
        """Rows for (claim, passage) `pairs`, like :meth:`predict`."""
        return self._stances.answer(model, pairs, infer)

    def take_new(self) -> list[PairRow]:
        """The sentence pairs inferred since the last call (for the caller to store)."""
        return self._pairs.take_new()

    def take_new_stances(self) -> list[StanceRow]:
        """The stance pairs inferred since the last call (for the caller to store)."""
        return self._stances.take_new()


_ACTIVE: contextvars.ContextVar[PairCache | None] = contextvars.ContextVar(
    "corroborator_pair_cache", default=None)


def active_cache() -> PairCache | None:
    """The cache :func:`caching` made active in this context, if any."""
    return _ACTIVE.get()


@contextlib.contextmanager
def caching(pair_cache: PairCache) -> Iterator[PairCache]:
    """Answer :meth:`NLIModel.predict` from `pair_cache` (and fill it) within the block."""
    token = _ACTIVE.set(pair_cache)
    try:
        yield pair_cache
    finally:
        _ACTIVE.reset(token)
