"""The library API: references in, a Report out. The CLI is a thin client of these functions.

    import citecheck
    refs = citecheck.read_references("refs.txt")
    report = citecheck.check(refs)              # or: await citecheck.acheck(refs) inside an event loop
    print(citecheck.render(report, "markdown"))
"""
from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path
from typing import Any

import httpx

from ._version import __version__
from .cache import Cache
from .check import observe
from .check.document import fetch_documents
from .crosscheck import FORMATS as CROSSCHECKED_FORMATS
from .crosscheck import crosscheck
from .errors import InputError, NoReferences
from .fix import FIXERS, FixPlan, plan
from .model import CrossCheck, Observed, Reference, Report, Result, SaveOutcome
from .rules import JUDGEMENTS, SiteNames, judge, save_candidates
from .save import Credentials, Journal, save_all
from .settings import Settings
from .sources import Document, expand_inputs, is_page_url, read_document

#: called as references are finished: (how many are done, how many there are)
Progress = Callable[[int, int], None]
#: called with each reference's result as soon as it is judged: (its index in the list, the result)
OnResult = Callable[[int, Result], None]


async def acheck(
    references: list[Reference],
    settings: Settings | None = None,
    *,
    sources: tuple[str, ...] = (),
    crosschecks: tuple[CrossCheck, ...] = (),
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
    on_result: OnResult | None = None,
) -> Report:
    """Check references' originals and snapshots and judge them: one verdict per reference.

    For callers that already run an event loop. ``transport`` replaces the network (tests hand in
    ``httpx.MockTransport``); ``progress(done, total)`` is called as references are finished, and
    ``on_result(index, result)`` with each reference's result as soon as it is judged (what was done survives an
    interruption). Raises NetworkDown when nothing at all could be reached; every per-link failure is in the
    report."""
    settings = settings or Settings()
    if not settings.check_live and not settings.check_archive:
        raise InputError("--no-live and --no-archive together leave nothing to check")
    if settings.offline and not settings.use_cache:
        raise InputError("--offline judges from the cache: it cannot be used with --no-cache")
    started = dt.datetime.now(dt.UTC)
    folder = settings.cache_folder
    # offline, an entry of any age is better than none: the report says none is fresh
    max_age = float("inf") if settings.offline else settings.max_cache_age
    cache = Cache(Path(folder) / "cache.sqlite3", max_age) if folder else None
    results: list[Result | None] = [None] * len(references)
    histories: dict[str, dict[str, Any]] = {}
    done = 0
    sites = SiteNames()  # titles are compared without the names sites give themselves

    def judged(index: int, o: Observed) -> None:
        nonlocal done
        sites.add(o)
        verdict = judge(o, settings, sites)
        url = o.reference.url
        if cache and url and o.live is not None and url not in histories:
            # only a run that really asked the URL adds to its history
            fresh = "live" not in o.cached
            histories[url] = cache.record_run(url, verdict.live.state) if fresh else cache.history(url)
        result = results[index] = Result.of(o, verdict, histories.get(url or ""))
        if on_result:
            on_result(index, result)
        done += 1
        if progress:
            progress(done, len(results))

    try:
        stats = await observe(references, settings, judgements=JUDGEMENTS, on_observed=judged, transport=transport,
                              cache=cache)
    finally:
        if cache:
            cache.close()
    finished = dt.datetime.now(dt.UTC)
    run_settings = dict(settings.as_dict(), wayback_requests=stats.wayback_requests,
                        wayback_rate_limited=stats.wayback_rate_limited, registries=stats.registries,
                        cache=None if cache is None else {"path": str(cache.path), "hits": cache.hits,
                                                          "misses": cache.misses})
    return Report(results=tuple(r for r in results if r is not None), sources=sources, started=started,
                  finished=finished, version=__version__, settings=run_settings, crosschecks=crosschecks,
                  offline=settings.offline)


def check(
    references: list[Reference],
    settings: Settings | None = None,
    *,
    sources: tuple[str, ...] = (),
    crosschecks: tuple[CrossCheck, ...] = (),
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
    on_result: OnResult | None = None,
) -> Report:
    """:func:`acheck` for callers without an event loop of their own (it runs one). Ctrl-C raises
    KeyboardInterrupt at once: name lookups still running in threads are not waited for."""
    with asyncio.Runner() as runner:
        runner.get_loop().set_default_executor(_UnwaitedExecutor())
        return runner.run(acheck(references, settings, sources=sources, crosschecks=crosschecks, transport=transport,
                                 progress=progress, on_result=on_result))


class _UnwaitedExecutor(ThreadPoolExecutor):
    """The loop's thread pool (name lookups run there): closing the loop does not wait for a lookup that hangs,
    so an interrupted run ends within a second."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=True)


def read_references(path: str, input_format: str | None = None) -> list[Reference]:
    """The references of one file (its format by extension and content, or ``input_format``)."""
    return list(read_document(path, input_format).references)


def read_inputs(paths: list[str], input_format: str | None = None, stdin: bytes | None = None, *,
                settings: Settings | None = None,
                transport: httpx.AsyncBaseTransport | None = None,
                on_skip: Callable[[NoReferences], None] | None = None,
                ) -> tuple[list[Document], tuple[CrossCheck, ...]]:
    """Every input's document ("-" is standard input, read from ``stdin``; a folder or a glob pattern gives the
    reference files it holds; an http(s) URL is a published page, fetched and read), and the in-text citation
    cross-check of those whose format has markers. ``settings`` says which files to leave out (exclude_path)
    and whether every link counts (all_links). With ``on_skip``, an input that holds no reference list is
    handed to it and left out instead of stopping the run."""
    settings = settings or Settings()
    paths = expand_inputs(paths, settings.exclude_path)
    pages = fetch_documents([p for p in paths if is_page_url(p)], settings, transport)
    documents = []
    for p in paths:
        try:
            documents.append(_read_one(p, input_format, stdin if p == "-" else None, pages.get(p), settings))
        except NoReferences as e:
            if on_skip is None:
                raise
            on_skip(e)
    checks = [crosscheck(d.text, list(d.references), d.name) for d in documents if d.format in CROSSCHECKED_FORMATS]
    return documents, tuple(c for c in checks if c.markers or c.duplicates or c.gaps)


def _read_one(path: str, input_format: str | None, stdin: bytes | None, page: tuple[str, str, str] | None,
              settings: Settings) -> Document:
    if page is None:
        return read_document(path, input_format, stdin=stdin, all_links=settings.all_links)
    text, content_type, found_at = page
    html = "html" in content_type.lower()
    if html and found_at != path:
        text = f'<base href="{escape(found_at, quote=True)}">' + text  # relative links are relative to where it was
    return read_document(path, input_format or ("html" if html else None), data=text.encode("utf-8"),
                         all_links=settings.all_links)


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


def fixable_formats() -> tuple[str, ...]:
    """The input formats `fix` can rewrite."""
    return tuple(sorted(FIXERS))


def require_fixable(document: Document) -> None:
    """InputError unless `fix` can rewrite the document's format (asked before any reference is checked)."""
    if document.format not in FIXERS:
        raise InputError(f"{document.name}: fix cannot rewrite {document.format} files (it rewrites "
                         f"{', '.join(fixable_formats())}); citecheck check says what to change")


def fix_document(document: Document, report: Report, settings: Settings) -> FixPlan:
    """The corrected text of a document: the fixes the report suggests, and the captures `save` made.
    InputError for a format `fix` cannot rewrite (:func:`require_fixable`)."""
    require_fixable(document)
    saved: dict[str, str] = {}
    if Path(settings.journal_file).is_file():
        journal = Journal(Path(settings.journal_file))
        try:
            saved = journal.successes()
        finally:
            journal.close()
    return plan(document, list(report.results), saved, settings)
