"""Text that reaches a report is shown, never obeyed: control characters (a terminal's escape sequences, BEL, a
carriage return that overwrites a line) and bidirectional overrides (which reorder what a reader sees) are
replaced before any format renders a report. Page titles, URLs and error messages come from strangers."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from enum import Enum
from typing import Any, TypeVar

from ..model import Result

T = TypeVar("T")

_C0 = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x7f]")
_HIDDEN = re.compile(r"[\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# line and paragraph separators end a line in some readers (and JavaScript): a space, as a title wants
_SEPARATORS = re.compile(r"[\u2028\u2029]")
_ANY = re.compile(f"{_C0.pattern}|{_HIDDEN.pattern}|{_SEPARATORS.pattern}")


def plain(text: str) -> str:
    """``text`` with C0 controls (but newline and tab) shown as their Unicode pictures (ESC as ␛), C1 controls
    and bidirectional overrides and marks removed, line and paragraph separators made spaces. (Zero-width joiners
    stay: Persian and Indic words need them.)"""
    if (text.isascii() and text.isprintable()) or not _ANY.search(text):
        return text  # (the same object: the caller can tell nothing changed)
    text = _C0.sub(lambda m: "\u2421" if m.group() == "\x7f" else chr(0x2400 + ord(m.group())), text)
    return _SEPARATORS.sub(" ", _HIDDEN.sub("", text))


def scrubbed(value: T) -> T:
    """A copy of a frozen model (a whole Report) with every string passed through :func:`plain`. The raw
    observations a Result keeps for library users (``live``, ``snapshot``: headers, hops) are not shown by any
    format and are left out of the walk."""
    return _scrub(value)  # type: ignore[no-any-return]


#: fields of a Result no format shows, and not walked
_UNSHOWN = frozenset({"live", "snapshot"})


_FIELDS: dict[type, tuple[str, ...]] = {}


def _scrub(value: Any) -> Any:
    """Scrubbed ``value``; the very same object when nothing in it needed scrubbing (so a clean report is not
    copied at all)."""
    if isinstance(value, str):
        return value if isinstance(value, Enum) else plain(value)
    kind = type(value)
    if kind in _ATOMS:
        return value
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        # (fields derived from the others, init=False, follow them: not walked)
        shown = [f.name for f in dataclasses.fields(value) if f.init and not (kind is Result and f.name in _UNSHOWN)]
        names = _FIELDS[kind] = tuple(shown)
    if names is not None:
        changes = {}
        for name in names:
            old = getattr(value, name)
            kind = type(old)
            if kind in _ATOMS or (kind is str and old.isascii() and old.isprintable()):
                continue  # (most fields: looked at here, without a call each)
            new = _scrub(old)
            if new is not old:
                changes[name] = new
        return dataclasses.replace(value, **changes) if changes else value
    if isinstance(value, (tuple, list, frozenset)):
        items = [_scrub(v) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    if isinstance(value, dict):
        pairs = [(_scrub(k), _scrub(v)) for k, v in value.items()]
        if all(a is k and b is v for (a, b), (k, v) in zip(pairs, value.items(), strict=True)):
            return value
        return dict(pairs)
    return value


_ATOMS = frozenset({int, float, bool, type(None), bytes, dt.datetime, dt.date})
