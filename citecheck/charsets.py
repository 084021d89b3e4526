"""Which single-byte encoding an undeclared text that is not UTF-8 is in: pages and reference files alike (a
Russian or Kazakh list saved by an old editor is windows-1251 or KOI8-R, not windows-1252)."""
from __future__ import annotations

import re

_TAG_BYTES = re.compile(rb"<[^>]*>")
_URL_BYTES = re.compile(rb"\b(?:https?|ftp)://\S+", re.IGNORECASE)


def legacy_encoding(data: bytes) -> str:
    """Cyrillic text, where nearly every letter is a high byte, in windows-1251 (lower case in 0xE0-0xFF) or KOI8-R
    (lower case in 0xC0-0xDF); else windows-1252. Markup and URLs are left out of the count: they are ASCII
    whatever the text's language."""
    text = _URL_BYTES.sub(b" ", _TAG_BYTES.sub(b" ", data[:65536]))
    high = sum(1 for b in text if b >= 0xC0)
    ascii_letters = sum(1 for b in text if 0x41 <= (b | 0x20) <= 0x7A)
    if high and high > 0.4 * (high + ascii_letters):
        upper_half = sum(1 for b in text if b >= 0xE0)
        return "cp1251" if upper_half >= high - upper_half else "koi8_r"
    return "cp1252"
