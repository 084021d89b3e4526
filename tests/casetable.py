"""Data tables of hundreds of cases (tests/data/*.json) run as one test each: every row is still checked and every
failing row is named with its source, but the table does not pay pytest's per-test cost hundreds of times."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def assert_every_row(rows: Iterable[Any], check: Callable[[Any], None], name: Callable[[Any], str]) -> int:
    """Run ``check`` on every row; fail once, listing each row whose check raised an AssertionError."""
    failures, count = [], 0
    for row in rows:
        count += 1
        try:
            check(row)
        except AssertionError as e:
            failures.append(f"{name(row)}: {e}".rstrip(": "))
    assert not failures, f"{len(failures)} of {count} rows fail:\n" + "\n".join(failures)
    return count
