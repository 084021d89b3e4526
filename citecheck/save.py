"""Save Page Now 2: request captures for references that have no good snapshot, politely and resumably.

Flow per URL: ``POST /save`` (``Authorization: LOW key:secret``, ``Accept: application/json``, boolean
options as ``1``, ``if_not_archived_within`` so a recent capture is reused), then ``GET /save/status/{job}``
with backoff until success or error. Limits: about 12 captures a minute (a pacer just under it), the
account's concurrent sessions (``/save/status/user``), ``error:user-session-limit`` (wait, retry), and the
daily limit (stop cleanly, say when to resume). A journal (sqlite) records every job, so an interrupted
run continues without submitting anything twice. The keys never appear in output, logs or errors.
"""
from __future__ import annotations

import asyncio
import configparser
import datetime as dt
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .archives import snapshot_url
from .check.http import Pacer, build_client
from .errors import InputError
from .settings import Settings

KEYS_HELP = ("Save Page Now needs Internet Archive API keys: create them at https://archive.org/account/s3.php, then "
             "set IA_ACCESS_KEY_ID and IA_SECRET_ACCESS_KEY (or run `ia configure` from the internetarchive tool)")
# status_ext codes worth another try later, and those that will not change by retrying
RETRYABLE = frozenset({
    "error:user-session-limit", "error:too-many-requests", "error:service-unavailable", "error:gateway-timeout",
    "error:internal-server-error", "error:no-browsers-available", "error:browsing-timeout", "error:proxy-error",
    "error:bad-gateway", "error:read-timeout", "error:soft-time-limit-exceeded", "error:celery",
    "error:bandwidth-limit-exceeded", "error:capture-location-error", "error:cannot-fetch", "error:job-failed",
})
PERMANENT = frozenset({
    "error:invalid-url-syntax", "error:not-found", "error:blocked-url", "error:blocked", "error:no-access",
    "error:filesize-limit", "error:ftp-access-denied", "error:http-version-not-supported", "error:invalid-host-resolution",
    "error:invalid-server-response", "error:method-not-allowed", "error:network-authentication-required",
    "error:not-implemented", "error:unauthorized", "error:blocked-client-ip", "error:too-many-redirects",
})
STOPPERS = frozenset({"error:too-many-daily-captures", "error:unauthorized"})


@dataclass(frozen=True)
class Credentials:
    access: str
    secret: str = field(repr=False)

    @property
    def header(self) -> str:
        return f"LOW {self.access}:{self.secret}"


def find_credentials(env: dict[str, str] | None = None, home: Path | None = None) -> Credentials:
    """IA_ACCESS_KEY_ID/IA_SECRET_ACCESS_KEY, else the internetarchive tool's ia.ini [s3] section."""
    env = dict(os.environ) if env is None else env
    access, secret = env.get("IA_ACCESS_KEY_ID", "").strip(), env.get("IA_SECRET_ACCESS_KEY", "").strip()
    if access and secret:
        return Credentials(access, secret)
    home = home or Path.home()
    candidates = [Path(env["IA_CONFIG_FILE"])] if env.get("IA_CONFIG_FILE") else []
    xdg = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    candidates += [xdg / "internetarchive" / "ia.ini", xdg / "ia.ini", home / ".ia"]
    for path in candidates:
        if path.is_file():
            parser = configparser.ConfigParser()
            try:
                parser.read(path, encoding="utf-8")
            except configparser.Error:
                continue
            if parser.has_section("s3") and parser.get("s3", "access", fallback="") and parser.get("s3", "secret", fallback=""):
                return Credentials(parser.get("s3", "access").strip(), parser.get("s3", "secret").strip())
    raise InputError(KEYS_HELP)


# --- the journal ---------------------------------------------------------------------------------------------


class Journal:
    """Every submitted job, so a run that is stopped can be resumed without submitting twice."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path))
        self.db.execute("CREATE TABLE IF NOT EXISTS jobs (url TEXT PRIMARY KEY, job_id TEXT, submitted REAL, "
                        "status TEXT, timestamp TEXT, status_ext TEXT, message TEXT)")
        self.db.commit()

    def get(self, url: str) -> dict | None:
        row = self.db.execute("SELECT url, job_id, submitted, status, timestamp, status_ext, message FROM jobs "
                              "WHERE url = ?", (url,)).fetchone()
        return None if row is None else dict(zip(("url", "job_id", "submitted", "status", "timestamp", "status_ext",
                                                  "message"), row))

    def record(self, url: str, **values) -> None:
        current = self.get(url) or {"url": url, "job_id": None, "submitted": None, "status": None, "timestamp": None,
                                     "status_ext": None, "message": None}
        current.update(values)
        self.db.execute("INSERT OR REPLACE INTO jobs VALUES (:url, :job_id, :submitted, :status, :timestamp, "
                        ":status_ext, :message)", current)
        self.db.commit()

    def successes(self) -> dict[str, str]:
        """URL -> capture timestamp of every successful job."""
        return {u: ts for u, ts in self.db.execute("SELECT url, timestamp FROM jobs WHERE status = 'success'")}

    def close(self) -> None:
        self.db.close()


# --- Save Page Now 2 ---------------------------------------------------------------------------------------


@dataclass
class SaveOutcome:
    url: str
    status: str  # "success", "error", "pending", "skipped"
    timestamp: str | None = None
    status_ext: str | None = None
    message: str = ""
    resumed: bool = False

    @property
    def snapshot(self) -> str | None:
        return snapshot_url(self.url, self.timestamp) if self.timestamp else None


@dataclass
class SaveSettings:
    base: str = "https://web.archive.org"
    captures_per_min: float = 11.0  # Save Page Now allows about 12 a minute
    max_sessions: int = 4  # never more jobs in flight than this, nor than the account has free
    if_not_archived_within: str = "30d"
    poll_first: float = 3.0
    poll_max: float = 20.0
    job_timeout: float = 600.0
    session_wait: float = 30.0  # after error:user-session-limit
    max_session_retries: int = 20


class SavePageNow:
    def __init__(self, client: httpx.AsyncClient, creds: Credentials, journal: Journal, settings: SaveSettings):
        self.client = client
        self.creds = creds
        self.journal = journal
        self.s = settings
        self.pacer = Pacer(settings.captures_per_min)
        self.sessions = asyncio.Semaphore(settings.max_sessions)
        self.stop: str | None = None  # set when the daily limit (or bad keys) ends the run

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": self.creds.header, "Accept": "application/json"}

    async def _json(self, method: str, path: str, data: dict | None = None) -> dict:
        try:
            r = await self.client.request(method, f"{self.s.base}{path}", headers=self._headers, data=data)
        except httpx.HTTPError as e:
            return {"status": "error", "status_ext": "error:network", "message": type(e).__name__}
        if r.status_code == 401:
            return {"status": "error", "status_ext": "error:unauthorized", "message": "the keys were refused"}
        if r.status_code == 429:
            return {"status": "error", "status_ext": "error:too-many-requests", "message": "HTTP 429"}
        try:
            body = r.json()
        except ValueError:
            return {"status": "error", "status_ext": f"error:http-{r.status_code}", "message": f"HTTP {r.status_code}"}
        return body if isinstance(body, dict) else {"status": "error", "status_ext": "error:unreadable"}

    async def user_status(self) -> dict:
        return await self._json("GET", "/save/status/user")

    async def save(self, url: str) -> SaveOutcome:
        known = self.journal.get(url)
        if known and known["status"] == "success":
            return SaveOutcome(url, "success", known["timestamp"], message="saved in an earlier run", resumed=True)
        if known and known["status"] == "error" and known["status_ext"] in PERMANENT:
            return SaveOutcome(url, "error", None, known["status_ext"], known["message"] or "", resumed=True)
        async with self.sessions:
            if known and known["status"] == "pending" and known["job_id"]:
                outcome = await self._poll(url, known["job_id"])
                outcome.resumed = True
                return outcome
            for _ in range(self.s.max_session_retries):
                if self.stop:
                    return SaveOutcome(url, "skipped", message=self.stop)
                await self._wait_for_free_session()
                await self.pacer.wait()
                answer = await self._json("POST", "/save", data={
                    "url": url, "capture_all": "1", "skip_first_archive": "1",
                    "if_not_archived_within": self.s.if_not_archived_within,
                })
                job = answer.get("job_id")
                if job:
                    self.journal.record(url, job_id=job, submitted=time.time(), status="pending")
                    return await self._poll(url, job)
                ext = str(answer.get("status_ext") or "error:unknown")
                message = str(answer.get("message") or "")
                if ext in STOPPERS:
                    self.stop = _stop_message(ext)
                    self.journal.record(url, status="skipped", status_ext=ext, message=message)
                    return SaveOutcome(url, "skipped", None, ext, self.stop)
                if ext in RETRYABLE:
                    await asyncio.sleep(self.s.session_wait if ext == "error:user-session-limit" else 10.0)
                    continue
                self.journal.record(url, status="error", status_ext=ext, message=message)
                return SaveOutcome(url, "error", None, ext, message)
            return SaveOutcome(url, "error", None, "error:user-session-limit", "still at the session limit; try later")

    async def _wait_for_free_session(self) -> None:
        for _ in range(60):
            user = await self.user_status()
            if "available" not in user:
                return  # the endpoint says nothing: the per-job answers will tell
            if user.get("daily_captures_limit") and user.get("daily_captures", 0) >= user["daily_captures_limit"]:
                self.stop = _stop_message("error:too-many-daily-captures")
                return
            if int(user.get("available", 1)) > 0:
                return
            await asyncio.sleep(5.0)

    async def _poll(self, url: str, job_id: str) -> SaveOutcome:
        delay = self.s.poll_first
        deadline = time.monotonic() + self.s.job_timeout
        while time.monotonic() < deadline:
            await asyncio.sleep(delay)
            answer = await self._json("GET", f"/save/status/{job_id}")
            status = answer.get("status")
            if status == "success":
                ts = str(answer.get("timestamp") or "")
                self.journal.record(url, status="success", timestamp=ts, message=str(answer.get("message") or ""))
                return SaveOutcome(url, "success", ts, message=str(answer.get("message") or ""))
            if status == "error" and answer.get("status_ext") != "error:network":
                ext = str(answer.get("status_ext") or "error:unknown")
                self.journal.record(url, status="error", status_ext=ext, message=str(answer.get("message") or ""))
                return SaveOutcome(url, "error", None, ext, str(answer.get("message") or ""))
            delay = min(delay * 1.5, self.s.poll_max)
        return SaveOutcome(url, "pending", message=f"job {job_id} still pending; run again to pick it up")


def _stop_message(ext: str) -> str:
    if ext == "error:unauthorized":
        return "the Internet Archive refused the keys; check IA_ACCESS_KEY_ID / IA_SECRET_ACCESS_KEY"
    tomorrow = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0)
    return (f"daily capture limit reached: run the same command again after {tomorrow:%Y-%m-%d %H:%M} UTC; "
            "the journal remembers what was done")


SAVE_WHEN_BROKEN = ("missing", "captured_error", "captured_redirect", "soft404")


def eligible(results, refresh_older_than: float | None = None, now: dt.datetime | None = None) -> list:
    """Results whose original is alive and that have no good snapshot: none cited and none found, or the cited
    one broken with no good capture near it; with ``refresh_older_than`` (seconds) also those whose newest
    good capture we know of is older than that. One per URL."""
    now = now or dt.datetime.now(dt.timezone.utc)
    chosen: dict[str, object] = {}
    for r in results:
        v, url = r.verdict, r.reference.url
        if not url or v.live.state.value != "ok" or url in chosen:
            continue
        state = v.archive.state.value
        good = v.archive.suggestion
        near = good is not None and v.archive.requested_timestamp and _days_between(
            good.timestamp, v.archive.requested_timestamp) <= 180
        if state == "uncited_none" or (state in SAVE_WHEN_BROKEN and not near):
            chosen[url] = r
        elif refresh_older_than is not None:
            newest = good.timestamp if good else v.archive.capture_timestamp
            if newest and (now - _when(newest)).total_seconds() > refresh_older_than:
                chosen[url] = r
    return list(chosen.values())


def _when(ts: str) -> dt.datetime:
    from .archives import timestamp_to_datetime

    return timestamp_to_datetime(ts)


def _days_between(a: str, b: str) -> float:
    return abs((_when(a) - _when(b)).total_seconds()) / 86400


async def save_all(urls: list[str], creds: Credentials, journal: Journal, settings: Settings,
                   save_settings: SaveSettings, transport: httpx.AsyncBaseTransport | None = None,
                   progress=None) -> list[SaveOutcome]:
    async with build_client(settings, transport) as client:
        spn = SavePageNow(client, creds, journal, save_settings)
        done = 0

        async def one(u: str) -> SaveOutcome:
            nonlocal done
            outcome = await spn.save(u)
            done += 1
            if progress:
                progress(done, len(urls))
            return outcome

        return list(await asyncio.gather(*(one(u) for u in urls)))
