"""Run settings: every knob with its default, in one frozen object passed down the pipeline."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import __version__

# The crawler convention ("Mozilla/5.0 (compatible; Name/version; +url)"): names citecheck and its version,
# and is not turned away by filters that only admit browser-like agents.
USER_AGENT = f"Mozilla/5.0 (compatible; citecheck/{__version__}; +https://pypi.org/project/citecheck/)"


def url_excluded(url: str | None, patterns: tuple[str, ...]) -> bool:
    """The user's exclusion rule, one definition for the checking and the judging stages."""
    return bool(url) and any(re.search(p, url) for p in patterns)


@dataclass(frozen=True)
class Settings:
    # HTTP
    connect_timeout: float = 10.0
    read_timeout: float = 15.0
    attempt_timeout: float = 30.0  # whole request, body included: a trickling server costs no more
    retries: int = 2  # extra attempts for 5xx, resets and empty replies
    timeout_retries: int = 1  # extra attempts after a timeout
    max_retry_after: float = 60.0  # longest Retry-After citecheck waits for before giving up on a host
    max_body_bytes: int = 32 * 1024  # enough for a page's title and the markers citecheck looks for
    max_api_bytes: int = 8 * 1024 * 1024  # a whole JSON answer from an archive API
    max_redirects: int = 10
    user_agent: str = USER_AGENT
    concurrency: int = 32  # requests in flight to ordinary hosts
    per_host: int = 2  # requests in flight to one host
    host_interval: float = 0.1  # seconds between request starts to one host
    # where the Wayback Machine's endpoints are (tests and mirrors point these elsewhere)
    wayback_base: str = "https://web.archive.org"
    availability_url: str = "https://archive.org/wayback/available"
    # the Wayback Machine: defaults just under the Internet Archive's published limits (per minute)
    replay_per_min: float = 590.0
    cdx_per_min: float = 29.0
    availability_per_min: float = 50.0
    wayback_concurrency: int = 24
    wayback_pause: float = 61.0  # a Wayback 429 pauses its whole endpoint family this long (>= 60 s)
    availability_batch: int = 100  # URLs per availability POST
    lookup_linger: float = 1.0  # seconds a look-up waits for others to share its availability POST
    confirm_grace: float = 10.0  # CDX confirmations may outlast the rest of the run by this much
    # judgement
    window_days: float = 180.0  # a capture farther than this from the cited time is "shifted"
    check_live: bool = True
    check_archive: bool = True
    lookup_uncited: bool = True
    now: dt.datetime | None = None  # the run's notion of "now" (tests pin it)
    accept: dict = field(default_factory=dict)  # host -> status codes that count as working there
    exclude: tuple[str, ...] = ()  # regexes: matching URLs are not checked
    cache_dir: str | None = None  # None: no cache
    max_cache_age: float = 86400.0  # seconds a cached success is trusted (failures: a quarter of it)

    def as_dict(self) -> dict:
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
        }
