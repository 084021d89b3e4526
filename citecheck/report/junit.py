"""JUnit XML: one test case per reference. A reference that fails the run's --fail-on level is a failure, so a CI
dashboard fails exactly when the run does; one that needs attention without failing it passes, with a note. An
in-text citation pointing to no entry (or to two) fails the run too: it is a failing case of a "citations" suite."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..model import Report, Result
from ..vocab import FailOn
from . import Formatter, View, register
from .common import archive_words, crosscheck_findings, identifier_words, label, live_words, partial_words, problem_rule, what_to_do


def _level(report: Report) -> FailOn:
    try:
        return FailOn(report.settings.get("fail_on", FailOn.ATTENTION.value))
    except ValueError:
        return FailOn.ATTENTION


def render(report: Report, view: View) -> str:
    level = _level(report)
    failing = {id(r) for r in report.failing(level)}
    # the citation errors that fail the run as Report.fails says (never at --fail-on never)
    citation_errors = [] if level is FailOn.NEVER else [line for line, error in
                                                        crosscheck_findings(report.crosschecks) if error]
    duration = (report.finished - report.started).total_seconds()
    suites = ET.Element("testsuites", name="citecheck", tests=str(len(report.results) + len(citation_errors)),
                        failures=str(len(failing) + len(citation_errors)))
    if report.partial:
        ET.SubElement(suites, "properties").append(ET.Element("property", name="interrupted",
                                                               value=partial_words(report)))
    by_source: dict[str, list[Result]] = {}
    for r in report.results:
        by_source.setdefault(r.reference.source or "-", []).append(r)
    for source, results in by_source.items():
        suite = ET.SubElement(suites, "testsuite", name=source, tests=str(len(results)),
                              failures=str(sum(id(r) in failing for r in results)), errors="0",
                              time=f"{duration:.2f}", timestamp=report.started.isoformat(timespec="seconds"))
        for r in results:
            title = (r.reference.title or r.reference.url or "")[:100]
            case = ET.SubElement(suite, "testcase", classname=source, name=f"{label(r)} {title}".strip(),
                                 file=source, line=str(r.reference.line))
            details = f"original: {live_words(r)}\nsnapshot: {archive_words(r)}" + (
                f"\nidentifier: {identifier_words(r)}" if r.verdict.identifier else "")
            if id(r) in failing:
                failure = ET.SubElement(case, "failure", type=problem_rule(r),
                                        message=(what_to_do(r).splitlines() or ["review"])[0])
                failure.text = details + "\n" + what_to_do(r)
            elif r.verdict.attention:  # needs an editor, but not at this run's --fail-on level
                ET.SubElement(case, "system-out").text = f"{details}\nneeds attention: {what_to_do(r)}"
            else:
                ET.SubElement(case, "system-out").text = details
    if citation_errors:
        suite = ET.SubElement(suites, "testsuite", name="citations", tests=str(len(citation_errors)),
                              failures=str(len(citation_errors)), errors="0", time="0.00",
                              timestamp=report.started.isoformat(timespec="seconds"))
        for line in citation_errors:
            source, _, what = line.partition(": ")
            case = ET.SubElement(suite, "testcase", classname="citations", name=what, file=source)
            ET.SubElement(case, "failure", type="citation", message=what).text = line
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


register(Formatter("junit", "JUnit XML (one test case per reference)", render, ".xml", (".xml",)))
