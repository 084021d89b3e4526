"""Real HTTP servers on 127.0.0.1 for end-to-end tests: a small web site with every kind of trouble, and a
Wayback Machine that answers the way the recorded exchanges (edgi-govdata-archiving/wayback cassettes) show:
Memento-Datetime on captures, 302 + X-Archive-Redirect-Reason for the nearest capture, Wayback's own 404
for never-archived URLs, a 200 "excluded" page, captured redirects with relative replay Locations, the
availability batch POST and CDX JSON.
"""
from __future__ import annotations

import email.utils
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def page(title: str, text: str = "") -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>{text}</p></body></html>").encode()


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # the head and the body leave in one write: written apart, Nagle's algorithm holds the body until the client's
    # delayed ACK (40 ms on Linux), which kept every end-to-end test waiting on each keep-alive request
    disable_nagle_algorithm = True
    wbufsize = -1  # flushed by BaseHTTPRequestHandler after each request
    server: _Server

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.log.append((self.command, self.path, dict(self.headers)))
        self.server.peers.append(self.client_address[1])  # the client's port: which connection carried it
        reply = self.server.app(self.command, self.path, dict(self.headers), body)
        if reply.delay:
            time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_HEAD = do_POST = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.app = app
        self.log: list[tuple[str, str, dict]] = []
        self.peers: list[int] = []


class Running:
    """A server in a background thread; ``url`` is its base URL."""

    def __init__(self, app):
        self.server = _Server(app)
        # a short poll: shutdown() waits for it, and the tests stop many servers
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()
        host, port = self.server.server_address[:2]
        self.url = f"http://{host}:{port}"

    @property
    def log(self):
        return self.server.log

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- a web site ------------------------------------------------------------------------------------------


class Site:
    """Paths and what they do. Unknown paths get a plain 404, except under /soft/ (a soft-404 area)."""

    def __init__(self):
        self.hits: dict[str, int] = {}

    def __call__(self, method: str, path: str, headers: dict, body: bytes) -> Reply:
        self.hits[path] = self.hits.get(path, 0) + 1
        n = self.hits[path]
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/":
            return Reply(200, html, page("Example Site Home", "Welcome"))
        if path == "/article":
            return Reply(200, html, page("Modeling Internet Effects on Civic Participation", "full text"))
        if path == "/gone":
            return Reply(404, html, page("404 Not Found"))
        if path == "/removed":
            return Reply(410, html, page("Gone"))
        if path == "/old-place":
            return Reply(301, {"Location": "/new-place"})
        if path == "/new-place":
            return Reply(200, html, page("Modeling Internet Effects on Civic Participation", "moved here"))
        if path == "/walled":
            return Reply(403, dict(html, **{"cf-mitigated": "challenge", "Server": "cloudflare"}),
                         page("Just a moment...", "Checking your browser before accessing"))
        if path in ("/to-home", "/to-home-too"):
            return Reply(302, {"Location": "/"})
        if path == "/flaky":
            return Reply(503, dict(html, **{"Retry-After": "0"}), page("Unavailable")) if n == 1 else \
                Reply(200, html, page("Flaky but fine"))
        if path == "/nohead":
            return Reply(405, {"Allow": "GET"}) if method == "HEAD" else Reply(200, html, page("No HEAD here"))
        if path == "/report.pdf":
            return Reply(200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n" + b"0" * 2000)
        if path.startswith("/soft/"):
            return Reply(200, html, page("Page not found", "Sorry, we couldn't find that page."))
        if path == "/parked":
            return Reply(200, html, page("example.test is for sale",
                                         "This domain may be for sale. Buy this domain today. Related searches."))
        if path == "/drifted":
            return Reply(200, html, page("Latest updates", "Completely different content now."))
        if path == "/slowly-limited":
            return Reply(429, dict(html, **{"Retry-After": "1"}), page("Too Many Requests")) if n == 1 else \
                Reply(200, html, page("Worth the wait"))
        if path == "/hang" or path.startswith("/hang/"):
            return Reply(200, html, page("Too late"), delay=3.0)
        return Reply(404, html, page("404 Not Found"))


# --- a Wayback Machine -----------------------------------------------------------------------------------

NOT_ARCHIVED = page("Wayback Machine", "Hrm. The Wayback Machine has not archived that URL.")
EXCLUDED = page("Wayback Machine", "Sorry. This URL has been excluded from the Wayback Machine.")
RATE_LIMITED = (b"<html><body><h1>429 Too Many Requests</h1>\nYou have sent too many requests in a given "
                b"amount of time.\n</body></html>")
_REPLAY = re.compile(r"^/web/(\d{1,14})([a-z]{2}_)?/(.+)$", re.S)


@dataclass
class Capture:
    ts: str
    status: int = 200
    title: str = ""
    location: str | None = None


def _key(url: str) -> str:
    url = re.sub(r"^https?://", "", url.strip())
    url = re.sub(r"^www\.", "", url)
    return url.rstrip("/")


def _epoch(ts: str) -> float:
    ts = ts.ljust(14, "0")
    return time.mktime(time.strptime(ts, "%Y%m%d%H%M%S"))


class Wayback:
    def __init__(self, archive: dict[str, list[Capture]], excluded: set[str] = frozenset(), limit_first: int = 0):
        self.archive = {_key(u): sorted(cs, key=lambda c: c.ts) for u, cs in archive.items()}
        self.excluded = {_key(u) for u in excluded}
        self.limit_first = limit_first  # answer this many first replay requests with a live 429
        self.replays = 0

    def __call__(self, method: str, path: str, headers: dict, body: bytes) -> Reply:
        if path.startswith("/wayback/available") and method == "POST":
            return self._available(body)
        if path.startswith("/cdx/search/cdx"):
            return self._cdx(urllib.parse.urlsplit(path).query)
        m = _REPLAY.match(path)
        if m:
            self.replays += 1
            if self.replays <= self.limit_first:
                return Reply(429, {"Content-Type": "text/html", "Cache-Control": "no-cache"}, RATE_LIMITED)
            return self._replay(m.group(1), m.group(2) or "", m.group(3))
        return Reply(404, {"Content-Type": "text/html"}, NOT_ARCHIVED)

    def _closest(self, captures: list[Capture], ts: str) -> Capture:
        want = _epoch(ts)
        return min(captures, key=lambda c: abs(_epoch(c.ts) - want))

    def _replay(self, ts: str, mod: str, original: str) -> Reply:
        original = re.sub(r"^(https?):/(?!/)", r"\1://", original)
        key = _key(original)
        if key in self.excluded:
            return Reply(200, {"Content-Type": "text/html"}, EXCLUDED)
        caps = self.archive.get(key)
        if not caps:
            return Reply(404, {"Content-Type": "text/html; charset=utf-8"}, NOT_ARCHIVED)
        c = self._closest(caps, ts)
        if c.ts != ts:
            return Reply(302, {"Location": f"https://web.archive.org/web/{c.ts}{mod}/{original}",
                               "X-Archive-Redirect-Reason": f"found capture at {c.ts}",
                               "Content-Type": "text/plain; charset=utf-8"})
        hdrs = {
            "Memento-Datetime": email.utils.formatdate(_epoch(c.ts), usegmt=True),
            "Link": f'<{original}>; rel="original", <https://web.archive.org/web/timemap/link/{original}>; rel="timemap"',
            "X-Archive-Src": f"spn2-{c.ts}.warc.gz",
            "Content-Type": "text/html; charset=utf-8",
        }
        if c.location:
            target = urllib.parse.urljoin(original, c.location)
            hdrs["Location"] = f"/web/{c.ts}{mod}/{target}"
            return Reply(c.status, hdrs)
        return Reply(c.status, hdrs, page(c.title or "Captured page"))

    def _available(self, body: bytes) -> Reply:
        results = []
        for line in body.decode().splitlines():
            q = urllib.parse.parse_qs(line)
            url, ts = q["url"][0], q.get("timestamp", ["99991231"])[0]
            codes = set(q.get("statuscodes", []))
            caps = [c for c in self.archive.get(_key(url), []) if not codes or str(c.status) in codes]
            r = {"url": url, "timestamp": ts, "tag": q.get("tag", [""])[0], "archived_snapshots": {}}
            if caps and _key(url) not in self.excluded:
                c = self._closest(caps, ts)
                r["archived_snapshots"]["closest"] = {"available": True, "status": str(c.status), "timestamp": c.ts,
                                                      "url": f"http://web.archive.org/web/{c.ts}/{url}"}
            results.append(r)
        return Reply(200, {"Content-Type": "application/json"}, json.dumps({"results": results}).encode())

    def _cdx(self, query: str) -> Reply:
        q = urllib.parse.parse_qs(query)
        caps = list(self.archive.get(_key(q["url"][0]), []))
        for f in q.get("filter", []):
            if f.startswith("statuscode:"):
                caps = [c for c in caps if re.fullmatch(f.split(":", 1)[1], str(c.status))]
        if "closest" in q:
            want = _epoch(q["closest"][0])
            caps.sort(key=lambda c: abs(_epoch(c.ts) - want))
        caps = caps[: int(q.get("limit", ["100"])[0])]
        rows = [["timestamp", "original", "statuscode"]] + [[c.ts, q["url"][0], str(c.status)] for c in caps]
        return Reply(200, {"Content-Type": "application/json"}, json.dumps(rows if caps else []).encode())


# --- Save Page Now 2 -------------------------------------------------------------------------------------


class SaveServer:
    """SPN2 as the Internet Archive documents it: LOW auth, job ids, status polling, user limits."""

    def __init__(self, keys=("KEY:SECRET",), polls_before_success=1, errors=None, session_limit_first=0,
                 daily_limit=10**6):
        self.keys = set(keys)
        self.polls_before_success = polls_before_success
        self.errors = errors or {}
        self.session_limit_first = session_limit_first
        self.daily_limit = daily_limit
        self.jobs: dict[str, dict] = {}
        self.submits: list[str] = []
        self.auth_seen: list[str] = []
        self.forms: list[dict] = []

    def __call__(self, method: str, path: str, headers: dict, body: bytes) -> Reply:
        auth = headers.get("Authorization", "")
        self.auth_seen.append(auth)
        js = {"Content-Type": "application/json"}
        m = re.fullmatch(r"LOW ([^:]+):(.+)", auth)
        if not m or f"{m.group(1)}:{m.group(2)}" not in self.keys:
            return Reply(401, js, json.dumps({"status": "error", "status_ext": "error:unauthorized",
                                              "message": "You need to be logged in"}).encode())
        if path == "/save/status/user":
            active = sum(1 for j in self.jobs.values() if j["polls"] < self.polls_before_success)
            return Reply(200, js, json.dumps({"available": max(0, 5 - active), "processing": active,
                                              "daily_captures": len(self.submits),
                                              "daily_captures_limit": self.daily_limit}).encode())
        if path.startswith("/save/status/"):
            job = self.jobs.get(path.rsplit("/", 1)[1])
            if job is None:
                return Reply(200, js, json.dumps({"status": "error", "status_ext": "error:not-found"}).encode())
            job["polls"] += 1
            if job["polls"] <= self.polls_before_success:
                return Reply(200, js, json.dumps({"status": "pending", "job_id": job["id"]}).encode())
            if job["url"] in self.errors:
                return Reply(200, js, json.dumps({"status": "error", "status_ext": self.errors[job["url"]],
                                                  "message": "Capture failed"}).encode())
            return Reply(200, js, json.dumps({"status": "success", "job_id": job["id"], "original_url": job["url"],
                                              "timestamp": "20261124120000"}).encode())
        if path == "/save" and method == "POST":
            form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
            self.forms.append(form)
            if self.session_limit_first > 0:
                self.session_limit_first -= 1
                return Reply(200, js, json.dumps({"status": "error", "status_ext": "error:user-session-limit",
                                                  "message": "You have already reached the limit"}).encode())
            if len(self.submits) >= self.daily_limit:
                return Reply(200, js, json.dumps({"status": "error", "status_ext": "error:too-many-daily-captures",
                                                  "message": "daily limit"}).encode())
            self.submits.append(form["url"])
            job_id = f"spn2-{len(self.submits):040x}"
            self.jobs[job_id] = {"id": job_id, "url": form["url"], "polls": 0}
            return Reply(200, js, json.dumps({"url": form["url"], "job_id": job_id}).encode())
        return Reply(404, js, b"{}")
