"""A generated web + Wayback Machine behind a local HTTP forward proxy, for benchmarks (not tests).

Every URL in the world is plain http:// so any client that honours HTTP_PROXY reaches it through
absolute-form requests, without TLS. Hosts have latency; some are dead (the proxy answers 502 with
``Proxy-Status: …; error=dns_error``), some bot-walled, soft-404, redirecting or slow. The Wayback Machine
enforces the Internet Archive's per-IP limits (replay 600/min, CDX 30/min, availability 60/min) with
429s that carry no Retry-After, and counts what it saw.
"""
from __future__ import annotations

import asyncio
import email.utils
import json
import random
import time
import urllib.parse
from collections import Counter, deque
from dataclasses import dataclass, field

WAYBACK = {"web.archive.org", "archive.org"}
LIMITS = {"replay": 600, "cdx": 30, "availability": 60}  # per minute, as the Internet Archive states them


def page(title: str, text: str = "") -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>{text}</p>" + "<p>lorem ipsum dolor sit amet</p>" * 40 + "</body></html>").encode()


@dataclass
class World:
    refs: list[dict]  # {"n", "title", "url", "snapshot" (or None), "kind"}
    hosts: dict[str, dict]
    captures: dict[str, list[tuple[str, int]]]  # url -> [(ts, status)]
    stats: Counter = field(default_factory=Counter)
    windows: dict[str, deque] = field(default_factory=lambda: {"replay": deque(), "cdx": deque(), "availability": deque()})
    limits: dict[str, int] = field(default_factory=lambda: dict(LIMITS))
    #: when each Wayback request arrived, by family (for the busiest minute)
    arrivals: dict[str, list[float]] = field(default_factory=lambda: {"replay": [], "cdx": [], "availability": []})

    def reset(self) -> None:
        self.stats.clear()
        for w in self.windows.values():
            w.clear()
        for a in self.arrivals.values():
            a.clear()

    def busiest_minute(self) -> dict[str, int]:
        """The most Wayback requests of each family in any 60 seconds."""
        peak = {}
        for family, times in self.arrivals.items():
            best, start = 0, 0
            for end, t in enumerate(times):
                while times[start] < t - 60:
                    start += 1
                best = max(best, end - start + 1)
            peak[family] = best
        return peak

    def take(self, family: str) -> bool:
        now = time.monotonic()
        w = self.windows[family]
        while w and w[0] < now - 60:
            w.popleft()
        if len(w) >= self.limits[family]:
            return False
        w.append(now)
        return True


def build(n_refs: int, n_hosts: int, seed: int = 7) -> World:
    rng = random.Random(seed)
    kinds = ["ok"] * 55 + ["dead404"] * 8 + ["deadhost"] * 6 + ["blocked"] * 5 + ["moved"] * 4 + ["tohome"] * 4 + \
            ["soft404"] * 3 + ["slow"] * 3 + ["uncited"] * 6 + ["snap404"] * 3 + ["missing"] * 3
    hosts: dict[str, dict] = {}
    for h in range(n_hosts):
        name = f"site{h}-{rng.choice(['news', 'journal', 'archive', 'press'])}.{rng.choice(['org', 'net', 'com', 'kz'])}"
        hosts[name] = {"latency": rng.uniform(0.02, 0.25), "dead": rng.random() < 0.06,
                       "blocked": rng.random() < 0.05, "soft404": rng.random() < 0.04,
                       "hangs": rng.random() < 0.02, "rate_limited": rng.random() < 0.03}
    refs, captures = [], {}
    names = list(hosts)
    for n in range(1, n_refs + 1):
        host = names[rng.randrange(len(names))]
        kind = rng.choice(kinds)
        spec = hosts[host]
        if spec["dead"]:
            kind = "deadhost"
        url = f"http://{host}/{kind}/{n}/article.html"
        ts = f"20{rng.randint(12, 23):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 23):02d}0000"
        snapshot = None if kind == "uncited" else f"http://web.archive.org/web/{ts}/{url}"
        if kind == "missing":
            pass
        elif kind == "snap404":
            captures[url] = [(ts, 404)]
        else:
            captures[url] = [(ts, 200)]
        refs.append({"n": n, "title": f"Article {n} on {host}", "url": url, "snapshot": snapshot, "kind": kind})
    return World(refs, hosts, captures)


def build_live(n_links: int, n_hosts: int, seed: int = 5) -> World:
    """Links only (no archive links, nothing archived): a README's or a blog's links, as a link checker sees them.
    Hosts answer in 50–400 ms; most links work, some are dead, moved, walled or soft-404."""
    rng = random.Random(seed)
    kinds = ["ok"] * 80 + ["dead404"] * 8 + ["moved"] * 5 + ["tohome"] * 3 + ["soft404"] * 2 + ["slow"] * 2
    hosts = {f"site{h}.example-{rng.choice(['gov', 'news', 'blog', 'journal'])}.org":
             {"latency": rng.uniform(0.05, 0.4), "dead": rng.random() < 0.02, "blocked": rng.random() < 0.03,
              "soft404": False, "hangs": False, "rate_limited": False} for h in range(n_hosts)}
    names = list(hosts)
    refs = []
    for n in range(1, n_links + 1):
        host = names[rng.randrange(len(names))]
        kind = "deadhost" if hosts[host]["dead"] else rng.choice(kinds)
        refs.append({"n": n, "title": f"Page {n} on {host}", "url": f"http://{host}/{kind}/{n}/page.html",
                     "snapshot": None, "kind": kind})
    return World(refs, hosts, {})


def write_refs(world: World, path_txt: str, path_md: str) -> None:
    with open(path_txt, "w", encoding="utf-8") as t, open(path_md, "w", encoding="utf-8") as m:
        t.write("References\n\n")
        m.write("# References\n\n")
        for r in world.refs:
            link = r["snapshot"] or r["url"]
            t.write(f"[{r['n']}] ‘{r['title']}’, {link}\n\n")
            arch = f" [archived]({r['snapshot']})" if r["snapshot"] else ""
            m.write(f"{r['n']}. *{r['title']}* <{r['url']}>{arch}\n")


class Proxy:
    def __init__(self, world: World):
        self.world = world
        self.refs_by_url = {r["url"]: r for r in world.refs}
        self.host_hits: dict[str, deque] = {}

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
                body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
                if method == "CONNECT":
                    writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    await writer.drain()
                    break
                status, hdrs, payload, delay = self.answer(method, target, headers, body)
                if delay:
                    await asyncio.sleep(delay)
                hdrs["Content-Length"] = str(len(payload))
                out = f"HTTP/1.1 {status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
                writer.write(out.encode("latin-1") + (payload if method != "HEAD" else b""))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    def answer(self, method: str, url: str, headers: dict, body: bytes):
        p = urllib.parse.urlsplit(url)
        host = (p.hostname or "").lower()
        s = self.world.stats
        s["requests"] += 1
        if host in WAYBACK:
            s["wayback"] += 1
            return self.wayback(method, url, p, body)
        spec = self.world.hosts.get(host)
        if spec is None or spec["dead"]:
            return 502, {"Proxy-Status": "bench; error=dns_error"}, b"", 0.0
        html = {"Content-Type": "text/html; charset=utf-8"}
        lat = spec["latency"]
        if spec["hangs"]:
            return 200, html, page("too late"), 600.0
        if spec["rate_limited"]:
            bucket = self.host_hits.setdefault(host, deque())
            now = time.monotonic()
            while bucket and bucket[0] < now - 1:
                bucket.popleft()
            if len(bucket) >= 2:
                return 429, dict(html, **{"Retry-After": "2"}), page("Too Many Requests"), lat
            bucket.append(now)
        if spec["blocked"]:
            return 403, dict(html, **{"cf-mitigated": "challenge"}), page("Just a moment..."), lat
        ref = self.refs_by_url.get(url)
        kind = ref["kind"] if ref else ("root" if p.path in ("", "/") else "unknown")
        if kind == "root":
            return 200, html, page(f"{host} home"), lat
        if kind in ("dead404", "unknown"):
            if spec["soft404"]:
                return 200, html, page("Page not found"), lat
            return 404, html, page("404 Not Found"), lat
        if kind == "moved":
            return 301, {"Location": url.replace("/article.html", "/new.html")}, b"", lat
        if kind == "tohome":
            return 302, {"Location": f"http://{host}/"}, b"", lat
        if kind == "soft404":
            return 200, html, page("Page not found"), lat
        if kind == "slow":
            return 200, html, page(ref["title"]), lat + 2.0
        return 200, html, page(ref["title"] if ref else "x"), lat

    def wayback(self, method: str, url: str, p, body: bytes):
        w = self.world
        path = p.path
        family = "cdx" if path.startswith(("/cdx/", "/web/timemap")) else "availability" \
            if path.startswith("/wayback/available") else "replay"
        w.arrivals[family].append(time.monotonic())
        if not w.take(family):
            w.stats["wayback_429"] += 1
            return 429, {"Content-Type": "text/html"}, b"<html><body><h1>429 Too Many Requests</h1></body></html>", 0.05
        lat = 0.15
        if family == "availability":
            return 200, {"Content-Type": "application/json"}, self.available(body), lat
        if family == "cdx":
            q = urllib.parse.parse_qs(p.query)
            caps = [c for c in w.captures.get(q.get("url", [""])[0], []) if c[1] == 200]
            rows = [["timestamp", "original", "statuscode"]] + [[ts, q["url"][0], "200"] for ts, _ in caps[:1]]
            return 200, {"Content-Type": "application/json"}, json.dumps(rows if caps else []).encode(), lat
        rest = url.split("/web/", 1)[1]
        _, _, original = rest.partition("/")
        caps = w.captures.get(original)
        if not caps:
            return 404, {"Content-Type": "text/html"}, page("Wayback Machine", "has not archived that URL."), lat
        cts, status = caps[0]
        return status, {"Content-Type": "text/html", "Memento-Datetime": email.utils.formatdate(
            time.mktime(time.strptime(cts, "%Y%m%d%H%M%S")), usegmt=True)}, page(f"capture of {original}"), lat

    def available(self, body: bytes) -> bytes:
        results = []
        for line in body.decode().splitlines():
            q = urllib.parse.parse_qs(line)
            u = q.get("url", [""])[0]
            caps = [c for c in self.world.captures.get(u, []) if c[1] == 200]
            r = {"url": u, "tag": q.get("tag", [""])[0], "archived_snapshots": {}}
            if caps:
                r["archived_snapshots"]["closest"] = {"available": True, "status": "200", "timestamp": caps[0][0],
                                                      "url": f"http://web.archive.org/web/{caps[0][0]}/{u}"}
            results.append(r)
        return json.dumps({"results": results}).encode()


async def serve(world: World, ready: asyncio.Future) -> None:
    proxy = Proxy(world)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0, backlog=4096)
    ready.set_result(server.sockets[0].getsockname()[1])
    async with server:
        await server.serve_forever()
