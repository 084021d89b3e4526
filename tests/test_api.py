"""The library API: what `import citecheck` offers, used as a library user would."""
from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx

import citecheck

MEMENTO = {"Memento-Datetime": "Sun, 01 Jan 2023 00:00:00 GMT", "Content-Type": "text/html"}


def handler(request):
    if request.url.host == "web.archive.org":
        return httpx.Response(200, headers=MEMENTO, html="<title>Digital activism</title>")
    return httpx.Response(404, html="<title>Not Found</title>")


def refs(tmp_path):
    path = tmp_path / "refs.txt"
    path.write_text("[1] ‘Digital activism’, https://web.archive.org/web/20230101000000/https://a.example/x\n",
                    encoding="utf-8")
    return citecheck.read_references(str(path))


def test_the_public_names():
    for name in ("check", "acheck", "read_references", "render", "Settings", "Report", "LiveState", "ArchiveState", "FailOn",
                 "InputError", "NetworkDown", "__version__"):
        assert name in citecheck.__all__ and hasattr(citecheck, name)


def test_check_without_an_event_loop(tmp_path):
    settings = replace(citecheck.Settings(), use_cache=False)
    report = citecheck.check(refs(tmp_path), settings, transport=httpx.MockTransport(handler))
    (result,) = report.results
    assert result.verdict.live.state is citecheck.LiveState.DEAD
    assert result.verdict.archive.state is citecheck.ArchiveState.OK and not report.needs_attention
    assert '"state": "dead"' in citecheck.render(report, "json")


def test_acheck_inside_a_running_event_loop(tmp_path):
    settings = replace(citecheck.Settings(), use_cache=False)

    async def app():  # an application that already runs its own loop
        return await citecheck.acheck(refs(tmp_path), settings, transport=httpx.MockTransport(handler))

    report = asyncio.run(app())
    assert report.results[0].verdict.archive.state is citecheck.ArchiveState.OK


def test_each_result_is_handed_over_as_soon_as_it_is_judged(tmp_path):
    settings = replace(citecheck.Settings(), use_cache=False)
    seen = []
    report = citecheck.check(refs(tmp_path), settings, transport=httpx.MockTransport(handler), on_result=seen.append)
    assert [id(r) for r in seen] == [id(r) for r in report.results]  # the same results, judged once
