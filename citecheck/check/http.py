"""One request, done carefully: redirects recorded hop by hop, bodies read only as far as needed, every
failure turned into data. Plus the pacing primitives that keep citecheck polite.

The httpx client is always passed in; tests hand in one built on ``httpx.MockTransport``.
"""
from __future__ import annotations

import asyncio
import contextlib
import email.utils
import errno
import random
import socket
import time
import urllib.parse
import zlib
from dataclasses import dataclass, field, replace
from typing import AsyncIterator, Awaitable, Callable

import httpx

from ..model import Fetch, Hop, PageFacts
from ..settings import Settings
from .page import analyse

KEPT_HEADERS = frozenset(
    {
        "location", "content-type", "content-length", "retry-after", "cf-mitigated", "server", "memento-datetime",
        "link", "x-archive-redirect-reason", "x-archive-src", "x-archive-wayback-runtime-error", "proxy-status",
        "x-squid-error", "x-simweb-error", "www-authenticate",
    }
)
TEXTUAL = ("html", "xml", "text/plain", "json")


def build_client(settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """The one client of a run. trust_env lets HTTP(S)_PROXY, NO_PROXY and SSL_CERT_FILE apply."""
    timeout = httpx.Timeout(
        connect=settings.connect_timeout, read=settings.read_timeout, write=settings.read_timeout, pool=None
    )
    limits = httpx.Limits(max_connections=settings.concurrency + settings.wayback_concurrency + 8,
                          max_keepalive_connections=64)
    return httpx.AsyncClient(
        transport=transport,
        timeout=timeout,
        limits=limits,
        follow_redirects=False,
        trust_env=True,
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate",
            # no Accept-Language: the page in its default language is what the archive's crawler saw
        },
    )


# --- pacing ------------------------------------------------------------------------------------------


class Pacer:
    """Spreads request starts evenly at ``per_minute``, and can be paused (a 429, a Retry-After)."""

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic):
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self._clock = clock
        self._next = 0.0
        self.paused_until = 0.0

    async def wait(self) -> None:
        while True:
            now = self._clock()
            start = max(now, self._next, self.paused_until)
            self._next = start + self.interval
            if start > now:
                await asyncio.sleep(start - now)
            if self._clock() + 1e-3 >= self.paused_until:
                return
            # a pause began while this request waited for its slot: queue again behind it

    def delay(self) -> float:
        """Seconds until a request could start, without reserving the slot."""
        return max(0.0, self._next - self._clock(), self.paused_until - self._clock())

    def pause(self, seconds: float) -> None:
        until = self._clock() + seconds
        self.paused_until = max(self.paused_until, until)


@dataclass
class _HostState:
    semaphore: asyncio.Semaphore
    pacer: Pacer


class HostUnresponsive(Exception):
    """The host timed out again and again and never answered: further requests to it are not sent."""


class HostUnresolved(Exception):
    """The host's name did not resolve a moment ago: further requests to it are not sent."""


@dataclass
class HostGates:
    """Per-host politeness for ordinary sites: a few requests in flight, a minimum gap between starts.
    Also a breaker: a host that timed out ``hang_limit`` times without ever answering gets no more
    requests this run (its URLs are reported as timeouts at once, not after timeout x attempts each)."""

    per_host: int
    interval: float
    overall: asyncio.Semaphore
    hang_limit: int = 2  # different URLs of a host that timed out
    _hosts: dict[str, _HostState] = field(default_factory=dict)
    _timeouts: dict[str, set[str]] = field(default_factory=dict)
    _answered: set[str] = field(default_factory=set)
    _unresolved: set[str] = field(default_factory=set)

    def record(self, url: str, result: Fetch) -> None:
        host = host_of(url)
        if result.status is not None:
            self._answered.add(host)
            self._unresolved.discard(host)
        elif result.error in ("dns", "unreachable") and not result.hops:
            self._unresolved.add(host)
        elif result.error == "timeout":
            self._timeouts.setdefault(host, set()).add(url)

    def known_unresolved(self, url: str) -> bool:
        return host_of(url) in self._unresolved

    def unresponsive(self, url: str) -> bool:
        """One hanging page does not condemn a host; several, and not one answer, do."""
        host = host_of(url)
        return host not in self._answered and len(self._timeouts.get(host, ())) >= self.hang_limit

    def _state(self, host: str) -> _HostState:
        st = self._hosts.get(host)
        if st is None:
            per_min = 60.0 / self.interval if self.interval > 0 else 0.0
            st = self._hosts[host] = _HostState(asyncio.Semaphore(self.per_host), Pacer(per_min))
        return st

    @contextlib.asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        st = self._state(host_of(url))
        async with self.overall, st.semaphore:
            if self.unresponsive(url):
                raise HostUnresponsive(f"{host_of(url)} timed out on earlier requests and never answered")
            if self.known_unresolved(url):
                raise HostUnresolved(f"{host_of(url)} did not resolve on an earlier request")
            await st.pacer.wait()
            yield

    def defer(self, url: str, seconds: float, *, slow_down: bool = False) -> None:
        """The host asked us to come back later (Retry-After). After a 429 it also gets requests more slowly
        from then on: resuming at the old pace would only hit its limit again."""
        pacer = self._state(host_of(url)).pacer
        pacer.pause(seconds)
        if slow_down:
            pacer.interval = min(max(pacer.interval * 2, 0.5), 5.0)


def host_of(url: str) -> str:
    try:
        return (urllib.parse.urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


# --- one request -------------------------------------------------------------------------------------

Gate = Callable[[str], contextlib.AbstractAsyncContextManager]


def _error_kind(exc: BaseException) -> str:
    text = str(exc)
    low = text.lower()
    if isinstance(exc, (httpx.TimeoutException, asyncio.TimeoutError, TimeoutError, HostUnresponsive)):
        return "timeout"
    if isinstance(exc, HostUnresolved):
        return "dns"
    if isinstance(exc, httpx.ProxyError):
        # a proxy's answer to CONNECT: 502 is its "cannot reach that host" (name or connection), 504 its timeout
        if low.startswith("504"):
            return "timeout"
        if low.startswith(("502", "503")):
            return "unreachable"
        return "proxy"
    if isinstance(exc, httpx.ConnectError):
        cause = _root_os_error(exc)
        if isinstance(cause, socket.gaierror):
            return "dns"
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return "refused"
        if any(s in low for s in ("name or service not known", "nodename nor servname", "getaddrinfo",
                                  "name resolution", "no address associated", "errno -2", "errno -3", "errno -5",
                                  "errno 8", "errno 11001")):
            return "dns"
        if "refused" in low or "errno 111" in low or "errno 61" in low:
            return "refused"
        if "ssl" in low or "certificate" in low:
            return "tls"
        return "connect"
    if isinstance(exc, httpx.RemoteProtocolError):
        if "without sending" in low or "disconnected" in low:
            return "empty"
        return "protocol"
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.NetworkError)):
        return "reset"
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError, ValueError)):
        return "invalid_url"
    if isinstance(exc, httpx.DecodingError):
        return "protocol"
    return "error"


def _root_os_error(exc: BaseException) -> BaseException | None:
    """The OSError under an httpx exception (through __cause__/__context__), which names the real failure."""
    found: BaseException | None = None
    cur: BaseException | None = exc
    for _ in range(10):
        if cur is None:
            break
        if isinstance(cur, OSError):
            found = cur
            if cur.errno is not None:  # anyio wraps the real error in an errno-less "All connection attempts failed"
                return cur
        cur = cur.__cause__ or cur.__context__
    return found


def proxy_failure(status: int, headers: httpx.Headers) -> str | None:
    """A proxy's own error response for a plain-HTTP URL (RFC 9209 Proxy-Status, Squid), as an error kind."""
    if status not in (502, 503, 504):
        return None
    ps = headers.get("proxy-status", "").lower()
    squid = headers.get("x-squid-error", "").upper()
    sim = headers.get("x-simweb-error", "").lower()
    if "dns" in ps or "destination_not_found" in ps or "ERR_DNS_FAIL" in squid or sim == "dns":
        return "dns"
    if "connection_refused" in ps or "destination_unavailable" in ps or "ERR_CONNECT_FAIL" in squid:
        return "refused"
    if "timeout" in ps or "ERR_READ_TIMEOUT" in squid:
        return "timeout"
    return None


class _CappedDecoder:
    """gzip/deflate decoding that never inflates more than asked: a compression bomb costs nothing."""

    def __init__(self, encoding: str):
        self.encoding = encoding.lower().strip()
        if self.encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 32)
        elif self.encoding == "deflate":
            self._z = zlib.decompressobj()
        else:
            self._z = None

    def feed(self, data: bytes, limit: int) -> bytes:
        if self._z is None:
            return data[:limit]
        try:
            return self._z.decompress(data, limit)
        except zlib.error:
            if self.encoding == "deflate":  # raw deflate without zlib header, as some servers send
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                return self._z.decompress(data, limit)
            raise


async def _read_capped(response: httpx.Response, cap: int, sink: bytearray) -> None:
    """Decoded body bytes into ``sink``, at most ``cap`` of them; what arrived stays there if the read fails."""
    if response.is_stream_consumed:
        # an in-memory response (a test double): its content is already decoded
        sink += response.content[:cap]
        return
    decoder = _CappedDecoder(response.headers.get("content-encoding", "identity"))
    raw_seen = 0
    async for chunk in response.aiter_raw():
        raw_seen += len(chunk)
        sink += decoder.feed(chunk, cap - len(sink))
        if len(sink) >= cap or raw_seen >= cap * 16:
            break


def _kept(headers: httpx.Headers) -> tuple[tuple[str, str], ...]:
    return tuple((k.lower(), v) for k, v in headers.items() if k.lower() in KEPT_HEADERS)


@contextlib.asynccontextmanager
async def _no_gate(url: str) -> AsyncIterator[None]:
    yield


async def fetch(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    settings: Settings,
    *,
    read_body: bool = True,
    follow_redirects: bool = True,
    gate: Gate = _no_gate,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
    keep_body: bool = False,
    memo: dict[tuple[str, str], asyncio.Future[Fetch]] | None = None,
    _seen: frozenset[str] = frozenset(),
) -> Fetch:
    """One logical request: follows and records redirects, reads at most ``max_body_bytes`` of textual bodies.

    ``keep_body`` is for API answers (JSON): the body, up to ``max_api_bytes``, is kept in ``Fetch.body``;
    page bodies are only analysed, never kept, so memory stays flat however long the list is.

    ``memo`` shares redirect targets between requests: many dead deep links bounce to one home page,
    which is then fetched once."""
    hops: list[Hop] = []
    seen: set[str] = set(_seen)
    current, verb = url, method
    t0 = time.monotonic()
    while True:
        seen.add(current)
        status: int | None = None
        failure = location = ctype = None
        kept: tuple[tuple[str, str], ...] = ()
        is_redirect = False
        sink = bytearray()
        cut_short: str | None = None
        try:
            async with gate(current):
                async with asyncio.timeout(settings.attempt_timeout):
                    request = client.build_request(verb, current, headers=headers, content=content)
                    response = await client.send(request, stream=True)
                    try:
                        status = response.status_code
                        kept = _kept(response.headers)
                        ctype = response.headers.get("content-type")
                        failure = proxy_failure(status, response.headers)
                        location = response.headers.get("location")
                        is_redirect = bool(300 <= status < 400 and location)
                        textual = not ctype or any(t in ctype.lower() for t in TEXTUAL)
                        if keep_body:
                            await _read_capped(response, settings.max_api_bytes, sink)
                        elif read_body and verb != "HEAD" and not (is_redirect and follow_redirects) and textual:
                            await _read_capped(response, settings.max_body_bytes, sink)
                    finally:
                        await response.aclose()
        except Exception as exc:  # noqa: BLE001 - every failure of one link is data for its verdict
            kind = _error_kind(exc)
            if status is None or failure or keep_body or (is_redirect and follow_redirects):
                return Fetch(url=url, hops=tuple(hops), final_url=current, error=kind,
                             error_detail=f"{type(exc).__name__}: {exc}"[:300] or type(exc).__name__,
                             elapsed=time.monotonic() - t0)
            # the answer came, its body did not come whole (a trickle, a short read): judge what arrived
            cut_short = f"body cut short after {len(sink)} bytes ({kind})"
        if failure:
            hops.append(Hop(verb, current, status))
            return Fetch(url=url, hops=tuple(hops), final_url=current, error=failure,
                         error_detail=f"proxy answered {status}", headers=kept, elapsed=time.monotonic() - t0)
        hops.append(Hop(verb, current, status))
        if is_redirect and follow_redirects:
            target = urllib.parse.urljoin(current, location)
            if target in seen or len(seen) > settings.max_redirects:
                return Fetch(url=url, hops=tuple(hops), status=status, final_url=target, headers=kept,
                             error="redirect_loop", error_detail=f"redirect loop or more than {settings.max_redirects} redirects",
                             elapsed=time.monotonic() - t0)
            if status == 303 and verb != "HEAD":
                verb = "GET"
            if memo is not None:
                tail = await _shared_target(memo, verb, target, lambda v=verb, t=target: fetch(
                    client, v, t, settings, read_body=read_body, gate=gate, headers=headers, memo=memo,
                    _seen=frozenset(seen)))
                return replace(tail, url=url, hops=tuple(hops) + tail.hops, elapsed=time.monotonic() - t0)
            current = target
            continue
        body = bytes(sink)
        page = analyse(body, ctype) if body and not keep_body else PageFacts()
        return Fetch(url=url, hops=tuple(hops), status=status, final_url=current, headers=kept, content_type=ctype,
                     page=page, body=body if keep_body else b"", error_detail=cut_short, elapsed=time.monotonic() - t0)


async def _shared_target(memo: dict[tuple[str, str], asyncio.Future[Fetch]], verb: str, url: str,
                         run: Callable[[], Awaitable[Fetch]]) -> Fetch:
    """Fetch a redirect target once per run, however many links lead to it, even at the same moment.
    A failed target is not remembered, so a retry asks again."""
    key = (verb, url)
    fut = memo.get(key)
    if fut is not None:
        return await asyncio.shield(fut)
    fut = memo[key] = asyncio.get_running_loop().create_future()
    try:
        result = await run()
    except BaseException as exc:
        memo.pop(key, None)
        fut.set_result(Fetch(url=url, error="error", error_detail=f"{type(exc).__name__}"))
        raise
    if result.error or (result.status or 0) >= 500:
        memo.pop(key, None)
    fut.set_result(result)
    return result


# --- retries -----------------------------------------------------------------------------------------

RETRY_STATUSES = frozenset({500, 502, 503, 504, 520, 521, 522, 523, 524, 525, 526, 527, 529, 530})
RETRY_ERRORS = frozenset({"reset", "empty", "protocol", "connect", "refused", "dns", "unreachable", "proxy"})


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def backoff(attempt: int) -> float:
    return min(8.0, 0.5 * (2 ** attempt)) * (0.75 + random.random() * 0.5)


async def fetch_with_retries(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    settings: Settings,
    *,
    gates: HostGates | None = None,
    read_body: bool = True,
    memo: dict[tuple[str, str], asyncio.Future[Fetch]] | None = None,
) -> Fetch:
    """fetch() with the retry rules for ordinary sites: 5xx, resets and empty replies with backoff; 429 and
    503 after their Retry-After; a timeout at most ``timeout_retries`` more times. Never more than
    ``retries`` + 1 attempts."""
    gate: Gate = gates.slot if gates else _no_gate
    attempts = 0
    timeouts = 0
    waited = 0.0  # seconds slept between attempts: Retry-After waits share one budget per URL
    while True:
        result = await fetch(client, method, url, settings, read_body=read_body, gate=gate, memo=memo)
        attempts += 1
        if gates:
            if (result.error_detail or "").startswith(("HostUnresolved", "HostUnresponsive")):
                return replace(result, attempts=attempts - 1)  # settled by an earlier request: nothing was sent
            gates.record(result.final_url or url, result)
            if gates.unresponsive(url):
                return replace(result, attempts=attempts)
        delay: float | None = None
        if result.error == "timeout":
            timeouts += 1
            delay = 0.5 if timeouts <= settings.timeout_retries else None
        elif result.error in ("dns", "unreachable"):
            # a name that does not resolve rarely comes back within seconds: one more try is enough
            delay = 1.0 if attempts <= min(1, settings.retries) else None
        elif result.error in RETRY_ERRORS and attempts <= settings.retries:
            delay = backoff(attempts - 1)
        elif result.status in RETRY_STATUSES or result.status == 429:
            after = retry_after_seconds(result.header("retry-after"))
            limited = result.status == 429
            # a 429 says the page is there: it earns two more tries than an error does
            if attempts <= settings.retries + (2 if limited else 0):
                if after is not None and waited + after > settings.max_retry_after:
                    delay = None  # the host wants us gone for longer than we wait: report what we saw
                else:
                    delay = after if after is not None else backoff(attempts - 1)
                    if gates:
                        gates.defer(result.final_url or url, delay, slow_down=limited)
        if delay is None or attempts > settings.retries + settings.timeout_retries + 2:
            return replace(result, attempts=attempts)
        waited += delay
        await asyncio.sleep(delay)
