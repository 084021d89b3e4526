"""The pipeline in one call: references → observations (check/) → verdicts (classify) → a Report."""
from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import httpx

from . import __version__
from .check import Progress, observe
from .classify import Rules, judge
from .cache import Cache
from .model import LiveState, Reference, Report, Result
from .settings import Settings


FAILING = frozenset({LiveState.DEAD, LiveState.SOFT404, LiveState.PARKED, LiveState.TRANSIENT, LiveState.TIMEOUT})


def check_references(
    refs: list[Reference],
    settings: Settings,
    *,
    sources: tuple[str, ...] = (),
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
    crosschecks: tuple = (),
) -> Report:
    started = dt.datetime.now(dt.timezone.utc)
    cache = Cache(Path(settings.cache_dir) / "cache.sqlite3", settings.max_cache_age) if settings.cache_dir else None
    try:
        observed, stats = asyncio.run(observe(refs, settings, transport=transport, progress=progress, cache=cache))
        rules = Rules(window_days=settings.window_days, accept=settings.accept, exclude=settings.exclude)
        results = []
        histories: dict[str, dict] = {}
        for o in observed:
            verdict = judge(o, rules)
            url = o.reference.url
            if cache and url and o.live is not None and url not in histories:
                histories[url] = cache.record_run(url, verdict.live.state.value, verdict.live.state in FAILING)
            results.append(Result(o.reference, verdict, o.live, o.snapshot, o.lookup, histories.get(url or "")))
    finally:
        if cache:
            cache.close()
    finished = dt.datetime.now(dt.timezone.utc)
    run_settings = dict(settings.as_dict(), wayback_requests=stats.wayback_requests,
                        wayback_rate_limited=stats.wayback_rate_limited,
                        cache=None if cache is None else {"path": str(cache.path), "hits": cache.hits,
                                                          "misses": cache.misses})
    results = tuple(results)
    return Report(results=results, sources=sources, started=started, finished=finished, version=__version__,
                  settings=run_settings, crosschecks=crosschecks)
