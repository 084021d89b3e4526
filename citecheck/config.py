"""Configuration from ``citecheck.toml`` or ``[tool.citecheck]`` in pyproject.toml, found upward from the
first input file (or given with --config). Flags override it; unknown keys are an error, not a silence."""
from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from .cache import parse_age
from .errors import InputError
from .settings import Settings

# key -> (type check, description)
KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "exclude": (list, "regexes of URLs not to check"),
    "accept": (dict, "host -> list of status codes that count as working there"),
    "timeout": ((int, float), "read timeout, seconds"),
    "connect_timeout": ((int, float), "connect timeout, seconds"),
    "retries": (int, "extra attempts after 5xx, resets, empty replies"),
    "concurrency": (int, "requests in flight to ordinary hosts"),
    "per_host": (int, "requests in flight to one host"),
    "window_days": ((int, float), "a capture farther than this from the cited time is 'shifted'"),
    "format": (str, "report format"),
    "replay_per_min": ((int, float), "Wayback replay requests per minute"),
    "cdx_per_min": ((int, float), "CDX + timemap requests per minute"),
    "availability_per_min": ((int, float), "availability API requests per minute"),
    "cache_dir": (str, "where the cache lives"),
    "max_cache_age": ((str, int, float), "how long cached successes are trusted (e.g. 12h, 7d)"),
    "no_cache": (bool, "do not use the cache"),
}


def find_config(start: Path) -> Path | None:
    here = start.resolve()
    for folder in [here, *here.parents] if here.is_dir() else [here.parent, *here.parent.parents]:
        own = folder / "citecheck.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file() and "tool" in _read(project) and "citecheck" in _read(project)["tool"]:
            return project
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read ({e})") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: not valid TOML ({e})") from None


def load_config(path: Path) -> dict[str, Any]:
    data = _read(path)
    table = data.get("tool", {}).get("citecheck", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise InputError(f"{path}: [tool.citecheck] must be a table")
    where = f"{path}" + (" [tool.citecheck]" if path.name == "pyproject.toml" else "")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise InputError(f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                         f"(known: {', '.join(KEYS)})")
    for key, value in table.items():
        kind = KEYS[key][0]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise InputError(f"{where}: {key} has the wrong type ({type(value).__name__})")
    for pattern in table.get("exclude", []):
        try:
            re.compile(pattern)
        except (re.error, TypeError) as e:
            raise InputError(f"{where}: exclude pattern {pattern!r} is not a valid regex ({e})") from None
    for host, codes in table.get("accept", {}).items():
        if not isinstance(codes, list) or not all(isinstance(c, int) for c in codes):
            raise InputError(f"{where}: accept.{host} must be a list of status codes")
    return table


def options_for(files: list[str], config: str | None, flags: dict) -> dict:
    """The configuration file's settings with the flags given on the command line on top."""
    path = Path(config) if config else None
    if path is not None and not path.is_file():
        raise InputError(f"--config {config}: no such file")
    if path is None:
        first = next((f for f in files if f != "-"), None)
        path = find_config(Path(first) if first else Path.cwd())
    options = load_config(path) if path else {}
    options.update({k: v for k, v in flags.items() if v is not None})
    return options


def settings_from(options: dict, wayback_url: str, availability_url: str, live: bool, archive: bool) -> Settings:
    base = Settings()
    timeout = float(options.get("timeout", base.read_timeout))
    connect = float(options.get("connect_timeout", base.connect_timeout))
    values = {
        "read_timeout": timeout, "connect_timeout": connect,
        "retries": int(options.get("retries", base.retries)),
        "concurrency": int(options.get("concurrency", base.concurrency)),
        "per_host": int(options.get("per_host", base.per_host)),
        "window_days": float(options.get("window_days", base.window_days)),
        "replay_per_min": float(options.get("replay_per_min", base.replay_per_min)),
        "cdx_per_min": float(options.get("cdx_per_min", base.cdx_per_min)),
        "availability_per_min": float(options.get("availability_per_min", base.availability_per_min)),
    }
    for name in ("read_timeout", "connect_timeout", "concurrency", "per_host", "replay_per_min", "cdx_per_min",
                 "availability_per_min"):
        if values[name] <= 0:
            raise InputError(f"{name.replace('_', '-')} must be positive")
    if values["retries"] < 0 or values["window_days"] < 0:
        raise InputError("retries and window-days cannot be negative")
    exclude = tuple(options.get("exclude", ()))
    for pattern in exclude:
        try:
            re.compile(pattern)
        except re.error as e:
            raise InputError(f"--exclude {pattern!r} is not a valid regex ({e})") from None
    cache_dir = None if options.get("no_cache") else options.get("cache_dir") or user_cache_dir("citecheck")
    return replace(base, **values, attempt_timeout=max(2 * timeout, timeout + connect), check_live=live,
                   check_archive=archive, wayback_base=wayback_url.rstrip("/"), availability_url=availability_url,
                   exclude=exclude, accept={h: tuple(c) for h, c in options.get("accept", {}).items()},
                   cache_dir=cache_dir, max_cache_age=parse_age(options.get("max_cache_age", "24h")))
