"""Golden reports: each output format of one sample report, byte for byte (UPDATE_GOLDEN=1 rewrites them)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from samples import sample_report

from citecheck.report import format_names, render

GOLDEN = Path(__file__).parent.parent / "golden"


@pytest.mark.parametrize("name", sorted(format_names()))
def test_golden(name):
    text = render(sample_report(), name, color=False, width=120)
    path = GOLDEN / f"report.{name}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1 once and review it"
    assert text == path.read_text(encoding="utf-8")
