"""Who a statement comes from: the subject of a reporting verb, found by bounded patterns.

A sentence's source is, in order of preference, the reporting clause at its end
("..., officials said on Monday."; "..., said Ana Ruiz, a spokeswoman."), an "according
to X" phrase, or the subject of its first reporting verb outside quotation marks ("Ilse
Marwick, a spokeswoman for the authority, said ..."). Appositives are skipped to reach
the name. Each source phrase is then classified: a wire agency, a named person or
institution, an unnamed (anonymous) person or group, a hedged report, or a pronoun to be
resolved by the caller against the article's earlier speakers.

Names may hold letters of any script ("José Pérez", "Łódź"). Every pattern runs on a
bounded window, so a hostile sentence costs linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

#: The case-insensitive patterns fold case simply, one character to one (``(?-f)``):
#: version 1's default full case-folding ("ß" matching "ss") costs half of their
#: compile time and changes nothing on the article text, which is NFKC-normalised and
#: English where these word lists apply.
_SIMPLE_FOLD = "(?-f)"


class LazyPattern:
    """A `regex` pattern compiled on its first use, then kept: the big source patterns
    cost ~0.15 s to compile, which a process that never extracts should not pay.
    Attribute access (``.search``, ``.match``, ``.sub``...) goes to the compiled pattern."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: regex.Pattern | None = None

    def __getattr__(self, name: str):
        if name in LazyPattern.__slots__:   # not yet set (a copy being built): no recursion
            raise AttributeError(name)
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = regex.compile(*self._args)
        return getattr(compiled, name)


WINDOW = 260          # characters searched left of a reporting verb for its subject
MAX_WORD = 40         # longest word a name pattern will take
SPEECH_VERBS = (
    "said|says|say|told|tells|tell|added|adds|wrote|writes|stated|states|announced|announces|"
    "confirmed|confirms|denied|denies|claimed|claims|warned|warns|insisted|insists|"
    "explained|explains|noted|notes|argued|argues|acknowledged|acknowledges|admitted|admits|"
    "declared|declares|testified|responded|replied|tweeted|disclosed|revealed|reveals|"
    "maintained|asserted|contended|predicted|estimated|reported|reports|speculated|"
    "suggested|suggests|indicated|vowed|urged|stressed|emphasi[sz]ed|conceded|countered|"
    "complained|pleaded|promised|concluded|recalled|continued|quoted|cited|believes|believe|"
    "insisted|remarked|observed|cautioned|alleged|alleges|agreed|recounted|informed|"
    "speculate|suggest|indicate|clarified|conceded|accused|dismissed|rejected|denied|"
    "explained|assured|boasted|joked|wondered|asked|answered"
)
GENERIC_HEADS = frozenset(
    """official officials source sources person people man woman men women employee
    employees staffer staffers worker workers member members resident residents witness
    witnesses expert experts analyst analysts observer observers insider insiders aide aides
    diplomat diplomats officer officers agent agents friend friends relative relatives
    family neighbour neighbor neighbours neighbors user users commenter commenters fan fans
    critic critics investigator investigators activist activists lawyer lawyers doctor
    doctors scientist scientists researcher researchers management executive executives
    representative commander elders shoppers locals student students teacher teachers
    passenger passengers victim victims survivor survivors supporter supporters
    spokesman spokeswoman spokesperson organizer organizers others some staff""".split()
)
INSTITUTION_HEADS = frozenset(
    """government ministry police army military company firm court prosecutors prosecutor
    hospital council agency department authority authorities administration embassy
    president force regime group campaign""".split()
)
HEDGED_HEADS = frozenset("report reports rumour rumours rumor rumors claim claims".split())
#: Words that make any source unconfirmed ("multiple unconfirmed reports", "a death hoax").
HEDGED_MODIFIERS = frozenset("unconfirmed unverified hoax hoaxes rumoured rumored".split())
PRONOUNS = frozenset("he she it they we i you this that there these those".split())
WIRE = (r"Reuters|AFP|Agence France[- ]Presse|(?:The )?Associated Press|AP|Bloomberg|UPI|"
        r"Xinhua|dpa|EFE|ANSA|Kyodo|TASS|Interfax|ANI|PTI|Yonhap")
DETERMINERS = ("the|a|an|one|two|three|four|five|six|another|some|several|many|multiple|"
               "most|his|her|their|its|our|local|senior|top|other|both|all|unnamed|"
               "anonymous|unidentified")
_FLAGS = regex.VERSION1 | regex.IGNORECASE
_UPPER_WORD = (rf"(?:(?:al|el|ad|as|ash|bin|ibn|abu|de|di|da|van|von|le|la)-)?"
               rf"\p{{Lu}}[\p{{L}}\p{{M}}\d.&/-]{{0,{MAX_WORD}}}(?:['’]\p{{Lu}}[\p{{L}}\p{{M}}-]{{0,30}})?")
_CONNECT = r"(?:of|de|del|da|van|von|der|al|el|bin|ibn|la|le|du|dos|das|y|and|for|on|the|to)"
_FRONTED = (r"(?:On|In|At|After|Before|During|When|While|Though|Although|But|And|However|"
            r"Meanwhile|Later|Earlier|Late|Early|Last|This|Since|As|If|Speaking|According|Asked|Reached|"
            r"Yesterday|Today|Then|Now|Also|Still|Separately|Instead)\b")
NAME = (rf"(?-i:(?!{_FRONTED}){_UPPER_WORD}(?:[ \t]+(?:{_CONNECT}[ \t]+)?{_UPPER_WORD}){{0,9}}"
        rf"(?:['’]s?[ \t]+(?:\p{{L}}+[ \t]+){{0,3}}?\p{{L}}+)?)")
_WORD = rf"[\p{{L}}\p{{M}}\d’'&./-]{{1,{MAX_WORD}}}"
_NOT_IN_NP = (r"(?:was|were|is|are|be|been|being|has|had|have|who|which|that|whose|when|"
              r"while|and|but|because|after|before|if|as|not|would|will|could|did|does|"
              rf"do|{SPEECH_VERBS})")
DESCRIPTOR = (rf"(?:{DETERMINERS})[ \t]+(?:(?!{_NOT_IN_NP}\b){_WORD}[ \t]+){{0,9}}?"
              rf"(?!{_NOT_IN_NP}\b){_WORD}")
BARE_PLURAL = (r"(?:(?:U\.S\.|\p{Lu}\p{Ll}+)[ \t]+)?(?:officials|sources|reports|witnesses|experts|analysts|"
               r"critics|residents|police|authorities|investigators|activists|diplomats|"
               r"insiders|aides|prosecutors|doctors|scientists|researchers|elders|"
               r"management|bloggers|friends|relatives|neighbou?rs|shoppers|others|some)")
_GROUP_NOUNS = (r"(?:officials?|sources?|spokes(?:man|woman|person)|experts?|analysts?|"
                r"researchers?|scientists?|executives?|staff|employees?|workers?|agents?)")
_ROLE_BEFORE_NAME = (r"(?-i:(?:\p{Lu}[\p{L}-]*[ \t]+){0,3}(?:\p{Ll}[\p{Ll}-]*[ \t]+){1,3}"
                     r"(?=\p{Lu}))")
SUBJECT = (rf"(?:{WIRE}|{_ROLE_BEFORE_NAME}?{NAME}(?:[ \t]+(?:\p{{Ll}}+[ \t]+)?{_GROUP_NOUNS})?|"
           rf"{DESCRIPTOR}|{BARE_PLURAL}|he|she|it|they|we|I)")
_APPOSITIVE = (r"(?:,[ \t][^,“”\"]{2,140}?,|,[ \t](?=(?:a|an|the|his|her|its|their)[ \t]|"
               r"\p{Lu}[\p{L}\p{M}]*['’]s\b)[^,“”\"]{2,140}?)")
_ADVERBS = (r"(?:[ \t]+(?:also|later|earlier|then|flatly|publicly|officially|previously|"
            r"reportedly|allegedly|purportedly|supposedly|apparently|"
            r"has|have|had|again|recently|once|further|initially|repeatedly|privately|"
            r"separately|since|in a statement|in an interview|on \p{Lu}\p{Ll}+)){0,3}")
_VERB = re.compile(rf"(?<![\w-])(?:{SPEECH_VERBS})(?![\w-])", re.IGNORECASE)
_OUTLET_BEFORE = re.compile(r"(?<![.!?]\s)\b[A-Z][\w.&-]*\s(?:News|Press|Media)\s$")
_NOUN_BEFORE = re.compile(r"\b(?:the|a|an|his|her|its|their|these|those|such|news|press|media|"
                          r"initial|earlier|other|recent)\s$", re.IGNORECASE)
_LEFT = LazyPattern(
    _SIMPLE_FOLD +
    rf"(?:^|(?<=[.;:!?”\"]\s)|(?<=,\s)|(?<=\s[—–-]\s)|(?<=\bthat\s)|(?<=\band\s)|(?<=\bbut\s))"
    rf"(?P<src>{SUBJECT})(?:,[ \t][^,“”\"]{{2,140}}?(?=,))?{_APPOSITIVE}?{_ADVERBS}[ \t]*$", _FLAGS)
_RIGHT = LazyPattern(
    _SIMPLE_FOLD +
    rf"^(?:[ \t]+(?:on|late|early|last|this)[ \t]+\p{{L}}+(?:[ \t]+(?:morning|afternoon|evening|night))?)?"
    rf"[ \t]+(?P<src>{WIRE}|{NAME}(?:[ \t]+\p{{Ll}}+){{0,2}}|{DESCRIPTOR}|{BARE_PLURAL}|he|she|it|they)"
    rf"(?:,[ \t](?P<name>{NAME})(?=[ \t]*(?:[,.;:]|$)))?"
    rf"(?=[ \t]*(?:[,.;:]|$|[ \t](?:in|on|at|to|during|after|before|when|while|told)\b))",
    _FLAGS)
_ACCORDING = LazyPattern(
    _SIMPLE_FOLD +
    rf"\baccording[ \t]+(?:to[ \t]+)?(?P<src>{WIRE}|{DESCRIPTOR}|{NAME}|{BARE_PLURAL})"
    rf"(?=[ \t]*(?:[,.;:)]|$|[ \t](?:in|on|at|who|which|that|and|for|from|with)\b))",
    _FLAGS)
_TRAIL = LazyPattern(r"(?:[ \t]+(?:on|in|at|during|via|to|from|late|early|last|this|"
                     r"with|said|says|told)\b.*)$", _FLAGS)
PERSON_ANAPHOR = LazyPattern(
    r"^the (?:\d+-year-old|(?:[\w-]+ ){0,2}(?:chief executive|executive|minister|secretary|"
    r"president|congressman|congresswoman|senator|governor|mayor|anchor|actor|actress|"
    r"singer|star|rapper|player|coach|general|lawyer|judge|pilot|leader|chairman|"
    r"chairwoman|director|founder|ceo|prosecutor|ambassador|king|queen|prince|"
    r"princess|pope|cleric|sheikh|preacher|author|artist|musician|guitarist|swimmer|"
    r"golfer|scientist|professor|doctor|woman|man))$", regex.IGNORECASE)
ORG_ANAPHOR = LazyPattern(
    r"^(?:the|his|her|their|its) (?:[\w-]+ ){0,2}(?:organi[sz]ation|agency|department|"
    r"ministry|network|newspaper|outlet|channel|broadcaster|paper|magazine|website|site|"
    r"office|label|band|studio|team|club|publisher|charity|airline|carrier|union|"
    r"museum|festival|management)$", regex.IGNORECASE)
_QUOTED = LazyPattern(r"“[^”]{0,3000}”|\"[^\"\n]{0,3000}\"")


@dataclass(frozen=True)
class Source:
    """A source phrase of a sentence: its text, kind and character span in the sentence,
    the reporting verb, and whether the patterns or the parse (``speakers.py``) found it."""

    text: str
    kind: str
    start: int
    end: int
    verb: str = ""
    origin: str = "pattern"


def find_source(sentence: str) -> Source | None:
    """The source of `sentence`: its closing reporting clause, "according to X", or the
    subject of its first reporting verb outside quotation marks."""
    masked = mask_quotes(sentence)
    verbs = _verbs(masked)
    found = _closing_clause(masked, verbs) or _according(masked)
    first = _first_subject(masked, verbs)
    if found is None or (first is not None and first[0] < found[0]
                         and _WIRE_FULL.match(sentence[found[0]:found[1]])
                         and not _WIRE_FULL.match(sentence[first[0]:first[1]])):
        found = first  # "A source said ..., reported Reuters": the wire only relays
    if found is None:
        return None
    start, end, verb = found
    text = clean_source(sentence[start:end])
    if not text:
        return None
    return Source(text, classify(text), start, start + len(text), verb)


def _verbs(masked: str) -> list[re.Match]:
    """Reporting verbs of a sentence, not read as nouns ("the reports")."""
    if "accord" not in masked and not _VERB.search(masked):
        return []
    return [v for v in _VERB.finditer(masked)
            if not _NOUN_BEFORE.search(masked, max(0, v.start() - 12), v.start())
            or _OUTLET_BEFORE.search(masked, max(0, v.start() - 40), v.start())]


def _first_subject(masked: str, verbs: list[re.Match]) -> tuple[int, int, str] | None:
    for verb in verbs:
        found = _subject_of(masked, verb)
        if found is not None:
            return found
    return None


def mask_quotes(sentence: str) -> str:
    """`sentence` with the inside of each quotation replaced by "x" (offsets kept)."""
    return _QUOTED.sub(lambda m: m.group()[0] + "x" * (len(m.group()) - 2) + m.group()[-1],
                       sentence)


CLOSING_TAIL = 60   # a closing reporting clause ends this close to the sentence end


def _closing_clause(masked: str, verbs: list[re.Match]) -> tuple[int, int, str] | None:
    """A reporting clause closing the sentence: "..., officials said on Monday."."""
    end = len(masked.rstrip(" .!?\"”’'"))
    for verb in verbs:
        if end - verb.end() > CLOSING_TAIL or "," not in masked[max(0, verb.start() - 100):
                                                                    verb.start()]:
            continue
        found = _subject_of(masked, verb)
        if found is not None:
            return found
    return None


def _according(masked: str) -> tuple[int, int, str] | None:
    match = _ACCORDING.search(masked)
    if match is None:
        return None
    return match.start("src"), match.end("src"), "according to"


def _subject_of(masked: str, verb: re.Match, min_start: int = 0
                ) -> tuple[int, int, str] | None:
    """The subject left of `verb`, or, after a quote or comma, the one right of it."""
    left_from = max(min_start, verb.start() - WINDOW)
    left = masked[left_from:verb.start()].rstrip()
    inverted = not left or left.endswith(("”", '"', "’", "',", ",”", ',"', "”,", '",'))
    if not inverted:
        match = _LEFT.search(left)
        if match is not None and not _is_quote_mask(match.group("src")):
            start, end = _named_by_appositive(left, match.start("src"), match.end("src"))
            return left_from + start, left_from + end, verb.group()
    if not (inverted or left.endswith(",")):
        return None
    right = masked[verb.end():verb.end() + WINDOW]
    match = _RIGHT.match(right)
    if match is None or _is_quote_mask(match.group("src")):
        return None
    if not inverted and not regex.match(r"[ \t]*(?:[,.;:]|$)", right[match.end():]):
        return None  # ", said the disease arrived in ...": not an inverted clause
    src_is_name = bool(_PROPER.match(match.group("src").split()[-1]))
    group = "name" if match.group("name") and not src_is_name else "src"
    return verb.end() + match.start(group), verb.end() + match.end(group), verb.group()


def _named_by_appositive(left: str, start: int, end: int) -> tuple[int, int]:
    """The name set off after a descriptor ("Her record label, Bright Harbour Records,
    said"; "the spokeswoman, Ilse Marwick, said"), else the span as found."""
    if _PROPER.match(left[start:end].split()[-1]):
        return start, end
    name = _APPOSITIVE_NAME.match(left, end)
    if name is None:
        return start, end
    return name.start("name"), name.end("name")


_APPOSITIVE_NAME = LazyPattern(rf",[ \t](?P<name>{NAME}),", regex.VERSION1)


def _is_quote_mask(text: str) -> bool:
    return "xxx" in text


def clean_source(text: str) -> str:
    """A source phrase without trailing clauses, leading conjunctions or bare function
    words."""
    text = _TRAIL.sub("", text).strip(" ,.;:")
    words = text.split()
    while words and words[0].lower() in ("but", "and", "however", "meanwhile", "so", "yet",
                                         "also", "then", "later"):
        words = words[1:]
    text = " ".join(words)
    return "" if text.lower() in NOT_SOURCES else text


NOT_SOURCES = frozenset("""the a an this that these those there here it's its his her their
    our my your some many most all both each every such also then later what which who
    whom one""".split())


_WIRE_FULL = LazyPattern(rf"^(?:the[ \t]+)?(?:{WIRE})(?:[ \t]+news[ \t]+agency)?$", _FLAGS)
_DETERMINER = LazyPattern(rf"^(?:{DETERMINERS})\b", _FLAGS)
_PROPER = LazyPattern(r"^(?:(?:al|el|ad|as|bin|ibn|abu|de|di|da|van|von|le|la)-)?(?:\p{Lu}[\p{L}\p{M}.&'’-]*\p{Ll}[\p{L}\p{M}'’-]*|\p{Lu}[\p{Lu}\d.&-]+)(?:['’]s?)?$")
_NATIONALITY = LazyPattern(r"(?:an|ian|ese|ish|i|ch)(?:['’]s)?$")
ROLE_HEADS = frozenset("spokesman spokeswoman spokesperson spokespeople representative "
                       "statement website account page post study poll survey analysis "
                       "letter memo release filing office report".split())
#: A descriptor that gives its name: "a commenter named “4npower”", "a user called Jo".
_NAMED_AS = LazyPattern(r"\b(?:named|called)[ \t]+(?:[“\"][^”\"]{1,40}[”\"]|\p{Lu})",
                        regex.VERSION1)
COUNTRIES_AS_MODIFIER = frozenset("U.S. US UK U.K. EU".split())


def classify(source: str) -> str:
    """named, wire, anonymous, hedged or pronoun, from the source phrase alone."""
    words = source.split()
    if not words:
        return "none"
    low = source.lower()
    if low in PRONOUNS:
        return "pronoun"
    if all(_WIRE_FULL.match(part) for part in regex.split(r"\s*(?:,|\band\b)\s*", source)
           if part):
        return "wire"
    core = regex.split(r"\s(?:of|for|at|with|in|from|on|to)\s", source, maxsplit=1)[0].split()
    first, head = words[0].lower(), core[-1].lower().strip(".,’'")
    if any(word.lower().strip(".,’'") in HEDGED_MODIFIERS for word in words):
        return "hedged"
    if _NAMED_AS.search(source):
        return "named"  # "a commenter named “4npower”": the name is given
    determined = bool(_DETERMINER.match(source))
    if first == "the" and head in ROLE_HEADS and len(core) <= 4:
        return "named"  # "the post", "the report": a document the article has named
    common = GENERIC_HEADS | INSTITUTION_HEADS | HEDGED_HEADS
    body = words[1:] if determined or first in common else words
    org_like = [w for w in body[:-1] if _org_word(w)]
    if body and _PROPER.match(core[-1]) and head not in common:
        return "named"
    if head in HEDGED_HEADS and not org_like:
        return "hedged"
    if head in ROLE_HEADS and org_like:
        return "named"
    if head in INSTITUTION_HEADS:
        return "named" if (first == "the" or org_like or not determined) else "anonymous"
    if head in GENERIC_HEADS and org_like and not determined:
        return "named"
    return "anonymous"


def _org_word(word: str) -> bool:
    """A capitalised word that names an organisation rather than a nationality or country."""
    return (bool(_PROPER.match(word)) and word not in COUNTRIES_AS_MODIFIER
            and not _NATIONALITY.search(word.lower()))
