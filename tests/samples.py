"""A small report with one reference of each kind, built from observations: the golden reports' input."""

from __future__ import annotations

import datetime as dt

from citecheck.archives import parse_archive_link
from citecheck.model import (
    Capture,
    Fetch,
    Hop,
    LiveObservation,
    LookupResult,
    Observed,
    PageFacts,
    Reference,
    Report,
    Result,
    SnapshotObservation,
)
from citecheck.rules import judge
from citecheck.settings import Settings
from citecheck.vocab import LookupSource, PageSignal

T = dt.datetime(2026, 11, 24, 10, 0, 0, tzinfo=dt.UTC)


def _ref(n, url, snap, title):
    urls = tuple(u for u in (url, snap) if u)
    links = tuple(a for a in (parse_archive_link(u) for u in urls) if a)
    return Reference(number=n, key=str(n), raw=title, line=2 * n + 1, title=title, urls=urls, archive_links=links,
                     source="refs.txt")


def sample_report() -> Report:
    a = "https://journals.example.com/doi/10.1177/1"
    b = "https://www.example.kz/blog/?p=3304"
    c = "https://news.example.org/a/31274918.html"
    rows = []
    r1 = _ref(1, None, f"https://web.archive.org/web/20230919065839/{a}", "Information and Expression in a Digital Age")
    rows.append(Observed(
        r1,
        LiveObservation(a, Fetch(a, (Hop("GET", a, 403),), 403, a, (("cf-mitigated", "challenge"),), "text/html",
                                 PageFacts("Just a moment...", frozenset({PageSignal.CHALLENGE})))),
        SnapshotObservation(r1.archive_link, Fetch(r1.archive_link.url, (Hop("GET", r1.archive_link.url, 200),), 200,
                                                   page=PageFacts("Information and Expression in a Digital Age")),
                            Capture("20230919065839", 200, r1.archive_link.url)),
    ))
    r2 = _ref(2, None, f"https://web.archive.org/web/20230919071058/{b}", "Қазақстандық жастардың трендтері")
    snap2 = f"https://web.archive.org/web/20230919071058/{b}"
    rows.append(Observed(
        r2,
        LiveObservation(b, Fetch(b, (Hop("GET", b, 200),), 200, b, (), "text/html", PageFacts("Қазақстандық жастардың трендтері"))),
        SnapshotObservation(r2.archive_link, Fetch(snap2, (Hop("GET", snap2, 404),), 404, page=PageFacts("Not Found")),
                            Capture("20230919071058", 404, snap2)),
        LookupResult(b, "20230919071058", Capture("20230801000000", 200, f"https://web.archive.org/web/20230801000000/{b}"),
                     LookupSource.AVAILABILITY),
    ))
    r3 = _ref(3, c, None, "Ақпарат министрі")
    rows.append(Observed(
        r3,
        LiveObservation(c, Fetch(c, (Hop("GET", c, 404),), 404, c, (), "text/html", PageFacts("404"))),
        None,
        LookupResult(c, "20210701000000", None, LookupSource.CDX),
    ))
    r4 = _ref(4, None, None, "A printed book")
    rows.append(Observed(r4))
    # the first reference's answers came from the cache (a run within --max-cache-age)
    cached = {1: frozenset({"live", "snapshot"})}
    results = tuple(Result(o.reference, judge(o, Settings()), o.live, o.snapshot, o.lookup,
                           cached=cached.get(o.reference.number, frozenset())) for o in rows)
    return Report(results=results, sources=("refs.txt",), started=T, finished=T + dt.timedelta(seconds=3),
                  version="0.0.test", settings={"window_days": 180.0})


