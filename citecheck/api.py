"""The library API: references in, a Report out. The CLI is a thin client of these functions.

    import citecheck
    refs = citecheck.read_references("refs.txt")
    report = citecheck.check(refs)              # or: await citecheck.acheck(refs) inside an event loop
    print(citecheck.render(report, "markdown"))
"""
from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import httpx

from ._version import __version__
from .cache import Cache
from .check import Progress, observe
from .crosscheck import FORMATS as CROSSCHECKED_FORMATS
from .crosscheck import crosscheck
from .fix import FixPlan, plan
from .model import CrossCheck, Reference, Report, Result, SaveOutcome
from .rules import JUDGEMENTS, SiteNames, judge, save_candidates
from .save import Credentials, Journal, save_all
from .settings import Settings
from .sources import Document, read_document


async def acheck(
    references: list[Reference],
    settings: Settings | None = None,
    *,
    sources: tuple[str, ...] = (),
    crosschecks: tuple[CrossCheck, ...] = (),
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
) -> Report:
    """Check references' originals and snapshots and judge them: one verdict per reference.

    For callers that already run an event loop. ``transport`` replaces the network (tests hand in
    ``httpx.MockTransport``); ``progress(done, total)`` is called as references are finished.
    Raises NetworkDown when nothing at all could be reached; every per-link failure is in the report."""
    settings = settings or Settings()
    started = dt.datetime.now(dt.UTC)
    folder = settings.cache_folder
    cache = Cache(Path(folder) / "cache.sqlite3", settings.max_cache_age) if folder else None
    try:
        observed, stats = await observe(references, settings, judgements=JUDGEMENTS, transport=transport,
                                        progress=progress, cache=cache)
        results: list[Result] = []
        histories: dict[str, dict[str, object]] = {}
        sites = SiteNames.learned_from(observed)  # titles are compared without the names sites give themselves
        for o in observed:
            verdict = judge(o, settings, sites)
            url = o.reference.url
            if cache and url and o.live is not None and url not in histories:
                histories[url] = cache.record_run(url, verdict.live.state)
            results.append(Result(o.reference, verdict, o.live, o.snapshot, o.lookup, histories.get(url or "")))
    finally:
        if cache:
            cache.close()
    finished = dt.datetime.now(dt.UTC)
    run_settings = dict(settings.as_dict(), wayback_requests=stats.wayback_requests,
                        wayback_rate_limited=stats.wayback_rate_limited,
                        cache=None if cache is None else {"path": str(cache.path), "hits": cache.hits,
                                                          "misses": cache.misses})
    return Report(results=tuple(results), sources=sources, started=started, finished=finished, version=__version__,
                  settings=run_settings, crosschecks=crosschecks)


def check(
    references: list[Reference],
    settings: Settings | None = None,
    *,
    sources: tuple[str, ...] = (),
    crosschecks: tuple[CrossCheck, ...] = (),
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
) -> Report:
    """:func:`acheck` for callers without an event loop of their own (it runs one)."""
    return asyncio.run(acheck(references, settings, sources=sources, crosschecks=crosschecks, transport=transport,
                              progress=progress))


def read_references(path: str, input_format: str | None = None) -> list[Reference]:
    """The references of one file (its format by extension and content, or ``input_format``)."""
    return list(read_document(path, input_format).references)


def read_inputs(paths: list[str], input_format: str | None = None,
                stdin: bytes | None = None) -> tuple[list[Document], tuple[CrossCheck, ...]]:
    """Every input's document ("-" is standard input, read from ``stdin``), and the in-text citation
    cross-check of those whose format has markers."""
    documents = [read_document(p, input_format, stdin=stdin if p == "-" else None) for p in paths]
    checks = [crosscheck(d.text, list(d.references), d.name) for d in documents if d.format in CROSSCHECKED_FORMATS]
    return documents, tuple(c for c in checks if c.markers or c.duplicates or c.gaps)


def save_snapshots(report: Report, settings: Settings, credentials: Credentials, *,
                   refresh_older_than: float | None = None,
                   transport: httpx.AsyncBaseTransport | None = None) -> list[tuple[Result, SaveOutcome]]:
    """Request Save Page Now captures for the references of a checked report that need one (the rules'
    save_candidates), recording every job in the journal so an interrupted run resumes."""
    todo = [r for r in save_candidates(report.results, settings, refresh_older_than) if r.reference.url]
    if not todo:
        return []
    journal = Journal(Path(settings.journal_file))
    try:
        outcomes = asyncio.run(save_all([r.reference.url for r in todo if r.reference.url], credentials, journal,
                                        settings, transport))
    finally:
        journal.close()
    by_url = {o.url: o for o in outcomes}
    return [(r, by_url[r.reference.url]) for r in todo if r.reference.url]


def fix_document(document: Document, report: Report, settings: Settings) -> FixPlan:
    """The corrected text of a document: the fixes the report suggests, and the captures `save` made."""
    saved: dict[str, str] = {}
    if Path(settings.journal_file).is_file():
        journal = Journal(Path(settings.journal_file))
        try:
            saved = journal.successes()
        finally:
            journal.close()
    return plan(document, list(report.results), saved)
