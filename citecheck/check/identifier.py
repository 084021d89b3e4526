"""The DOI probe: what the DOI system says about a reference's DOI, without touching the publisher.

Three questions, in turn: the Handle API (``doi.org/api/handles/{doi}?type=URL``: is it registered, where does it
point?), the registration agency (``doi.org/ra/{doi}``; one agency serves a whole prefix, so it is asked once per
prefix a run), and the agency's metadata for the title: Crossref's ``api.crossref.org/works/{doi}``, DataCite's
``api.datacite.org/dois/{doi}``, mEDRA's content negotiation (``data.medra.org/{doi}``, CSL-JSON) and Japan Link
Center's ``api.japanlinkcenter.org/dois/{doi}``. The DOI goes into every path percent-encoded (identifiers.api_path).

Etiquette: each registry host has its own pacer and a limit on requests in flight, both set from the host's own
rate-limit headers when it sends them (Crossref's ``x-rate-limit-limit``/``-interval``, ``x-concurrency-limit``),
just under what they allow; the User-Agent names citecheck and, given ``--mailto``, a contact (Crossref's polite
pool). A 429 or a 5xx is retried by the one retry policy after its Retry-After and pauses the whole host; it is
never read as "not registered": only the Handle System's own "unknown handle" (or doiRA's "does not exist") is.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import re
import urllib.parse
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..identifiers import api_path, prefix
from ..model import Fetch, Hop, IdentifierObservation
from ..urls import host_of
from .archive.base import ProbeKit
from .fetch import fetch
from .politeness import RETRY_STATUSES, Attempts, Pacer, settled_earlier

HANDLE_API = "https://doi.org/api/handles/{doi}?type=URL"
AGENCY_API = "https://doi.org/ra/{doi}"
CSL_JSON = "application/vnd.citationstyles.csl+json"
HANDLE_FOUND, HANDLE_UNKNOWN, HANDLE_NO_VALUES = 1, 100, 200  # the Handle System's response codes
#: requests in flight a registry allows before its headers say so: Crossref's public pool allows one
PUBLISHED_CONCURRENCY = {"api.crossref.org": 1}


class _Limit:
    """Requests in flight to one host, at most ``capacity``, which the host's headers may change."""

    def __init__(self, capacity: int):
        self.capacity = max(1, capacity)
        self.busy = 0
        self.changed = asyncio.Condition()

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self.changed:
            await self.changed.wait_for(lambda: self.busy < self.capacity)
            self.busy += 1
        try:
            yield
        finally:
            async with self.changed:
                self.busy -= 1
                self.changed.notify_all()


@dataclass
class _Registry:
    pacer: Pacer
    limit: _Limit
    requests: int = 0
    rate_limited: int = 0

    def learn(self, f: Fetch) -> None:
        """Pace and concurrency from the host's own rate-limit headers, just under what they allow."""
        limit, interval = f.header("x-rate-limit-limit"), f.header("x-rate-limit-interval")
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*", interval or "")
        if limit and limit.strip().isdigit() and int(limit) > 0 and m:
            seconds = float(m.group(1)) * {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}[m.group(2)]
            self.pacer.interval = max(self.pacer.interval, seconds / int(limit) / 0.8)
        concurrency = f.header("x-concurrency-limit")
        if concurrency and concurrency.strip().isdigit():
            self.limit.capacity = max(1, min(self.limit.capacity, int(concurrency)))


def _json(f: Fetch) -> Any:
    try:
        return json.loads(f.body.decode("utf-8")) if f.body else None
    except (UnicodeDecodeError, ValueError):
        return None


def _why(where: str, f: Fetch) -> str:
    said = f.error or (f"HTTP {f.status}" if f.status else "no answer")
    return f"{where}: {said}" + (f" after {f.attempts} attempts" if f.attempts > 1 else "")


def read_handle(f: Fetch) -> tuple[bool | None, str | None]:
    """(registered, URL value) from a Handle API answer; registered None when the answer is not the Handle
    System's own (an outage, a proxy's page, a non-JSON 404)."""
    data = _json(f)
    if f.error or not isinstance(data, dict) or "responseCode" not in data:
        return None, None
    code = data.get("responseCode")
    if code == HANDLE_UNKNOWN:
        return False, None
    if code not in (HANDLE_FOUND, HANDLE_NO_VALUES):
        return None, None
    values = data.get("values")
    for value in values if isinstance(values, list) else []:
        if isinstance(value, dict) and str(value.get("type", "")).upper() == "URL":
            payload = value.get("data")
            url = payload.get("value") if isinstance(payload, dict) else payload
            if isinstance(url, str) and url.strip():
                return True, url.strip()
    return True, None


def read_agency(f: Fetch) -> tuple[str | None, bool]:
    """(agency, unknown) from doiRA: ("Crossref", False), (None, True) for "DOI does not exist" or "Invalid DOI",
    (None, False) when there was no clear answer."""
    data = _json(f)
    if f.error or f.status != 200 or not isinstance(data, list) or not data or not isinstance(data[0], dict):
        return None, False
    entry = data[0]
    if isinstance(entry.get("RA"), str) and entry["RA"].strip():
        return entry["RA"].strip(), False
    status = str(entry.get("status", "")).lower()
    return None, "does not exist" in status or "invalid" in status


@dataclass(frozen=True)
class _Record:
    found: bool | None
    title: str | None = None
    subtitle: str | None = None
    others: tuple[str, ...] = ()


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [x.strip() for x in items if isinstance(x, str) and x.strip()]


def _work(f: Fetch, *path: str) -> dict[str, Any] | bool | None:
    """The work's record in an agency's JSON answer (found at ``path``): False when the agency does not know the
    DOI (its 404), None when there is no answer to read (an error, another status, another shape)."""
    if f.status == 404 and not f.error:
        return False
    record = _json(f)
    for key in path:
        record = record.get(key) if isinstance(record, dict) else None
    if f.error or f.status != 200 or not isinstance(record, dict):
        return None
    return record


def _csl_titles(work: dict[str, Any]) -> _Record:
    """A found work's titles, from CSL-JSON's fields (Crossref's own records use the same ones)."""
    titles, subtitles = _strings(work.get("title")), _strings(work.get("subtitle"))
    others = _strings(work.get("original-title")) + _strings(work.get("short-title")) + titles[1:]
    return _Record(True, titles[0] if titles else None, subtitles[0] if subtitles else None, tuple(others))


def read_crossref(f: Fetch) -> _Record:
    work = _work(f, "message")
    return _csl_titles(work) if isinstance(work, dict) else _Record(work)


def read_csl(f: Fetch) -> _Record:
    """A CSL-JSON record, as DOI content negotiation answers (mEDRA's data.medra.org)."""
    work = _work(f)
    return _csl_titles(work) if isinstance(work, dict) else _Record(work)


def read_datacite(f: Fetch) -> _Record:
    work = _work(f, "data", "attributes")
    if not isinstance(work, dict):
        return _Record(work)
    main, subtitle, others = None, None, []
    for entry in work.get("titles") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("title"), str):
            continue
        kind = str(entry.get("titleType") or "").lower()
        if kind == "subtitle" and subtitle is None:
            subtitle = entry["title"].strip()
        elif not kind and main is None:
            main = entry["title"].strip()
        else:
            others.append(entry["title"].strip())
    return _Record(True, main, subtitle, tuple(others))


def read_jalc(f: Fetch) -> _Record:
    """Japan Link Center's record: titles in several languages (``title_list``: Japanese, English …)."""
    work = _work(f, "data")
    if not isinstance(work, dict):
        return _Record(work)
    titles = [t for entry in work.get("title_list") or [] if isinstance(entry, dict)
              for t in _strings(entry.get("title"))]
    return _Record(True, titles[0] if titles else None, None, tuple(titles[1:]))


@dataclass(frozen=True)
class MetadataApi:
    """Where an agency keeps a DOI's metadata, and how to read it."""

    url: Callable[[str], str]  # the DOI (as found) -> the request URL
    read: Callable[[Fetch], _Record]
    accept: str = "application/json"


#: the agencies whose metadata citecheck reads (lower-case names, as doiRA spells them); the others (KISTI, CNKI,
#: Airiti, OP, EIDR …) offer no public record: that the Handle System knows the DOI is all that is learned
METADATA_APIS = {
    "crossref": MetadataApi(lambda doi: f"https://api.crossref.org/works/{api_path(doi)}", read_crossref),
    "datacite": MetadataApi(lambda doi: f"https://api.datacite.org/dois/{api_path(doi)}", read_datacite),
    # DOI content negotiation, at the agency's own service (doi.org would send other agencies' DOIs to the
    # publisher's landing page, which citecheck does not ask)
    "medra": MetadataApi(lambda doi: f"https://data.medra.org/{api_path(doi)}", read_csl, CSL_JSON),
    # the JaLC API reads its path once more: the DOI goes encoded twice, its slash as %252F
    "jalc": MetadataApi(lambda doi: "https://api.japanlinkcenter.org/dois/"
                                    + urllib.parse.quote(urllib.parse.quote(doi.lower(), safe=""), safe=""),
                        read_jalc),
}


@dataclass
class _Asking:
    """One DOI's requests and what could not be asked, for the evidence."""

    asked: list[Hop] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class IdentifierProbe:
    """One per run: the registries' pacers, and the agency each DOI prefix belongs to."""

    def __init__(self, kit: ProbeKit):
        self.client, self.settings, self.gates, self.policy = kit.client, kit.settings, kit.gates, kit.policy
        self.guard = kit.guard
        self.headers = {"User-Agent": kit.settings.registry_user_agent, "Accept": "application/json"}
        self._registries: dict[str, _Registry] = {}
        self._agencies: dict[str, str] = {}  # DOI prefix -> registration agency, learned this run

    def _registry(self, url: str) -> _Registry:
        host = host_of(url)
        if host not in self._registries:
            s = self.settings
            in_flight = PUBLISHED_CONCURRENCY.get(host, s.registry_concurrency)
            self._registries[host] = _Registry(Pacer(s.registry_per_sec * 60), _Limit(in_flight))
        return self._registries[host]

    async def _get(self, url: str, asking: _Asking, *, accept: str = "application/json") -> Fetch:
        registry = self._registry(url)
        attempts = Attempts()
        while True:
            async with registry.limit.slot():
                # the pace is kept inside the slot: a request that waited for the slot while another met a 429
                # still waits out the pause that 429 set
                await registry.pacer.wait()
                f = await fetch(self.client, "GET", url, self.settings, follow_redirects=False, gate=self.gates.slot,
                                headers={**self.headers, "Accept": accept}, keep_body=True, guard=self.guard)
            if settled_earlier(f):
                return replace(f, attempts=attempts.made)  # the host did not resolve a moment ago: nothing was sent
            self.gates.record(url, f)
            registry.requests += 1
            registry.learn(f)
            asking.asked.append(Hop("GET", url, f.status or 0))
            retrying = self.policy.next(f, attempts)
            if retrying is None:
                return replace(f, attempts=attempts.made)
            if f.status == 429 or f.status in RETRY_STATUSES:
                registry.rate_limited += f.status == 429
                registry.pacer.pause(retrying.delay)  # the host said wait: every request to it waits
                if retrying.slow_down:
                    registry.pacer.interval = min(max(registry.pacer.interval * 2, 0.5), 5.0)
            await asyncio.sleep(retrying.delay)

    async def observe(self, doi: str) -> IdentifierObservation:
        asking = _Asking()
        path = api_path(doi)
        handle = await self._get(HANDLE_API.format(doi=path), asking)
        registered, resolves_to = read_handle(handle)
        if registered is None:
            asking.problems.append(_why("the Handle API", handle))
        if registered is False:
            return self._observed(doi, asking, registered=False)
        agency, unknown = self._agencies.get(prefix(doi)), False
        if agency is None:
            ra = await self._get(AGENCY_API.format(doi=path), asking)
            agency, unknown = read_agency(ra)
            if agency and registered:
                self._agencies[prefix(doi)] = agency
            elif not agency and not unknown:
                asking.problems.append(_why("doiRA", ra))
        if unknown and registered is None:
            return self._observed(doi, asking, agency_unknown=True)
        # the agency's metadata; when doiRA could not say which agency, Crossref's, then DataCite's
        candidates = [agency.lower()] if agency else ["crossref", "datacite"]
        record, unanswered = _Record(None), False
        for name in candidates:
            api = METADATA_APIS.get(name)
            if api is None:
                continue  # an agency without a record citecheck reads: registered is all we learn
            url = api.url(doi)
            answer = await self._get(url, asking, accept=api.accept)
            record = api.read(answer)
            if record.found:
                agency = agency or name
                break
            if record.found is None:
                unanswered = True
                asking.problems.append(_why(host_of(url), answer))
        if not record.found and unanswered:
            record = _Record(None)  # one of them could not say: not knowing is not "not found"
        return self._observed(doi, asking, registered=registered, resolves_to=resolves_to, agency=agency,
                              agency_unknown=unknown, record=record)

    @staticmethod
    def _observed(doi: str, asking: _Asking, *, registered: bool | None = None, resolves_to: str | None = None,
                  agency: str | None = None, agency_unknown: bool = False,
                  record: _Record | None = None) -> IdentifierObservation:
        record = record or _Record(None)
        return IdentifierObservation(
            value=doi, registered=registered, resolves_to=resolves_to, agency=agency, agency_unknown=agency_unknown,
            record=record.found, title=record.title, subtitle=record.subtitle, other_titles=record.others,
            asked=tuple(asking.asked), problems=tuple(asking.problems))

    def stats(self) -> dict[str, dict[str, int]]:
        return {"requests": {h: r.requests for h, r in self._registries.items()},
                "rate_limited": {h: r.rate_limited for h, r in self._registries.items() if r.rate_limited}}
