"""The HTML report in a real headless Chromium: links to originals, snapshots and fixes, the overview chart,
filters and sorting, the evidence timeline, and a layout that fits 800 px and a phone (a screenshot is taken and
checked for size). Skips, with the reason, when Chromium or Playwright is missing.

Chromium is the slowest thing the suite runs (three seconds, mostly its own start), so the scenarios run in the
background (background.py) beside the other tests; each test waits for its scenario and re-raises what it raised."""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from background import Background
from samples import sample_report

from citecheck.report import render

CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium") or "")
                 if p and Path(p).exists()), None)
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def wide_report(page, folder: Path) -> None:
    refs = page.locator("#refs tbody")
    assert refs.count() == 5
    assert page.locator("#attention-count").inner_text() == "3"
    # the originals, the cited snapshots, the DOIs and the fixes are links
    second = refs.nth(1)
    assert second.locator("a.original").get_attribute("href") == "https://www.example.kz/blog/?p=3304"
    assert second.locator("a.snapshot").get_attribute("href") == \
        "https://web.archive.org/web/20230919071058/https://www.example.kz/blog/?p=3304"
    assert second.locator(".fix a").get_attribute("href").startswith("https://web.archive.org/web/20230801000000/")
    assert refs.nth(4).locator(".doi a").get_attribute("href") == "https://doi.org/10.1080/99999999.2021.1"
    assert page.locator("a[href]").count() >= 8
    # the overview chart: a bar for the originals, the snapshots and the DOIs, a segment per state; the counts
    # add up to the references (to those with a DOI for the last)
    bars = page.locator("#overview svg.chart")
    assert bars.count() == 3
    for i, total in enumerate((5, 5, 2)):
        counts = bars.nth(i).locator("rect").evaluate_all("rs => rs.map(r => +r.dataset.count)")
        widths = bars.nth(i).locator("rect").evaluate_all("rs => rs.map(r => r.getBoundingClientRect().width)")
        assert sum(counts) == total and all(w > 0 for w in widths)
    # clicking a state of the chart filters the table to it
    page.locator('#overview rect[data-state="captured_error"]').click()
    assert page.locator("#refs tbody:not([hidden])").count() == 1
    page.select_option("#state", "")
    page.check("#only")
    assert page.locator("#refs tbody:not([hidden])").count() == 3
    page.uncheck("#only")
    # filter by state: the identifier's too
    page.select_option("#state", "mismatch")
    assert page.locator("#refs tbody:not([hidden])").count() == 1
    page.select_option("#state", "")
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
    # the suggested fix has a copy button with the URL to paste
    copy = page.locator('#refs tbody[data-archive="captured_error"] button.copy').first
    assert copy.get_attribute("data-copy").startswith("https://web.archive.org/web/20230801000000/")
    shot = folder / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000



def narrow_screens(page, folder: Path) -> None:
    for width in (800, 390):  # a small window, a phone
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        card = page.locator("#refs tbody").nth(1)
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert card.locator("a.snapshot").is_visible()


#: each scenario and the width it opens the report at
SCENARIOS: dict[str, tuple[Callable[..., None], int]] = {"wide": (wide_report, 1400), "narrow": (narrow_screens, 800)}


def run_scenarios() -> dict[str, BaseException | None]:
    """Every scenario in one Chromium and one tab, loaded afresh for each (a new tab costs a quarter second); what
    each raised (an assertion, a skip), or None. (Playwright's objects belong to the thread that made them.)"""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extra")
    outcomes: dict[str, BaseException | None] = {}
    with tempfile.TemporaryDirectory(prefix="citecheck-html-") as tmp:
        folder = Path(tmp)
        html_file = folder / "report.html"
        html_file.write_text(render(sample_report(), "html"), encoding="utf-8")
        with sync_api.sync_playwright() as p:
            try:
                chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            except Exception as exc:
                pytest.skip(f"Chromium at {CHROMIUM} could not start: {str(exc).splitlines()[0]}")
            page = chromium.new_page()
            for name, (scenario, width) in SCENARIOS.items():
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(html_file.as_uri())
                try:
                    scenario(page, folder)
                    outcomes[name] = None
                except BaseException as exc:
                    outcomes[name] = exc
            chromium.close()
    return outcomes


IN_CHROMIUM = Background(run_scenarios)


def outcome(name: str) -> None:
    raised = IN_CHROMIUM.result()[name]
    if raised is not None:
        raise raised


def test_html_report_in_chromium():
    outcome("wide")


def test_html_report_fits_narrow_screens():
    outcome("narrow")
