"""The HTML report in a real headless Chromium: links to originals, snapshots and fixes, the overview chart,
filters and sorting, the evidence timeline, and a layout that fits 800 px and a phone (screenshots are taken and
checked for size). Skips, with the reason, when Chromium or Playwright is missing."""
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


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Opens the sample report at a given width; one Chromium for the module (it is the slow part)."""
    tmp_path = tmp_path_factory.mktemp("html")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extra")
    html_file = tmp_path / "report.html"
    html_file.write_text(render(sample_report(), "html"), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        except Exception as exc:
            pytest.skip(f"Chromium at {CHROMIUM} could not start: {str(exc).splitlines()[0]}")

        def open_page(width: int):
            pg = chromium.new_page(viewport={"width": width, "height": 900})
            pg.goto(html_file.as_uri())
            return pg

        yield open_page
        chromium.close()


def test_html_report_in_chromium(browser, tmp_path):
    page = browser(1400)
    refs = page.locator("#refs tbody")
    assert refs.count() == 4
    assert page.locator("#attention-count").inner_text() == "2"
    # the originals, the cited snapshots and the fixes are links
    second = refs.nth(1)
    assert second.locator("a.original").get_attribute("href") == "https://www.example.kz/blog/?p=3304"
    assert second.locator("a.snapshot").get_attribute("href") == \
        "https://web.archive.org/web/20230919071058/https://www.example.kz/blog/?p=3304"
    assert second.locator(".fix a").get_attribute("href").startswith("https://web.archive.org/web/20230801000000/")
    assert page.locator("a[href]").count() >= 7
    # the overview chart: one bar per side, a segment per state, the counts add up to the references
    bars = page.locator("#overview svg.chart")
    assert bars.count() == 2
    for i in range(2):
        counts = bars.nth(i).locator("rect").evaluate_all("rs => rs.map(r => +r.dataset.count)")
        widths = bars.nth(i).locator("rect").evaluate_all("rs => rs.map(r => r.getBoundingClientRect().width)")
        assert sum(counts) == 4 and all(w > 0 for w in widths)
    # clicking a state of the chart filters the table to it
    page.locator('#overview rect[data-state="captured_error"]').click()
    assert page.locator("#refs tbody:not([hidden])").count() == 1
    page.select_option("#state", "")
    page.check("#only")
    assert page.locator("#refs tbody:not([hidden])").count() == 2
    page.uncheck("#only")
    page.fill("#q", "example.kz")
    assert page.locator("#refs tbody:not([hidden])").count() == 1
    page.fill("#q", "")
    # sort by the Snapshot column, descending
    header = page.locator("#refs thead th").nth(3)
    header.click()
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert page.locator("#refs tbody").first.get_attribute("data-archive") == "uncited_none"
    # the evidence, on demand: the titles side by side and the requests as a timeline
    ref2 = page.locator('#refs tbody[data-archive="captured_error"]')
    assert not ref2.locator("tr.evidence").is_visible()
    ref2.locator("button.ev").click()
    assert ref2.locator(".titles div").count() == 3 and ref2.locator(".titles .differs").inner_text().endswith("Not Found")
    steps = ref2.locator("ol.timeline li").all_inner_texts()
    assert steps[0].startswith("original: GET 200") and steps[1].startswith("snapshot: GET 404")
    assert page.locator(".badge.cache").count() == 2  # the first reference came from the cache
    bad = page.locator("span.state.bad").first.evaluate("e => getComputedStyle(e).backgroundColor")
    ok = page.locator("span.state.ok").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert bad != ok
    copy = page.locator("button.copy").first
    assert copy.get_attribute("data-copy").startswith("https://web.archive.org/web/20230801000000/")
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_html_report_fits_narrow_screens(browser):
    page = browser(800)
    for width in (800, 390):  # a small window, a phone
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        card = page.locator("#refs tbody").nth(1)
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert card.locator("a.snapshot").is_visible()
