"""Judgements the other stages ask for: the checking stage while it runs (is a look-up worth it? does the live
page look drifted?) and `save` (which references should get a new capture?)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..archives import snapshot_url
from ..model import LiveObservation, LookupResult, Reference, Result, SnapshotObservation
from ..settings import Settings
from ..textsim import titles_disagree
from ..timestamps import datetime_to_timestamp, distance_days, format_day, timestamp_to_datetime
from ..vocab import WAYBACK, ArchiveAnswer, ArchiveState, LiveState
from .archive import bad_page
from .live import empty_page


class RunJudgements:
    """The answers the checking stage needs while it runs (check.Judgements)."""

    @staticmethod
    def needs_lookup(snapshot: SnapshotObservation) -> bool:
        """A cited snapshot, in any archive, that is not an exact good capture: find the closest good one to
        suggest. (A Wayback Machine that excludes the URL, or could not be asked, has none to offer.)"""
        cap = snapshot.capture
        wayback = snapshot.link.service == WAYBACK
        if snapshot.answer in (ArchiveAnswer.RATE_LIMITED, ArchiveAnswer.UNREACHABLE) and wayback:
            return False
        if snapshot.answer is ArchiveAnswer.EXCLUDED and wayback:
            return False
        if cap is None or not cap.status or not (200 <= cap.status < 300):
            return True
        if snapshot.landing is not None or snapshot.answer is ArchiveAnswer.CLOSEST:
            return True
        return bool(snapshot.fetch and bad_page(snapshot.fetch.page))

    @staticmethod
    def wants_other_archives(snapshot: SnapshotObservation | None, lookup: LookupResult | None,
                             window_days: float) -> bool:
        """The Wayback Machine has no good capture near the cited time (and the cited snapshot is not a good one):
        worth asking the other archives. Not when the look-up could not be made: that says nothing."""
        if snapshot is not None and _good_near(snapshot, window_days):
            return False  # the cited capture, or the one the archive chose near it, is good
        if snapshot is not None and snapshot.answer is ArchiveAnswer.EXCLUDED:
            return True  # the Wayback Machine will not show this page: other archives are the way
        if lookup is None or lookup.error:
            return False
        return lookup.capture is None or distance_days(lookup.target, lookup.capture.timestamp) > window_days

    @staticmethod
    def shows_no_work(snapshot: SnapshotObservation) -> str | None:
        """What a replayed capture shows instead of a work: a not-found, parking, challenge, login, consent or
        maintenance page, or a blank one; None for a page that may be the work."""
        page = snapshot.fetch.page if snapshot.fetch else None
        if page is None:
            return None
        bad = bad_page(page)
        if bad:
            return bad.replace("_", "-")
        return "blank" if empty_page(page) else None

    @staticmethod
    def suspect_drift(reference: Reference, live: LiveObservation, snapshot: SnapshotObservation | None) -> bool:
        """The live title disagrees with the snapshot's or the cited one: worth a sibling probe before calling
        it drift (a host that answers every path with one page is a soft 404)."""
        snapshot_title = snapshot.fetch.page.title if snapshot and snapshot.fetch and snapshot.capture else None
        return titles_disagree(live.fetch.page.title, snapshot_title, reference.title) is not None


def _good_near(snapshot: SnapshotObservation, window_days: float) -> bool:
    cap = snapshot.capture
    if cap is None or not cap.status or not 200 <= cap.status < 300 or snapshot.landing is not None:
        return False
    if snapshot.fetch and bad_page(snapshot.fetch.page):
        return False
    cited = snapshot.link.timestamp
    return not cited or distance_days(cited, cap.timestamp) <= window_days


JUDGEMENTS = RunJudgements()


def save_candidates(results: Iterable[Result], settings: Settings, refresh_older_than: float | None = None,
                    now: dt.datetime | None = None) -> list[Result]:
    """Results whose original is alive and that have no good snapshot: none cited and none found, or the cited
    one broken with no good capture within the window; with ``refresh_older_than`` (seconds) also those whose
    newest good capture we know of is older than that. One per URL."""
    now = now or settings.now or dt.datetime.now(dt.UTC)
    chosen: dict[str, Result] = {}
    for r in results:
        v, url = r.verdict, r.reference.url
        if not url or v.live.state is not LiveState.OK or url in chosen:
            continue
        state = v.archive.state
        if v.identifier and v.identifier.state.policy.persistent and state.policy.snapshot_only:
            continue  # a verified DOI is the persistent link: no capture needed
        good = v.archive.suggestion
        near = good is not None and v.archive.requested_timestamp is not None and _days_between(
            good.timestamp, v.archive.requested_timestamp) <= settings.window_days
        if state is ArchiveState.UNCITED_NONE or (state.policy.broken and not near):
            chosen[url] = r
        elif refresh_older_than is not None:
            newest = good.timestamp if good else v.archive.capture_timestamp
            if newest and (now - timestamp_to_datetime(newest)).total_seconds() > refresh_older_than:
                chosen[url] = r
    return list(chosen.values())


def snapshot_to_write(result: Result, saved: dict[str, str], settings: Settings) -> tuple[str | None, str | None]:
    """(the snapshot link `fix` may write into this reference, or None; why it writes none, when it could have).

    Never a capture outside ``window_days`` of the cited time (the cited snapshot's, else the access date), and
    never a capture made today by `save` into a reference that cites an older snapshot; a reference that cites
    no snapshot at all may get today's capture."""
    v, ref = result.verdict, result.reference
    if v.archive.state is ArchiveState.OK:
        return None, None
    link = ref.archive_link
    cited = link.timestamp if link and link.timestamp else (
        datetime_to_timestamp(ref.access_date) if ref.access_date else None)
    if ref.url and ref.url in saved and (link is None or (
            cited is not None and distance_days(cited, saved[ref.url]) <= settings.window_days)):
        return snapshot_url(ref.url, saved[ref.url]), None
    found = next((a.url for a in v.actions if a.kind.writes_snapshot and a.url), None)
    capture = v.archive.suggestion
    if not found or capture is None:
        return None, None
    if cited is not None and (far := distance_days(cited, capture.timestamp)) > settings.window_days:
        return None, (f"the closest good capture ({format_day(capture.timestamp)}) is {round(far)} days from the "
                      f"cited time, outside the {settings.window_days:g}-day window: check it by hand")
    return found, None


def _days_between(a: str, b: str) -> float:
    return abs((timestamp_to_datetime(a) - timestamp_to_datetime(b)).total_seconds()) / 86400
