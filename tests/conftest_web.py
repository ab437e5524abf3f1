"""Fixture databases for the web and view tests, written through the Store's public API.

Not a conftest: test modules import it (``from conftest_web import ...``).
"""

from __future__ import annotations

import re
from pathlib import Path

from corroborator.models import (
    Article,
    Attribution,
    Claim,
    ClaimGroup,
    Discrepancy,
    Entity,
    Extraction,
    Quote,
    Sentence,
    Signal,
    Stance,
    Story,
)
from corroborator.store import open_store

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_URL = "javascript:alert(1)"
STORY_ID = "bridge0001"
XSS_STORY_ID = "xss0000001"
SENTENCE = re.compile(r"[^.!?]+[.!?]")
QUOTE = re.compile(r"\"([^\"]+)\"")
NAMES = {
    "Ana Souza": ("PERSON", "Ana Souza"), "Anna Souza": ("PERSON", "Ana Souza"),
    "Riverton": ("GPE", "Riverton"), "Harbor Bridge": ("FAC", "Harbor Bridge"),
    "Red Cross": ("ORG", "Red Cross"),
}

BRIDGE_ARTICLES = [
    ("a1", "Daily Ledger", "Harbor Bridge collapses in Riverton, 12 dead",
     "2024-05-01T08:00:00", "https://ledger.example/bridge",
     'The Harbor Bridge in Riverton collapsed on Tuesday morning. At least 12 people died, '
     'officials said.\n\nMayor Ana Souza said "we will rebuild the bridge within a year". '
     'The Red Cross opened a shelter near the river.'),
    ("a2", "Evening Post", "Riverton bridge falls; 15 killed",
     "2024-05-01T10:30:00", "https://post.example/riverton",
     'The Harbor Bridge in Riverton collapsed on Tuesday. At least 15 people died, '
     'police said.\n\nMayor Anna Souza said "we will rebuild the bridge within a year". '
     'Engineers had warned about cracks in 2019.'),
    ("a3", "Coast Radio", "Engineers deny warning about Harbor Bridge",
     "2024-05-02T09:00:00", "http://radio.example/bridge",
     'Engineers denied that they had warned about cracks in the Harbor Bridge. '
     'The bridge collapsed on Tuesday in Riverton.'),
    ("a4", "Evening Post", "Riverton mourns after bridge collapse",
     "2024-05-02T18:00:00", None,
     'Riverton held a vigil for the victims. The Harbor Bridge collapsed on Tuesday.'),
]

XSS_TEXT = (f'Breaking {XSS_SCRIPT} news. The minister said "{XSS_IMG} is fine". '
            f'Officials said {XSS_SCRIPT} was reported.')


def make_article(key: str, outlet: str, title: str, published: str | None, url: str | None,
                 text: str) -> Article:
    """An Article whose id is a readable key (stable in tests)."""
    return Article(text=text, title=title, url=url, outlet=outlet, published=published,
                   date_reliable=True, language="en", id=key)


def make_extraction(article: Article, claim_every: int = 1) -> Extraction:
    """Sentences, named entities, quotes and claims found by simple patterns."""
    ext = Extraction(article_id=article.id, version="test")
    for index, match in enumerate(SENTENCE.finditer(article.text)):
        text = match.group().strip()
        start = article.text.index(text, match.start())
        ext.sentences.append(Sentence(article.id, index, text, start, start + len(text),
                                      type="claim"))
        for name, (label, canonical) in NAMES.items():
            if re.search(rf"\b{name}\b", text):
                ext.entities.append(Entity(article.id, name, label, index, canonical=canonical))
        for quoted in QUOTE.findall(text):
            ext.quotes.append(Quote(article.id, quoted, "Ana Souza", True, index))
        if index % claim_every == 0:
            attribution = Attribution("named", "officials") if "said" in text else Attribution()
            ext.claims.append(Claim(article.id, index, text, 0.8, attribution))
    return ext


def make_signals(article: Article) -> list[Signal]:
    """Two signals per article, each with an evidence span from its text."""
    first = article.text.split(".")[0]
    return [
        Signal(article.id, "hedging", 0.25, [first], "Share of hedged sentences"),
        Signal(article.id, "headline_body_gap", False, [article.title], "Headline vs body"),
    ]


def claim_ids(store, article_id: str) -> list[Claim]:
    """The claims stored for one article."""
    return store.load_extraction(article_id).claims


def build_bridge_story(store) -> None:
    """A four-article story with corroborated, disputed and single-source claims."""
    articles = [make_article(*row) for row in BRIDGE_ARTICLES]
    store.add_articles(articles)
    for article in articles:
        store.save_extraction(make_extraction(article), make_signals(article))
    story = Story(STORY_ID, "Harbor Bridge collapse in Riverton", [a.id for a in articles],
                  ["Harbor Bridge", "Riverton", "Ana Souza"], articles[0].published,
                  articles[-1].published)
    store.save_story(story, n_sources=3)
    for article in articles:
        store.assign_story(article.id, STORY_ID, 0.9)
    store.save_duplicate("a4", "a2", "near", 0.91)
    claims = {a.id: claim_ids(store, a.id) for a in articles}
    groups = [
        ClaimGroup("g-collapse", "The Harbor Bridge collapsed on Tuesday.",
                   [claims["a1"][0], claims["a2"][0], claims["a3"][1]],
                   [Stance("a1", "g-collapse", "agree", 0.95, claims["a1"][0].text),
                    Stance("a2", "g-collapse", "agree", 0.9, claims["a2"][0].text),
                    Stance("a3", "g-collapse", "agree", 0.8, claims["a3"][1].text),
                    Stance("a4", "g-collapse", "discuss", 0.6, "Riverton held a vigil.")],
                   "corroborated", 3),
        ClaimGroup("g-warned", "Engineers had warned about cracks.",
                   [claims["a2"][3]],
                   [Stance("a2", "g-warned", "agree", 0.9, claims["a2"][3].text),
                    Stance("a3", "g-warned", "disagree", 0.85,
                           "Engineers denied that they had warned about cracks.")],
                   "disputed", 2),
        ClaimGroup("g-shelter", "The Red Cross opened a shelter.", [claims["a1"][3]],
                   [Stance("a1", "g-shelter", "agree", 0.9, claims["a1"][3].text)],
                   "single-source", 1),
    ]
    discrepancies = [Discrepancy(
        "number", "The death toll differs: 12 or 15.", ["12", "15"], ["a1", "a2"],
        {"a1": "At least 12 people died, officials said.",
         "a2": "At least 15 people died, police said."})]
    store.save_corroboration(STORY_ID, groups, discrepancies, model="test")


def build_xss_story(store) -> None:
    """A story whose article carries script, an onerror image and a javascript: URL."""
    bad = make_article("x1", f"Outlet {XSS_IMG}", f"Title {XSS_SCRIPT}", "2024-06-01T00:00:00",
                       XSS_URL, XSS_TEXT)
    other = make_article("x2", "Plain Outlet", "Plain title", "2024-06-01T01:00:00",
                         "https://plain.example/", "The minister said nothing new today.")
    store.add_articles([bad, other])
    ext = make_extraction(bad)
    ext.entities.append(Entity("x1", XSS_SCRIPT, "ORG", 0, canonical=XSS_SCRIPT))
    ext.quotes.append(Quote("x1", f"{XSS_IMG} is fine", XSS_SCRIPT, True, 1))
    store.save_extraction(ext, [Signal("x1", "loaded_words", XSS_SCRIPT, [XSS_IMG], XSS_SCRIPT)])
    store.save_extraction(make_extraction(other))
    store.save_story(Story(XSS_STORY_ID, f"Story {XSS_SCRIPT}", ["x1", "x2"], [XSS_SCRIPT],
                           bad.published, other.published))
    store.assign_story("x1", XSS_STORY_ID, 1.0)
    store.assign_story("x2", XSS_STORY_ID, 1.0)
    claim = claim_ids(store, "x1")[0]
    group = ClaimGroup("g-xss", f"Claim {XSS_SCRIPT}", [claim],
                       [Stance("x1", "g-xss", "agree", 0.9, f"Evidence {XSS_IMG}"),
                        Stance("x2", "g-xss", "disagree", 0.7, f"Denial {XSS_SCRIPT}")],
                       "disputed", 2)
    store.save_corroboration(XSS_STORY_ID, [group], [Discrepancy(
        "claim", f"Conflict {XSS_SCRIPT}", [XSS_IMG], ["x1", "x2"], {"x1": XSS_SCRIPT})])


def build_filler_stories(store, count: int) -> None:
    """`count` one-article stories, written in one transaction each batch for speed."""
    articles = [make_article(f"f{i:05d}", f"Outlet {i % 7}", f"Filler story number {i}",
                             f"2023-01-01T00:{i % 60:02d}:00", None, f"Filler body {i}.")
                for i in range(count)]
    store.add_articles(articles)
    for i, article in enumerate(articles):
        store.save_story(Story(f"s{i:05d}", article.title, [article.id], [],
                               article.published, article.published))


SHOWCASE = [
    ("Council approves Port Avery flood wall after six-hour session", "2024-05-03T21:10:00",
     ["Port Avery Star", "Coast Radio", "Daily Ledger"], ["corroborated", "disputed"]),
    ("Kestrel Airlines grounds fleet after software fault", "2024-05-03T17:45:00",
     ["Evening Post", "Wire Service", "Daily Ledger", "Metro Times", "Coast Radio"],
     ["corroborated", "corroborated", "disputed", "single-source"]),
    ("Regional election recount confirms 212-vote margin", "2024-05-02T23:05:00",
     ["Metro Times", "Evening Post"], ["corroborated", "disputed", "disputed"]),
    ("Tamsin river crests below record, evacuations lifted", "2024-04-30T08:30:00",
     ["Coast Radio", "Port Avery Star", "Wire Service"], ["corroborated", "single-source"]),
    ("Hospital strike ends with 4 percent pay deal", "2024-04-29T19:00:00",
     ["Daily Ledger", "Metro Times"], ["corroborated"]),
]


def build_showcase_stories(store) -> None:
    """A few plausible stories, for screenshots of the stories list."""
    for n, (title, when, outlets, statuses) in enumerate(SHOWCASE):
        articles = [make_article(f"sc{n}{k}", outlet, f"{title} ({outlet})", when, None,
                                 f"{title}. Officials said more details would follow. "
                                 f"{outlet} reported the figures on {when[:10]}.")
                    for k, outlet in enumerate(outlets)]
        store.add_articles(articles)
        for article in articles:
            store.save_extraction(make_extraction(article))
        story_id = f"show{n:04d}"
        store.save_story(Story(story_id, title, [a.id for a in articles], [],
                               when[:10] + "T06:00:00", when))
        for article in articles:
            store.assign_story(article.id, story_id, 0.9)
        claims = claim_ids(store, articles[0].id)
        groups = [ClaimGroup(f"{story_id}-g{i}", f"Claim {i} of {title}", [claims[0]], [],
                             status, 1) for i, status in enumerate(statuses)]
        store.save_corroboration(story_id, groups, [])


def build_showcase_db(path: Path) -> Path:
    """The bridge story among a few plausible ones (no hostile strings), for screenshots."""
    with open_store(path) as store:
        store.conn.execute("PRAGMA synchronous=OFF")
        build_bridge_story(store)
        build_showcase_stories(store)
    return path


def build_fixture_db(path: Path, filler: int = 0) -> Path:
    """Write the bridge story, the XSS story and `filler` small stories to `path`."""
    with open_store(path) as store:
        store.conn.execute("PRAGMA synchronous=OFF")  # test data: skip fsync per transaction
        build_bridge_story(store)
        build_xss_story(store)
        if filler:
            build_filler_stories(store, filler)
    return path
