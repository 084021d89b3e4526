"""Ctrl-C: stops within a second, says so, keeps what was done in a report marked partial, exits 130."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time


def test_ctrl_c_writes_the_partial_report_and_exits_130(site, tmp_path):
    refs = tmp_path / "refs.txt"
    refs.write_text("".join([f"[{i}] ‘Modeling Internet Effects on Civic Participation’, {site.url}/article\n"
                             for i in (1, 2)] + [f"[{i}] ‘Slow’, {site.url}/hang/{i}\n" for i in range(3, 9)]),
                    encoding="utf-8")
    out = tmp_path / "report.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "citecheck", "check", str(refs), "--no-archive", "--allow-private", "--no-cache",
         "--format", "json", "--output", str(out), "--timeout", "60"],
        stderr=subprocess.PIPE, env=dict(os.environ, NO_PROXY="*"))
    deadline = time.monotonic() + 20
    while site.server.app.hits.get("/article", 0) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the fast ones are done; the slow ones hang
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)  # (the time it takes is measured by bench/, not asserted here)
    assert proc.returncode == 130, err
    assert "interrupted after" in err.decode() and err.decode().count("\n") == 1
    data = json.loads(out.read_text())
    assert data["run"]["partial"] is True and data["run"]["references_given"] == 8
    assert [r["number"] for r in data["references"]] == [1, 2]
