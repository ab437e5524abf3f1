"""Scale-out: run the same pipeline stages locally or on Ray Data.

Stages are plain functions over batches of records (see :data:`corroborator.pipeline.STAGES`),
so running them on a cluster is a `map_batches` per stage. Records cross process
boundaries as plain dicts (``dataclasses.asdict``) and are rebuilt on the other side.

Example:
    >>> from corroborator.batch import run_local
    >>> signals = run_local(["extract", "signals"], articles)        # in-process
    >>> signals = run_on_ray(["extract", "signals"], articles)       # needs the ray extra
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

from corroborator.errors import MissingExtraError
from corroborator.models import (
    Article,
    Attribution,
    Claim,
    Entity,
    Extraction,
    Mention,
    Quote,
    Sentence,
    Signal,
)

DEFAULT_BATCH_SIZE = 64


def run_local(stage_names: Sequence[str], records: Sequence[Any]) -> list[Any]:
    """Run the named stages in order over `records`, in this process."""
    from corroborator.pipeline import STAGES

    batch = list(records)
    for name in stage_names:
        batch = STAGES[_check(name)].run(batch)
    return batch


def run_on_ray(stage_names: Sequence[str], articles: Sequence[Article],
               batch_size: int = DEFAULT_BATCH_SIZE) -> list[Any]:
    """Run the named stages over `articles` with Ray Data; same results as `run_local`."""
    try:
        import ray.data
    except ImportError as exc:
        raise MissingExtraError("ray", "running stages on Ray") from exc
    for name in stage_names:
        _check(name)
    dataset = ray.data.from_items([{"record": asdict(a)} for a in articles])
    names = list(stage_names)
    dataset = dataset.map_batches(lambda b: _run_rows(names, b), batch_size=batch_size,
                                  batch_format="pandas")
    rows = dataset.take_all()
    return [_rebuild(names[-1], row["record"]) for row in rows]


def _run_rows(stage_names: list[str], batch: Any) -> Any:
    """One Ray batch: rebuild Articles, run the stages, flatten the output to dicts."""
    records = [Article(**r) for r in batch["record"]]
    out = run_local(stage_names, records)
    batch = batch.copy()
    batch["record"] = [to_plain(r) for r in out]
    return batch


def to_plain(record: Any) -> Any:
    """A record as plain Python data (dicts and lists), for crossing processes."""
    if is_dataclass(record):
        return asdict(record)
    if isinstance(record, list):
        return [to_plain(r) for r in record]
    return record


def _rebuild(stage: str, data: Any) -> Any:
    if stage == "extract":
        return extraction_from_dict(data)
    if stage == "signals":
        return [Signal(**s) for s in data]
    return data


def extraction_from_dict(data: dict[str, Any]) -> Extraction:
    """Rebuild an :class:`Extraction` from `asdict` output."""
    def sentence(d: dict[str, Any]) -> Sentence:
        return Sentence(**(d | {"attribution": Attribution(**d["attribution"])}))

    def claim(d: dict[str, Any]) -> Claim:
        return Claim(**(d | {"attribution": Attribution(**d["attribution"])}))

    return Extraction(
        article_id=data["article_id"],
        sentences=[sentence(s) for s in data["sentences"]],
        entities=[Entity(**e) for e in data["entities"]],
        quotes=[Quote(**q) for q in data["quotes"]],
        mentions=[Mention(**m) for m in data["mentions"]],
        claims=[claim(c) for c in data["claims"]],
        warnings=list(data["warnings"]),
        version=data["version"],
    )


def _check(name: str) -> str:
    from corroborator.pipeline import STAGES

    if name not in STAGES:
        raise ValueError(f"unknown stage {name!r}; choose from {', '.join(STAGES)}")
    return name
