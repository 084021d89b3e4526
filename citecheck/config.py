"""Configuration from ``citecheck.toml`` or ``[tool.citecheck]`` in pyproject.toml, found upward from the
first input file (or given with --config). Flags override it; unknown keys are an error, not a silence."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from .errors import InputError

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
