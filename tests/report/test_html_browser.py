"""The HTML report in a real headless Chromium: it loads, sorts, filters, shows evidence, and looks right
(a screenshot is taken and checked for size). Skips, with the reason, when Chromium or Playwright is missing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from samples import sample_report

from citecheck.report import render

CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium") or "")
                 if p and Path(p).exists()), None)
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture
def page(tmp_path):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extra")
    html_file = tmp_path / "report.html"
    html_file.write_text(render(sample_report(), "html"), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        except Exception as exc:
            pytest.skip(f"Chromium at {CHROMIUM} could not start: {str(exc).splitlines()[0]}")
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        pg.goto(html_file.as_uri())
        yield pg
        browser.close()


def test_html_report_in_chromium(page, tmp_path):
    rows = page.locator("#refs tbody tr")
    assert rows.count() == 5
    assert page.locator("#attention-count").inner_text() == "3"
    # filter: only references needing attention
    page.check("#only")
    assert page.locator("#refs tbody tr:not([hidden])").count() == 3
    page.uncheck("#only")
    # filter by state: the identifier's too
    page.select_option("#state", "mismatch")
    assert page.locator("#refs tbody tr:not([hidden])").count() == 1
    page.select_option("#state", "")
    page.fill("#q", "example.kz")
    assert page.locator("#refs tbody tr:not([hidden])").count() == 1
    page.fill("#q", "")
    # sort by the Snapshot column, descending
    header = page.locator("#refs thead th").nth(3)
    header.click()
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    first_state = page.locator("#refs tbody tr").first.get_attribute("data-archive")
    assert first_state == "uncited_none"
    # evidence on demand, colours per state
    page.locator("#refs tbody tr details summary").first.click()
    assert page.locator("#refs tbody tr details[open] pre").first.is_visible()
    bad = page.locator("span.state.bad").first.evaluate("e => getComputedStyle(e).backgroundColor")
    ok = page.locator("span.state.ok").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert bad != ok
    # the suggested fix has a copy button with the URL to paste
    copy = page.locator("tr[data-archive=captured_error] button.copy").first
    assert copy.get_attribute("data-copy").startswith("https://web.archive.org/web/20230801000000/")
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
