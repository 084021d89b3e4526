"""Every knob of a run, with its default, in one frozen object passed down the pipeline.

Each field's metadata (:class:`Option`) says how a user sets it: the command-line flag, the key in
``citecheck.toml``, which commands take it, how a value is read and checked. The CLI's options and the
configuration file's validation are both generated from it, so a new option is one field here.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._version import __version__
from .errors import InputError
from .vocab import WAYBACK_BASE, FailOn

# The crawler convention ("Mozilla/5.0 (compatible; Name/version; +url)"): names citecheck and its version,
# and is not turned away by filters that only admit browser-like agents.
USER_AGENT = f"Mozilla/5.0 (compatible; citecheck/{__version__}; +https://pypi.org/project/citecheck/)"

CHECK, SAVE, FIX, PARSE = "check", "save", "fix", "parse"
NETWORK_COMMANDS = frozenset({CHECK, SAVE, FIX})


# --- reading values ------------------------------------------------------------------------------------------


def parse_duration(text: object) -> float:
    """'90s', '30m', '12h', '7d', '2w' (or plain seconds) as seconds."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        if text < 0:
            raise ValueError("cannot be negative")
        return _finite(float(text))
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", str(text))
    if not m:
        raise ValueError(f"cannot read the duration {text!r} (use e.g. 90s, 30m, 12h, 7d)")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[m.group(2)]


def format_duration(seconds: float) -> str:
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0 and not (unit == "d" and seconds < 2 * 86400):
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def _finite(value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        raise ValueError("must be a finite number")
    return value


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"must be a number, not {type(value).__name__}")
    try:
        return _finite(float(value))
    except ValueError as e:
        raise ValueError(str(e) if "finite" in str(e) else f"must be a number, not {value!r}") from None


def positive(value: object) -> float:
    n = _number(value)
    if n <= 0:
        raise ValueError("must be positive")
    return n


def not_negative(value: object) -> float:
    n = _number(value)
    if n < 0:
        raise ValueError("cannot be negative")
    return n


def count(value: object) -> int:
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be a whole number, not {value!r}")
    if value < 0:
        raise ValueError("cannot be negative")
    return value


def at_least_one(value: object) -> int:
    n = count(value)
    if n < 1:
        raise ValueError("must be at least 1")
    return n


#: each request in flight holds a connection, and so a file descriptor: more than this exhausts the process's
#: usual limit (1,024) before it speeds anything up
MAX_IN_FLIGHT = 512


def in_flight(value: object) -> int:
    n = at_least_one(value)
    if n > MAX_IN_FLIGHT:
        raise ValueError(f"must be at most {MAX_IN_FLIGHT} (each request in flight holds an open connection)")
    return n


def regexes(value: object) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(p, str) for p in items):
        raise ValueError("must be a list of regular expressions")
    for pattern in items:
        try:
            re.compile(pattern)
        except re.error as e:
            raise ValueError(f"{pattern!r} is not a valid regex ({e})") from None
    return tuple(items)


ANY_HOST = "*"


def accept_table(value: object) -> dict[str, tuple[int, ...]]:
    """Status codes that count as working, by host (``*``: every host). A table ``host = [codes]`` (the
    configuration file), a list of codes for every host, or flags' specs: ``403``, ``200,403``, ``200..299``,
    ``sagepub.com=403``."""
    if isinstance(value, Mapping):
        out: dict[str, tuple[int, ...]] = {}
        for host, codes in value.items():
            if not isinstance(codes, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in codes):
                raise ValueError(f"{host} must be a list of status codes")
            out[str(host).lower()] = tuple(_status(c) for c in codes)
        return out
    items = [value] if isinstance(value, (str, int)) and not isinstance(value, bool) else value
    if not isinstance(items, (list, tuple)):
        raise ValueError("must be a table of host = [status codes], or status codes")
    table: dict[str, list[int]] = {}
    for item in items:
        host, codes = ANY_HOST, item
        if isinstance(item, str) and "=" in item:
            host, codes = (part.strip() for part in item.split("=", 1))
            if not host:
                raise ValueError(f"{item!r}: name a host before '='")
        table.setdefault(host.lower(), []).extend(_codes(codes))
    return {host: tuple(dict.fromkeys(codes)) for host, codes in table.items()}


def _codes(spec: object) -> list[int]:
    if isinstance(spec, int) and not isinstance(spec, bool):
        return [_status(spec)]
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"{spec!r} is not a status code")
    out: list[int] = []
    for part in spec.split(","):
        m = re.fullmatch(r"\s*(\d{3})\s*(?:(?:\.\.=?|-)\s*(\d{3})\s*)?", part)
        if not m:
            raise ValueError(f"{part.strip()!r} is not a status code or a range such as 200..299")
        low = _status(int(m.group(1)))
        high = _status(int(m.group(2))) if m.group(2) else low
        if high < low:
            raise ValueError(f"{part.strip()!r}: the range ends before it starts")
        out += range(low, high + 1)
    return out


def _status(code: object) -> int:
    if isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 999:
        raise ValueError(f"{code!r} is not an HTTP status code (100-999)")
    return code


_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def header_list(value: object) -> tuple[tuple[str, str], ...]:
    """HTTP headers: ``Name: value`` strings (flags, or a list in the file), or a table ``Name = "value"``."""
    if isinstance(value, Mapping):
        pairs = [(str(k), v) for k, v in value.items()]
    else:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            raise ValueError("must be 'Name: value' headers")
        pairs = []
        for item in items:
            if isinstance(item, tuple) and len(item) == 2:
                pairs.append(item)
                continue
            if not isinstance(item, str) or ":" not in item:
                raise ValueError(f"{item!r} is not a header (write 'Name: value')")
            name, text_value = item.split(":", 1)
            pairs.append((name.strip(), text_value.strip()))
    out = []
    for name, header_value in pairs:
        if not isinstance(header_value, str) or not _HEADER_NAME.fullmatch(name) or re.search(r"[\r\n\x00]",
                                                                                               header_value):
            raise ValueError(f"{name!r}: not a valid header name and value")
        out.append((name, header_value))
    return tuple(out)


def globs(value: object) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(p, str) and p for p in items):
        raise ValueError("must be a list of file patterns (globs)")
    return tuple(items)


def text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {type(value).__name__}")
    return value


def header_text(value: object) -> str:
    """A header's value given alone (the User-Agent): some text, on one line."""
    value = text(value).strip()
    if not value:
        raise ValueError("must not be empty")
    if re.search(r"[\x00-\x1f\x7f]", value):
        raise ValueError("must be one line of text, without control characters")
    return value


def flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {value!r}")
    return value


def fail_level(value: object) -> FailOn:
    try:
        return FailOn(value)
    except ValueError:
        raise ValueError(f"must be one of {', '.join(FailOn)}, not {value!r}") from None


#: which references the terminal table lists: all of them up to this many, else those needing attention
SHOW_AUTO_LIMIT = 20
SHOW_CHOICES = ("auto", "attention", "all")


def show_choice(value: object) -> str:
    if value not in SHOW_CHOICES:
        raise ValueError(f"must be one of {', '.join(SHOW_CHOICES)}, not {value!r}")
    return str(value)


def optional_flag(value: object) -> bool | None:
    return None if value is None else flag(value)
def email(value: object) -> str:
    address = text(value).strip()
    if not re.fullmatch(r"[^@\s<>();,]+@[^@\s<>();,]+\.[^@\s<>();,]+", address):
        raise ValueError(f"{address!r} is not an e-mail address")
    return address


def url_base(value: object) -> str:
    base = text(value).strip().rstrip("/")
    try:
        parts = urllib.parse.urlsplit(base)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an http(s) URL, not {base!r}")
    return base


#: the readers of numbers: a configuration file writes their values as TOML numbers, never as text
NUMBER_READERS = frozenset({positive, not_negative, count, in_flight})


# --- the metadata of a setting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """How a user sets one field. ``flag`` None: not on the command line; ``config`` None: not in the file.
    ``read`` turns a given value into the field's value and raises ValueError with a reason when it cannot.
    ``negate``: the flag (``--no-live``) sets the field to False. ``metavar`` "" marks a flag without a value;
    ``repeat``: the flag may be given several times."""

    help: str
    read: Callable[[Any], Any]
    flag: str | None = None
    short: str | None = None
    config: str | None = None
    commands: frozenset[str] = frozenset({CHECK})
    metavar: str = ""
    negate: bool = False
    repeat: bool = False
    show_default: Callable[[Any], str] | None = lambda value: f"{value:g}" if isinstance(value, float) else str(value)


def option(default: Any = dataclasses.MISSING, *, default_factory: Any = dataclasses.MISSING, **meta: Any) -> Any:
    """A dataclass field with its :class:`Option` in the metadata."""
    if "commands" in meta:
        meta["commands"] = frozenset(meta["commands"])
    kwargs: dict[str, Any] = {"metadata": {"option": Option(**meta)}}
    if default_factory is not dataclasses.MISSING:
        kwargs["default_factory"] = default_factory
    else:
        kwargs["default"] = default
    return field(**kwargs)


_NET = NETWORK_COMMANDS


@dataclass(frozen=True)
class Settings:
    # --- HTTP ---------------------------------------------------------------------------------------------
    read_timeout: float = option(15.0, flag="--timeout", config="timeout", read=positive, metavar="SECONDS",
                                 commands=_NET, help="Read timeout per request, seconds.")
    connect_timeout: float = option(10.0, flag="--connect-timeout", config="connect_timeout", read=positive,
                                    metavar="SECONDS", commands=_NET, help="Connect timeout, seconds.")
    attempt_timeout: float | None = None  # a whole request, body included; None: derived from the two above
    retries: int = option(2, flag="--retries", config="retries", read=count, metavar="N",
                          help="Extra attempts after 5xx, resets, empty replies.")
    timeout_retries: int = 1  # extra attempts after a timeout
    retry_wait: float = 0.5  # seconds before the first retry; each further one waits twice as long (16 x at most)
    max_retry_after: float = 60.0  # longest Retry-After citecheck waits for before giving up on a host
    max_body_bytes: int = 32 * 1024  # of a page's body after its head: where it says what it is (not found …)
    max_page_bytes: int = 1024 * 1024  # never more of a page than this, however late its head ends
    max_api_bytes: int = 8 * 1024 * 1024  # a whole JSON answer from an archive API
    max_redirects: int = 10
    user_agent: str = option(USER_AGENT, flag="--user-agent", config="user_agent", read=header_text, metavar="TEXT",
                             commands=_NET, help="The User-Agent sent with every request.")
    headers: tuple[tuple[str, str], ...] = option((), flag="--header", config="headers", read=header_list,
                                                  metavar="'NAME: VALUE'", repeat=True, commands=_NET,
                                                  show_default=None, help="An HTTP header sent with every request, "
                                                  "to the archives too (repeatable), e.g. 'Accept-Language: kk'.")
    concurrency: int = option(128, flag="--concurrency", config="concurrency", read=in_flight, metavar="N",
                              help="Requests in flight to ordinary hosts, at most 512 (each host still gets --per-host at most).")
    per_host: int = option(2, flag="--per-host", config="per_host", read=in_flight, metavar="N",
                           help="Requests in flight to one host.")
    host_interval: float = option(0.1, flag="--host-interval", config="host_interval", read=not_negative,
                                  metavar="SECONDS", commands=_NET,
                                  help="Least time between two request starts to one host (archives keep their own pace).")
    url_deadline: float | None = option(None, flag="--deadline", config="deadline", read=positive, metavar="SECONDS",
                                        commands=_NET, show_default=lambda _: "4 × --timeout",
                                        help="Total time one URL may take: every redirect hop and retry together.")
    allow_private: bool = option(False, flag="--allow-private", config="allow_private", read=flag, commands=_NET,
                                 show_default=None, help="Also request private, loopback and link-local addresses "
                                 "(an intranet's links). Off by default: a reference list is untrusted input.")
    # --- the Wayback Machine: where it is (tests and mirrors point these elsewhere), and its pace -------------
    wayback_base: str = option(WAYBACK_BASE, flag="--wayback-url", config="wayback_url", read=url_base,
                               metavar="URL", commands=_NET,
                               help="Wayback Machine endpoint, Save Page Now included (for mirrors and tests).")
    availability_url: str = option("https://archive.org/wayback/available", flag="--availability-url",
                                   config="availability_url", read=url_base, metavar="URL", commands=_NET,
                                   help="Availability API endpoint (for mirrors and tests).")
    # the Internet Archive's per-IP limits are replay 600, CDX + timemap 30, availability ~60 a minute, and it asks
    # clients to default to 80 % of them; every citecheck process of the user shares these (check/budget.py)
    replay_per_min: float = option(480.0, flag="--replay-per-min", config="replay_per_min", read=positive,
                                   metavar="N", commands=_NET,
                                   help="Wayback replay requests per minute, for all citecheck processes together "
                                        "(the archive allows 600 and asks for 80 % of it).")
    cdx_per_min: float = option(24.0, flag="--cdx-per-min", config="cdx_per_min", read=positive, metavar="N",
                                commands=_NET, help="CDX + timemap requests per minute, all processes together "
                                                    "(the archive allows 30).")
    availability_per_min: float = option(48.0, flag="--availability-per-min", config="availability_per_min",
                                         read=positive, metavar="N", commands=_NET,
                                         help="Availability API requests per minute, all processes together "
                                              "(the archive allows about 60).")
    share_wayback_budget: bool = True  # pace with every citecheck process of the user (tests turn it off)
    wayback_concurrency: int = 24
    # --- other web archives (Memento): one pacer per archive host -------------------------------------------
    archive_per_min: float = option(60.0, flag="--archive-per-min", config="archive_per_min", read=positive,
                                    metavar="N", commands=_NET,
                                    help="Requests per minute to each web archive other than the Wayback Machine.")
    other_archives: bool = option(True, flag="--no-other-archives", config="no_other_archives", negate=True,
                                  read=flag, show_default=None,
                                  help="Do not look in other web archives when the Wayback Machine has no good "
                                       "capture near the cited time.")
    archive_per_host: int = 2  # requests in flight to one archive host
    # --- the DOI system (Handle API, doiRA, Crossref, DataCite) ------------------------------------------------
    check_identifiers: bool = option(True, flag="--no-doi", config="no_doi", negate=True, read=flag,
                                     show_default=None, help="Do not verify DOIs through the DOI system.")
    mailto: str | None = option(None, flag="--mailto", config="mailto", read=email, metavar="EMAIL",
                                show_default=lambda _: "none",
                                help="Contact address sent to the DOI registries (Crossref's polite pool).")
    registry_per_sec: float = 4.0  # per registry host: 80 % of Crossref's public 5 a second, less if headers ask
    registry_concurrency: int = 2  # requests in flight to one registry host, until its headers say otherwise
    timemap_candidates: int = 2  # captures from other archives' TimeMaps replayed to confirm one, nearest first
    wayback_pause: float = 61.0  # a Wayback 429 pauses its whole endpoint family this long (>= 60 s)
    availability_batch: int = 100  # URLs per availability POST
    lookup_linger: float = 1.0  # seconds a look-up waits for others to share its availability POST
    confirm_grace: float = 10.0  # CDX confirmations may outlast the rest of the run by this much
    # --- what to check, and judgement ------------------------------------------------------------------------
    window_days: float = option(180.0, flag="--window-days", config="window_days", read=not_negative, metavar="DAYS",
                                commands=_NET, help="A capture farther than this from the cited time is 'shifted'.")
    check_live: bool = option(True, flag="--no-live", negate=True, read=flag, show_default=None,
                              help="Do not check the original URLs.")
    check_archive: bool = option(True, flag="--no-archive", negate=True, read=flag, show_default=None,
                                 help="Do not check snapshots or look up captures.")
    lookup_uncited: bool = True  # look for captures of references that cite none
    now: dt.datetime | None = None  # the run's notion of "now" (tests pin it)
    accept: dict[str, tuple[int, ...]] = option(default_factory=dict, flag="--accept", config="accept",
                                                read=accept_table, metavar="[HOST=]CODES", repeat=True,
                                                show_default=None,
                                                help="Status codes that count as a working original, on every "
                                                "host or on one (repeatable): 403, 401..403, sagepub.com=403,429.")
    exclude: tuple[str, ...] = option((), flag="--exclude", config="exclude", read=regexes, metavar="REGEX",
                                      repeat=True, commands=_NET, show_default=None,
                                      help="Regex of URLs not to check (repeatable).")
    # --- what to read ------------------------------------------------------------------------------------------
    all_links: bool = option(False, flag="--all-links", config="all_links", read=flag, commands={CHECK, SAVE, PARSE},
                             show_default=None, help="Treat every link of a document as a reference, those "
                             "outside its reference list too (a link checker's coverage).")
    exclude_path: tuple[str, ...] = option((), flag="--exclude-path", config="exclude_path", read=globs,
                                           metavar="GLOB", repeat=True, commands={CHECK, SAVE, PARSE},
                                           show_default=None, help="Leave out files matching GLOB when reading a "
                                           "folder or a pattern (repeatable), e.g. 'drafts/**'.")
    # --- cache ---------------------------------------------------------------------------------------------------
    use_cache: bool = option(True, flag="--no-cache", config="no_cache", negate=True, read=flag, commands=_NET,
                             show_default=None, help="Neither read nor write the cache.")
    cache_dir: str | None = option(None, flag="--cache-dir", config="cache_dir", read=text, metavar="DIR",
                                   commands=_NET, show_default=lambda _: "the platform cache folder",
                                   help="Where the cache is kept.")
    max_cache_age: float = option(86400.0, flag="--max-cache-age", config="max_cache_age", read=parse_duration,
                                  metavar="DURATION", show_default=format_duration,
                                  help="Trust cached successes this long, e.g. 12h, 7d; failures a quarter of it.")
    offline: bool = option(False, flag="--offline", config="offline", read=flag, commands={CHECK},
                           show_default=None, help="Make no request: judge from the cache alone, however old its "
                           "entries (what it has not seen is reported not checked).")
    # --- output ----------------------------------------------------------------------------------------------------
    format: str = option("table", flag="--format", short="-f", config="format", read=text, metavar="FORMAT",
                         help="Report format (default: from the --output file's extension, else table).")
    fail_on: FailOn = option(FailOn.BROKEN, flag="--fail-on", config="fail_on", read=fail_level, metavar="LEVEL",
                             help="Exit 2 when: broken (a cited link or snapshot misleads readers), attention (any "
                                  "reference needs attention, those without a snapshot included), or never.")
    strict: bool | None = option(None, flag="--strict/--no-strict", config="strict", read=optional_flag,
                                 show_default=None, commands={CHECK, PARSE},
                                 help="A file with no reference list is an error (exit 3); without --strict, a run "
                                      "over several files skips it with a note. [default: strict for one file]")
    show: str = option("auto", flag="--show", config="show", read=show_choice, metavar="WHICH",
                       help=f"References the terminal table lists: all, attention (only those needing it), or auto "
                            f"(all up to {SHOW_AUTO_LIMIT}, else those needing attention).")
    verbose: bool = option(False, flag="--verbose", short="-v", read=flag, show_default=None,
                           help="Show the evidence in the terminal table: requests and redirects, titles, rules.")
    # --- Save Page Now 2 ---------------------------------------------------------------------------------------------
    journal: str | None = option(None, flag="--journal", read=text, metavar="FILE", commands={SAVE, FIX},
                                 show_default=lambda _: "the platform data folder",
                                 help="Save Page Now journal (what was submitted and saved).")
    captures_per_min: float = 11.0  # Save Page Now allows about 12 a minute
    save_sessions: int = 4  # never more jobs in flight than this, nor than the account has free
    if_not_archived_within: str = "30d"  # a capture this recent is reused instead of repeated
    poll_first: float = 3.0  # first wait before asking for a job's status
    poll_max: float = 20.0
    job_timeout: float = 600.0  # a job still pending after this is left for the next run
    session_wait: float = 30.0  # wait after error:user-session-limit
    max_session_retries: int = 20

    @property
    def registry_user_agent(self) -> str:
        """How citecheck introduces itself to the DOI registries: a name, a home and, given one, a contact
        (Crossref's etiquette; the contact puts the requests in its polite pool)."""
        contact = f"; mailto:{self.mailto}" if self.mailto else ""
        return f"citecheck/{__version__} (+https://pypi.org/project/citecheck/{contact})"

    @property
    def request_timeout(self) -> float:
        """A whole request, body included: a trickling server costs no more than this."""
        if self.attempt_timeout is not None:
            return self.attempt_timeout
        return max(2 * self.read_timeout, self.read_timeout + self.connect_timeout)

    @property
    def deadline(self) -> float:
        """Seconds one URL may take in all (hops, retries and the waits between them)."""
        return self.url_deadline if self.url_deadline is not None else 4 * self.read_timeout

    def excludes(self, url: str | None) -> bool:
        """The user's exclusion rule, one definition for the checking and the judging stages."""
        return bool(url) and any(re.search(p, url or "") for p in self.exclude)

    def as_dict(self) -> dict[str, Any]:
        """The settings a report records."""
        return {
            "connect_timeout": self.connect_timeout,
            "read_timeout": self.read_timeout,
            "retries": self.retries,
            "concurrency": self.concurrency,
            "per_host": self.per_host,
            "replay_per_min": self.replay_per_min,
            "cdx_per_min": self.cdx_per_min,
            "availability_per_min": self.availability_per_min,
            "window_days": self.window_days,
            "fail_on": self.fail_on.value,
        }

    # --- building from what a user gave -----------------------------------------------------------------------

    @property
    def cache_folder(self) -> str | None:
        """Where the cache lives, or None when it is off."""
        if not self.use_cache:
            return None
        if self.cache_dir:
            return self.cache_dir
        from platformdirs import user_cache_dir

        return user_cache_dir("citecheck")

    @property
    def budget_folder(self) -> str | None:
        """Where the Wayback budget shared by the user's citecheck processes lives (with or without a cache)."""
        if not self.share_wayback_budget:
            return None
        if self.cache_dir:
            return self.cache_dir
        from platformdirs import user_cache_dir

        return user_cache_dir("citecheck")

    @property
    def journal_file(self) -> str:
        if self.journal:
            return self.journal
        from platformdirs import user_data_dir

        return f"{user_data_dir('citecheck')}/save-journal.sqlite3"

    @classmethod
    def from_given(cls, given: Mapping[str, Any], *, where: str = "", base: Settings | None = None,
                   in_file: bool = False) -> Settings:
        """Settings from values as a user gave them, keyed by field name: each read and checked by its
        Option, in the flag's sense (``check_live: True`` means ``--no-live`` was given); InputError names
        the bad one (by its config key when ``in_file``, else by its flag)."""
        changes: dict[str, Any] = {}
        for name, value in given.items():
            opt = OPTIONS.get(name)
            if opt is None:
                raise InputError(f"{where}unknown setting {name!r}")
            try:
                if in_file and isinstance(value, str) and opt.read in NUMBER_READERS:
                    # a flag's value is text; a file's number is written as a number (window_days = 180)
                    raise ValueError(f"must be a number, not the text {value!r}")
                read = opt.read(value)
            except ValueError as e:
                raise InputError(f"{where}{describe(name, in_file)} {e}") from None
            changes[name] = (not read) if opt.negate else read
        return dataclasses.replace(base or cls(), **changes)


def describe(name: str, in_file: bool = False) -> str:
    """How a user names a setting in messages: its flag (its config key in a file's messages)."""
    opt = OPTIONS[name]
    return (opt.config if in_file else opt.flag) or opt.flag or opt.config or name


OPTIONS: dict[str, Option] = {f.name: f.metadata["option"] for f in dataclasses.fields(Settings)
                              if "option" in f.metadata}
CONFIG_KEYS: dict[str, str] = {o.config: name for name, o in OPTIONS.items() if o.config}
DEFAULTS = Settings()


def default_text(name: str) -> str | None:
    """A field's default as the help shows it, or None for no default to show."""
    opt = OPTIONS[name]
    return opt.show_default(getattr(DEFAULTS, name)) if opt.show_default else None
