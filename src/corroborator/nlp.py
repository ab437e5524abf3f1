"""The project's own small English spaCy pipeline, loaded offline.

``load_pipeline()`` returns a spaCy ``Language`` with a tagger, a dependency
parser (which also sets sentence boundaries: ``doc.sents``) and a named-entity
recogniser with the labels ``PERSON``, ``ORG`` and ``GPE`` (``GPE`` covers all
places, as the training data does not tell countries from rivers). The model
lives in ``resources/en_corroborator`` and is built by ``train/train_spacy.py``;
nothing is downloaded.

Example:
    >>> nlp = load_pipeline()
    >>> doc = nlp("Angela Merkel met officials from the World Bank in Paris.")
    >>> [(e.text, e.label_) for e in doc.ents]  # doctest: +SKIP
    [('Angela Merkel', 'PERSON'), ('World Bank', 'ORG'), ('Paris', 'GPE')]
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from corroborator.errors import CorroboratorError

if TYPE_CHECKING:
    from spacy.language import Language

PIPELINE_DIR = Path(__file__).parent / "resources" / "en_corroborator"


class PipelineMissingError(CorroboratorError):
    """The bundled spaCy pipeline folder is absent or unreadable."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(
            f"{path}: {problem}; rebuild it with 'python train/spacy_data.py && "
            f"python train/train_spacy.py' or reinstall corroborator"
        )


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
