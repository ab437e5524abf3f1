"""The passage of an article that speaks to a claim: what the article-level stance model reads.

A whole news body is too long for a small cross-encoder, and its first 200 tokens often
say nothing about the claim. The passage keeps what decides the stance:

- the sentences sharing most content concepts with the claim (where it is restated),
- the sentence right after each of them (where a restatement is often rejected:
  "... the letter said. It was a draft, the general said."),
- the lead sentence (the article's own framing), and the title when there is one.

They are kept in document order and cut to a word budget, best-scoring first. Training
(``train/train_nli.py``) and run time use this one function, so the model sees at run time
the kind of passage it was trained on.

Example:
    >>> body = "Officials met on Monday. The mayor resigned, a report said. That is false, he said."
    >>> select_passage("The mayor resigned", body)
    'Officials met on Monday. The mayor resigned, a report said. That is false, he said.'
"""

from __future__ import annotations

from collections.abc import Sequence

from corroborator.align.lexical import concepts

TOP_SENTENCES = 3        # best-matching sentences kept
MAX_WORDS = 110          # passage budget (about 150 word pieces; the model reads 176 with the claim)
MAX_SENTENCE_WORDS = 60  # a longer "sentence" (a list, a run-on) is cut to this
MAX_SCANNED = 300        # sentences of a very long body looked at


def select_passage(claim: str, body: str | Sequence[str], title: str | None = None, *,
                   max_words: int = MAX_WORDS) -> str:
    """The passage of `body` (text, or its sentences) that speaks to `claim`."""
    sentences = _sentences(body)
    if not sentences:
        return (title or "").strip()
    wanted = concepts(claim)
    scores = [len(wanted & concepts(s)) for s in sentences]
    ranked = sorted((i for i in range(len(sentences)) if scores[i] > 0),
                    key=lambda i: (-scores[i], i))[:TOP_SENTENCES]
    priority: list[int] = []
    for i in ranked:
        priority.append(i)
    for i in ranked:
        if i + 1 < len(sentences):
            priority.append(i + 1)
    priority.append(0)
    chosen: list[int] = []
    used = 0
    for i in dict.fromkeys(priority):
        words = len(sentences[i].split())
        if chosen and used + words > max_words:
            continue
        chosen.append(i)
        used += words
    text = " ".join(sentences[i] for i in sorted(chosen))
    if title and title.strip():
        text = f"{title.strip()}. {text}"
    return text


def _sentences(body: str | Sequence[str]) -> list[str]:
    if isinstance(body, str):
        from corroborator.extract.sentences import split_sentences

        body = [s.text for s in split_sentences(body)]
    out = []
    for sentence in list(body)[:MAX_SCANNED]:
        words = sentence.split()
        if words:
            out.append(" ".join(words[:MAX_SENTENCE_WORDS]))
    return out
