"""SARIF validates against the OASIS schema (vendored in tests/data); GitHub annotations are well formed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from samples import sample_report

from citecheck.report import render

SCHEMA = Path(__file__).parent.parent / "data" / "sarif-2.1.0-rtm.5.json"


def test_sarif_validates_against_the_schema():
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the [test] extra")
    doc = json.loads(render(sample_report(), "sarif"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(doc)
    results = doc["runs"][0]["results"]
    assert len(results) == len(sample_report().needing_attention)
    first = results[0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"] == "refs.txt" and first["region"]["startLine"] == 5


def test_sarif_rejects_what_the_schema_forbids():
    jsonschema = pytest.importorskip("jsonschema")
    doc = json.loads(render(sample_report(), "sarif"))
    doc["runs"][0]["results"][0]["level"] = "catastrophic"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(doc)


def test_github_annotations():
    lines = render(sample_report(), "github").splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == 3
    assert annotations[0].startswith("::error file=refs.txt,line=5,title=citecheck [2]%3A archive/captured_error::")
    assert "\n" not in annotations[0]
    assert annotations[2].startswith("::error file=refs.txt,line=11,title=citecheck [5]%3A identifier/mismatch::")
    assert lines[-1] == "citecheck: 5 references, 3 need attention"


@pytest.mark.parametrize("level", ["broken", "attention", "never"])
def test_junit_fails_what_the_run_fails(level):
    import dataclasses
    import xml.etree.ElementTree as ET

    from citecheck.vocab import FailOn

    from citecheck.model import CrossCheck

    report = dataclasses.replace(sample_report(), settings={"fail_on": level})
    suites = ET.fromstring(render(report, "junit").split("\n", 1)[1])
    failed = [c.get("name") for c in suites.iter("testcase") if c.find("failure") is not None]
    assert int(suites.get("failures")) == len(failed) == len(report.failing(FailOn(level)))
    assert len(report.failing(FailOn.BROKEN)) < len(report.needing_attention)  # (so the levels differ here)
    # an in-text citation with no entry fails the run whatever the references say: the XML fails with it
    cited = dataclasses.replace(report, results=(), crosschecks=(CrossCheck("essay.md", cited_missing=("7",),
                                                                            never_cited=("2",)),))
    suites = ET.fromstring(render(cited, "junit").split("\n", 1)[1])
    failed = [c.get("name") for c in suites.iter("testcase") if c.find("failure") is not None]
    assert (int(suites.get("failures")) > 0) == bool(failed) == cited.fails(FailOn(level))
    assert failed == ([] if level == "never" else ["cited in the text but missing from the list: 7"])


def test_sarif_locations_are_uris_relative_to_the_working_folder(tmp_path, monkeypatch):
    from citecheck.report.sarif import artifact_uri

    monkeypatch.chdir(tmp_path)
    assert artifact_uri("sp dir/Сілтеме, 1#.txt") == "sp%20dir/%D0%A1%D1%96%D0%BB%D1%82%D0%B5%D0%BC%D0%B5%2C%201%23.txt"
    assert artifact_uri(str(tmp_path / "docs" / "refs.md")) == "docs/refs.md"  # as code scanning maps it
    assert artifact_uri("/elsewhere/a b.txt") == "file:///elsewhere/a%20b.txt"
    assert artifact_uri("-") == "-"
