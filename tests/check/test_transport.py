"""One small pool per origin, and only the pools used lately kept open."""
from __future__ import annotations

import asyncio

from citecheck.check.guard import TargetGuard
from citecheck.check.transport import OriginPools


def origin(n: int) -> tuple[str, str, int]:
    return ("https", f"site{n}.example", 443)


def test_the_least_recently_used_idle_pools_beyond_the_bound_are_retired():
    pools = OriginPools(TargetGuard(), per_origin=2, max_idle_pools=2, proxies={})
    first = pools._pool(origin(1))
    pools._pool(origin(2))
    first.active = 1  # a response of site1 is still being read: its pool stays
    pools._pool(origin(3))
    assert list(pools._pools) == [origin(1), origin(2), origin(3)]
    first.active = 0
    pools._pool(origin(2))  # site2 used again: site1 is now the oldest, and idle
    assert list(pools._pools) == [origin(3), origin(2)]
    assert [p is first for p in pools._retired] == [True]
    asyncio.run(pools.aclose())
    assert not pools._retired and not pools._pools
