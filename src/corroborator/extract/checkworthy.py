"""Check-worthiness scoring and sentence-type classification, explainable and fast.

Two outputs per sentence:

* ``checkworthiness``: the probability (Platt-calibrated on cross-validated scores) that a
  fact-checker would pick the sentence. A logistic regression over hand-written,
  human-readable features (numbers, named spans, attribution, hedges, loaded words, ...),
  the 256-d static sentence embedding and the mean readable features of the neighbouring
  sentences. Trained on CLEF 2019 CheckThat! Task 1 debate transcripts by
  ``train/train_checkworthy.py``; weights live in ``resources/checkworthy/model.json``.
* ``type``: ``"claim"``, ``"opinion"``, ``"question"`` or ``"other"``, from transparent rules
  over the same features (there is no training data for sentence types; the rules were tuned
  on half of ``tests/fixtures/sentence_types.jsonl`` and measured on the other half).

Every score comes with its features and two to four short reasons derived from the largest
contributions of the readable features to the score.

Example:
    >>> s = score_sentences(["The army said 3,000 troops will leave by March 5."])[0]
    >>> s.type, s.features["has_number"]
    ('claim', True)
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).resolve().parents[1] / "resources" / "checkworthy" / "model.json"
SENTENCE_TYPES = ("claim", "opinion", "question", "other")
CONTEXT_WINDOW = 2  # neighbours on each side whose readable features are averaged
NOTABLE = 0.05  # probability (about twice the base rate) above which reasons explain "why high"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ATTRIBUTION = _words(
    "said says say told tells according reported reports announced announces stated states "
    "claimed claims confirmed confirms added adds noted notes wrote writes testified estimated "
    "estimates warned warns acknowledged admitted denied denies insisted explained"
)
HEDGES = _words(
    "reportedly allegedly may might could possibly perhaps apparently likely unlikely "
    "probably purportedly suggests suggested appears seems seemingly rumored rumoured "
    "unconfirmed supposedly"
)
EVALUATIVE = _words(
    "disaster disastrous terrible horrible great tremendous wonderful amazing incredible "
    "ridiculous outrageous disgrace disgraceful shameful shame corrupt evil stupid dumb brilliant "
    "beautiful fantastic awful pathetic absurd insane crazy dangerous reckless foolish disgusting "
    "appalling unacceptable unfair fair wrong right good bad worse sad weak strong failed failing "
    "failure incompetent dishonest crooked rigged hypocrisy hypocritical radical extreme "
    "catastrophe catastrophic nonsense hoax lies liar lying fake phony sick vile cowardly "
    "heroic courageous admirable deplorable despicable scandal scandalous tragic tragedy "
    "unprecedented historic massive huge nasty smart wise unwise naive moral immoral "
    "legitimate illegitimate act acts warfare nightmare betrayal madness folly"
)
MODALS = _words("should must ought shouldn't mustn't needs need")
SUPERLATIVES = _words(
    "most least best worst biggest largest greatest highest lowest smallest fastest slowest "
    "strongest weakest richest poorest oldest youngest longest shortest first last record "
    "ever never"
)
COMPARATIVES = _words(
    "more less fewer higher lower increase increased increases decrease decreased rise rose "
    "risen fell fall fallen doubled tripled halved cut cuts grew grown dropped raised "
    "lost gained created up down than"
)
QUANTITY = _words(
    "percent percentage million millions billion billions trillion trillions thousand thousands "
    "hundred hundreds dozen dozens half twice dollars dollar jobs tax taxes rate budget deficit "
    "debt cost costs spent spending average number"
)
NUMBER_WORDS = _words(
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
    "forty fifty sixty seventy eighty ninety hundred thousand million billion trillion "
    "percent dozen dozens half"
)
TIME_WORDS = _words(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday yesterday today year years "
    "decade decades since ago last week month months"
)
FIRST_SINGULAR = _words("i me my mine myself i'm i've i'd i'll")
FIRST_PLURAL = _words("we us our ours ourselves we're we've we'll we'd")
SECOND_PERSON = _words("you your yours yourself you're you've you'll")
NEGATIONS = _words(
    "not no never nothing nobody none nor neither don't doesn't didn't isn't aren't wasn't "
    "weren't won't can't cannot couldn't wouldn't haven't hasn't hadn't"
)
WH_WORDS = _words("who what when where why how which whom whose")
AUX_START = _words(
    "is are was were do does did can could will would should shall have has had am may might"
)
PRESCRIPTIVE = re.compile(
    r"\b(should|must|ought to|need(s)? to|has to|have to|it is time|it's time|let us|let's)\b"
)
FIRST_PERSON_JUDGEMENT = re.compile(
    r"\b(i|we) (think|believe|feel|hope|doubt|know|guess|suspect|am convinced|are convinced)\b"
    r"|\bin (my|our) (view|opinion)\b|\bbelieve me\b|\bfrankly\b|\bi'm (sure|afraid)\b"
)
BOILERPLATE = re.compile(
    r"^\W*(read (the original|more|the full)|article (posted|republished|reprinted)|this "
    r"(story|article|piece) (was|has been|is|first)|click here|subscribe|sign up|share this|"
    r"follow us|all rights reserved|copyright|©|advertisement|related( coverage| stories)?:|"
    r"watch:|photo:|image:|editor'?s note|thank you|thanks|good (evening|morning|night|"
    r"afternoon)|welcome|ladies and gentlemen|(get|download) (the|our)|reporting by|"
    r"additional reporting|contact the author|you can (follow|reach)|email us|"
    r"we (may|will) earn|originally (appeared|published))",
    re.IGNORECASE,
)
# Cheap pre-checks: the regexes below run only when one of these is present.
MONEY_CUES = frozenset("%$£€")
PRESCRIPTIVE_CUES = _words("should must ought need needs has have it it's let let's")
JUDGEMENT_CUES = _words(
    "think believe feel hope doubt know guess suspect convinced view opinion me frankly sure afraid"
)
DIGIT = re.compile(r"\d")
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)s?\b")
PERCENT_MONEY = re.compile(r"%|\$|£|€|\bpercent\b|\bper cent\b", re.IGNORECASE)
NUMBER_TOKEN = re.compile(r"\d[\d,.]*")
QUOTE = re.compile(r"[\"“”]")
SUPERLATIVE_EST = re.compile(r"\b\w{3,}iest\b|\b(?:bigg|larg|great|high|low|small|wid)est\b")
TOKEN = re.compile(r"[^\s\"“”‘(),.;:!?\[\]{}—–…/*]+")
CAPITALISED = re.compile(r"(?<!^)(?<![.!?] )\b[A-Z][\w'’-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w'’-]*)*")

# Order of the readable features in the model input (see _feature_matrix).
FEATURE_NAMES = (
    "n_words",
    "has_number",
    "n_numbers",
    "has_year",
    "has_percent_or_money",
    "has_quantity_word",
    "has_time_word",
    "n_entities",
    "has_attribution",
    "has_hedge",
    "first_person_singular",
    "first_person_plural",
    "second_person",
    "has_negation",
    "is_question",
    "starts_interrogative",
    "n_evaluative",
    "n_modal",
    "is_prescriptive",
    "first_person_judgement",
    "has_superlative",
    "has_comparative",
    "has_quote",
    "is_exclamation",
    "is_boilerplate",
    "is_short",
    "has_future",
)
_COUNT_FEATURES = ("n_words", "n_numbers", "n_entities", "n_evaluative", "n_modal")
_BOOL_FEATURES = frozenset(
    n for n in FEATURE_NAMES if n.startswith(("has_", "is_", "first_person", "second_", "starts_"))
)


@dataclass
class SentenceScore:
    """Check-worthiness and sentence type of one sentence, with the evidence behind them.

    Attributes:
        checkworthiness: 0..1, calibrated-ish probability a fact-checker would pick it.
        type: ``"claim"``, ``"opinion"``, ``"question"`` or ``"other"``.
        type_confidence: 0..1, how clearly the rules separate the chosen type.
        features: readable features (see :data:`FEATURE_NAMES`).
        reasons: two to four short phrases explaining the score and type.
    """

    checkworthiness: float
    type: str
    type_confidence: float
    features: dict[str, float | int | bool] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


def _sentence_features(text: str) -> list[float]:
    """Readable features of one sentence, in :data:`FEATURE_NAMES` order."""
    stripped = text.strip()
    lower = stripped.lower().replace("’", "'")
    toks = TOKEN.findall(lower)
    tokset = set(toks)
    first = toks[0] if toks else ""
    n_numbers = len(NUMBER_TOKEN.findall(stripped)) if DIGIT.search(stripped) else 0
    has_digit = n_numbers > 0
    has_year = bool(has_digit and YEAR.search(stripped))
    n_words = len(toks)
    return [
        n_words,
        has_digit or not tokset.isdisjoint(NUMBER_WORDS),
        n_numbers,
        has_year,
        bool(not MONEY_CUES.isdisjoint(stripped) or "cent" in lower)
        and bool(PERCENT_MONEY.search(stripped)),
        not tokset.isdisjoint(QUANTITY),
        has_year or not tokset.isdisjoint(TIME_WORDS),
        len(CAPITALISED.findall(stripped)),
        not tokset.isdisjoint(ATTRIBUTION),
        not tokset.isdisjoint(HEDGES),
        not tokset.isdisjoint(FIRST_SINGULAR),
        not tokset.isdisjoint(FIRST_PLURAL),
        not tokset.isdisjoint(SECOND_PERSON),
        not tokset.isdisjoint(NEGATIONS) or "n't" in lower,
        stripped.rstrip("\"'”’)").endswith("?"),
        first in WH_WORDS or first in AUX_START,
        sum(t in EVALUATIVE for t in toks),
        sum(t in MODALS for t in toks),
        not tokset.isdisjoint(PRESCRIPTIVE_CUES) and bool(PRESCRIPTIVE.search(lower)),
        not tokset.isdisjoint(JUDGEMENT_CUES) and bool(FIRST_PERSON_JUDGEMENT.search(lower)),
        not tokset.isdisjoint(SUPERLATIVES)
        or ("est" in lower and bool(SUPERLATIVE_EST.search(lower))),
        not tokset.isdisjoint(COMPARATIVES),
        bool(QUOTE.search(stripped)),
        stripped.endswith("!"),
        bool(BOILERPLATE.match(stripped)),
        n_words < 5,
        "will" in tokset or "going to" in lower or "'ll" in lower,
    ]


def feature_matrix(sentences: Sequence[str]) -> np.ndarray:
    """Readable features of many sentences as a float32 matrix (rows × FEATURE_NAMES)."""
    rows = [_sentence_features(s) for s in sentences]
    if not rows:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    return np.asarray(rows, dtype=np.float32)


def readable_inputs(feats: np.ndarray) -> np.ndarray:
    """Readable features as the model sees them: counts log-scaled, flags 0/1."""
    out = feats.copy()
    for name in _COUNT_FEATURES:
        j = FEATURE_NAMES.index(name)
        out[:, j] = np.log1p(out[:, j])
    return out


def model_inputs(feats: np.ndarray, emb: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
    """Model input rows: readable features, sentence embedding, neighbours' readable features.

    Args:
        feats: rows from :func:`feature_matrix`.
        emb: fast-embedder rows of the same sentences.
        neighbours: :func:`neighbour_mean` of the document's :func:`readable_inputs`.
    """
    return np.hstack([readable_inputs(feats), emb, neighbours]).astype(np.float32)


def neighbour_mean(rows: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Mean of up to CONTEXT_WINDOW rows each side of each position (zeros when none).

    Args:
        rows: one row per sentence of a document, in order.
        positions: index in `rows` of each output row; ``-1`` gives zeros (no neighbours).
    """
    out = np.zeros((len(positions), rows.shape[1]), dtype=np.float32)
    count = np.zeros(len(positions), dtype=np.float32)
    for offset in range(-CONTEXT_WINDOW, CONTEXT_WINDOW + 1):
        if offset == 0:
            continue
        idx = positions + offset
        ok = (positions >= 0) & (idx >= 0) & (idx < len(rows))
        out[ok] += rows[idx[ok]]
        count[ok] += 1
    return out / np.maximum(count, 1)[:, None]


@dataclass(frozen=True)
class _Model:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    platt_a: float
    platt_b: float

    def logits(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def probability(self, logits: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.platt_a * logits + self.platt_b)))


@cache
def _load_model(path: Path = MODEL_PATH) -> _Model:
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["feature_names"]) != FEATURE_NAMES:
        raise ValueError(f"{path} was trained on other features; retrain it")
    return _Model(
        mean=np.asarray(data["mean"], dtype=np.float32),
        scale=np.asarray(data["scale"], dtype=np.float32),
        coef=np.asarray(data["coef"], dtype=np.float32),
        intercept=float(data["intercept"]),
        platt_a=float(data["platt_a"]),
        platt_b=float(data["platt_b"]),
    )


def _positions(sentences: Sequence[str], context: Sequence[str]) -> np.ndarray:
    """Each sentence's index in `context` (first occurrence), ``-1`` where absent."""
    index: dict[str, int] = {}
    for i, text in enumerate(context):
        index.setdefault(text, i)
    return np.asarray([index.get(text, -1) for text in sentences], dtype=np.int64)


def score_sentences(
    sentences: Sequence[str],
    context: Sequence[str] | None = None,
    *,
    embeddings: np.ndarray | None = None,
) -> list[SentenceScore]:
    """Score the check-worthiness and type of each sentence.

    Args:
        sentences: the sentences to score.
        context: the ordered sentences of the document they come from; each sentence's
            neighbours are looked up there (a sentence not found has none, and gets a
            neutral, training-average context). ``None``: the `sentences` themselves are
            consecutive sentences of one document. Pass ``[]`` to score each on its own.
        embeddings: optional precomputed fast-embedder rows for `sentences`, to avoid
            encoding twice.

    Returns:
        One :class:`SentenceScore` per sentence, in order.
    """
    if len(sentences) == 0:
        return []
    feats = feature_matrix(sentences)
    probs, contrib = _checkworthiness(sentences, context, feats, embeddings)
    types, type_conf = classify_types(feats, probs)
    # Reasons follow the verdict: the features that pushed towards it most.
    toward = np.where((probs >= NOTABLE)[:, None], -contrib, contrib)
    order = np.argsort(toward, axis=1)[:, :_REASON_CANDIDATES]
    return [
        SentenceScore(
            checkworthiness=p,
            type=kind,
            type_confidence=conf,
            features=_feature_dict(row),
            reasons=_reasons(row, c, o, kind, p),
        )
        for p, kind, conf, row, c, o in zip(
            probs.tolist(),
            types,
            type_conf.tolist(),
            feats.tolist(),
            contrib.tolist(),
            order.tolist(),
            strict=True,
        )
    ]


def _checkworthiness(
    sentences: Sequence[str],
    context: Sequence[str] | None,
    feats: np.ndarray,
    embeddings: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities, and per-sentence logit contributions.

    Contribution columns: each readable feature, then the embedding ('wording') summed, then
    the neighbours' features summed.
    """
    model = _load_model()
    if embeddings is None:
        from corroborator.embed import get_embedder

        embeddings = get_embedder("fast").encode(sentences)
    if context is None:
        nbr = neighbour_mean(readable_inputs(feats), np.arange(len(sentences)))
    else:
        doc = readable_inputs(feature_matrix(context))
        nbr = neighbour_mean(doc, _positions(sentences, context))
    x = model_inputs(feats, np.asarray(embeddings, dtype=np.float32), nbr)
    k = len(FEATURE_NAMES)
    alone = ~nbr.any(axis=1)  # no neighbours known: neutral (training-mean) context
    x[alone, -k:] = model.mean[-k:]
    z = (x - model.mean) / model.scale * model.coef
    d = x.shape[1] - 2 * k
    wording = z[:, k : k + d].sum(axis=1, keepdims=True)
    contrib = np.hstack([z[:, :k], wording, z[:, k + d :].sum(axis=1, keepdims=True)])
    logits = z.sum(axis=1) + model.intercept
    return model.probability(logits), contrib


def _feature_dict(row: list[float]) -> dict[str, float | int | bool]:
    return {
        name: bool(value) if name in _BOOL_FEATURES else int(value)
        for name, value in zip(FEATURE_NAMES, row, strict=True)
    }


_REASON_CANDIDATES = 8
_MODEL_REASON = (  # (lowers the score, raises it) for the embedding and the neighbours
    ("wording unlike check-worthy sentences", "wording resembles check-worthy sentences"),
    ("surrounded by little to check", "surrounded by factual sentences"),
)
_POSITIVE_REASON = {
    "has_number": "contains a number",
    "has_year": "mentions a year",
    "has_percent_or_money": "cites a percentage or amount of money",
    "has_quantity_word": "talks about quantities",
    "has_time_word": "anchored in time",
    "n_entities": "names specific people, places or organisations",
    "has_attribution": "attributed to a source",
    "has_comparative": "states a change or comparison",
    "has_superlative": "makes a superlative or record claim",
    "n_words": "long, detailed statement",
    "has_negation": "denies or negates something",
    "first_person_plural": "claims something about 'we'",
}
_NEGATIVE_REASON = {
    "is_question": "is a question",
    "starts_interrogative": "phrased as a question",
    "is_short": "very short",
    "n_words": "short statement",
    "is_boilerplate": "boilerplate or pleasantry",
    "first_person_singular": "first-person remark",
    "first_person_judgement": "first-person opinion",
    "second_person": "addresses the listener",
    "n_evaluative": "evaluative, loaded wording",
    "is_prescriptive": "says what should be done",
    "n_modal": "prescriptive modal verb",
    "has_hedge": "hedged or unconfirmed",
    "is_exclamation": "exclamation",
}


def _reasons(
    row: list[float], contrib: list[float], order: list[int], kind: str, prob: float
) -> list[str]:
    """Two to four phrases: the type, then the readable features that moved the score most.

    `order` lists indices of `contrib` (readable features, then the summed embedding and
    neighbour terms), strongest push towards the verdict first.
    """
    reasons = [f"classified as {kind}"]
    for j in order:
        if len(reasons) >= 4 or abs(contrib[j]) < 0.05 or (contrib[j] > 0) != (prob >= NOTABLE):
            break
        if j >= len(FEATURE_NAMES):
            reasons.append(_MODEL_REASON[j - len(FEATURE_NAMES)][contrib[j] > 0])
            continue
        name = FEATURE_NAMES[j]
        if not row[j] and name != "n_words":
            continue
        table = _POSITIVE_REASON if contrib[j] > 0 else _NEGATIVE_REASON
        phrase = table.get(name)
        if phrase and phrase not in reasons:
            reasons.append(phrase)
    if len(reasons) < 2:
        reasons.append("likely check-worthy" if prob >= 0.5 else "little to check")
    return reasons


def classify_types(
    feats: np.ndarray, checkworthiness: np.ndarray | None = None
) -> tuple[list[str], np.ndarray]:
    """Rule-based sentence types from readable features (see module docstring).

    Each type gets a score from additive, documented rules; the highest wins and the
    confidence is a softmax margin over the scores.
    """
    f = {name: feats[:, j] for j, name in enumerate(FEATURE_NAMES)}
    n = feats.shape[0]
    cw = checkworthiness if checkworthiness is not None else np.full(n, 0.05, np.float32)
    factual = (
        1.0 * f["has_number"]
        + 0.6 * (f["n_entities"] > 0)
        + 0.8 * f["has_attribution"]
        + 0.4 * f["has_time_word"]
        + 0.4 * f["has_comparative"]
        + 2.0 * np.clip(cw, 0, 0.5)
    )
    scores = np.zeros((n, len(SENTENCE_TYPES)), dtype=np.float32)
    scores[:, 0] = 1.0 + factual
    scores[:, 1] = (
        1.5 * np.minimum(f["n_evaluative"], 2)
        + 1.5 * f["is_prescriptive"]
        + 1.8 * f["first_person_judgement"]
        + 0.5 * f["has_superlative"] * (f["has_number"] == 0)
        + 0.4 * f["is_exclamation"]
        - 0.8 * f["has_attribution"]
    )
    scores[:, 2] = 4.0 * f["is_question"]
    scores[:, 3] = 4.0 * f["is_boilerplate"] + 1.5 * f["is_short"] + 1.0 * (f["n_words"] < 3)
    return _argmax_types(scores)


def _argmax_types(scores: np.ndarray) -> tuple[list[str], np.ndarray]:
    best = scores.argmax(axis=1)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    conf = (e / e.sum(axis=1, keepdims=True))[np.arange(len(best)), best]
    return [SENTENCE_TYPES[b] for b in best], conf.astype(np.float32)
