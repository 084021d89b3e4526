"""Golden reports: each output format of one sample report, byte for byte (UPDATE_GOLDEN=1 rewrites them)."""
from __future__ import annotations

import dataclasses
import enum
import json
import os
from pathlib import Path

import pytest
from samples import sample_report

from citecheck.report import format_names, json_, render, render_pieces

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


class _Colour(enum.Enum):
    RED = "red"


class _Word(str, enum.Enum):
    YES = "yes"


class _Number(enum.IntEnum):
    ONE = 1


INDENTED = [
    {}, [], "", 0, -1, 2**70, 0.1, 1e300, -0.0, float("nan"), float("inf"), float("-inf"), True, False, None,
    {"a": {}, "b": [], "c": [{}], "d": [[], [1, [2, {"e": None}]]]},
    ("tuple", 1), "quote \" backslash \\ newline \n tab \t escape \x1b bell \x07 del \x7f",
    "Қазақ ақпараттық 中文 עברית \u202e \u2028 \ud83d\ude00 😀",
    {1: "int key", 2.5: "float key", False: "bool key", None: "null key", "": "empty key"},
    {"word": _Word.YES, "number": _Number.ONE},
]


@pytest.mark.parametrize("value", INDENTED, ids=range(len(INDENTED)))
def test_indented_writes_what_json_dumps_writes(value):
    expected = json.dumps(value, ensure_ascii=False, indent=2)
    assert json_.indented(value) == expected
    assert json_.indented(value, "\n    ") == expected.replace("\n", "\n    ")


def test_indented_refuses_what_json_refuses():
    for value in ({"a": _Colour.RED}, {("a", "b"): 1}, {"a": object()}):
        with pytest.raises(TypeError):
            json.dumps(value)
        with pytest.raises(TypeError):
            json_.indented(value)
