"""A persistent cache of observations (sqlite), and each URL's history across runs.

Entries are keyed by check mode and URL (``live|https://…``, ``snapshot|ts|url``, ``lookup|ts|url``) and
stored as JSON of the frozen observation dataclasses. Successes live ``max_age``; failures (errors,
timeouts, 5xx, not-found) a quarter of it, so a link that failed once today is asked again soon. Verdict
states are always computed from the observation, cached or not: the cache never changes a verdict.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sqlite3
import time
import typing
from pathlib import Path
from typing import Any

from . import model
from .errors import InputError

SCHEMA_VERSION = 1
_TYPES = {c.__name__: c for c in (model.Fetch, model.Hop, model.PageFacts, model.LiveObservation, model.Capture,
                                 model.SnapshotObservation, model.LookupResult, model.ArchiveLink)}


def parse_age(text: str) -> float:
    """'90s', '30m', '12h', '7d', '2w' (or plain seconds) as seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", str(text))
    if not m:
        raise InputError(f"cannot read the duration {text!r} (use e.g. 90s, 30m, 12h, 7d)")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[m.group(2)]


# --- dataclasses <-> JSON -----------------------------------------------------------------------------------


def encode(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        out = {"__t": type(obj).__name__}
        for f in dataclasses.fields(obj):
            if f.name == "body":
                continue  # API bodies are never cached
            out[f.name] = encode(getattr(obj, f.name))
        return out
    if isinstance(obj, (tuple, list)):
        return [encode(x) for x in obj]
    if isinstance(obj, frozenset):
        return sorted(obj)
    return obj


def decode(data: Any) -> Any:
    if isinstance(data, dict) and "__t" in data:
        cls = _TYPES[data["__t"]]
        hints = typing.get_type_hints(cls, vars(model))
        kwargs = {}
        for f in dataclasses.fields(cls):
            if f.name not in data:
                continue
            value = decode(data[f.name])
            if isinstance(value, list):
                hint = str(hints.get(f.name, ""))
                value = frozenset(value) if "frozenset" in hint else tuple(
                    tuple(v) if isinstance(v, list) else v for v in value)
            kwargs[f.name] = value
        return cls(**kwargs)
    if isinstance(data, list):
        return [decode(x) for x in data]
    return data


def is_failure(obj: Any) -> bool:
    """Observations worth asking again soon."""
    fetch = getattr(obj, "fetch", None)
    if isinstance(obj, model.LookupResult):
        return obj.error is not None or obj.capture is None
    if fetch is None:
        return True
    return bool(fetch.error) or fetch.status is None or fetch.status >= 400


class Cache:
    def __init__(self, path: Path, max_age: float, now: float | None = None):
        self.path = path
        self.max_age = max_age
        self.failure_age = max_age / 4
        self.now = now if now is not None else time.time()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path))
        except (OSError, sqlite3.Error) as e:
            raise InputError(f"cannot open the cache at {path}: {e}") from None
        self.db.executescript(
            "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, stored REAL, failure INTEGER, data TEXT);"
            "CREATE TABLE IF NOT EXISTS history (url TEXT PRIMARY KEY, first_failed REAL, last_checked REAL,"
            " failing_runs INTEGER, last_state TEXT);"
        )
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(mode: str, *parts: str) -> str:
        return f"v{SCHEMA_VERSION}|{mode}|" + "|".join(parts)

    def get(self, key: str) -> Any | None:
        row = self.db.execute("SELECT stored, failure, data FROM entries WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        stored, failure, data = row
        if self.now - stored > (self.failure_age if failure else self.max_age):
            self.misses += 1
            return None
        try:
            value = decode(json.loads(data))
        except (ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, obj: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
                        (key, self.now, int(is_failure(obj)), json.dumps(encode(obj), ensure_ascii=False)))

    def record_run(self, url: str, state: str, failing: bool) -> dict:
        """Update a URL's history with this run's outcome; returns the history to show as evidence."""
        row = self.db.execute("SELECT first_failed, last_checked, failing_runs FROM history WHERE url = ?",
                              (url,)).fetchone()
        first_failed, runs = (row[0], row[2]) if row else (None, 0)
        previous = row[1] if row else None
        if failing:
            first_failed = first_failed or self.now
            runs += 1
        else:
            first_failed, runs = None, 0
        self.db.execute("INSERT OR REPLACE INTO history VALUES (?, ?, ?, ?, ?)", (url, first_failed, self.now, runs, state))
        return {
            "first_seen_failing": _iso(first_failed),
            "previously_checked": _iso(previous),
            "consecutive_failing_runs": runs,
        }

    def close(self) -> None:
        self.db.commit()
        self.db.close()


def _iso(t: float | None) -> str | None:
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).isoformat(timespec="seconds") if t else None
