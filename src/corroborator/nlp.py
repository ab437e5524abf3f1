"""The project's own small English spaCy pipeline, loaded offline.

``load_pipeline()`` returns a spaCy ``Language`` with a tagger, a dependency
parser (which also sets sentence boundaries: ``doc.sents``) and a named-entity
recogniser with the labels ``PERSON``, ``ORG`` and ``GPE`` (``GPE`` covers all
places, as the training data does not tell countries from rivers). Two small
rule components registered here wrap the parser: a line break always ends a
sentence, and a closing quote or a name after an initial ("William H. Seely") is
kept in its sentence; importing this module registers them, so load the folder
through :func:`load_pipeline` rather than a bare ``spacy.load``. The model
lives in ``resources/en_corroborator`` and is built by ``train/train_spacy.py``;
nothing is downloaded.

Example:
    >>> nlp = load_pipeline()
    >>> doc = nlp("Angela Merkel met officials from the World Bank in Paris.")
    >>> [(e.text, e.label_) for e in doc.ents]  # doctest: +SKIP
    [('Angela Merkel', 'PERSON'), ('World Bank', 'ORG'), ('Paris', 'GPE')]
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path


def _import_spacy_without_torch() -> None:
    """Import spaCy so that thinc does not import torch (installed for training only):
    the pipeline runs on thinc's numpy ops, and the CLI stays torch-free and seconds
    faster to start. A process that already imported torch keeps it."""
    if "torch" in sys.modules or "thinc" in sys.modules:
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # "import torch" fails fast
    try:
        import spacy  # noqa: F401
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


_import_spacy_without_torch()

from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, Token  # noqa: E402

from corroborator.errors import CorroboratorError  # noqa: E402

PIPELINE_DIR = Path(__file__).parent / "resources" / "en_corroborator"
_INITIAL_OR_TITLE = re.compile(
    r"^(?:[A-Z]|Brig|Gens?|Lt|Col|Sgt|Capt|Maj|Govs?|Sens?|Reps?|Dr|Mr|Mrs|Ms|Prof|St|Mt|Rev"
    r"|Adm|Cmdr|Ft|Supt|Det|Hon|Pres|Sec|Amb|Atty|Gov)\.$"
)
_CLOSING_QUOTES = {'"', "\u201d", "''", "\u2019"}
_OPENING_QUOTES = {'"', "\u201c", "``", "\u2018"}
_FINAL_PUNCT = {".", "?", "!", "..."}


class PipelineMissingError(CorroboratorError):
    """The bundled spaCy pipeline folder is absent or unreadable."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(
            f"{path}: {problem}; rebuild it with 'python train/spacy_data.py && "
            f"python train/train_spacy.py' or reinstall corroborator"
        )


@Language.component("corroborator_paragraphs")
def paragraph_starts(doc: Doc) -> Doc:
    """Before the parser: a line break always ends a sentence (extracted articles keep
    one paragraph per line; headlines and datelines have no final stop)."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if not tok.is_space and prev.is_space and "\n" in prev.text:
            tok.is_sent_start = True
    return doc


def _root(tok: Token) -> Token:
    while tok.head.i != tok.i:
        tok = tok.head
    return tok


def _previous_word(tok: Token) -> Token | None:
    i = tok.i - 1
    while i >= 0 and tok.doc[i].is_space:
        i -= 1
    return tok.doc[i] if i >= 0 else None


def _opens(quote: Token) -> bool:
    """A quote glued to the next word and preceded by a space: it opens a quotation."""
    before = quote.doc[quote.i - 1] if quote.i else None
    return (quote.text in _OPENING_QUOTES and not quote.whitespace_
            and (before is None or bool(before.whitespace_) or before.is_space))


@Language.component("corroborator_sentence_repair")
def sentence_repair(doc: Doc) -> Doc:
    """After the parser: undo two splits the small parser makes in news text.

    * a closing quote after a full stop ("... finished." Officials) goes back to the
      sentence it closes;
    * no sentence starts right after an initial or a title ("William H. | Seely");
    * an opening quote goes with the sentence it opens (said. " | The ...).
    """
    for sent in list(doc.sents):
        start = sent[0]
        prev = _previous_word(start)
        if prev is not None and _opens(prev) and not list(prev.children):
            prev.head, prev.dep_ = _root(start), "punct"
            continue
        if prev is None or "\n" in doc[start.i - 1].text:
            continue
        if (start.text in _CLOSING_QUOTES and prev.text in _FINAL_PUNCT and not prev.whitespace_
                and not list(start.children)):
            start.head, start.dep_ = _root(prev), "punct"
        elif _INITIAL_OR_TITLE.match(prev.text) and start.text[:1].isupper():
            root = _root(start)
            root.head, root.dep_ = _root(prev), "parataxis"
    return doc


@cache
def load_pipeline() -> Language:
    """Load (once per process) the bundled English pipeline from ``PIPELINE_DIR``.

    Raises:
        PipelineMissingError: the folder is missing or is not a spaCy pipeline.
    """
    if not (PIPELINE_DIR / "config.cfg").is_file():
        raise PipelineMissingError(PIPELINE_DIR, "spaCy pipeline not found")
    import spacy

    try:
        return spacy.load(PIPELINE_DIR)
    except (OSError, ValueError) as exc:
        raise PipelineMissingError(PIPELINE_DIR, f"cannot load spaCy pipeline ({exc})") from exc
