"""The desk pages in a real Chromium at 1280 and 390 px: filters that live in the URL,
the one-article toggle, outlet pages and alerts, no sideways scrolling on a phone.

Set ``CORROBORATOR_SCREENSHOTS=dir`` to also save screenshots of each page and width.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest_web import (  # noqa: E402
    STORY_ID,
    build_bridge_story,
    build_filler_stories,
    build_showcase_stories,
    build_xss_story,
)
from corroborator.store import open_store  # noqa: E402
from test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOT_DIR, Watch, _serve  # noqa: E402

pytestmark = pytest.mark.browser
WIDTHS = (1280, 390)
PAGES = ("/", "/?singles=1&sort=disputed", f"/story/{STORY_ID}", "/outlets",
         "/outlets/Evening%20Post", "/alerts")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("desk") / "desk.db"
    with open_store(path) as store:
        store.conn.execute("PRAGMA synchronous=OFF")
        build_bridge_story(store)
        build_xss_story(store)
        build_showcase_stories(store)
        build_filler_stories(store, 12)
        store.conn.execute(
            "INSERT INTO watch_alerts (key, kind, created_at, story_id, title, detail) "
            "VALUES (?,?,?,?,?,?)",
            ("disputed:x", "disputed", "2024-05-02T09:05:00+00:00", STORY_ID,
             "Disputed: Engineers had warned about cracks.", json.dumps({
                 "claim": "Engineers had warned about cracks.",
                 "claimed_by": [{"outlet": "Evening Post", "article_id": "a2",
                                 "sentence": "Engineers had warned about cracks in 2019."}],
                 "disputed_by": [{"outlet": "Coast Radio", "article_id": "a3",
                                  "sentence": "Engineers denied that they had warned."}]})))
        store.conn.commit()
    yield from _serve(path)


@pytest.mark.parametrize("width", WIDTHS)
def test_filters_live_in_the_url(base_url, browser, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    page.goto(base_url + "/")
    assert "12 one-article stories hidden" in page.locator(".count").inner_text()
    page.select_option("#story-outlet", "Coast Radio")
    page.check("#story-disputed")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/?*outlet=Coast+Radio*")
    query = parse_qs(urlsplit(page.url).query)
    assert query["outlet"] == ["Coast Radio"] and query["disputed"] == ["1"]
    titles = page.locator(".story-title").all_inner_texts()
    assert "Harbor Bridge collapse in Riverton" in titles
    harbor = page.locator(".story-list > li", has_text="Harbor Bridge collapse in Riverton")
    assert "Engineers had warned about cracks." in harbor.locator(".top-dispute").inner_text()
    assert "=&" not in page.url  # empty fields are left out of the URL
    page.reload()  # the filters come back from the URL alone
    assert page.locator("#story-outlet").input_value() == "Coast Radio"
    assert page.locator("#story-disputed").is_checked()
    page.goto(base_url + "/")
    page.get_by_role("link", name="Show them").click()
    page.wait_for_url("**/?singles=1")
    assert page.locator(".story-list > li").count() == 19  # 7 stories + 12 of one article
    watch.assert_clean()
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_desk_pages_fit_and_link(base_url, browser, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    for path in PAGES:
        page.goto(base_url + path)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert scroll <= inner, (path, width)
        if SCREENSHOT_DIR:
            Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
            name = path.strip("/").replace("/", "-").replace("?", "-").replace("%20", "_")
            page.screenshot(path=f"{SCREENSHOT_DIR}/desk-{name or 'stories'}-{width}.png",
                            full_page=True)
    page.goto(base_url + f"/story/{STORY_ID}")
    page.locator(".outlets").get_by_role("link", name="Coast Radio").click()
    page.wait_for_url("**/outlets/Coast%20Radio")
    assert page.locator("h1").inner_text() == "Coast Radio"
    page.get_by_role("link", name="Alerts", exact=True).click()
    assert "Engineers denied that they had warned." in page.locator(".alert-list").inner_text()
    watch.assert_clean()
    context.close()
