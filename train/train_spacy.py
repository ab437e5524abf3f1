"""Train the en_corroborator spaCy pipeline (tok2vec, tagger, parser, ner) on CPU.

Steps, all reproducible (fixed seed in ``spacy_config.cfg``):

1. ``vectors``: build a static word-vector table from the project's bundled
   model2vec embedder (``Embedder("fast")``) for the training vocabulary plus the
   embedder's own whole-word vocabulary, reduced by PCA to ``--dims`` dimensions.
   One row serves a word in lower, Title and UPPER case (extra keys, no extra rows).
2. ``train``: GUM train + EWT dev (UNER entities, repeated ``--uner-weight`` times,
   as it is the in-domain NER data), dev = GUM dev; output in ``train/work/model``.
3. ``package``: load the best model, add the tokenizer abbreviations and the two
   sentence-rule components of ``corroborator.nlp``, write it with ``nlp.to_disk`` to
   ``src/corroborator/resources/en_corroborator/`` with a README.

Run ``train/spacy_data.py`` first. Usage::

    .venv/bin/python train/spacy_data.py
    .venv/bin/python train/train_spacy.py            # all steps
    .venv/bin/python train/train_spacy.py --no-vectors --out train/work/novec  # ablation
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import spacy  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402
from spacy.vectors import Vectors  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work"
CONFIG = HERE / "spacy_config.cfg"
TARGET = REPO / "src" / "corroborator" / "resources" / "en_corroborator"
# Title abbreviations the stock English tokenizer splits ("Brig" + "."), which would
# otherwise tempt the parser to end a sentence after them.
ABBREVIATIONS = [
    "Brig.", "Lt.", "Col.", "Sgt.", "Capt.", "Cmdr.", "Maj.", "Cpl.", "Pvt.", "Ft.", "Supt.",
    "Det.", "Insp.", "Atty.", "Msgr.", "Prof.", "Gens.", "Sens.", "Reps.", "Govs.", "Hon.",
    "Amb.", "Pres.", "Sec.", "Gen.", "Adm.", "Rev.", "Sr.", "Jr.", "Mt.", "St.", "Ave.", "Blvd.",
]
README = """# en_corroborator: small English spaCy pipeline

Components: `tok2vec` (hash embeddings of NORM/PREFIX/SUFFIX/SHAPE plus static
word vectors, CNN width 96, depth 4), `tagger` (PTB tags), `parser` (UD
dependencies; also sets sentence boundaries), `ner` (`PERSON`, `ORG`, `GPE`;
`GPE` stands for every kind of place). Load it with
`corroborator.nlp.load_pipeline()`. Built by `train/spacy_data.py` and
`train/train_spacy.py` in the corroborator repository.

## Training data and licences

- **GUM** (Georgetown University Multilayer corpus), train split of the genres
  academic, bio, court, interview, news, voyage: trees, tags, sentences and
  named person/organization/place mentions. Annotations CC BY 4.0; texts
  CC BY 4.0, CC BY 2.5 (Wikinews) and CC BY-SA 3.0 (Wikipedia, Wikivoyage).
  Cite: Amir Zeldes (2017), "The GUM Corpus: Creating Multilayer Resources in
  the Classroom", Language Resources and Evaluation 51(3), 581-612.
- **UD English-EWT, dev split** (trees, tags, sentences), CC BY-SA 4.0.
- **UNER English-EWT, dev split** (PER/ORG/LOC entities), CC BY-SA 4.0. Cite:
  Mayhew et al. (2024), "Universal NER: A Gold-Standard Multilingual Named
  Entity Recognition Benchmark", NAACL 2024.
- Static vectors: PCA of the project's model2vec embedder (distilled from
  all-MiniLM-L6-v2, Apache-2.0) over the training vocabulary and the embedder's
  word list.

Because parts of the training data are CC BY-SA, **this model is distributed
under CC BY-SA 4.0 (share-alike)**: keep the attribution above and share
derived models under the same terms. The UNER/EWT test split and GUM dev were
never trained on (GUM dev chose the checkpoint).

## Scores

Checkpoint-selection scores on GUM dev (from training, gold tokens):

| metric | value |
|---|---|
{{DEV_SCORES}}

Benchmark (`bench/bench_nlp.py`, see `docs/benchmarks/nlp.md`):

<!-- bench:start -->
(run bench/bench_nlp.py to fill in)
<!-- bench:end -->
"""


def load_docs(path: Path) -> list:
    """Docs of a DocBin file, on a shared blank English vocab."""
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def vocabulary(docbins: list[Path]) -> list[str]:
    """Lower-cased training words plus the embedder's whole-word vocabulary, sorted."""
    from corroborator.embed import Embedder

    words = {t.lower_ for path in docbins for doc in load_docs(path) for t in doc}
    model = Embedder("fast")._model
    words |= {w for w in model.tokenizer.get_vocab() if re.fullmatch(r"[a-z][a-z'-]*", w)}
    return sorted(w for w in words if w.strip() and len(w) <= 40)


def build_vectors(docbins: list[Path], out: Path, dims: int) -> None:
    """Write a blank pipeline whose vocab holds the PCA-reduced static vectors."""
    from corroborator.embed import Embedder

    words = vocabulary(docbins)
    vecs = Embedder("fast").encode(words)
    vecs = vecs - vecs.mean(axis=0)
    _, _, vt = np.linalg.svd(vecs[::4], full_matrices=False)
    reduced = (vecs @ vt[:dims].T).astype(np.float32)
    reduced /= reduced.std()
    nlp = spacy.blank("en")
    nlp.vocab.vectors = Vectors(strings=nlp.vocab.strings, data=reduced, keys=words)
    for row, word in enumerate(words):
        for variant in {word.capitalize(), word.upper(), word.title()} - {word}:
            nlp.vocab.vectors.add(variant, row=row)
    nlp.to_disk(out)
    print(f"vectors: {len(words)} rows x {dims} dims, {len(nlp.vocab.vectors.key2row)} keys")


def build_train_set(uner_weight: int) -> Path:
    """Concatenate GUM train and EWT dev (repeated) into train/work/train.spacy."""
    vocab = spacy.blank("en").vocab
    gum = list(DocBin().from_disk(WORK / "gum_train.spacy").get_docs(vocab))
    ewt = list(DocBin().from_disk(WORK / "ewt_dev.spacy").get_docs(vocab))
    out = WORK / "train.spacy"
    DocBin(docs=gum + ewt * uner_weight).to_disk(out)
    return out


def train(out: Path, overrides: dict[str, object]) -> Path:
    """Run spaCy training single-process on CPU; return the best model folder."""
    from spacy.cli.train import train as spacy_train

    spacy_train(CONFIG, out, use_gpu=-1, overrides=overrides)
    return out / "model-best"


def package(best: Path, target: Path) -> None:
    """Re-save the best model with ``nlp.to_disk`` to the committed resources folder."""
    import corroborator.nlp  # noqa: F401  (registers the sentence-rule components)

    nlp = spacy.load(best)
    nlp.add_pipe("corroborator_paragraphs", before="parser")
    nlp.add_pipe("corroborator_sentence_repair", after="parser")
    for abbr in ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbr, [{"ORTH": abbr}])
        nlp.tokenizer.add_special_case(abbr.upper(), [{"ORTH": abbr.upper()}])
    nlp.meta.update(
        name="corroborator", version="0.1.0", license="CC BY-SA 4.0",
        description="Small English CPU pipeline: tagger, parser (sentences), NER "
                    "(PERSON, ORG, GPE). Trained on GUM and UD/UNER English-EWT dev.",
        sources=[
            {"name": "GUM", "author": "Amir Zeldes", "license": "CC BY 4.0 / CC BY-SA"},
            {"name": "UD English-EWT dev", "license": "CC BY-SA 4.0"},
            {"name": "UNER English-EWT dev", "author": "Mayhew et al. 2024",
             "license": "CC BY-SA 4.0"},
        ],
    )
    if target.exists():
        shutil.rmtree(target)
    nlp.to_disk(target)
    readme = README
    keep = ("tag_acc", "dep_uas", "dep_las", "sents_f", "ents_p", "ents_r", "ents_f")
    scores = {k: v for k, v in nlp.meta.get("performance", {}).items() if k in keep}
    dev = "\n".join(f"| {k} | {v:.3f} |" for k, v in sorted(scores.items()))
    (target / "README.md").write_text(readme.replace("{{DEV_SCORES}}", dev), encoding="utf-8")
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file()) / 1e6
    print(f"packaged {target} ({size:.1f} MB)")


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=WORK / "model")
    parser.add_argument("--dims", type=int, default=128, help="static vector dimensions")
    parser.add_argument("--uner-weight", type=int, default=2)
    parser.add_argument("--no-vectors", action="store_true", help="ablation: no static vectors")
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--width", type=int, default=None)
    parser.add_argument("--no-package", action="store_true")
    args = parser.parse_args()
    overrides: dict[str, object] = {"paths.train": str(build_train_set(args.uner_weight)),
                                    "paths.dev": str(WORK / "gum_dev.spacy")}
    if args.no_vectors:
        overrides.update({"paths.vectors": None,
                          "components.tok2vec.model.embed.include_static_vectors": False})
    else:
        vec_dir = WORK / f"vectors{args.dims}"
        if not vec_dir.exists():
            build_vectors([WORK / "gum_train.spacy", WORK / "ewt_dev.spacy"], vec_dir, args.dims)
        overrides["paths.vectors"] = str(vec_dir)
    if args.max_steps:
        overrides["training.max_steps"] = args.max_steps
    if args.width:
        overrides["components.tok2vec.model.encode.width"] = args.width
    print(json.dumps(overrides))
    best = train(args.out, overrides)
    if not args.no_package:
        package(best, TARGET)


if __name__ == "__main__":
    main()
