"""Exceptions for the few things that stop a whole run; per-link failures are data, never these."""
from __future__ import annotations


class CitecheckError(Exception):
    """Base class: the message is one line fit to show a user."""

    exit_code = 1


class InputError(CitecheckError):
    """Bad input or usage: a missing, unreadable, binary or empty file, a file with no references."""

    exit_code = 3


class NoReferences(InputError):
    """The input is readable but holds no reference list (empty, binary, or nothing a parser recognises): a run
    over several files skips it with a note, unless it is strict."""


class NetworkDown(CitecheckError):
    """No host could be reached at all, the archive included: nothing can be judged."""

    exit_code = 1
