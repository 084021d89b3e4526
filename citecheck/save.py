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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from .archives import snapshot_url
from .check.client import open_client
from .check.politeness import Pacer, loop_time
from .errors import InputError
from .model import SaveOutcome
from .settings import Settings
from .vocab import SaveStatus

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
            access = parser.get("s3", "access", fallback="").strip() if parser.has_section("s3") else ""
            secret = parser.get("s3", "secret", fallback="").strip() if parser.has_section("s3") else ""
            if access and secret:
                return Credentials(access, secret)
    raise InputError(KEYS_HELP)


# --- the journal ---------------------------------------------------------------------------------------------


class Journal:
    """Every submitted job, so a run that is stopped can be resumed without submitting twice. Several processes
    may share it: WAL mode, each record its own short transaction, up to 30 s of waiting for another writer."""

    def __init__(self, path: Path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.path = path
            self.db = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS jobs (url TEXT PRIMARY KEY, job_id TEXT, submitted REAL, "
                            "status TEXT, timestamp TEXT, status_ext TEXT, message TEXT)")
        except (OSError, sqlite3.Error) as e:
            raise InputError(f"cannot open the save journal at {path}: {e}") from None

    def get(self, url: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT url, job_id, submitted, status, timestamp, status_ext, message FROM jobs "
                              "WHERE url = ?", (url,)).fetchone()
        return None if row is None else dict(zip(("url", "job_id", "submitted", "status", "timestamp", "status_ext",
                                                  "message"), row, strict=True))

    def record(self, url: str, **values: object) -> None:
        current = self.get(url) or {"url": url, "job_id": None, "submitted": None, "status": None, "timestamp": None,
                                     "status_ext": None, "message": None}
        current.update(values)
        self.db.execute("INSERT OR REPLACE INTO jobs VALUES (:url, :job_id, :submitted, :status, :timestamp, "
                        ":status_ext, :message)", current)

    def successes(self) -> dict[str, str]:
        """URL -> capture timestamp of every successful job."""
        rows = self.db.execute("SELECT url, timestamp FROM jobs WHERE status = ?", (SaveStatus.SUCCESS.value,))
        return {u: ts for u, ts in rows}

    def close(self) -> None:
        self.db.close()


# --- Save Page Now 2 ---------------------------------------------------------------------------------------


class SavePageNow:
    def __init__(self, client: httpx.AsyncClient, creds: Credentials, journal: Journal, settings: Settings):
        self.client = client
        self.creds = creds
        self.journal = journal
        self.s = settings
        self.pacer = Pacer(settings.captures_per_min)
        self.sessions = asyncio.Semaphore(settings.save_sessions)
        self.stop: str | None = None  # set when the daily limit (or bad keys) ends the run

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": self.creds.header, "Accept": "application/json"}

    async def _json(self, method: str, path: str, data: dict[str, str] | None = None) -> dict[str, Any]:
        try:
            r = await self.client.request(method, f"{self.s.wayback_base}{path}", headers=self._headers, data=data)
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

    async def user_status(self) -> dict[str, Any]:
        return await self._json("GET", "/save/status/user")

    async def save(self, url: str) -> SaveOutcome:
        known = self.journal.get(url)
        if known and known["status"] == SaveStatus.SUCCESS:
            return _saved(url, known["timestamp"], "saved in an earlier run", resumed=True)
        if known and known["status"] == SaveStatus.ERROR and known["status_ext"] in PERMANENT:
            return SaveOutcome(url, SaveStatus.ERROR, None, known["status_ext"], known["message"] or "", resumed=True)
        async with self.sessions:
            if known and known["status"] == SaveStatus.PENDING and known["job_id"]:
                outcome = await self._poll(url, known["job_id"])
                return replace(outcome, resumed=True)
            for _ in range(self.s.max_session_retries):
                if self.stop:
                    return SaveOutcome(url, SaveStatus.SKIPPED, message=self.stop)
                await self._wait_for_free_session()
                await self.pacer.wait()
                answer = await self._json("POST", "/save", data={
                    "url": url, "capture_all": "1", "skip_first_archive": "1",
                    "if_not_archived_within": self.s.if_not_archived_within,
                })
                job = answer.get("job_id")
                if job:
                    self.journal.record(url, job_id=job, submitted=time.time(), status=SaveStatus.PENDING)
                    return await self._poll(url, job)
                ext = str(answer.get("status_ext") or "error:unknown")
                message = str(answer.get("message") or "")
                if ext in STOPPERS:
                    self.stop = _stop_message(ext)
                    self.journal.record(url, status=SaveStatus.SKIPPED, status_ext=ext, message=message)
                    return SaveOutcome(url, SaveStatus.SKIPPED, None, ext, self.stop)
                if ext in RETRYABLE:
                    await asyncio.sleep(self.s.session_wait if ext == "error:user-session-limit" else 10.0)
                    continue
                self.journal.record(url, status=SaveStatus.ERROR, status_ext=ext, message=message)
                return SaveOutcome(url, SaveStatus.ERROR, None, ext, message)
            return SaveOutcome(url, SaveStatus.ERROR, None, "error:user-session-limit", "still at the session limit; try later")

    async def _wait_for_free_session(self) -> None:
        for _ in range(60):
            user = await self.user_status()
            available, limit, used = (_count(user.get(k)) for k in ("available", "daily_captures_limit", "daily_captures"))
            if available is None:
                return  # the endpoint says nothing (readable): the per-job answers will tell
            if limit and used is not None and used >= limit:
                self.stop = _stop_message("error:too-many-daily-captures")
                return
            if available > 0:
                return
            await asyncio.sleep(5.0)

    async def _poll(self, url: str, job_id: str) -> SaveOutcome:
        delay = self.s.poll_first
        deadline = loop_time() + self.s.job_timeout
        while loop_time() < deadline:
            await asyncio.sleep(delay)
            answer = await self._json("GET", f"/save/status/{job_id}")
            status = answer.get("status")
            if status == "success":
                ts = str(answer.get("timestamp") or "")
                self.journal.record(url, status=SaveStatus.SUCCESS, timestamp=ts, message=str(answer.get("message") or ""))
                return _saved(url, ts, str(answer.get("message") or ""))
            if status == "error" and answer.get("status_ext") != "error:network":
                ext = str(answer.get("status_ext") or "error:unknown")
                self.journal.record(url, status=SaveStatus.ERROR, status_ext=ext, message=str(answer.get("message") or ""))
                return SaveOutcome(url, SaveStatus.ERROR, None, ext, str(answer.get("message") or ""))
            delay = min(delay * 1.5, self.s.poll_max)
        return SaveOutcome(url, SaveStatus.PENDING, message=f"job {job_id} still pending; run again to pick it up")


def _saved(url: str, timestamp: str, message: str, resumed: bool = False) -> SaveOutcome:
    return SaveOutcome(url, SaveStatus.SUCCESS, timestamp, message=message, resumed=resumed,
                       snapshot=snapshot_url(url, timestamp))


def _stop_message(ext: str) -> str:
    if ext == "error:unauthorized":
        return "the Internet Archive refused the keys; check IA_ACCESS_KEY_ID / IA_SECRET_ACCESS_KEY"
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0)
    return (f"daily capture limit reached: run the same command again after {tomorrow:%Y-%m-%d %H:%M} UTC; "
            "the journal remembers what was done")


async def save_all(urls: list[str], creds: Credentials, journal: Journal, settings: Settings,
                   transport: httpx.AsyncBaseTransport | None = None,
                   progress: Callable[[int, int], None] | None = None) -> list[SaveOutcome]:
    async with open_client(settings, transport) as client:
        spn = SavePageNow(client, creds, journal, settings)
        done = 0

        async def one(u: str) -> SaveOutcome:
            nonlocal done
            outcome = await spn.save(u)
            done += 1
            if progress:
                progress(done, len(urls))
            return outcome

        return list(await asyncio.gather(*(one(u) for u in urls)))


def _count(value: object) -> int | None:
    """A count in an SPN2 answer (a number, or digits as text); None when it is anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
