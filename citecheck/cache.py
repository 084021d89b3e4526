"""A persistent cache of observations (sqlite), and each URL's history across runs.

Entries are keyed by check mode and URL (``live|https://…``, ``snapshot|ts|url``, ``lookup|ts|url``) and
stored as JSON of the frozen observation dataclasses. Successes live ``max_age``; failures (errors,
timeouts, 5xx, not-found) a quarter of it, so a link that failed once today is asked again soon. Verdict
states are always computed from the observation, cached or not: the cache never changes a verdict.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import sqlite3
import time
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import model, vocab
from .errors import InputError

SCHEMA_VERSION = 5  # 3: pages carry their head's facts and signatures; 4: DOI answers, other archives;
# 5: suggested captures vetted by a replay (LookupResult.passed_over), pages read whole yet empty, new signatures
_TYPES: dict[str, type] = {c.__name__: c for c in (
    model.Fetch, model.Hop, model.PageFacts, model.LiveObservation, model.Capture, model.SnapshotObservation,
    model.LookupResult, model.ArchiveLink, model.IdentifierObservation, model.SignatureMatch)}
_HINTS: dict[type, dict[str, Any]] = {}


# --- dataclasses <-> JSON -----------------------------------------------------------------------------------


def encode(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        out = {"__t": type(obj).__name__}
        for f in dataclasses.fields(obj):
            if f.name == "body" or not f.init:
                continue  # API bodies are never cached; derived fields are derived again
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
        hints = _HINTS.get(cls)
        if hints is None:
            hints = _HINTS[cls] = typing.get_type_hints(cls, {**vars(vocab), **vars(model)})
        kwargs = {f.name: _coerce(decode(data[f.name]), hints.get(f.name)) for f in dataclasses.fields(cls)
                  if f.init and f.name in data}
        return cls(**kwargs)
    if isinstance(data, list):
        return [decode(x) for x in data]
    return data


def _coerce(value: Any, hint: Any) -> Any:
    """A decoded JSON value as the field's declared type: tuples, frozensets and enums come back as such."""
    if value is None or hint is None:
        return value
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is not type(None):
                try:
                    return _coerce(value, arg)
                except (ValueError, TypeError):
                    continue
        return value
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if origin is tuple and isinstance(value, list):
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(v, args[0]) for v in value)
        return tuple(_coerce(v, a) for v, a in zip(value, args, strict=False))
    if origin is frozenset and isinstance(value, list):
        return frozenset(_coerce(v, args[0]) if args else v for v in value)
    return value


def is_failure(obj: Any) -> bool:
    """Observations worth asking again soon."""
    fetch = getattr(obj, "fetch", None)
    if isinstance(obj, model.LookupResult):
        return obj.error is not None or obj.capture is None
    if isinstance(obj, model.IdentifierObservation):
        return obj.registered is not True or bool(obj.problems)
    if fetch is None:
        return True
    return bool(fetch.error) or fetch.status is None or fetch.status >= 400


class Cache:
    """The cache of one run. Several citecheck processes may share it: the file is in WAL mode, reads never wait
    for writers, and this run's writes are kept in memory and written in short transactions (every
    ``batch`` entries and at close), each retried while another process holds the lock."""

    def __init__(self, path: Path, max_age: float, now: float | None = None, batch: int = 200):
        self.path = path
        self.max_age = max_age
        self.failure_age = max_age / 4
        self.now = now if now is not None else time.time()
        self.batch = batch
        self._entries: dict[str, tuple[float, int, str]] = {}  # written this run, not yet in the file
        self._histories: dict[str, tuple[float | None, float, int, str]] = {}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # autocommit: no transaction stays open between statements; 30 s of waiting for another writer
            self.db = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)
            self._write(lambda db: db.execute("PRAGMA journal_mode=WAL"))
            self._write(lambda db: db.executescript(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, stored REAL, failure INTEGER, data TEXT);"
                "CREATE TABLE IF NOT EXISTS history (url TEXT PRIMARY KEY, first_failed REAL, last_checked REAL,"
                " failing_runs INTEGER, last_state TEXT);"))
            self.db.execute("PRAGMA synchronous=NORMAL")
        except (OSError, sqlite3.Error) as e:
            raise InputError(f"cannot open the cache at {path}: {e}") from None
        self.hits = 0
        self.misses = 0

    def _write(self, work: Callable[[sqlite3.Connection], object], attempts: int = 5) -> None:
        for attempt in range(attempts):
            try:
                work(self.db)
                return
            except sqlite3.OperationalError as e:
                if ("locked" not in str(e) and "busy" not in str(e)) or attempt == attempts - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))

    @staticmethod
    def key(mode: str, *parts: str) -> str:
        return f"v{SCHEMA_VERSION}|{mode}|" + "|".join(parts)

    def get(self, key: str) -> Any | None:
        row = self._entries.get(key) or self.db.execute(
            "SELECT stored, failure, data FROM entries WHERE key = ?", (key,)).fetchone()
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
        self._entries[key] = (self.now, int(is_failure(obj)), json.dumps(encode(obj), ensure_ascii=False))
        if len(self._entries) + len(self._histories) >= self.batch:
            self.flush()

    def history(self, url: str) -> dict[str, Any]:
        """A URL's record as the cache knows it (for an answer that came from the cache: nothing new happened)."""
        row = self._histories.get(url) or self.db.execute(
            "SELECT first_failed, last_checked, failing_runs, last_state FROM history WHERE url = ?", (url,)).fetchone()
        first_failed, previous, runs = (row[0], row[1], row[2]) if row else (None, None, 0)
        return {"first_seen_failing": _iso(first_failed), "previously_checked": _iso(previous),
                "consecutive_failing_runs": runs}

    def record_run(self, url: str, state: vocab.LiveState) -> dict[str, Any]:
        """Update a URL's history with this run's outcome (the URL was requested this run); returns the history
        to show as evidence."""
        row = self._histories.get(url) or self.db.execute(
            "SELECT first_failed, last_checked, failing_runs, last_state FROM history WHERE url = ?", (url,)).fetchone()
        first_failed, runs = (row[0], row[2]) if row else (None, 0)
        previous = row[1] if row else None
        if state.policy.failing:
            first_failed = first_failed or self.now
            runs += 1
        else:
            first_failed, runs = None, 0
        self._histories[url] = (first_failed, self.now, runs, state.value)
        return {
            "first_seen_failing": _iso(first_failed),
            "previously_checked": _iso(previous),
            "consecutive_failing_runs": runs,
        }

    def flush(self) -> None:
        """Write this run's new entries and histories in one short transaction."""
        if not self._entries and not self._histories:
            return
        entries = [(k, *v) for k, v in self._entries.items()]
        histories = [(u, *v) for u, v in self._histories.items()]

        def transaction(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", entries)
                db.executemany("INSERT OR REPLACE INTO history VALUES (?, ?, ?, ?, ?)", histories)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

        self._write(transaction)
        self._entries.clear()
        self._histories.clear()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.db.close()


def _iso(t: float | None) -> str | None:
    return dt.datetime.fromtimestamp(t, dt.UTC).isoformat(timespec="seconds") if t else None
