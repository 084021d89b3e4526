"""The library API: what `import citecheck` offers, used as a library user would."""
from __future__ import annotations

import asyncio
import json
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
    settings = replace(citecheck.Settings(), use_cache=False, share_wayback_budget=False)
    report = citecheck.check(refs(tmp_path), settings, transport=httpx.MockTransport(handler))
    (result,) = report.results
    assert result.verdict.live.state is citecheck.LiveState.DEAD
    assert result.verdict.archive.state is citecheck.ArchiveState.OK and not report.needs_attention
    assert '"state": "dead"' in citecheck.render(report, "json")


def test_acheck_inside_a_running_event_loop(tmp_path):
    settings = replace(citecheck.Settings(), use_cache=False, share_wayback_budget=False)

    async def app():  # an application that already runs its own loop
        return await citecheck.acheck(refs(tmp_path), settings, transport=httpx.MockTransport(handler))

    report = asyncio.run(app())
    assert report.results[0].verdict.archive.state is citecheck.ArchiveState.OK


def test_every_url_of_an_entry_is_checked_and_the_main_one_decides(tmp_path):
    path = tmp_path / "refs.md"
    path.write_text("1. ‘Digital activism’, https://a.example/x, archived "
                    "https://web.archive.org/web/20230101000000/https://a.example/x (mirror: https://b.example/copy.html,"
                    " also https://a.example/x/ and https://archive.ph/20230101000000/https://b.example/copy.html)\n",
                    encoding="utf-8")
    (ref,) = citecheck.read_references(str(path))
    assert ref.url == "https://a.example/x"
    # the same page written again (a trailing slash) is not a second URL
    assert ref.other_urls == ("https://b.example/copy.html",
                              "https://archive.ph/20230101000000/https://b.example/copy.html")
    asked = []

    def recording(request):
        asked.append(str(request.url))
        if request.url.host == "b.example":
            return httpx.Response(410, html="<title>Gone</title>")
        if request.url.host == "archive.ph":
            return httpx.Response(200, headers=MEMENTO, html="<title>Digital activism</title>")
        return handler(request)

    report = citecheck.check([ref], replace(citecheck.Settings(), use_cache=False),
                             transport=httpx.MockTransport(recording))
    (result,) = report.results
    v = result.verdict
    assert v.live.state is citecheck.LiveState.DEAD and v.archive.state is citecheck.ArchiveState.OK
    assert not v.attention  # the other URLs are reported, they do not decide
    mirror, copy = v.others
    assert (mirror.url, mirror.state, mirror.live.rule) == ("https://b.example/copy.html", "dead", "live.dead.http410")
    assert copy.archive is not None and copy.live is None
    assert any(u.startswith("https://b.example/copy.html") for u in asked)
    evidence = json.loads(citecheck.render(report, "json"))["references"][0]["evidence"]
    assert [(o["url"], o["kind"]) for o in evidence["other_urls"]] == [
        ("https://b.example/copy.html", "original"),
        ("https://archive.ph/20230101000000/https://b.example/copy.html", "snapshot")]
    assert evidence["other_urls"][0]["live"]["state"] == "dead"
    assert any("https://b.example/copy.html: dead" in n for n in evidence["notes"])


def test_each_result_is_handed_over_as_soon_as_it_is_judged(tmp_path):
    settings = replace(citecheck.Settings(), use_cache=False)
    seen: dict[int, object] = {}
    report = citecheck.check(refs(tmp_path), settings, transport=httpx.MockTransport(handler),
                             on_result=seen.__setitem__)
    # the same results, judged once, each with its place in the list
    assert [id(seen[i]) for i in sorted(seen)] == [id(r) for r in report.results]
