"""The README stays true: its verdict tables are the vocabulary's, and its library example runs."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import httpx

import citecheck
from citecheck.archives import SERVICES
from citecheck.vocab import ArchiveState, IdentifierState, LiveState

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_verdict_tables_are_the_vocabulary():
    for enum, heading in ((LiveState, "live.state"), (ArchiveState, "archive.state"),
                          (IdentifierState, "identifier.state")):
        rows = re.search(rf"\| `{re.escape(heading)}` \| meaning \|\n\|---\|---\|\n((?:\|.*\n)+)", README)
        assert rows, heading
        table = dict(re.findall(r"^\| (\w+) \| (.*) \|$", rows.group(1), re.M))
        assert table == {s.value: s.meaning for s in enum}


def test_every_archive_is_listed():
    for service in SERVICES:
        assert service.name[1:] in README, service.id


def test_the_library_example_runs(monkeypatch, capsys):
    code = re.search(r"## Use as a library.*?```python\n(.*?)```", README, re.S).group(1)

    def answer(request):
        if request.url.host == "web.archive.org":
            return httpx.Response(200, headers={"Memento-Datetime": "Tue, 19 Sep 2023 06:58:39 GMT"},
                                  html="<title>Captured</title>")
        return httpx.Response(404)

    def check(refs, settings):  # the README's call, on a mock web, without the real web's waits
        quick = dataclasses.replace(settings, lookup_linger=0.0, confirm_grace=0.0, host_interval=0.0,
                                    replay_per_min=1e6, registry_per_sec=1e6, share_wayback_budget=False)
        return real_check(refs, quick, transport=httpx.MockTransport(answer))

    real_check = citecheck.check
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(citecheck, "check", check)
    exec(compile(code, "README example", "exec"), {})
    out = capsys.readouterr().out
    assert "# citecheck report" in out and "13 references" in out
