"""Golden reports: each output format of one sample report, byte for byte (UPDATE_GOLDEN=1 rewrites them)."""
from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from samples import sample_report

from citecheck.report import format_names, render, render_pieces

GOLDEN = Path(__file__).parent.parent / "golden"


@pytest.mark.parametrize("name", sorted(format_names()))
def test_golden(name):
    text = render(sample_report(), name, color=False, width=120)
    path = GOLDEN / f"report.{name}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1 once and review it"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(format_names()))
def test_a_report_written_in_pieces_is_the_same_text(name):
    report = sample_report()
    assert "".join(render_pieces(report, name)) == render(report, name)


def test_json_is_written_one_reference_at_a_time():
    report = sample_report()
    pieces = list(render_pieces(report, "json"))
    assert len(pieces) == len(report.results) + 2  # the head, each reference, the end
    assert all(p.lstrip(",").lstrip("\n").startswith("    {") for p in pieces[1:-1])
    empty = dataclasses.replace(report, results=())
    assert json.loads("".join(render_pieces(empty, "json")))["references"] == []
