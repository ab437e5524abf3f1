"""The web app in a real Chromium: navigation, the matrix panel, compare, search, safety.

Needs Debian's chromium (``apt-get install -y chromium``); skipped when no binary exists.
Set ``CORROBORATOR_SCREENSHOTS=docs/screenshots`` to also save the README screenshots.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest_web import STORY_ID, XSS_STORY_ID, build_fixture_db, build_showcase_db  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CORROBORATOR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT_DIR = os.environ.get("CORROBORATOR_SCREENSHOTS")

if not Path(CHROMIUM).exists():
    pytest.skip(f"no chromium binary at {CHROMIUM} (apt-get install -y chromium)",
                allow_module_level=True)

playwright_sync = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(db: Path) -> Iterator[str]:
    """uvicorn serving `db` on a free port of 127.0.0.1, in a thread, until exhausted."""
    from corroborator.web import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over the test fixture (with hostile strings and 60 filler stories)."""
    yield from _serve(build_fixture_db(tmp_path_factory.mktemp("web") / "web.db", filler=60))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_sync.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Watch:
    """Console errors, page errors, dialogs and every requested host of one page."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("request", lambda r: self.hosts.add(urlsplit(r.url).hostname or r.url))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.hosts <= {"127.0.0.1"}, self.hosts


@pytest.fixture()
def page(browser) -> Iterator[tuple[object, Watch]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    yield page, watch
    watch.assert_clean()
    context.close()


def _shot(page, name: str, full_page: bool = True) -> None:
    Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=full_page)


def test_stories_to_story_to_matrix(base_url, page) -> None:
    page, _ = page
    page.goto(base_url + "/")
    assert page.locator("h1").inner_text() == "Stories"
    page.get_by_role("link", name="Harbor Bridge collapse in Riverton").click()
    page.wait_for_url(f"**/story/{STORY_ID}")
    assert page.locator(".claim-group .badge", has_text="Disputed").count() == 1
    assert "12 or 15" in page.locator(".discrepancies").inner_text()
    page.get_by_role("link", name="Coverage matrix").click()
    page.wait_for_url("**/matrix")
    page.get_by_role("button", name="Coast Radio, claim C2: disputes").click()
    panel = page.locator("#evidence-panel")
    assert "Engineers denied that they had warned about cracks." in panel.inner_text()
    assert panel.locator("[data-field=outlet]").inner_text() == "Coast Radio"


def test_matrix_cell_opens_with_keyboard(base_url, page) -> None:
    page, _ = page
    page.goto(base_url + f"/story/{STORY_ID}/matrix")
    cell = page.get_by_role("button", name="Daily Ledger, claim C3: agrees")
    cell.focus()
    page.keyboard.press("Enter")
    assert "The Red Cross opened a shelter" in page.locator("#evidence-panel").inner_text()
    assert cell.get_attribute("aria-pressed") == "true"


def test_compare_from_story_page(base_url, page) -> None:
    page, _ = page
    page.goto(base_url + f"/story/{STORY_ID}")
    page.select_option("#cmp-a", "a1")
    page.select_option("#cmp-b", "a2")
    page.get_by_role("button", name="Side by side").click()
    page.wait_for_url("**/compare?a=a1&b=a2")
    diffs = page.locator(".aligned mark.diff").all_inner_texts()
    assert {"12", "15", "Ana Souza", "Anna Souza"} <= set(diffs)
    assert page.locator(".aligned mark.quote").first.inner_text() == (
        "we will rebuild the bridge within a year")


def test_search_box(base_url, page) -> None:
    page, _ = page
    page.goto(base_url + "/")
    page.fill("#site-q", "cracks")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=cracks")
    results = page.locator(".results").first.inner_text()
    assert "Engineers deny warning about Harbor Bridge" in results


def test_hostile_article_stays_text(base_url, page) -> None:
    page, _ = page
    for path in (f"/story/{XSS_STORY_ID}", "/article/x1", f"/story/{XSS_STORY_ID}/matrix"):
        page.goto(base_url + path)
        assert page.locator("img[src=x]").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
    assert "<script>alert(1)</script>" in page.locator(".crumbs").inner_text()
    page.get_by_role("button", name="Plain Outlet, claim C1: disputes").click()
    assert "Denial <script>alert(1)</script>" in page.locator("#evidence-panel").inner_text()
    assert page.locator("img[src=x]").count() == 0


def test_phone_width_and_keyboard(base_url, browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    watch = Watch(page)
    page.goto(base_url + f"/story/{STORY_ID}/matrix")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    watch.assert_clean()
    context.close()


@pytest.mark.skipif(not SCREENSHOT_DIR, reason="set CORROBORATOR_SCREENSHOTS=dir to save them")
def test_screenshots(browser, tmp_path: Path) -> None:
    """The README screenshots, over plausible stories (run with CORROBORATOR_SCREENSHOTS)."""
    server = _serve(build_showcase_db(tmp_path / "showcase.db"))
    url = next(server)
    context = browser.new_context(viewport={"width": 1200, "height": 760})
    page = context.new_page()
    watch = Watch(page)
    page.goto(url + "/")
    _shot(page, "stories", full_page=False)
    page.goto(url + f"/story/{STORY_ID}")
    _shot(page, "story")
    page.goto(url + f"/story/{STORY_ID}/matrix")
    page.get_by_role("button", name="Coast Radio, claim C2: disputes").click()
    _shot(page, "matrix", full_page=False)
    page.goto(url + "/compare?a=a1&b=a2")
    _shot(page, "compare", full_page=False)
    page.set_viewport_size({"width": 390, "height": 760})
    page.goto(url + f"/story/{STORY_ID}/matrix")
    _shot(page, "matrix-phone", full_page=False)
    watch.assert_clean()
    context.close()
    next(server, None)


# -- the HTML report and the story page at 1280 px (issue 14) ------------------------------------

WIDE_STORY_ID = "wide000001"


def _build_wide_story(path: Path) -> Path:
    """The bridge story plus one with many outlets, long claims and many claim groups."""
    from conftest_web import claim_ids, make_article, make_extraction
    from corroborator.models import ClaimGroup, Stance, Story
    from corroborator.store import open_store

    build_fixture_db(path)
    sentence = ("The regional transport authority confirmed on Thursday that the "
                "replacement crossing will open to traffic {n} weeks later than planned. ")
    with open_store(path) as store:
        articles = [make_article(f"w{k}", f"The Very Long Name of Outlet Number {k}",
                                 f"Crossing delayed, outlet {k} reports",
                                 f"2024-07-0{k % 9 + 1}T10:00:00+02:00", None,
                                 "".join(sentence.format(n=k + i) for i in range(14)))
                    for k in range(9)]
        store.add_articles(articles)
        for article in articles:
            store.save_extraction(make_extraction(article))
        store.save_story(Story(WIDE_STORY_ID, "Crossing delayed " * 6, [a.id for a in articles]),
                         n_sources=9)
        for article in articles:
            store.assign_story(article.id, WIDE_STORY_ID, 0.9)
        groups = []
        for i in range(14):
            claim = claim_ids(store, f"w{i % 9}")[i]
            labels = ["agree", "disagree", "discuss", "unrelated"]
            stances = [Stance(a.id, f"wg{i}", labels[(i + k) % 4], 0.8, claim.text)
                       for k, a in enumerate(articles)]
            groups.append(ClaimGroup(f"wg{i}", claim.text, [claim], stances,
                                     "disputed" if i < 6 else "corroborated", 3))
        store.save_corroboration(WIDE_STORY_ID, groups, [])
    return path


def _no_overflow(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths


@pytest.fixture(scope="module")
def wide_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_wide_story(tmp_path_factory.mktemp("wide") / "wide.db")


def test_report_reads_at_1280_without_overflow(wide_db: Path, browser, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from corroborator.cli import main

    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", "--db", str(wide_db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(out.as_uri())
    _no_overflow(page)
    story = page.locator(f"#story-{WIDE_STORY_ID}")
    first_section = story.locator("h3").first.inner_text()
    assert first_section == "Key disputes"
    sides = story.locator(".dispute").first.locator(".versus .side")
    assert sides.count() >= 2
    boxes = [sides.nth(i).bounding_box() for i in range(2)]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2           # side by side, not stacked
    claim = story.locator(".dispute-claim .claim-text").first.bounding_box()
    assert claim["width"] > 600                               # full-width claim text
    story.locator("details.report-more summary").first.click()
    header = story.locator(".report-matrix thead th.claim-col").first
    assert header.evaluate("e => getComputedStyle(e).position") == "sticky"
    assert "The regional transport" in header.inner_text()
    _no_overflow(page)
    assert "1 articles" not in page.content()
    assert all(url.startswith("file:") for url in requested), requested
    if SCREENSHOT_DIR:
        _shot(page, "report", full_page=False)
    context.close()


def test_story_page_at_1280_without_overflow(wide_db: Path, browser) -> None:
    server = _serve(wide_db)
    url = next(server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    for path in (f"/story/{WIDE_STORY_ID}", f"/story/{STORY_ID}",
                 f"/story/{WIDE_STORY_ID}/matrix"):
        page.goto(url + path)
        _no_overflow(page)
    page.goto(url + f"/story/{STORY_ID}")
    assert page.locator("#h-disputes").is_visible()
    dispute = page.locator(".dispute").first.inner_text()
    assert "Engineers had warned about cracks in 2019." in dispute
    assert "Engineers denied that they had warned about cracks." in dispute
    assert page.locator(".coverage-bar rect").count() == 3
    watch.assert_clean()
    context.close()
    next(server, None)
