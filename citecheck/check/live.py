"""The live probe: what the original URL answers today. Observations only; the rules judge them."""
from __future__ import annotations

import asyncio
import secrets
import urllib.parse
from dataclasses import replace

import httpx

from ..model import Fetch, LiveObservation
from ..settings import Settings
from ..urls import host_of
from ..vocab import ErrorKind, PageSignal
from .fetch import Memo
from .guard import TargetGuard
from .politeness import HostGates, RetryPolicy, fetch_politely

# Paths whose body tells us nothing a HEAD does not: ask HEAD first and spare the download.
BINARY_SUFFIXES = (
    ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".doc", ".docx", ".xls", ".xlsx", ".ppt",
    ".pptx", ".odt", ".ods", ".epub", ".mp3", ".mp4", ".m4a", ".avi", ".mov", ".wav", ".jpg", ".jpeg", ".png",
    ".gif", ".webp", ".tif", ".tiff", ".iso", ".exe", ".dmg", ".csv", ".djvu", ".ps",
)


def prefers_head(url: str) -> bool:
    try:
        path = urllib.parse.urlsplit(url).path.lower()
    except ValueError:  # a malformed URL (http://[::1): the request itself will say what is wrong with it
        return False
    return path.endswith(BINARY_SUFFIXES)


def head_is_enough(head: Fetch) -> bool:
    """A HEAD answer we can judge on: a success for a non-HTML resource. Anything else is confirmed by GET."""
    if not head.answered_ok:
        return False
    ctype = (head.content_type or "").lower()
    return bool(ctype) and "html" not in ctype


def sibling_url(url: str) -> str:
    """A random path beside ``url`` that cannot exist: how the host answers it tells a soft 404."""
    p = urllib.parse.urlsplit(url)
    directory = p.path.rsplit("/", 1)[0] if "/" in p.path else ""
    return urllib.parse.urlunsplit((p.scheme, p.netloc, f"{directory}/citecheck-{secrets.token_hex(6)}", "", ""))


class LiveProber:
    """Checks originals; one instance per run so per-host probes are shared."""

    def __init__(self, client: httpx.AsyncClient, settings: Settings, gates: HostGates,
                 policy: RetryPolicy | None = None, guard: TargetGuard | None = None):
        self.client = client
        self.settings = settings
        self.gates = gates
        self.policy = policy or RetryPolicy(settings)
        self.guard = guard or TargetGuard.for_settings(settings)
        self._siblings: dict[str, asyncio.Task[Fetch]] = {}
        self._first: dict[str, asyncio.Future[LiveObservation]] = {}
        self._targets: Memo = {}  # redirect targets fetched this run

    async def _get(self, method: str, url: str, *, read_body: bool = True, memo: Memo | None = None) -> Fetch:
        return await fetch_politely(self.client, method, url, self.settings, gates=self.gates, policy=self.policy,
                                    read_body=read_body, memo=memo, guard=self.guard)

    async def check(self, url: str) -> LiveObservation:
        host = host_of(url)
        first = self._first.get(host)
        if first is None:
            # the first URL of a host goes alone: if the name does not resolve, the others need not ask
            first = self._first[host] = asyncio.ensure_future(self._check_once(url))
            return await first
        # the others wait a moment: a name that does not resolve fails fast, and then they need not ask
        await asyncio.wait([first], timeout=min(3.0, self.settings.connect_timeout))
        return await self._check_once(url)

    async def _check_once(self, url: str) -> LiveObservation:
        obs = await self._check(url)
        detail = obs.fetch.error_detail or ""
        if detail.startswith(("HostUnresolved", "HostUnresponsive")):
            # settled by an earlier request to the same host: say so rather than show an exception name
            why = "did not resolve" if detail.startswith("HostUnresolved") else "never answered (it hangs)"
            obs = replace(obs, fetch=replace(obs.fetch, error_detail=f"{host_of(url)} {why} earlier in this run"))
        return obs

    async def _check(self, url: str) -> LiveObservation:
        head: Fetch | None = None
        if prefers_head(url):
            head = await self._get("HEAD", url, read_body=False, memo=self._targets)
            if head_is_enough(head):
                return LiveObservation(url=url, fetch=head)
            if head.error in (ErrorKind.DNS, ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT):
                # the host is gone or hangs: a GET would only repeat that
                return LiveObservation(url=url, fetch=head)
        got = await self._get("GET", url, memo=self._targets)
        sibling = None
        if self._needs_sibling(got):
            sibling = await self._sibling(got.final_url or url)
        return LiveObservation(url=url, fetch=got, head=head, sibling=sibling)

    @staticmethod
    def _needs_sibling(got: Fetch) -> bool:
        if not got.answered_ok:
            return False
        return PageSignal.NOTFOUND_TEXT in got.page.signals  # a page that says it outright needs no probe

    async def confirm_with_sibling(self, obs: LiveObservation) -> LiveObservation:
        """Add the sibling probe to an observation whose page looks wrong for the citation (its title no
        longer matches): if a made-up path gets the same page, it is a soft 404, not drift."""
        f = obs.fetch
        if obs.sibling is not None or not f.answered_ok:
            return obs
        if urllib.parse.urlsplit(f.final_url or obs.url).path in ("", "/"):
            return obs  # a bounce to the home page says enough by itself
        return replace(obs, sibling=await self._sibling(obs.fetch.final_url or obs.url))

    async def _sibling(self, url: str) -> Fetch:
        p = urllib.parse.urlsplit(url)
        key = f"{p.scheme}://{p.netloc}{p.path.rsplit('/', 1)[0]}"
        task = self._siblings.get(key)
        if task is None:
            task = self._siblings[key] = asyncio.ensure_future(self._get("GET", sibling_url(url)))
        return await task
