"""The JSON report's own indented writer says exactly what ``json.dumps(indent=2, ensure_ascii=False)`` says."""
from __future__ import annotations

import json
from enum import Enum, IntEnum

import pytest
from samples import sample_report

from citecheck.report.json_ import indented, result_dict


class Colour(str, Enum):
    RED = "red"


class Level(IntEnum):
    HIGH = 3


VALUES = [
    {}, [], "", 0, -1, 10**30, 1.5, 1e-7, 1e300, float("inf"), float("-inf"), float("nan"), True, False, None,
    "Қазақ тілі «дәйексөз» — \u2028 \u0000 \x1b[31m \"q\" \\ \t\n\r /", "\ud800",
    {"a": {}, "b": [], "c": [[], {}, [1, [2, {"d": None}]]], "e": {"f": {"g": "h"}}},
    {7: "int key", 2.5: "float key", True: "bool key", None: "none key", "s": Colour.RED, "l": Level.HIGH},
    [Colour.RED, Level.HIGH, (1, 2), ("tuple",)],
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_same_text_as_the_standard_library(value):
    assert indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_every_sample_result_and_a_deeper_start():
    for r in sample_report().results:
        d = result_dict(r)
        assert indented(d) == json.dumps(d, ensure_ascii=False, indent=2)
        assert indented(d, "\n    ") == json.dumps(d, ensure_ascii=False, indent=2).replace("\n", "\n    ")


def test_what_json_cannot_hold_is_refused_as_the_standard_library_does():
    for bad in ({"k": object()}, {("tuple", "key"): 1}):
        with pytest.raises(TypeError):
            json.dumps(bad)
        with pytest.raises(TypeError):
            indented(bad)
