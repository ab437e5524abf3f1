"""Convert GUM and UD/UNER English-EWT to spaCy DocBin files for training.

Reads the read-only data under ``../shared/data`` (see each PROVENANCE.md) and
writes, under ``train/work/`` (ignored by git):

* ``gum_train.spacy``  GUM train documents: tags, trees, sentences, entities.
* ``ewt_dev.spacy``    UD EWT dev documents joined with UNER dev entities.
* ``gum_dev.spacy``    GUM dev documents (evaluation only, never trained on).

Entity policy (NER tags *named* entities only, as UNER does):

* GUM marks every mention (``Entity=`` brackets in MISC). A person, organization
  or place mention counts as named when it carries a Wikipedia identity or its
  syntactic head is a proper noun (XPOS NNP/NNPS). The span is trimmed to the
  run of proper nouns around the head (inner ``of``/``and``/``the``/``&``/``-``
  allowed between proper nouns), which drops determiners, titles written in
  lower case, appositions and relative clauses. Overlaps keep the longer span.
* Labels: person -> PERSON, organization -> ORG, place -> GPE; UNER PER -> PERSON,
  ORG -> ORG, LOC -> GPE. One location label (GPE) covers countries, cities and
  other places alike, because UNER does not separate them.

Never reads the UNER/EWT test files: they are the held-out evaluation.

Usage: ``.venv/bin/python train/spacy_data.py [--data ../shared/data] [--out train/work]``
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_OUT = Path(__file__).resolve().parent / "work"
GUM_LABELS = {"person": "PERSON", "organization": "ORG", "place": "GPE"}
UNER_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}
PROPER_TAGS = {"NNP", "NNPS"}
TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "saint",
    "st", "rev", "reverend", "father", "president", "vice", "prime", "minister", "secretary",
    "general", "gen", "brig", "brigadier", "major", "maj", "col", "colonel", "lt", "lieutenant",
    "capt", "captain", "sgt", "sergeant", "admiral", "adm", "commander", "cmdr", "governor",
    "gov", "senator", "sen", "rep", "representative", "congressman", "congresswoman", "mayor",
    "judge", "justice", "chief", "king", "queen", "prince", "princess", "emperor", "empress",
    "pope", "bishop", "archbishop", "cardinal", "chancellor", "premier", "ambassador",
    "chairman", "chairwoman", "ceo", "director", "officer", "deputy", "assistant", "attorney",
    "of", "state", "foreign", "defense", "defence", "interior", "the",
}
LINKERS = {"of", "and", "the", "&", "-", "for", "de", "du", "la", "von", "van", "'s"}


@dataclass
class Token:
    """One syntactic word of a CoNLL-U sentence."""

    form: str
    upos: str
    xpos: str
    head: int  # 1-based within the sentence, 0 = root
    deprel: str
    misc: str
    space_after: bool = True


@dataclass
class Sentence:
    """A CoNLL-U sentence with its document/paragraph metadata."""

    sent_id: str
    tokens: list[Token] = field(default_factory=list)
    newdoc: str | None = None
    newpar: bool = False


def read_conllu(path: Path) -> Iterator[Sentence]:
    """Yield sentences; multiword-token ranges only set SpaceAfter, empty nodes are skipped."""
    sent = Sentence(sent_id="")
    no_space_until = -1
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line:
            if sent.tokens:
                yield sent
            sent = Sentence(sent_id="")
            continue
        if line.startswith("#"):
            _read_comment(sent, line)
            continue
        cols = line.split("\t")
        if "." in cols[0]:
            continue
        if "-" in cols[0]:
            if "SpaceAfter=No" in cols[9]:
                no_space_until = int(cols[0].split("-")[1])
            continue
        tok = Token(cols[1], cols[3], cols[4], int(cols[6]), cols[7], cols[9])
        tok.space_after = "SpaceAfter=No" not in cols[9]
        if int(cols[0]) == no_space_until:
            tok.space_after = False
        sent.tokens.append(tok)
    if sent.tokens:
        yield sent


def _read_comment(sent: Sentence, line: str) -> None:
    if line.startswith("# sent_id"):
        sent.sent_id = line.split("=", 1)[1].strip()
    elif line.startswith("# newdoc"):
        sent.newdoc = line.split("=", 1)[1].strip() if "=" in line else "doc"
        sent.newpar = True
    elif line.startswith("# newpar"):
        sent.newpar = True


def group_documents(sents: list[Sentence]) -> list[list[Sentence]]:
    """Split a sentence stream into documents at ``newdoc`` comments."""
    docs: list[list[Sentence]] = []
    for sent in sents:
        if sent.newdoc is not None or not docs:
            docs.append([])
        docs[-1].append(sent)
    return docs


def build_doc(vocab, sents: list[Sentence], ents: list[tuple[int, int, str]]) -> Doc:
    """Build a Doc from sentences with tags, trees and sentence starts, plus entities.

    ``ents`` holds (start, end, label) in document token offsets.
    """
    words, spaces, tags, pos, heads, deps, starts = [], [], [], [], [], [], []
    offset = 0
    for sent in sents:
        for i, tok in enumerate(sent.tokens):
            words.append(tok.form)
            spaces.append(tok.space_after)
            tags.append(tok.xpos)
            pos.append(tok.upos)
            heads.append(offset + (tok.head - 1 if tok.head else i))
            deps.append("ROOT" if tok.head == 0 else tok.deprel)
            starts.append(i == 0)
        offset += len(sent.tokens)
    doc = Doc(
        vocab, words=words, spaces=spaces, tags=tags, pos=pos, heads=heads, deps=deps,
        sent_starts=starts,
    )
    doc.ents = [Span(doc, s, e, label=lab) for s, e, lab in ents]
    return doc


# --- GUM entities -----------------------------------------------------------------


@dataclass
class Mention:
    """A GUM person/organization/place mention, in sentence token offsets."""

    start: int
    end: int
    etype: str
    identity: str


def gum_mentions(sent: Sentence) -> list[Mention]:
    """Parse the ``Entity=`` brackets of one sentence into mentions of the three types."""
    open_stack: dict[str, list[tuple[int, str, str]]] = {}
    found: list[Mention] = []
    for i, tok in enumerate(sent.tokens):
        ent = next((p[7:] for p in tok.misc.split("|") if p.startswith("Entity=")), "")
        pos = 0
        while pos < len(ent):
            if ent[pos] == "(":
                close = _next_bracket(ent, pos + 1)
                body = ent[pos + 1 : close]
                fields = body.split("-")
                eid, etype = fields[0], fields[1] if len(fields) > 1 else ""
                ident = "-".join(fields[7:]) if len(fields) > 7 else ""
                if ent[close : close + 1] == ")":  # single-token mention
                    found.append(Mention(i, i + 1, etype, ident))
                    pos = close + 1
                else:
                    open_stack.setdefault(eid, []).append((i, etype, ident))
                    pos = close
            elif ent[pos].isdigit():
                close = ent.index(")", pos)
                eid = ent[pos:close]
                if open_stack.get(eid):
                    start, etype, ident = open_stack[eid].pop()
                    found.append(Mention(start, i + 1, etype, ident))
                pos = close + 1
            else:
                pos += 1
    return [m for m in found if m.etype in GUM_LABELS]


def _next_bracket(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] not in "()":
        pos += 1
    return pos


def mention_head(sent: Sentence, m: Mention) -> int:
    """Index of the token in the mention whose head lies outside it."""
    for i in range(m.start, m.end):
        h = sent.tokens[i].head - 1
        if not m.start <= h < m.end:
            return i
    return m.start


def _proper(tok: Token) -> bool:
    return tok.xpos in PROPER_TAGS or tok.upos == "PROPN"


def named_span(sent: Sentence, m: Mention) -> tuple[int, int] | None:
    """The proper-noun core of a named mention, or None when it is not named."""
    head = mention_head(sent, m)
    toks = sent.tokens
    if not _proper(toks[head]):
        return None
    start, end = head, head + 1
    while start > m.start and _proper(toks[start - 1]):
        start -= 1
    while end < m.end:
        if _proper(toks[end]):
            end += 1
        elif toks[end].form.lower() in LINKERS and end + 1 < m.end and _proper(toks[end + 1]):
            end += 2
        else:
            break
    return start, end


def _is_title(tok: Token) -> bool:
    return tok.form.lower().rstrip(".") in TITLES


def strip_titles(sent: Sentence, core: tuple[int, int]) -> tuple[int, int] | None:
    """Drop leading titles ("Prime Minister", "Brig. Gen.") from a person span, as UNER does.

    Returns None for a span that is only titles, or a lone plural proper noun
    (a group such as "Bangladeshis", which UNER leaves untagged).
    """
    start, end = core
    toks = sent.tokens
    cut = [i for i in range(start, end - 1) if _is_title(toks[i]) and toks[i].form != "the"]
    if cut:
        start = cut[-1] + 1
    end = next((i for i in range(start + 1, end) if toks[i].form == "of"), end)
    only = toks[start]
    if _is_title(only) or (end - start == 1 and only.xpos == "NNPS"):
        return None
    return start, end


def split_coordination(sent: Sentence, core: tuple[int, int]) -> list[tuple[int, int]]:
    """Split "Carrano and Biewener" into one span per person."""
    parts, start = [], core[0]
    for i in range(core[0], core[1]):
        if sent.tokens[i].form in ("and", "&"):
            parts.append((start, i))
            start = i + 1
    parts.append((start, core[1]))
    return [(s, e) for s, e in parts if e > s]


def gum_entities(sent: Sentence) -> list[tuple[int, int, str]]:
    """Named PERSON/ORG/GPE spans of a GUM sentence, longest first on overlaps."""
    spans = []
    for m in gum_mentions(sent):
        core = named_span(sent, m)
        if core is not None and m.etype == "person":
            core = strip_titles(sent, core)
            if core is not None:
                spans += [(s, e, "PERSON") for s, e in split_coordination(sent, core)]
        elif core is not None:
            spans.append((core[0], core[1], GUM_LABELS[m.etype]))
    spans.sort(key=lambda s: (s[0] - s[1], s[0]))
    taken: set[int] = set()
    kept = []
    for s, e, lab in spans:
        if taken.isdisjoint(range(s, e)):
            kept.append((s, e, lab))
            taken.update(range(s, e))
    return sorted(kept)


def gum_docs(nlp, folder: Path) -> list[Doc]:
    """One Doc per GUM document file."""
    docs = []
    for path in sorted(folder.glob("*.conllu")):
        sents = list(read_conllu(path))
        ents, offset = [], 0
        for sent in sents:
            ents += [(s + offset, e + offset, lab) for s, e, lab in gum_entities(sent)]
            offset += len(sent.tokens)
        doc = build_doc(nlp.vocab, sents, ents)
        doc.user_data["doc_id"] = path.stem
        docs.append(doc)
    return docs


# --- UNER entities ------------------------------------------------------------------


def read_iob2(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Map sent_id -> (word, IOB2 tag) pairs, in UNER's own tokenisation."""
    out: dict[str, list[tuple[str, str]]] = {}
    sent_id, rows = "", []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("# sent_id"):
            sent_id = line.split("=", 1)[1].strip()
        elif line and not line.startswith("#"):
            cols = line.split("\t")
            rows.append((cols[1], cols[2]))
        elif not line and rows:
            out[sent_id] = rows
            rows = []
    return out


def iob2_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Entity spans (start, end, UNER type) from IOB2 tags; a stray I- starts a span."""
    spans, start, label = [], -1, ""
    for i, tag in enumerate(tags + ["O"]):
        begins = tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != label)
        if start >= 0 and (tag == "O" or begins):
            spans.append((start, i, label))
            start, label = -1, ""
        if begins:
            start, label = i, tag[2:]
    return spans


def _char_offsets(words: list[str]) -> list[tuple[int, int]]:
    """Offsets of each word in the concatenation of all words without spaces."""
    out, pos = [], 0
    for w in words:
        out.append((pos, pos + len(w)))
        pos += len(w)
    return out


def project_spans(
    rows: list[tuple[str, str]], words: list[str]
) -> list[tuple[int, int, str]]:
    """Move UNER spans onto the UD words of the same sentence (tokenisations may differ)."""
    src = _char_offsets([w for w, _ in rows])
    dst = _char_offsets(words)
    spans = []
    for s, e, lab in iob2_spans([t for _, t in rows]):
        c0, c1 = src[s][0], src[e - 1][1]
        hit = [i for i, (a, b) in enumerate(dst) if a < c1 and b > c0]
        if hit:
            spans.append((hit[0], hit[-1] + 1, lab))
    return spans


def ewt_docs(nlp, conllu: Path, iob2: Path) -> list[Doc]:
    """One Doc per EWT document, with UNER entities mapped to PERSON/ORG/GPE."""
    tags = read_iob2(iob2)
    docs = []
    for sents in group_documents(list(read_conllu(conllu))):
        ents, offset = [], 0
        for sent in sents:
            words = [t.form for t in sent.tokens]
            ents += [(s + offset, e + offset, UNER_LABELS[lab])
                     for s, e, lab in project_spans(tags[sent.sent_id], words)]
            offset += len(sent.tokens)
        doc = build_doc(nlp.vocab, sents, ents)
        doc.user_data["doc_id"] = sents[0].newdoc or sents[0].sent_id
        docs.append(doc)
    return docs


def write(docs: list[Doc], path: Path) -> None:
    """Save docs as a DocBin and print a one-line summary."""
    DocBin(docs=docs, store_user_data=True).to_disk(path)
    n_ents = sum(len(d.ents) for d in docs)
    n_words = sum(len(d) for d in docs)
    print(f"{path}: {len(docs)} docs, {n_words} words, {n_ents} entities")


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("en")
    write(gum_docs(nlp, args.data / "gum" / "train"), args.out / "gum_train.spacy")
    write(gum_docs(nlp, args.data / "gum" / "dev"), args.out / "gum_dev.spacy")
    ewt = ewt_docs(nlp, args.data / "ud_ewt" / "en_ewt-ud-dev.conllu",
                   args.data / "uner_ewt" / "en_ewt-ud-dev.iob2")
    write(ewt, args.out / "ewt_dev.spacy")


if __name__ == "__main__":
    main()
