"""The run's HTTP client: opened in a context that tells httpcore and anyio which async library runs."""
from __future__ import annotations

import asyncio

import httpx
import sniffio

from citecheck.check.client import open_client
from citecheck.settings import Settings


def test_the_block_and_its_tasks_say_asyncio_and_the_caller_is_left_as_it_was():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(sniffio.current_async_library_cvar.get())
        return httpx.Response(200)

    async def main() -> tuple[object, object]:
        before = sniffio.current_async_library_cvar.get()
        async with open_client(Settings(), httpx.MockTransport(handler)) as client:
            await asyncio.gather(*(asyncio.create_task(client.get(f"http://example.org/{i}")) for i in range(3)))
        return before, sniffio.current_async_library_cvar.get()

    before, after = asyncio.run(main())
    assert seen == ["asyncio"] * 3
    assert before is None and after is None
