"""Reading long texts line by line without copying them whole: what a hostile input (one 50 MB line) costs."""
from __future__ import annotations

import re
from collections.abc import Iterator

#: the most of one line any parser reads: a reference entry is a few hundred characters
MAX_LINE = 64 * 1024
# the line boundaries str.splitlines() knows
_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def iter_lines(text: str, cap: int = MAX_LINE) -> Iterator[str]:
    """The lines of ``text`` as str.splitlines() gives them, one at a time, each cut to ``cap`` characters."""
    start = 0
    for m in _BREAK.finditer(text):
        yield text[start:min(m.start(), start + cap)]
        start = m.end()
    if start < len(text):
        yield text[start:start + cap]
