"""Registries filled by their own package's modules: a new output format, input format or archive probe is one
new file that calls ``register``; nothing else lists it."""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries, registered by the modules of ``package`` (imported the first time an entry is asked for)."""

    def __init__(self, package: str, path: Iterable[str]):
        self._package = package
        self._path = list(path)
        self._entries: dict[str, T] = {}
        self._loaded = False

    def register(self, name: str, entry: T) -> T:
        self._entries[name] = entry
        return entry

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            for module in pkgutil.iter_modules(self._path):
                importlib.import_module(f"{self._package}.{module.name}")

    def names(self) -> list[str]:
        self._load()
        return list(self._entries)

    def get(self, name: str) -> T | None:
        self._load()
        return self._entries.get(name)

    def __contains__(self, name: str) -> bool:
        self._load()
        return name in self._entries

    def values(self) -> list[T]:
        self._load()
        return list(self._entries.values())
