"""End to end in headless Chromium (Debian's package, driven by Playwright): the board, search, a
claim page with its plots, an article with its highlights, and hostile text that must stay inert.
Screenshots are saved under tests/artifacts/ (or $CLAIMLEDGER_ARTIFACTS)."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from claimledger.ingest.batch import ingest_paths
from claimledger.interfaces.web.app import create_app
from claimledger.store.ledger import Ledger
from conftest import live_server

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("CLAIMLEDGER_ARTIFACTS", ROOT / "tests" / "artifacts"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HOSTILE = ("Officials <script>alert('title')</script> deny it\n\ndate 2024-10-20 KYIV: Ivan Petrenko"
           "<img src=x onerror=alert('speaker')>, a spokesman, said on Sunday that the convoy "
           "<script>alert('text')</script> had crossed the border.")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    (folder / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    db = folder / "ledger.db"
    with Ledger(db) as ledger:
        ingest_paths([ROOT / "examples" / "corpus", folder / "hostile.txt"], ledger)
    with live_server(create_app(db, token="t")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    opened = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems = []
    opened.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    opened.on("request", lambda request: problems.append(f"external request {request.url}")
              if not request.url.startswith(("http://127.0.0.1", "data:")) else None)
    yield opened
    opened.close()
    assert problems == []  # no script error, CSP violation, alert() or request leaving the machine


def test_story_board_and_story_page(page, server):
    page.goto(server + "/")
    assert page.locator("#stories tbody tr a.story-link").count() >= 2
    assert "independent sources / statements" in page.locator("p.explain").inner_text()
    page.screenshot(path=str(ARTIFACTS / "stories.png"), full_page=True)
    page.locator("#stories tbody tr a.story-link").first.click()
    page.wait_for_selector("#timeline .main-svg")
    page.wait_for_selector("#chains .main-svg")
    assert page.locator(".side-support li, .side-deny li").count() >= 2
    assert page.locator("#story-claims a.claim-link").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "story.png"), full_page=True)


def test_board_search_claim_and_article(page, server):
    page.goto(server + "/claims")
    rows = page.locator("#claims tbody tr")
    assert rows.count() > 5
    page.screenshot(path=str(ARTIFACTS / "board.png"), full_page=True)

    page.fill("form.filters input[name=q]", "troops")
    page.click("form.filters button")
    page.wait_for_url("**/claims?**q=troops**")
    assert 0 < page.locator("#claims tbody tr a.claim-link").count() < rows.count() or "troops" in page.url
    page.locator("#claims tbody tr a.claim-link").first.click()
    page.wait_for_selector("#timeline .main-svg")
    page.wait_for_selector("#chains .main-svg")
    assert page.locator("#chains .scatterlayer .trace").count() >= 2
    assert page.locator(".side-support li, .side-deny li").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "claim.png"), full_page=True)

    page.locator("table.articles a").first.click()
    page.wait_for_selector("#article-text")
    speaker = page.locator("#article-text .hl-speaker").first
    assert "speaker #" in speaker.get_attribute("title")
    assert page.locator("#article-text .hl-content").count() >= 1
    assert page.locator("#article-text .hl-date, #article-text .hl-quantity").count() >= 1
    speaker.hover()
    assert page.locator("#article-text .hl.active").count() >= 2  # speaker, cue and content light up together
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)


def test_hostile_text_is_shown_not_run(page, server):
    page.goto(server + "/articles?q=convoy")
    page.locator("#articles a").first.click()
    page.wait_for_selector("#article-text")
    assert "<script>alert('text')</script>" in page.inner_text("#article-text")
    assert page.locator("#article-text script, #article-text img").count() == 0
    assert "<script>" in page.inner_text("#article-title")
    page.screenshot(path=str(ARTIFACTS / "hostile.png"), full_page=True)
