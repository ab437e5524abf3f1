"""Named-entity mentions: the trained pipeline where available, else capitalised-span rules.

The rules find runs of capitalised words in any script ("José Pérez", "Łódź"; with
titles such as "Brig. Gen.", initials and suffixes such as "III") and label them PERSON,
ORG or GPE from evidence in the name itself: place cues ("Kestrel Bay", "Tamsin River",
"City Hall", "Elm Street", "Mount ..."), organisation cues ("... Inc.", "... Minerals",
"... Systems", "... Lines", a web domain), titles, and a small gazetteer. Demonyms
("Syrian", "British") and capitalised function words ("It", "We're") are not entities. Titles are kept apart from the name so "Gen. Mark Milley" and "Milley" can
later resolve to one person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import regex

from corroborator.text_norm import STOP_WORDS

TITLE_WORDS = (
    r"(?:Brig(?:adier)?\.?\s+Gen(?:eral)?\.?|Maj(?:or)?\.?\s+Gen(?:eral)?\.?|"
    r"Lt\.?\s+Gen(?:eral)?\.?|Lt\.?\s+Col(?:onel)?\.?|Gen(?:eral)?\.?|Col(?:onel)?\.?|"
    r"Adm(?:iral)?\.?|Capt(?:ain)?\.?|Sgt\.?|Sergeant|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Prof(?:essor)?\.?|"
    r"President|Vice President|Prime Minister|Minister|Secretary(?: of [A-Z][a-z]+)?|"
    r"Sen(?:ator)?\.?|Rep(?:resentative)?\.?|Gov(?:ernor)?\.?|Mayor|Director|Chief|Judge|"
    r"Justice|Commissioner|Chancellor|King|Queen|Prince|Princess|Pope|Ayatollah|Sheikh|"
    r"Spokes(?:man|woman|person)|Commander|Inspector|Deputy|Chairman|Chairwoman|Chair|"
    r"CEO|CFO|COO|CTO|Founder|Co-founder|Rear Adm\.?|Det\.?|Sgt|Dr)"
)
_TITLE = re.compile(rf"(?:{TITLE_WORDS}\s+)+")
# Name words of any script: "José", "Łódź", "McAllister", "O'Brien", "al-Momani", "U.S.".
_NAME_WORD = (r"(?:(?:\p{Lu}\.){2,}|(?:(?:al|el|bin|ibn|abu|de|van|von)-)?\p{Lu}[\p{L}\p{M}'’\-]{0,40}"
              r"\p{Ll}[\p{L}\p{M}'’\-]{0,40}|\p{Lu}[\p{Lu}\d]{1,12}|\p{Lu}\.)")
_CALENDAR = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|"
             r"March|April|May|June|July|August|September|October|November|December)\b")
_CONNECTOR = rf"(?:\s+(?:of|de|del|da|van|von|al|bin|the|for|on)(?=\s+(?!{_CALENDAR})\p{{Lu}}))"
_SPAN = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}\d])(?:{TITLE_WORDS}\s+)*{_NAME_WORD}(?:(?:{_CONNECTOR})?[ \t-]+{_NAME_WORD}){{0,9}}"
    rf"(?:,?\s+(?:Jr\.|Sr\.|II|III|IV))?"
)
SUFFIXES = {"Jr.", "Sr.", "II", "III", "IV"}

ORG_CUES = frozenset(
    """Ministry Department Parliament Congress Senate Army Navy Corps Force Forces Council
    Agency Press News Times Post Journal Tribune Herald Gazette Ledger Guard Coalition
    Committee Commission University College Institute Company Corporation Inc Corp Ltd LLC
    Group Party Bank Court Police Office Authority Board Union Association Foundation
    Pentagon Reuters AFP Bloomberg NATO ISIS UN EU FBI CIA NSA USMC CJTF-OIR Interest
    Project Service Services Industries Holdings Network Radio Television Mining Port
    Hospital School Church Club League Federation Organization Organisation Administration
    Bureau Cabinet Assembly Government Airlines Airways Energy Motors Systems Technologies
    State Plant Mine Minerals Foods Lantern Courier Review Lines Brigade Front Movement Studios
    Records Entertainment Pictures Games Magazine Channel Broadcasting Online Chronicles
    Newswire Daily Gazette Chronicle Observer Monitor Insider Wire Securities Capital Partners
    Electric Power Steel Oil Gas Pharmaceuticals Labs Ministry Council""".split()
)
GPE_NAMES = frozenset(
    """Iraq Iran Syria Baghdad Tehran Washington America United States U.S. US USA UK
    Britain England France Germany Spain Italy Russia China Japan India Pakistan
    Afghanistan Israel Palestine Gaza Lebanon Jordan Egypt Turkey Saudi Arabia Yemen
    Qatar Kuwait Europe Africa Asia Canada Mexico Brazil Ukraine Kyiv Moscow London Paris
    Berlin Madrid Rome Beijing Tokyo Delhi Kabul Damascus Beirut Cairo Ankara Riyadh
    California Texas Florida New York Virginia Middle East Green Zone International Zone""".split()
)
CONNECTORS = frozenset("of de del da van von al bin the and for on".split())
POSSESSIVE = re.compile(r"['’]s$")
GPE_PHRASES = frozenset(
    """United States|United Kingdom|Middle East|Green Zone|International Zone|Saudi Arabia|
    New York|Gaza Strip|West Bank|European Union|South Korea|North Korea|Hong Kong|
    New Zealand|South Africa|Los Angeles|San Francisco|Persian Gulf""".replace("\n", "").split("|")
)
STOP_STARTS = frozenset(
    """The A An In On At But And However He She It They We I You This That These Those There
    Meanwhile After Before When While As If Yet So Still Its His Her Their Our Soon Then Now
    Some Many Most No Yes What Who Why How Instead Luckily Naturally Whether During Sir
    Then Or Is Are Was Were Do Does Did Read Article Also Just Even Only Since Until Because
    Although Though Despite Under Over With Without From For By To Of Every Each All Both
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Nobody Everyone Everybody Somebody
    Someone Anyone Anybody Nothing Everything Something Please Thank Thanks According Call
    Closing Damn Here Let Like Unlike Given Whatever Whoever Perhaps Maybe Indeed Still
    One Another Last Next First Second Third People Sources Officials My Your Me Us Him
    Editing Reporting Writing Additional Photo Image Video Watch Follow Share Related Update
    Today Yesterday Tomorrow Tonight Earlier Later Once Never Ever Again Where Mr Mrs Ms
    Oct Sept Sep Nov Dec Jan Feb Mar Apr Jun Jul Aug Breaking Exclusive Advertisement
    Amid Amidst Among Across Against Toward Towards Besides Following Including""".split()
)
_CONTRACTION = re.compile(r"^\w+['’](?:m|re|ve|ll|d|s|t)$", re.IGNORECASE)
# Demonyms and other adjectives of origin are not named entities here.
_DEMONYM = regex.compile(r"^\p{Lu}\p{Ll}+(?:ican|ese|ish)s?$")
DEMONYMS = frozenset("""American Americans British Syrian Syrians Iraqi Iraqis Iranian Iranians
    Israeli Israelis Palestinian Palestinians Russian Russians Ukrainian Ukrainians Korean
    Koreans Indian Indians Pakistani Pakistanis Afghan Afghans Saudi Saudis Egyptian
    Egyptians Libyan Libyans Nigerian Nigerians Kenyan Kenyans Somali Somalis Yemeni Yemenis
    Jordanian Jordanians Kurd Kurds Canadian Canadians Australian Australians Italian
    Italians German Germans European Europeans African Africans Asian Asians Arab Arabs
    Muslim Muslims Christian Christians Catholic Catholics Sunni Sunnis Shia Shiite Shiites
    Jewish Jew Jews Islamic Islamist Islamists Western Eastern Soviet Nicaraguan Nicaraguans
    Cuban Cubans Venezuelan Venezuelans Brazilian Brazilians Chechen Chechens Thai Swiss
    Dutch French Greek Greeks Turk Turks Filipino Filipinos Latino Latinos Hispanic
    Hispanics Democrat Democrats Republican Republicans Nepali Bangladeshi Omani Kuwaiti
    Qatari Emirati Sudanese Lebanese Vietnamese Chinese Japanese Norwegian Swedish Danish
    Finnish Polish Irish Scottish Welsh Belgian Austrian Hungarian Romanian Bulgarian Serbian
    Croatian Mongolian Tunisian Algerian Moroccan Moroccans Ethiopian Ghanaian Zimbabwean
    Colombian Peruvian Chilean Argentine Argentinian Mexicans""".split())
PLACE_CUES = frozenset("""Bay River Hall Street St Road Rd Avenue Ave Boulevard Blvd Lane Square
    City Town Village County Province District Lake Lakes Mountain Mountains Mount Mt Island
    Islands Valley Park Bridge Beach Coast Peninsula Strait Sea Ocean Gulf Desert Canyon Falls
    Heights Harbor Harbour Port Airport Mall Palace Plaza Camp Fort Creek Hill Hills Forest
    Cape Point Springs Estuary Sound Reservoir Dam Zone Region Territory Square Station
    Stadium Arena Campus""".split())
PRODUCT_CUES = frozenset("""Watch Wear Edition Pro Air Mini Max Plus Ultra Phone Pad Book TV
    MacBook iPhone iPad iMac iPod Galaxy Pixel Xbox PlayStation Kindle Surface Android Windows
    Helicopter Jet Drone Steakhouse Restaurant Cafe Café Hotel Awards Award Festival Show
    Series Game Games App Store Stores Model""".split())
"""Words that make a name a product, venue or event, never a person ("Apple Watch",
"MacBook Pro", "Prime Steakhouse")."""
PLACE_PREFIXES = frozenset("Mount Mt Lake Port Fort Camp Cape Saint St".split())
_DOMAIN = re.compile(r"\.(?:com|org|net|gov|edu|co|io|info|tv|news)(?:\.\w{2})?$", re.IGNORECASE)
MONTHS = frozenset(
    "January February March April May June July August September October November "
    "December".split()
)


@dataclass(frozen=True)
class EntitySpan:
    """A mention found in one sentence: offsets are relative to the sentence."""

    text: str
    label: str
    start: int
    end: int
    title: str = ""


def find_entities(sentence: str) -> list[EntitySpan]:
    """Rule-based mentions of people, organisations and places in one sentence."""
    found = []
    for match in _SPAN.finditer(sentence):
        for start, end in _split_at_titles(sentence, match.start(), match.end()):
            for s, e in _split_person_of(sentence, start, end):
                span = _clean(sentence, s, e)
                if span is not None:
                    found.append(_person_evidence(sentence, span))
    return found


_SAYS_AFTER = regex.compile(r"^(?:,\s(?:\d{1,3},|(?:a|an|the|who|whose)\s)|\s(?:has\s|had\s|also\s)?"
                            r"(?:said|says|told|added|wrote|tweeted|stated|explained|argued)\b)")
_SAYS_BEFORE = regex.compile(r"(?:\b(?:said|says|told|according to|by)|\b\p{Ll}{3,}(?<!\bthe)(?<!\band)"
                             r"(?<!\bof)(?<!\bin)(?<!\bat)(?<!\bon)(?<!\bfor)(?<!\bto)(?<!\bfrom)"
                             r"(?<!\bwith)(?<!\bnear)(?<!\bover))\s$")


def _person_evidence(sentence: str, span: EntitySpan) -> EntitySpan:
    """A name shaped like a person's is typed PERSON only with evidence around it: a
    title, an age or appositive after it ("Ana Ruiz, 31,"; "Ana Ruiz, a spokeswoman"), a
    reporting verb next to it, or a role noun before it ("spokeswoman Ana Ruiz").
    Otherwise it stays ambiguous ("Apple Watch", "Prime Steakhouse") for the NER."""
    if span.label != "PERSON" or span.title:
        return span
    after = sentence[span.end:span.end + 30]
    before = sentence[max(0, span.start - 30):span.start]
    if _SAYS_AFTER.match(after) or _SAYS_BEFORE.search(before):
        return span
    return EntitySpan(span.text, "MISC", span.start, span.end, span.title)


def _split_person_of(sentence: str, start: int, end: int) -> list[tuple[int, int]]:
    """"Ana Ruiz of Dunmore Minerals": a person, then the organisation or place."""
    text = sentence[start:end]
    at = text.find(" of ")
    if at < 0 or not _looks_like_person(text[:at]):
        return [(start, end)]
    return [(start, start + at), (start + at + 4, end)]


_INNER_TITLE = regex.compile(rf"\s(?={TITLE_WORDS}\s+\p{{Lu}})")


def _split_at_titles(sentence: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split "Marine Corps Brigadier General William Seely" before the title."""
    leading = _TITLE.match(sentence, start)
    cuts, skip_to = [start], leading.end() if leading else start
    for match in _INNER_TITLE.finditer(sentence, start, end):
        if match.start() < skip_to:
            continue
        cuts.append(match.end())
        title = _TITLE.match(sentence, match.end())
        skip_to = title.end() if title else match.end()
    bounds = [*cuts, end + 1]
    return [(bounds[i], bounds[i + 1] - 1) for i in range(len(cuts))]


def _clean(sentence: str, start: int, end: int) -> EntitySpan | None:
    text = sentence[start:end]
    words = text.split()
    while words and _not_name_start(words[0], opens=not sentence[:start].strip(),
                                    alone=len(words) == 1 or words[1].islower()):
        start += len(words[0]) + 1
        words = words[1:]
    while words and (words[-1] in MONTHS or words[-1] in CONNECTORS):
        words = words[:-1]
    if words:
        words[-1] = POSSESSIVE.sub("", words[-1])
    text = " ".join(words)
    if not words or _is_noise(text) or _is_demonym(text):
        return None
    title_match = _TITLE.match(text)
    title = title_match.group().strip() if title_match else ""
    name = text[len(title_match.group()):] if title_match else text
    if not name or not name[0].isupper() or _TITLE.fullmatch(name + " "):
        return None
    end = start + len(" ".join(words))
    return EntitySpan(name, label_for(name, title), start + len(text) - len(name), end, title)


def _not_name_start(word: str, opens: bool, alone: bool) -> bool:
    """A leading word that is no part of a name: "The", "Among", "Across", "It's", a month,
    and an adverb or participle opening a sentence on its own ("Adding to ...")."""
    if word in STOP_STARTS or word in MONTHS or _CONTRACTION.match(word):
        return True
    low = word.lower()
    if word[1:].islower() and low in STOP_WORDS and low not in NAME_LIKE_STOP_WORDS:
        return True
    return opens and alone and bool(_OPENER.match(word)) and not is_place_name(word)


NAME_LIKE_STOP_WORDS = frozenset("will may can bill mark june april august".split())
"""Stop words that also open names ("Will Smith", "May Chen")."""
_OPENER = regex.compile(r"^\p{Lu}\p{Ll}{2,}(?:ing|ly)$")


def _is_demonym(text: str) -> bool:
    """"Syrian", "British", "Americans", "Muslims": adjectives and nouns of origin."""
    return " " not in text and text not in GPE_NAMES and (
        text in DEMONYMS or bool(_DEMONYM.match(text)))


def _is_noise(text: str) -> bool:
    if len(text) < 2 or text.endswith("."):
        return len(text) < 3 and text not in GPE_NAMES
    return False


def label_for(name: str, title: str = "") -> str:
    """PERSON, ORG or GPE from cue words, a small gazetteer and the title."""
    words = set(name.replace("’s", "").replace("'s", "").split())
    parts = name.split()
    if name in GPE_NAMES or " ".join(parts) in _GPE_PHRASES or (
        len(words) == 1 and words <= GPE_NAMES
    ):
        return "GPE"
    if _DOMAIN.search(name):
        return "ORG"
    if len(parts) > 1 and (parts[-1] in PLACE_CUES or parts[0] in PLACE_PREFIXES) and not (
            words & ORG_CUES - {"State"}):
        return "GPE"
    if words & ORG_CUES or (name.isupper() and len(name) <= 6):
        return "ORG"
    if words & PRODUCT_CUES:
        return "MISC"
    if title and title.split()[0] not in ("Secretary",):
        return "PERSON"
    if _looks_like_person(name):
        return "PERSON"
    return "ORG" if len(words) > 2 and _plain_name(parts) else "MISC"


def is_place_name(name: str) -> bool:
    """A country or region by the gazetteer or by CLDR's English territory names ("Libya",
    "South Korea"), through babel. Used as evidence against PERSON, not to type names GPE
    (GUM types national teams as organisations: typing them GPE cost 0.03 on dev)."""
    return name in GPE_NAMES or name in _territories()


@lru_cache(maxsize=1)
def _territories() -> frozenset[str]:
    """CLDR's English names of countries and regions, without the qualified ones."""
    from babel import Locale

    names = Locale("en").territories.values()
    return frozenset(n for n in names if n[:1].isupper() and not set(n) & set("(),&")
                     and n not in _NOT_PLACES)


_NOT_PLACES = frozenset({"United Nations", "European Union", "Eurozone"})


def _plain_name(parts: list[str]) -> bool:
    """No possessive and no connector beyond "of", "for", "and", "the": a run such as
    "Ebola on US" or "Islamic State's African" is two names, not one organisation."""
    return not any(p.endswith(("’s", "'s")) or (p.islower() and p not in _NAME_LINKS)
                   for p in parts)


_NAME_LINKS = frozenset("of for and the de del la du".split())


_GPE_PHRASES = frozenset(p.strip() for p in GPE_PHRASES)


@lru_cache(maxsize=65536)
def _looks_like_person(name: str) -> bool:
    parts = [re.sub(r"^(?:al|el|bin|ibn|abu|de|van|von)-", "", p) for p in name.split()
             if p not in SUFFIXES]
    if not 2 <= len(parts) <= 4:
        return False
    if any(p in PLACE_CUES or p in DEMONYMS or p in PRODUCT_CUES for p in parts):
        return False
    return all(p[0].isupper() and (p[1:].islower() or p.endswith(".") or "-" in p or "’" in p
                                    or "'" in p or _mixed_case_name(p)) for p in parts)


def _mixed_case_name(word: str) -> bool:
    """"McAllister", "DeJesus", "LeFevre": a capital inside a name word."""
    return word[:1].isupper() and any(c.islower() for c in word[1:3]) and not word.isupper()


@lru_cache(maxsize=65536)
def surname(name: str) -> str:
    """The last name word, ignoring suffixes such as "III" and a possessive (kept per name:
    resolving a story's entities asks for the same names many times)."""
    parts = [p for p in name.replace("’s", "").replace("'s", "").split() if p not in SUFFIXES]
    return parts[-1] if parts else name
