"""The pipeline in one call: references → observations (check/) → verdicts (classify) → a Report."""
from __future__ import annotations

import asyncio
import datetime as dt

import httpx

from . import __version__
from .check import Progress, observe
from .classify import Rules, judge
from .model import Reference, Report, Result
from .settings import Settings


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
    observed, stats = asyncio.run(observe(refs, settings, transport=transport, progress=progress))
    rules = Rules(window_days=settings.window_days)
    results = tuple(Result(o.reference, judge(o, rules), o.live, o.snapshot, o.lookup) for o in observed)
    finished = dt.datetime.now(dt.timezone.utc)
    run_settings = dict(settings.as_dict(), wayback_requests=stats.wayback_requests,
                        wayback_rate_limited=stats.wayback_rate_limited)
    return Report(results=results, sources=sources, started=started, finished=finished, version=__version__,
                  settings=run_settings, crosschecks=crosschecks)
