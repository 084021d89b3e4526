"""Wayback-style timestamps (1–14 digits, UTC) and the datetimes they stand for."""
from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import re


def timestamp_to_datetime(ts: str) -> dt.datetime:
    """A 1-14 digit Wayback timestamp as a UTC datetime; missing parts are the earliest valid value."""
    digits = re.sub(r"\D", "", ts)[:14]
    if len(digits) < 4:
        digits = digits.ljust(4, "0")
    year = max(1, int(digits[0:4]))
    padded = digits.ljust(14, "0")
    month = min(max(int(padded[4:6]), 1), 12)
    day = min(max(int(padded[6:8]), 1), calendar.monthrange(year, month)[1])
    hour, minute, second = min(int(padded[8:10]), 23), min(int(padded[10:12]), 59), min(int(padded[12:14]), 59)
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


def datetime_to_timestamp(when: dt.datetime | dt.date) -> str:
    if not isinstance(when, dt.datetime):
        when = dt.datetime(when.year, when.month, when.day, 12, tzinfo=dt.UTC)
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.strftime("%Y%m%d%H%M%S")


def full_timestamp(ts: str) -> str:
    """Any partial timestamp as 14 digits (as Wayback reads it)."""
    return datetime_to_timestamp(timestamp_to_datetime(ts))


def distance_days(cited_ts: str, capture_ts: str) -> float:
    """Days between a capture and the cited time; a partial cited timestamp covers a whole year/month/day."""
    digits = "".join(c for c in cited_ts if c.isdigit())[:14]
    start = timestamp_to_datetime(digits)
    end = _end_of(digits, start)
    when = timestamp_to_datetime(capture_ts)
    if start <= when <= end:
        return 0.0
    delta = (start - when) if when < start else (when - end)
    return delta.total_seconds() / 86400.0


def _end_of(digits: str, start: dt.datetime) -> dt.datetime:
    n = len(digits)
    if n >= 14:
        return start
    if n <= 4:
        return start.replace(month=12, day=31, hour=23, minute=59, second=59)
    if n <= 6:
        nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return nxt - dt.timedelta(seconds=1)
    if n <= 8:
        return start + dt.timedelta(days=1) - dt.timedelta(seconds=1)
    if n <= 10:
        return start + dt.timedelta(hours=1) - dt.timedelta(seconds=1)
    if n <= 12:
        return start + dt.timedelta(minutes=1) - dt.timedelta(seconds=1)
    return start + dt.timedelta(seconds=9)


def format_day(ts: str | None) -> str:
    """A timestamp as the day it names (2023-09-19), "?" when there is none."""
    return timestamp_to_datetime(ts).strftime("%Y-%m-%d") if ts else "?"


def format_http_date(ts: str) -> str:
    """A timestamp as an HTTP date in GMT (RFC 1123), as Memento's Accept-Datetime wants it."""
    return email.utils.format_datetime(timestamp_to_datetime(ts), usegmt=True)
