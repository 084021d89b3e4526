"""Configuration from ``citecheck.toml`` or ``[tool.citecheck]`` in pyproject.toml, found upward from the
first input file (or given with --config). Flags override it; unknown keys are an error, not a silence. The
keys and their checks are the settings' own (settings.py)."""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import InputError
from .settings import CONFIG_KEYS, Settings


def find_config(start: Path) -> Path | None:
    try:
        here = start.resolve()
        is_dir = here.is_dir()
    except (OSError, RuntimeError):  # a symlink loop, a name too long: reading the input will say so
        return None
    for folder in [here, *here.parents] if is_dir else [here.parent, *here.parent.parents]:
        own = folder / "citecheck.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file():
            tool = _read(project).get("tool", {})
            if isinstance(tool, dict) and "citecheck" in tool:
                return project
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read ({e})") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: not valid TOML ({e})") from None


def _where(path: Path) -> str:
    return f"{path}" + (" [tool.citecheck]" if path.name == "pyproject.toml" else "")


def load_config(path: Path) -> dict[str, Any]:
    """The file's table, keys checked against the known ones (values are checked by Settings)."""
    data = _read(path)
    table = data.get("tool", {}).get("citecheck", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise InputError(f"{path}: [tool.citecheck] must be a table")
    unknown = sorted(set(table) - set(CONFIG_KEYS))
    if unknown:
        raise InputError(f"{_where(path)}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                         f"(known: {', '.join(CONFIG_KEYS)})")
    return table


def config_path(files: list[str], config: str | None) -> Path | None:
    """The configuration file that applies: the one named, else the first found upward from the inputs."""
    if config:
        path = Path(config)
        try:
            found = path.is_file()
        except OSError as e:  # (a name too long, say)
            raise InputError(f"--config {config}: {e.strerror or e}") from None
        if not found:
            raise InputError(f"--config {config}: no such file")
        return path
    first = next((f for f in files if f != "-" and not f.lower().startswith(("http://", "https://"))), None)
    return find_config(Path(first) if first else Path.cwd())


def load_settings(files: list[str], config: str | None, given: Mapping[str, Any]) -> Settings:
    """The configuration file's settings with the flags given on the command line (by field name) on top."""
    path = config_path(files, config)
    settings = Settings()
    if path is not None:
        table = load_config(path)
        settings = Settings.from_given({CONFIG_KEYS[k]: v for k, v in table.items()}, where=f"{_where(path)}: ",
                                       in_file=True)
    return Settings.from_given({k: v for k, v in given.items() if v is not None}, base=settings)
