"""One request, done carefully: redirects recorded hop by hop, bodies read only as far as needed, every
failure turned into data (an :class:`ErrorKind`), never an exception."""
from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import socket
import sys
import time
import urllib.parse
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

import httpx

from ..model import Fetch, Hop, PageFacts
from ..settings import Settings
from ..vocab import ErrorKind
from .guard import RefusedTarget, TargetGuard, scheme_refusal
from .page import PageReader, analyse

KEPT_HEADERS = frozenset(
    {
        "location", "content-type", "content-length", "retry-after", "cf-mitigated", "server", "memento-datetime",
        "link", "x-archive-redirect-reason", "x-archive-src", "x-archive-wayback-runtime-error", "proxy-status",
        "x-squid-error", "x-simweb-error", "www-authenticate",
        "x-rate-limit-limit", "x-rate-limit-interval", "x-concurrency-limit",  # Crossref says how fast it may be asked
    }
)
TEXTUAL = ("html", "xml", "text/plain", "json")

Gate = Callable[[str], contextlib.AbstractAsyncContextManager[None]]
#: Redirect targets fetched this run, shared by every request that leads there.
Memo = dict[tuple[str, str], "asyncio.Future[Fetch]"]


class HostUnresponsive(Exception):
    """The host timed out again and again and never answered: further requests to it are not sent."""


class HostUnresolved(Exception):
    """The host's name did not resolve a moment ago: further requests to it are not sent."""


class Budget:
    """One URL's total time (``Settings.deadline``): it starts when the first request is sent, and every hop, retry
    and wait in between draws on it, so a slow chain of redirects cannot take timeout × hops."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.ends_at: float | None = None

    def start(self) -> None:
        if self.seconds is not None and self.ends_at is None:
            self.ends_at = asyncio.get_running_loop().time() + self.seconds

    def left(self) -> float | None:
        return None if self.ends_at is None else self.ends_at - asyncio.get_running_loop().time()

    @property
    def spent(self) -> bool:
        left = self.left()
        return left is not None and left <= 0


def error_kind(exc: BaseException) -> ErrorKind:
    """The one mapping from what went wrong in httpx, anyio or the OS to the vocabulary."""
    text = str(exc)
    low = text.lower()
    if isinstance(exc, RefusedTarget):
        return ErrorKind.REFUSED_TARGET
    if isinstance(exc, (httpx.TimeoutException, asyncio.TimeoutError, TimeoutError, HostUnresponsive)):
        return ErrorKind.TIMEOUT
    if isinstance(exc, HostUnresolved):
        return ErrorKind.DNS
    if isinstance(exc, httpx.ProxyError):
        # a proxy's answer to CONNECT: 502 is its "cannot reach that host" (name or connection), 504 its timeout
        if low.startswith("504"):
            return ErrorKind.TIMEOUT
        if low.startswith(("502", "503")):
            return ErrorKind.UNREACHABLE
        return ErrorKind.PROXY
    if isinstance(exc, httpx.ConnectError):
        cause = _root_os_error(exc)
        if isinstance(cause, socket.gaierror):
            return ErrorKind.DNS
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return ErrorKind.REFUSED
        if any(s in low for s in ("name or service not known", "nodename nor servname", "getaddrinfo",
                                  "name resolution", "no address associated", "errno -2", "errno -3", "errno -5",
                                  "errno 8", "errno 11001")):
            return ErrorKind.DNS
        if "refused" in low or "errno 111" in low or "errno 61" in low:
            return ErrorKind.REFUSED
        if "ssl" in low or "certificate" in low:
            return ErrorKind.TLS
        return ErrorKind.CONNECT
    if isinstance(exc, httpx.RemoteProtocolError):
        if "without sending" in low or "disconnected" in low:
            return ErrorKind.EMPTY
        return ErrorKind.PROTOCOL
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.NetworkError)):
        return ErrorKind.RESET
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError, ValueError)):
        return ErrorKind.INVALID_URL
    if isinstance(exc, httpx.DecodingError):
        return ErrorKind.PROTOCOL
    return ErrorKind.ERROR


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


class ResponseHeaders:
    """A response's headers, read once, with lower-case names. (httpx works out the headers' encoding again on
    every lookup, and a response is asked about a dozen of them.) ``get`` joins repeated ones as httpx does."""

    __slots__ = ("_joined", "items")

    def __init__(self, headers: httpx.Headers):
        self.items: list[tuple[str, str]] = headers.multi_items()
        self._joined: dict[str, str] = {}
        for k, v in self.items:
            self._joined[k] = f"{self._joined[k]}, {v}" if k in self._joined else v

    def get(self, name: str, default: str = "") -> str:
        return self._joined.get(name, default)

    def get_list(self, name: str) -> list[str]:
        return [v for k, v in self.items if k == name]

    def __contains__(self, name: str) -> bool:
        return name in self._joined


def proxy_failure(status: int, headers: ResponseHeaders) -> ErrorKind | None:
    """A proxy's own error response for a plain-HTTP URL (RFC 9209 Proxy-Status, Squid), as an error kind."""
    if status not in (502, 503, 504):
        return None
    ps = headers.get("proxy-status", "").lower()
    squid = headers.get("x-squid-error", "").upper()
    sim = headers.get("x-simweb-error", "").lower()
    if "dns" in ps or "destination_not_found" in ps or "ERR_DNS_FAIL" in squid or sim == "dns":
        return ErrorKind.DNS
    if "connection_refused" in ps or "destination_unavailable" in ps or "ERR_CONNECT_FAIL" in squid:
        return ErrorKind.REFUSED
    if "timeout" in ps or "ERR_READ_TIMEOUT" in squid:
        return ErrorKind.TIMEOUT
    return None


class _CappedDecoder:
    """gzip/deflate decoding that never inflates more than asked: a compression bomb costs nothing."""

    def __init__(self, encoding: str):
        self.encoding = encoding.lower().strip()
        self._z: zlib._Decompress | None
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


async def _read_capped(response: httpx.Response, sink: bytearray, want: Callable[[bytearray], int],
                       encoding: str = "identity") -> None:
    """Decoded body bytes into ``sink``, as many as ``want`` says (asked again as they arrive: a page's head may
    end late); what arrived stays there if the read fails. ``encoding``: the Content-Encoding."""
    if response.is_stream_consumed:
        # an in-memory response (a test double): its content is already decoded
        sink += response.content[:want(bytearray(response.content))]
        return
    decoder = _CappedDecoder(encoding)
    raw_seen = 0
    async for chunk in response.aiter_raw():
        raw_seen += len(chunk)
        sink += decoder.feed(chunk, max(0, want(sink) - len(sink)))
        if len(sink) >= want(sink) or raw_seen >= want(sink) * 16:
            break
    del sink[want(sink):]


_SPENT = httpx.ByteStream(b"")  # what a closed response is left holding

#: an unread answer body up to this long is read to its end, so that its connection can be used again
DRAIN_BYTES = 16 * 1024
#: ... if it comes within this time: a small body slower than that is not worth waiting for
DRAIN_SECONDS = 1.0


async def _drain_small(response: httpx.Response, answer: ResponseHeaders, verb: str, hop_deadline: float | None,
                       ) -> None:
    """Read the unread rest of a small answer (a redirect's, a HEAD's, an unwanted type's short body). A connection
    is only reused once its answer was read to the end: closed unread, it is closed for good, and the next request
    to that host pays for a new connection (and a TLS handshake): a quarter of the connections of a run on 3,000
    links were opened again after a redirect. It takes at most half the time left before the hop's deadline
    (``hop_deadline``, loop time): an answer that came whole in time is never turned into a timeout by reading
    what follows it, and the redirect's target keeps time to answer."""
    if response.is_stream_consumed:
        return  # read already (whole, or as far as wanted: the rest of a long body is not worth a connection)
    length = answer.get("content-length")
    if verb == "HEAD" or (length.isdigit() and int(length) <= DRAIN_BYTES):
        now = asyncio.get_running_loop().time()
        # never more than half the time the hop has left: the next hop (the redirect's target) needs the rest
        until = now + DRAIN_SECONDS if hop_deadline is None else min(now + DRAIN_SECONDS, (now + hop_deadline) / 2)
        try:
            async with asyncio.timeout_at(until):
                async for _ in response.aiter_raw():
                    pass
        except (TimeoutError, httpx.HTTPError, OSError):
            pass  # a body that does not come whole: the connection is closed instead, and the answer stands


class _ChainCookies:
    """The cookies of one redirect chain: what a hop sets is sent on the later hops to that host (a site that
    sets a cookie and redirects to check it), as a browser would; nothing is kept beyond the chain, so no
    reference's answer depends on another's, and no request pays for a run-wide cookie jar."""

    def __init__(self) -> None:
        self.by_domain: dict[str, dict[str, str]] = {}

    def keep(self, url: str, headers: ResponseHeaders) -> None:
        values = headers.get_list("set-cookie")
        if not values:
            return
        host = (urllib.parse.urlsplit(url).hostname or "").lower()
        for value in values:
            pair, *attributes = value.split(";")
            name, eq, val = pair.partition("=")
            if not eq or not name.strip():
                continue
            domain: str | None = host
            for attribute in attributes:
                key, _, arg = attribute.partition("=")
                wanted = arg.strip().lstrip(".").lower()
                if key.strip().lower() == "domain" and wanted:
                    # a cookie for another site is refused, as browsers refuse it
                    domain = wanted if host == wanted or host.endswith("." + wanted) else None
            if domain:
                self.by_domain.setdefault(domain, {})[name.strip()] = val.strip()

    def headers_for(self, url: str, headers: dict[str, str] | None) -> dict[str, str] | None:
        if not self.by_domain:
            return headers
        host = (urllib.parse.urlsplit(url).hostname or "").lower()
        cookies = {k: v for domain, jar in self.by_domain.items()
                   if host == domain or host.endswith("." + domain) for k, v in jar.items()}
        if not cookies:
            return headers
        return {**(headers or {}), "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}


def _cookie_names(headers: ResponseHeaders) -> tuple[str, ...]:
    """The names of the cookies a response sets (bot walls name themselves by them); never their values."""
    return tuple(c.split("=", 1)[0].strip().lower() for c in headers.get_list("set-cookie") if "=" in c)


#: the same few values again and again (content types, server names): kept once, not once per response
_SHARED_VALUES = frozenset({"content-type", "server", "cf-mitigated", "x-archive-src"})


def _kept(headers: ResponseHeaders) -> tuple[tuple[str, str], ...]:
    # a long list keeps tens of thousands of answers: their header names are one string each, not a copy each
    return tuple((sys.intern(k), sys.intern(v) if k in _SHARED_VALUES and len(v) < 100 else v)
                 for k, v in headers.items if k in KEPT_HEADERS)


@contextlib.asynccontextmanager
async def no_gate(url: str) -> AsyncIterator[None]:
    yield


async def fetch(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    settings: Settings,
    *,
    read_body: bool = True,
    follow_redirects: bool = True,
    gate: Gate = no_gate,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
    keep_body: bool = False,
    memo: Memo | None = None,
    read_whole: Callable[[ResponseHeaders], bool] | None = None,
    guard: TargetGuard | None = None,
    budget: Budget | None = None,
    _seen: frozenset[str] = frozenset(),
) -> Fetch:
    """One logical request: follows and records redirects, reads textual bodies as far as page.PageReader says.

    ``keep_body`` is for API answers (JSON): the body, up to ``max_api_bytes``, is kept in ``Fetch.body``;
    page bodies are only analysed, never kept, so memory stays flat however long the list is.

    ``memo`` shares redirect targets between requests: many dead deep links bounce to one home page,
    which is then fetched once. ``read_whole(headers)`` says which answers are read whole (up to
    ``max_page_bytes``) rather than to a window past their head: an archive's own pages say what they
    mean at their end. ``guard`` refuses non-public targets, hop by hop; ``budget`` caps the time of all
    hops together."""
    budget = budget or Budget(None)
    hops: list[Hop] = []
    seen: set[str] = set(_seen)
    current, verb = url, method
    jar = _ChainCookies()
    t0 = time.monotonic()
    while True:
        seen.add(current)
        refused = guard.refusal(current) if guard else None
        if refused:
            kind = ErrorKind.UNSUPPORTED_SCHEME if scheme_refusal(current) else ErrorKind.REFUSED_TARGET
            return Fetch(url=url, hops=tuple(hops), final_url=current, error=kind,
                         error_detail=f"not requested: {refused}", elapsed=time.monotonic() - t0)
        status: int | None = None
        failure: ErrorKind | None = None
        location = ctype = None
        kept: tuple[tuple[str, str], ...] = ()
        is_redirect = False
        body_wanted = False  # the body was asked for: empty then means a blank page, not an unread one
        sink = bytearray()
        cut_short: str | None = None
        all_headers: tuple[tuple[str, str], ...] = ()
        cookies: tuple[str, ...] = ()
        try:
            async with gate(current):
                budget.start()
                left = budget.left()
                if left is not None and left <= 0:
                    raise TimeoutError("the URL's deadline was spent")
                async with asyncio.timeout(settings.request_timeout if left is None else
                                           min(settings.request_timeout, left)) as hop_deadline:
                    request = client.build_request(verb, current, headers=jar.headers_for(current, headers),
                                                   content=content)
                    response = await client.send(request, stream=True)
                    try:
                        status = response.status_code
                        answer = ResponseHeaders(response.headers)
                        jar.keep(current, answer)
                        kept = _kept(answer)
                        ctype = answer.get("content-type") or None
                        failure = proxy_failure(status, answer)
                        location = answer.get("location") or None
                        is_redirect = bool(300 <= status < 400 and location)
                        textual = not ctype or any(t in ctype.lower() for t in TEXTUAL)
                        cookies = _cookie_names(answer)
                        all_headers = tuple((k, v) for k, v in answer.items if k != "set-cookie")
                        encoding = answer.get("content-encoding", "identity")
                        if keep_body:
                            await _read_capped(response, sink, lambda _: settings.max_api_bytes, encoding)
                        elif body_wanted := (read_body and verb != "HEAD" and not (is_redirect and follow_redirects)
                                             and textual):
                            whole = read_whole is not None and read_whole(answer)
                            window = settings.max_page_bytes if whole else settings.max_body_bytes
                            await _read_capped(response, sink, PageReader(window, settings.max_page_bytes).want,
                                               encoding)
                        await _drain_small(response, answer, verb, hop_deadline.when())
                    finally:
                        await response.aclose()
                        # httpx's response and its stream refer to each other: a cycle only the cyclic collector
                        # frees. Cut, the answer is freed at once (3,000 answers were 46,000 objects of garbage)
                        response.stream = _SPENT
        except Exception as exc:  # every failure of one link is data for its verdict
            kind = error_kind(exc)
            if kind is ErrorKind.TIMEOUT and budget.spent:
                kind = ErrorKind.DEADLINE
            if status is None or failure or keep_body or (is_redirect and follow_redirects):
                return Fetch(url=url, hops=tuple(hops), final_url=current, error=kind,
                             error_detail=f"{type(exc).__name__}: {exc}"[:300] or type(exc).__name__,
                             elapsed=time.monotonic() - t0)
            # the answer came, its body did not come whole (a trickle, a short read): judge what arrived
            cut_short = f"body cut short after {len(sink)} bytes ({kind})"
        assert status is not None
        if failure:
            hops.append(Hop(verb, current, status))
            return Fetch(url=url, hops=tuple(hops), final_url=current, error=failure,
                         error_detail=f"proxy answered {status}", headers=kept, elapsed=time.monotonic() - t0)
        hops.append(Hop(verb, current, status))
        if is_redirect and follow_redirects:
            assert location is not None
            target = urllib.parse.urljoin(current, location)
            if target in seen or len(seen) > settings.max_redirects:
                loop = target in seen
                return Fetch(url=url, hops=tuple(hops), status=status, final_url=target, headers=kept,
                             error=ErrorKind.REDIRECT_LOOP if loop else ErrorKind.TOO_MANY_REDIRECTS,
                             error_detail=f"redirected back to {target}" if loop else
                             f"more than {settings.max_redirects} redirects", elapsed=time.monotonic() - t0)
            if status == 303 and verb != "HEAD":
                verb = "GET"
            if memo is not None:
                rest = functools.partial(fetch, client, verb, target, settings, read_body=read_body, gate=gate,
                                         headers=headers, memo=memo, guard=guard, budget=budget,
                                         _seen=frozenset(seen))
                tail = await _shared_target(memo, verb, target, rest)
                return replace(tail, url=url, hops=tuple(hops) + tail.hops, elapsed=time.monotonic() - t0)
            current = target
            continue
        body = bytes(sink)
        page = PageFacts() if keep_body else analyse(body, ctype, url=current, status=status, headers=all_headers,
                                                     cookies=cookies, read=body_wanted and cut_short is None)
        return Fetch(url=url, hops=tuple(hops), status=status, final_url=current, headers=kept, content_type=ctype,
                     page=page, body=body if keep_body else b"", error_detail=cut_short, elapsed=time.monotonic() - t0)


async def _shared_target(memo: Memo, verb: str, url: str, run: Callable[[], Awaitable[Fetch]]) -> Fetch:
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
        fut.set_result(Fetch(url=url, error=ErrorKind.ERROR, error_detail=f"{type(exc).__name__}"))
        raise
    if result.error or (result.status or 0) >= 500:
        memo.pop(key, None)
    fut.set_result(result)
    return result
