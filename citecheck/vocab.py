"""The one closed vocabulary every stage reads: states, error kinds, page signals, archive answers, actions.

Each enum carries its policy with it (does a state fail, mislead readers, how severe is it, how is it shown),
so no stage keeps a private list of states: a new state is one entry here, and whatever leaves out a policy
field fails at import. The enum values are the JSON contract (schema ``citecheck/1``); renaming one is a
breaking change.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum

#: The Wayback Machine's service id in archive links (archives.py knows every service's grammar).
WAYBACK = "wayback"
#: Where readers are sent for a Wayback capture (the endpoint citecheck asks is a setting).
WAYBACK_BASE = "https://web.archive.org"


class Tone(Enum):
    """How a state is shown: each report format maps a tone to its own colours."""

    GOOD = "good"  # works as cited
    NOTICE = "notice"  # worth a look, not broken
    BAD = "bad"  # broken
    NOTABLE = "notable"  # works, but no longer as cited
    INFO = "info"  # alive behind a wall: inconclusive
    MUTED = "muted"  # nothing to say


class Severity(IntEnum):
    """How loudly a CI report raises a reference that needs attention (SARIF level, annotation kind)."""

    NONE = 0
    WARNING = 1
    ERROR = 2

    @property
    def level(self) -> str:
        return "error" if self is Severity.ERROR else "warning"


@dataclass(frozen=True)
class StatePolicy:
    """What a verdict state means for the reference and how it is shown.

    ``misleads``: the cited link sends readers to the wrong thing (a broken snapshot, a moved, parked or
    drifted original). ``needs_fix``: the reference needs an editor's attention (everything misleading, and
    for snapshots also a missing one). ``failing``: counts as a failing observation in the URL's history.
    ``broken``: the cited capture itself is bad, so a new capture should be requested when no good one is
    near. ``summary``: one line for CI dashboards; ``meaning``: the README's explanation."""

    tone: Tone
    meaning: str
    summary: str = ""
    misleads: bool = False
    needs_fix: bool = False
    failing: bool = False
    broken: bool = False
    severity: Severity = Severity.NONE
    # snapshots: the only problem is that no snapshot is cited, which a verified persistent identifier makes moot
    snapshot_only: bool = False
    # identifiers: the reference has a verified persistent link (a DOI: it does not rot, whatever the publisher)
    persistent: bool = False
    # originals: no longer serves the work (dead, not found): fine while a good snapshot carries the citation, a
    # problem when nothing was checked to carry it (the archive not asked: --no-archive, or it could not be asked)
    unvouched: bool = False
    # originals: the CS1 ``url-status`` this finding means (what InternetArchiveBot writes); none for the
    # inconclusive states, since a page that did not answer is neither live nor dead
    url_status: str | None = None


class _PolicyEnum(str, Enum):
    """A string enum whose members each carry a StatePolicy: ``MEMBER = "value", StatePolicy(...)``."""

    _value_: str
    policy: StatePolicy

    def __new__(cls, value: str, policy: StatePolicy | None = None) -> _PolicyEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        if policy is None:
            raise TypeError(f"{cls.__name__}.{value}: every state needs its policy")
        member.policy = policy
        return member

    def __str__(self) -> str:
        return str(self.value)

    @property
    def tone(self) -> Tone:
        return self.policy.tone

    @property
    def needs_fix(self) -> bool:
        return self.policy.needs_fix

    @property
    def misleads(self) -> bool:
        return self.policy.misleads

    @property
    def unvouched(self) -> bool:
        return self.policy.unvouched

    @property
    def url_status(self) -> str | None:
        return self.policy.url_status

    @property
    def severity(self) -> Severity:
        return self.policy.severity

    @property
    def summary(self) -> str:
        return self.policy.summary

    @property
    def meaning(self) -> str:
        return self.policy.meaning


class LiveState(_PolicyEnum):
    """What became of the original URL."""

    OK = "ok", StatePolicy(Tone.GOOD, "answers 200 with the cited page (temporary redirects allowed; a paywalled article "
                                      "showing the cited headline counts)", url_status="live")
    MOVED = "moved", StatePolicy(
        Tone.NOTICE, "permanently redirected to a different working URL (the fix: the new URL)",
        "The original moved permanently", misleads=True, needs_fix=True, severity=Severity.WARNING,
        url_status="live")
    DEAD = "dead", StatePolicy(Tone.BAD, "404/410, the name does not resolve, the connection is refused",
                               "The original no longer works and no snapshot was checked", failing=True,
                               unvouched=True, severity=Severity.WARNING, url_status="dead")
    SOFT404 = "soft404", StatePolicy(
        Tone.BAD, "answers, but with a not-found page (its title, heading or first words say so, in two dozen languages, "
        "or a made-up sibling path gets the same page) or the site's generic page (its address the home page, its "
        "title only the site's name) or an empty one (no title, no text), or a deep link bounces to the home page or "
        "to a login page that does not lead back to it", "The original shows a not-found page and no snapshot was "
        "checked", failing=True, unvouched=True, severity=Severity.WARNING,
        url_status="dead")
    PARKED = "parked", StatePolicy(
        Tone.NOTABLE, "the domain shows a parking, for-sale, expired, reserved or hosting-placeholder page (a parking "
        "service's page, \"Buy this domain\", \"Parked at …\", a registry's reservation)",
        "The original's domain is parked or usurped",
        misleads=True, needs_fix=True, failing=True, severity=Severity.ERROR, url_status="usurped")
    BLOCKED = "blocked", StatePolicy(
        Tone.INFO, "alive, but it will not talk to us: 401/402/403/407/429/451/999, a bot wall or challenge (Cloudflare, "
        "Akamai, DataDome, PerimeterX, Imperva … named in the evidence), a cookie-consent interstitial, or a login "
        "page that leads back to it", url_status="live")
    TRANSIENT = "transient", StatePolicy(
        Tone.NOTICE, "5xx, resets, empty replies, a maintenance or database-error page: still failing after retries "
        "(never called dead on one run)", failing=True)
    TIMEOUT = "timeout", StatePolicy(Tone.NOTICE, "no answer in time (inconclusive)", failing=True)
    DRIFT = "drift", StatePolicy(
        Tone.NOTABLE, "answers with another work: the page's title, without the site's name, no longer matches the "
        "snapshot's (or the cited) title",
        "The original no longer shows the cited work", misleads=True, needs_fix=True, severity=Severity.WARNING,
        url_status="deviated")
    NONE = "none", StatePolicy(Tone.MUTED, "the reference has no URL")
    SKIPPED = "skipped", StatePolicy(Tone.MUTED, "not checked: excluded by the user, or not an http(s) URL")


class ArchiveState(_PolicyEnum):
    """What the archive holds for the reference."""

    OK = "ok", StatePolicy(Tone.GOOD, "a good capture at the cited time, or within the window (default 180 days, "
                                      "`--window-days`)")
    SHIFTED = "shifted", StatePolicy(
        Tone.NOTICE, "nothing at the cited time, and the nearest capture is outside the window",
        "The snapshot is far from the cited time", misleads=True, needs_fix=True, severity=Severity.WARNING)
    CAPTURED_ERROR = "captured_error", StatePolicy(
        Tone.BAD, "the capture is of a 4xx/5xx page (a bot wall captured with its 403 included)",
        "The snapshot captured an error page",
        misleads=True, needs_fix=True, broken=True, severity=Severity.ERROR)
    CAPTURED_REDIRECT = "captured_redirect", StatePolicy(
        Tone.BAD, "the capture is of a redirect to a home, login or error page",
        "The snapshot captured a redirect to a home, login or error page",
        misleads=True, needs_fix=True, broken=True, severity=Severity.ERROR)
    MISSING = "missing", StatePolicy(
        Tone.BAD, "the cited snapshot does not exist (never archived, or the link does not name a URL)",
        "The cited snapshot does not exist", misleads=True, needs_fix=True, broken=True, severity=Severity.ERROR)
    EXCLUDED = "excluded", StatePolicy(
        Tone.BAD, "the Wayback Machine excludes the URL", "The archive excludes the URL",
        misleads=True, needs_fix=True, severity=Severity.ERROR)
    SOFT404 = "soft404", StatePolicy(
        Tone.BAD, "the capture (HTTP 200) is not the work: a not-found, bot-wall, parking, login, consent, "
        "maintenance or empty page, or a site's generic page whose title has nothing to do with the cited title",
        "The snapshot shows a not-found, challenge, parked, login or other page instead of the work",
        misleads=True, needs_fix=True, broken=True, severity=Severity.ERROR)
    UNCITED_AVAILABLE = "uncited_available", StatePolicy(
        Tone.NOTICE, "no snapshot cited, but a good capture exists (the fix: add it)",
        "No snapshot is cited, but a good capture exists", needs_fix=True, severity=Severity.WARNING, snapshot_only=True)
    UNCITED_NONE = "uncited_none", StatePolicy(
        Tone.BAD, "no snapshot cited, and none exists (the fix: request one)",
        "No snapshot is cited and none exists", needs_fix=True, severity=Severity.ERROR, snapshot_only=True)
    NONE = "none", StatePolicy(Tone.MUTED, "the reference has no URL at all")
    UNCHECKED = "unchecked", StatePolicy(Tone.NOTICE, "the archive could not be asked (unreachable, rate-limited, "
                                                      "excluded by the configuration)")


class FailOn(str, Enum):
    """When a check run fails (exit 2): the CI policy, ``--fail-on``."""

    BROKEN = "broken"  # a cited link or snapshot misleads readers (any state whose policy ``misleads``), or a
    #                    citation marker points to no entry
    ATTENTION = "attention"  # anything that needs an editor, references without a snapshot included
    NEVER = "never"  # report only

    def __str__(self) -> str:
        return self.value

    @property
    def meaning(self) -> str:
        return _FAIL_ON_MEANING[self]


_FAIL_ON_MEANING = {
    FailOn.BROKEN: "a cited link or snapshot misleads readers (a broken, missing, excluded or distant snapshot; a "
                   "moved, parked or drifted original), or an in-text citation points to no entry",
    FailOn.ATTENTION: "any reference needs attention, references without a snapshot included",
    FailOn.NEVER: "never: report only",
}


class IdentifierState(_PolicyEnum):
    """What the DOI system says about the reference's DOI (JSON: ``identifier.state``; null: no DOI)."""

    OK = "ok", StatePolicy(Tone.GOOD, "registered, and the registry's title names the cited work (markup, case, "
                                      "punctuation and subtitles aside): a persistent link, so no snapshot is needed",
                           persistent=True)
    MISMATCH = "mismatch", StatePolicy(
        Tone.BAD, "registered, but to another work: the registry's title is not the cited one",
        "The DOI names another work", misleads=True, needs_fix=True, severity=Severity.ERROR)
    UNREGISTERED = "unregistered", StatePolicy(
        Tone.BAD, "the DOI system does not know it (usually a typo)", "The DOI is not registered",
        misleads=True, needs_fix=True, severity=Severity.ERROR)
    UNCHECKED = "unchecked", StatePolicy(Tone.NOTICE, "the registries could not be asked, or did not answer in the end")


def snapshot_needs_fix(archive: ArchiveState, identifier: IdentifierState | None) -> bool:
    """Whether the snapshot's state makes the reference need attention: a verified persistent identifier makes moot
    the states whose only problem is that no snapshot is cited."""
    return archive.needs_fix and not (identifier is not None and identifier.policy.persistent
                                      and archive.policy.snapshot_only)


def original_needs_fix(live: LiveState, archive: ArchiveState, identifier: IdentifierState | None) -> bool:
    """Whether the original's state makes the reference need attention: one that misleads, or one that no longer
    serves the work when no snapshot was checked to carry the citation (and no verified DOI stands in)."""
    return live.needs_fix or (live.unvouched and archive is ArchiveState.UNCHECKED
                              and not (identifier is not None and identifier.policy.persistent))


class ErrorKind(str, Enum):
    """Why a request ended without a usable answer. ``retry`` says how the one retry policy treats it."""

    DNS = "dns"  # the name does not resolve
    UNREACHABLE = "unreachable"  # a proxy could not reach the host (its 502/503 to CONNECT)
    REFUSED = "refused"
    CONNECT = "connect"  # any other failure to connect
    TLS = "tls"
    PROXY = "proxy"  # the proxy itself failed
    TIMEOUT = "timeout"
    RESET = "reset"  # the connection broke mid-answer
    EMPTY = "empty"  # the server closed without answering
    PROTOCOL = "protocol"  # not HTTP, or broken HTTP
    INVALID_URL = "invalid_url"  # the URL cannot be requested at all
    REDIRECT_LOOP = "redirect_loop"  # a redirect came back to a URL already visited
    TOO_MANY_REDIRECTS = "too_many_redirects"  # a redirect chain longer than the cap
    REFUSED_TARGET = "refused_target"  # a private, loopback or link-local address: never requested (the SSRF guard)
    UNSUPPORTED_SCHEME = "unsupported_scheme"  # a redirect to file:, gopher: …: never followed
    DEADLINE = "deadline"  # the URL's total time (every hop and retry together) ran out
    ERROR = "error"  # anything else

    def __str__(self) -> str:
        return self.value

    @property
    def connection(self) -> bool:
        """No answer came from the host at all: with every request failing so, the network may be down."""
        return self in _CONNECTION_ERRORS

    @property
    def retry(self) -> Retry:
        return _RETRY[self]


class Retry(Enum):
    """How a failed request is retried (see check/politeness.RetryPolicy)."""

    NEVER = "never"
    ONCE = "once"  # a name that does not resolve rarely comes back within seconds: one more try is enough
    BACKOFF = "backoff"  # resets, refusals, empty replies: up to ``retries`` more, with backoff
    AFTER_TIMEOUT = "after_timeout"  # at most ``timeout_retries`` more


_CONNECTION_ERRORS = frozenset({ErrorKind.DNS, ErrorKind.REFUSED, ErrorKind.CONNECT, ErrorKind.UNREACHABLE,
                                ErrorKind.TLS, ErrorKind.PROXY})
_RETRY: dict[ErrorKind, Retry] = {
    ErrorKind.DNS: Retry.ONCE, ErrorKind.UNREACHABLE: Retry.ONCE,
    ErrorKind.REFUSED: Retry.BACKOFF, ErrorKind.CONNECT: Retry.BACKOFF, ErrorKind.PROXY: Retry.BACKOFF,
    ErrorKind.RESET: Retry.BACKOFF, ErrorKind.EMPTY: Retry.BACKOFF, ErrorKind.PROTOCOL: Retry.BACKOFF,
    ErrorKind.TIMEOUT: Retry.AFTER_TIMEOUT,
    ErrorKind.TLS: Retry.NEVER, ErrorKind.INVALID_URL: Retry.NEVER, ErrorKind.REDIRECT_LOOP: Retry.NEVER,
    ErrorKind.TOO_MANY_REDIRECTS: Retry.NEVER, ErrorKind.REFUSED_TARGET: Retry.NEVER, ErrorKind.DEADLINE: Retry.NEVER,
    ErrorKind.UNSUPPORTED_SCHEME: Retry.NEVER,
    ErrorKind.ERROR: Retry.NEVER,
}
assert set(_RETRY) == set(ErrorKind), "every error kind needs a retry rule"


class PageSignal(str, Enum):
    """What a page says it is. signals.py decides each from the signature table (signatures.tsv), and each
    decision keeps the names of the signatures behind it (PageFacts.matches)."""

    CHALLENGE = "challenge"  # a bot challenge or block page
    PARKED = "parked"  # a parking, for-sale, expired, reserved or hosting-placeholder page
    NOTFOUND = "notfound"  # the page says it is a not-found page (title, main heading, or the lead of no article)
    NOTFOUND_TEXT = "notfound_text"  # not-found words that prove nothing alone (a sibling probe decides)
    LOGIN = "login"  # a login page
    CONSENT = "consent"  # a cookie-consent interstitial standing in for the page
    MAINTENANCE = "maintenance"  # a maintenance or database-error page
    PDF = "pdf"  # a PDF document
    WAYBACK_NOTARCHIVED = "wayback_notarchived"  # the Wayback Machine's own "not archived" page
    WAYBACK_EXCLUDED = "wayback_excluded"  # its "excluded" page
    WAYBACK_CAPTURED_REDIRECT_VIEW = "wayback_captured_redirect_view"  # its view-mode page of a captured redirect
    WAYBACK_RATELIMITED = "wayback_ratelimited"  # its "too many requests" page
    WAYBACK_BLOCKED_SITE = "wayback_blocked_site"  # its "blocked site" error

    def __str__(self) -> str:
        return self.value


class ArchiveAnswer(str, Enum):
    """What the archive itself said about a snapshot request, apart from any capture."""

    NOT_ARCHIVED = "notarchived"  # never archived
    EXCLUDED = "excluded"  # the archive refuses to show the URL
    CLOSEST = "closest"  # no capture at that time: pointed at the nearest one
    RATE_LIMITED = "ratelimited"  # kept answering 429
    BLOCKED = "blocked"  # will not show captures to a program (a challenge, a CAPTCHA, an interstitial, a frame)
    UNREACHABLE = "unreachable"  # could not be reached
    ERROR = "error"  # answered something unusable

    def __str__(self) -> str:
        return self.value

    @property
    def inconclusive(self) -> bool:
        """Says nothing about the snapshot: ask again another time (never cached)."""
        return self in (ArchiveAnswer.RATE_LIMITED, ArchiveAnswer.UNREACHABLE, ArchiveAnswer.BLOCKED)


class LookupSource(str, Enum):
    """Where a closest-good-capture answer came from."""

    AVAILABILITY = "availability"
    CDX = "cdx"
    UNCONFIRMED = "availability, not confirmed by CDX"  # an empty availability answer CDX had no time to confirm
    TIMEMAP = "timemap"  # another archive's Memento TimeMap, the capture replayed to confirm it

    def __str__(self) -> str:
        return self.value


class ActionKind(str, Enum):
    """What a suggested fix does; ``writes_snapshot``: `fix` can put its URL in as the snapshot link."""

    REPLACE_SNAPSHOT = "replace_snapshot"
    ADD_SNAPSHOT = "add_snapshot"
    REPLACE_URL = "replace_url"
    REQUEST_SNAPSHOT = "request_snapshot"
    REVIEW = "review"
    FIX_CITATION = "fix_citation"

    def __str__(self) -> str:
        return self.value

    @property
    def writes_snapshot(self) -> bool:
        return self in (ActionKind.REPLACE_SNAPSHOT, ActionKind.ADD_SNAPSHOT)


class SaveStatus(str, Enum):
    """How a Save Page Now request ended."""

    SUCCESS = "success"
    ERROR = "error"
    PENDING = "pending"  # still running when we stopped waiting: the next run picks it up
    SKIPPED = "skipped"  # not tried: the run stopped (daily limit, bad keys)

    def __str__(self) -> str:
        return self.value
