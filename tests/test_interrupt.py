"""Ctrl-C: stops within a second, says so, keeps what was done in a report marked partial, exits 130. A real SIGINT to
a real process (forked: the same, without an interpreter start)."""
from __future__ import annotations

import json
import signal
import time

import pytest
from forked import ForkedCli


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_writes_the_partial_report_and_exits_130(site, tmp_path, signum):
    refs = tmp_path / "refs.txt"
    refs.write_text("".join([f"[{i}] ‘Modeling Internet Effects on Civic Participation’, {site.url}/article\n"
                             for i in (1, 2)] + [f"[{i}] ‘Slow’, {site.url}/hang/{i}\n" for i in range(3, 9)]),
                    encoding="utf-8")
    out = tmp_path / "report.json"
    proc = ForkedCli("check", str(refs), "--no-archive", "--allow-private", "--no-cache", "--format", "json",
                     "--output", str(out), "--timeout", "60")
    hits = site.server.app.hits
    deadline = time.monotonic() + 20
    # the fast ones answered and a slow one hangs (requests to one host go in turn, the article's first);
    # (the server's thread adds to hits: a copy is read)
    while not (hits.get("/article") and any(p.startswith("/hang/") for p in list(hits))) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # (judging the answered ones takes milliseconds)
    proc.send_signal(signum)
    returncode, err = proc.wait(timeout=30)  # (the time it takes is measured by bench/, not asserted here)
    assert returncode == 130, err
    assert "interrupted after" in err and err.count("\n") == 1
    data = json.loads(out.read_text())
    assert data["run"]["partial"] is True and data["run"]["references_given"] == 8
    assert [r["number"] for r in data["references"]] == [1, 2]
