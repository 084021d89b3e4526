"""Politeness: pacers, per-host gates, and the one retry policy for every request citecheck sends.

Time is the event loop's (``loop.time()``, ``asyncio.sleep``), never the wall clock's, so tests run pacing,
backoff and timeouts on a loop whose clock jumps ahead instead of sleeping.
"""
from __future__ import annotations

import asyncio
import contextlib
import email.utils
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

import httpx

from ..model import Fetch
from ..settings import Settings
from ..urls import host_of
from ..vocab import ErrorKind, Retry
from .fetch import Budget, Gate, HostUnresolved, HostUnresponsive, Memo, fetch, no_gate
from .guard import TargetGuard


def loop_time() -> float:
    return asyncio.get_running_loop().time()


class Paces(Protocol):
    """What a request waits on before it starts: a pacer of this process, or one shared by processes."""

    async def wait(self) -> None: ...

    def delay(self) -> float: ...

    def pause(self, seconds: float) -> None: ...


#: The window archives count requests in: a limit of N a minute is N in any 60 seconds.
WINDOW = 60.0
#: A start this much later than its slot (the event loop was busy) gives the slot up and queues again: late
#: starts bunched together would put more requests into some minute than the pace allows.
LATE = 0.25
#: What a request may take between its start and its arrival (a new connection, a busy machine): the archive
#: counts arrivals. (Measured: two runs sharing a budget on a loaded 2-core machine put 482 replays into one
#: minute at a pace of 480 without this cushion.)
TRANSIT = 0.5


def spacing(per_minute: float) -> float:
    """The gap between starts that keeps at most ``per_minute`` arrivals in any window of 60 seconds, even when
    each start is up to LATE after its slot and arrives up to TRANSIT later: N + 1 of them then span more than
    the window. (480 a minute is a start every 0.127 s.)"""
    return (WINDOW + LATE + TRANSIT) / per_minute if per_minute > 0 else 0.0


class Pacer:
    """Spreads request starts evenly, never more than ``per_minute`` in any 60 seconds; can be paused (a 429, a
    Retry-After)."""

    def __init__(self, per_minute: float):
        self.interval = spacing(per_minute)
        self._next = 0.0
        self.paused_until = 0.0

    async def wait(self) -> None:
        while True:
            now = loop_time()
            start = max(now, self._next, self.paused_until)
            self._next = start + self.interval
            if start > now:
                await asyncio.sleep(start - now)
            woke = loop_time()
            if woke + 1e-3 >= self.paused_until and woke <= start + LATE:
                return
            # a pause began while this request waited for its slot, or the slot went by while the loop was busy:
            # queue again

    def delay(self) -> float:
        """Seconds until a request could start, without reserving the slot."""
        now = loop_time()
        return max(0.0, self._next - now, self.paused_until - now)

    def pause(self, seconds: float) -> None:
        until = loop_time() + seconds
        self.paused_until = max(self.paused_until, until)


@dataclass
class _HostState:
    semaphore: asyncio.Semaphore
    pacer: Pacer


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

    @classmethod
    def for_settings(cls, settings: Settings) -> HostGates:
        return cls(settings.per_host, settings.host_interval, asyncio.Semaphore(settings.concurrency))

    def record(self, url: str, result: Fetch) -> None:
        host = host_of(url)
        if result.status is not None:
            self._answered.add(host)
            self._unresolved.discard(host)
        elif result.error in (ErrorKind.DNS, ErrorKind.UNREACHABLE) and not result.hops:
            self._unresolved.add(host)
        elif result.error is ErrorKind.TIMEOUT:
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
        # the host's turn first, the run's slot last: a request waiting for a busy host holds none of the run's
        # slots (else a few slow hosts would idle the whole run)
        async with st.semaphore:
            if self.unresponsive(url):
                raise HostUnresponsive(f"{host_of(url)} timed out on earlier requests and never answered")
            if self.known_unresolved(url):
                raise HostUnresolved(f"{host_of(url)} did not resolve on an earlier request")
            await st.pacer.wait()
            async with self.overall:
                yield

    def defer(self, url: str, seconds: float, *, slow_down: bool = False) -> None:
        """The host asked us to come back later (Retry-After). After a 429 it also gets requests more slowly
        from then on: resuming at the old pace would only hit its limit again."""
        pacer = self._state(host_of(url)).pacer
        pacer.pause(seconds)
        if slow_down:
            pacer.interval = min(max(pacer.interval * 2, 0.5), 5.0)


# --- the retry policy ----------------------------------------------------------------------------------------

RETRY_STATUSES = frozenset({500, 502, 503, 504, 520, 521, 522, 523, 524, 525, 526, 527, 529, 530})


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


def backoff(attempt: int, jitter: Callable[[], float] = random.random, first: float = 0.5) -> float:
    """The wait before retry ``attempt + 1``: ``first``, doubling each time up to 16 x, give or take a quarter (so
    the requests a failure held back do not all come back at once)."""
    return min(16 * first, first * (2.0 ** attempt)) * (0.75 + jitter() * 0.5)


@dataclass
class Attempts:
    """One URL's retry bookkeeping."""

    made: int = 0
    timeouts: int = 0
    waited: float = 0.0  # seconds slept between attempts: Retry-After waits share one budget per URL


@dataclass(frozen=True)
class Retrying:
    """The policy's answer: wait ``delay`` seconds and try again; ``slow_down``: the host said 429."""

    delay: float
    slow_down: bool = False


class RetryPolicy:
    """When to ask again, for ordinary sites and archives alike: 5xx, resets and empty replies with backoff;
    429 and 503 after their Retry-After (within one budget per URL); a timeout at most ``timeout_retries``
    more times; a name that does not resolve once more. An archive's own rate limit (a 429 without a
    capture) is not this policy's: the archive probe pauses the whole endpoint family instead."""

    def __init__(self, settings: Settings, jitter: Callable[[], float] = random.random):
        self.settings = settings
        self.jitter = jitter

    def backoff(self, attempt: int) -> float:
        return backoff(attempt, self.jitter, self.settings.retry_wait)

    def next(self, result: Fetch, attempts: Attempts) -> Retrying | None:
        """Count ``result`` as an attempt; None: stop and report it."""
        s = self.settings
        attempts.made += 1
        made = attempts.made
        decision: Retrying | None = None
        if result.error is not None:
            rule = result.error.retry
            if rule is Retry.AFTER_TIMEOUT:
                attempts.timeouts += 1
                decision = Retrying(s.retry_wait) if attempts.timeouts <= s.timeout_retries else None
            elif rule is Retry.ONCE:
                decision = Retrying(2 * s.retry_wait) if made <= min(1, s.retries) else None
            elif rule is Retry.BACKOFF and made <= s.retries:
                decision = Retrying(self.backoff(made - 1))
        elif result.status in RETRY_STATUSES or result.status == 429:
            after = retry_after_seconds(result.header("retry-after"))
            limited = result.status == 429
            # a 429 says the page is there: it earns two more tries than an error does
            # (and when the host wants us gone for longer than we wait, report what we saw)
            if made <= s.retries + (2 if limited else 0) and (after is None or attempts.waited + after <= s.max_retry_after):
                decision = Retrying(after if after is not None else self.backoff(made - 1), slow_down=limited)
        if decision is None or made > s.retries + s.timeout_retries + 2:
            return None
        attempts.waited += decision.delay
        return decision


def settled_earlier(result: Fetch) -> bool:
    """The host gates answered for the host (its name did not resolve, it hangs): nothing was sent, and asking
    again would only repeat that."""
    return (result.error_detail or "").startswith(("HostUnresolved", "HostUnresponsive"))


async def fetch_politely(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    settings: Settings,
    *,
    gates: HostGates | None = None,
    policy: RetryPolicy | None = None,
    read_body: bool = True,
    memo: Memo | None = None,
    guard: TargetGuard | None = None,
) -> Fetch:
    """fetch() to an ordinary site: through its host gate, retried as the policy says, within the URL's total
    deadline. A host settled by an earlier request (its name did not resolve, it hangs) costs no request at all."""
    gate: Gate = gates.slot if gates else no_gate
    policy = policy or RetryPolicy(settings)
    attempts = Attempts()
    budget = Budget(settings.deadline)
    while True:
        result = await fetch(client, method, url, settings, read_body=read_body, gate=gate, memo=memo, guard=guard,
                             budget=budget)
        if gates:
            if settled_earlier(result):
                return replace(result, attempts=attempts.made)  # settled by an earlier request: nothing was sent
            gates.record(result.final_url or url, result)
            if gates.unresponsive(url):
                return replace(result, attempts=attempts.made + 1)
        retrying = policy.next(result, attempts)
        left = budget.left()
        if retrying is None or (left is not None and retrying.delay >= left):
            return replace(result, attempts=attempts.made)
        if gates and result.error is None:
            gates.defer(result.final_url or url, retrying.delay, slow_down=retrying.slow_down)
        await asyncio.sleep(retrying.delay)
