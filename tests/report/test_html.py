"""The HTML report as text: one self-contained file, links only to web pages, the overview chart inline."""
from __future__ import annotations

import dataclasses
import re

from samples import sample_report

from citecheck.report import render


def test_self_contained_with_an_inline_chart():
    page = render(sample_report(), "html")
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", page)  # nothing loaded from elsewhere
    assert page.count('<svg class="chart"') == 2 and "<script>" in page


def test_only_web_addresses_become_links_and_text_stays_text():
    report = sample_report()
    r = report.results[2]
    ref = dataclasses.replace(r.reference, title="<script>alert(1)</script>", urls=("javascript:alert(1)",))
    page = render(dataclasses.replace(report, results=(dataclasses.replace(r, reference=ref),)), "html")
    assert 'href="javascript' not in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_offline_and_skipped_inputs_are_said_at_the_top():
    report = dataclasses.replace(sample_report(), offline=True, notes=("skipped README.md: no references found",))
    page = render(report, "html")
    head = page.split('<figure id="overview"')[0]
    assert "Offline (--offline): no request was made" in head and "skipped README.md" in head
