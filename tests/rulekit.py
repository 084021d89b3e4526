"""Observations for the rule tables: small builders, so each table row reads as the situation it tests."""
from __future__ import annotations

from dataclasses import replace

from citecheck.archives import parse_archive_link
from citecheck.model import (
    ArchiveLink,
    Capture,
    Fetch,
    Hop,
    LiveObservation,
    LookupResult,
    PageFacts,
    Reference,
    SnapshotObservation,
)
from citecheck.settings import Settings
from citecheck.vocab import WAYBACK, ArchiveAnswer, ErrorKind, LookupSource, PageSignal

URL = "https://example.org/papers/article-1"
SNAP = f"https://web.archive.org/web/20200101120000/{URL}"
TITLE = "Information and Expression in a Digital Age"
SETTINGS = replace(Settings(), use_cache=False, share_wayback_budget=False)


def ref(*, url=URL, snapshot=SNAP, title=TITLE) -> Reference:
    urls = tuple(u for u in (url, snapshot) if u)
    links = tuple(a for a in (parse_archive_link(u) for u in urls) if a)
    return Reference(number=1, key="1", raw="", line=1, title=title, urls=urls, archive_links=links)


def fetch(status=200, *, title=TITLE, markers=(), hops=None, final=URL, error=None, headers=(), ctype="text/html",
          attempts=1, page: PageFacts | None = None) -> Fetch:
    """A live answer; ``page`` (a fixture page as read) replaces the title and markers."""
    if hops is None:
        hops = (Hop("GET", URL, status),) if status is not None else ()
    return Fetch(url=URL, hops=hops, status=status, final_url=final, headers=tuple(headers), content_type=ctype,
                 page=page or PageFacts(title=title, signals=frozenset(PageSignal(m) for m in markers)),
                 error=ErrorKind(error) if error else None, attempts=attempts)


def live(f: Fetch, sibling: Fetch | None = None) -> LiveObservation:
    return LiveObservation(url=URL, fetch=f, sibling=sibling)


LINK = ArchiveLink(url=SNAP, service=WAYBACK, original=URL, timestamp="20200101120000")
GOOD_LOOKUP = LookupResult(url=URL, target="20200101120000", capture=Capture("20191230000000", 200,
                           f"https://web.archive.org/web/20191230000000/{URL}"), source=LookupSource.AVAILABILITY)
NONE_LOOKUP = LookupResult(url=URL, target="20200101120000", source=LookupSource.AVAILABILITY)


def snap(status=200, *, ts="20200101120000", says=None, title=TITLE, markers=(), location=None, landing=None,
         capture=True, link=LINK, page: PageFacts | None = None) -> SnapshotObservation:
    """A replay of the cited snapshot; ``page`` (a fixture page as read) replaces the title and markers."""
    headers = [("memento-datetime", "x")] if capture else []
    if location:
        headers.append(("location", location))
    f = Fetch(url=SNAP, hops=(Hop("GET", SNAP, status),), status=status, headers=tuple(headers),
              page=page or PageFacts(title=title, signals=frozenset(PageSignal(m) for m in markers)))
    cap = Capture(ts, status) if capture else None
    return SnapshotObservation(link=link, fetch=f, capture=cap, answer=ArchiveAnswer(says) if says else None,
                               landing=landing)
