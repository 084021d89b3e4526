"""The reference's verdict: the live and archive verdicts together, whether it needs attention, and the fixes."""
from __future__ import annotations

from dataclasses import replace

from ..model import Action, ArchiveVerdict, LiveVerdict, Observed, OtherVerdict, Reference, Verdict
from ..settings import Settings
from ..timestamps import format_day
from ..vocab import URL_STATUS, ActionKind, ArchiveState, LiveState
from .archive import classify_archive
from .live import classify_live
from .sites import NO_SITE_NAMES, SiteNames


def actions_for(ref: Reference, live: LiveVerdict, archive: ArchiveVerdict) -> tuple[Action, ...]:
    acts: list[Action] = []
    sugg = archive.suggestion
    if live.state is LiveState.MOVED and live.final_url:
        acts.append(Action(f"Update the URL to {live.final_url}", live.final_url, ActionKind.REPLACE_URL))
    elif live.state is LiveState.PARKED:
        acts.append(Action("The domain is parked or usurped: do not send readers there; link the snapshot instead "
                           "(url-status=usurped)", archive.url if archive.state is ArchiveState.OK else None))
    elif live.state is LiveState.DRIFT:
        acts.append(Action("The live page no longer shows the cited work: point readers to the snapshot "
                           "(url-status=deviated)", archive.url if archive.state is ArchiveState.OK else None))
    st = archive.state
    if st is ArchiveState.UNCITED_AVAILABLE and sugg:
        acts.append(Action(f"Add the snapshot of {format_day(sugg.timestamp)}", sugg.url, ActionKind.ADD_SNAPSHOT))
    elif st is ArchiveState.UNCITED_NONE:
        acts.append(_no_capture_action(ref, live, "No snapshot exists"))
    elif st is ArchiveState.SHIFTED and sugg:
        acts.append(Action(f"Check that the capture of {format_day(sugg.timestamp)} shows the cited work, then cite it",
                           sugg.url, ActionKind.REPLACE_SNAPSHOT))
    elif st.policy.broken:
        if sugg:
            acts.append(Action(f"Replace the snapshot with the good capture of {format_day(sugg.timestamp)}", sugg.url,
                               ActionKind.REPLACE_SNAPSHOT))
        else:
            acts.append(_no_capture_action(ref, live, "No good capture exists"))
    elif st is ArchiveState.EXCLUDED:
        acts.append(Action("The Wayback Machine will not show this URL: archive it elsewhere (e.g. archive.today)"))
    return tuple(acts)


def _no_capture_action(ref: Reference, live: LiveVerdict, lead: str) -> Action:
    """What to do when the archive has nothing good: depends on whether the original can still be saved."""
    if live.state is LiveState.OK:
        return Action(f"{lead}: request a new snapshot (citecheck save)", ref.url, ActionKind.REQUEST_SNAPSHOT)
    if live.state in (LiveState.BLOCKED, LiveState.TIMEOUT, LiveState.TRANSIENT):
        return Action(f"{lead}, and the original did not answer us ({live.state.value}): open it in a browser and, "
                      "if it still shows the work, save it at https://web.archive.org/save", ref.url)
    return Action(f"{lead} and the original no longer works: find another copy or source")


def judge(obs: Observed, settings: Settings, sites: SiteNames = NO_SITE_NAMES) -> Verdict:
    """One reference's verdict. ``sites``: the names the run's sites give themselves (SiteNames.learned_from the
    run's observations), so titles are compared without them."""
    ref = obs.reference
    names = sites.names(ref.url)
    archive = classify_archive(ref, obs.snapshot, obs.lookup, settings, names, obs.live)
    snapshot_title = archive.title if archive.state is ArchiveState.OK else None
    live = classify_live(ref, obs.live, snapshot_title, settings, names)
    attention = archive.state.needs_fix or live.state.needs_fix
    notes: list[str] = [f"citation error: {p}" for p in ref.problems]
    others = judge_others(obs, settings)
    notes += [f"other URL in the entry, {o.url}: {o.state}" + (f" ({o.detail})" if o.detail else "") for o in others]
    actions = list(actions_for(ref, live, archive))
    claim = status_claim_contradiction(ref.url_status, live.state)
    if claim:
        notes.append(claim[0])
        actions.append(Action(claim[1], None, ActionKind.FIX_CITATION))
    actions += [Action(f"Fix the citation: {p}", None, ActionKind.FIX_CITATION) for p in ref.problems]
    return Verdict(live=live, archive=archive, attention=attention, actions=tuple(actions), notes=tuple(notes),
                   others=others)


def judge_others(obs: Observed, settings: Settings) -> tuple[OtherVerdict, ...]:
    """The entry's other URLs, each judged on its own: a further original by the live rules, a further snapshot
    link by the archive rules (against the entry's cited time). Reported; the verdict stays the main URL's."""
    ref = obs.reference
    live = {o.url: o for o in obs.other_live}
    snapshots = {o.link.url: o for o in obs.other_snapshots}
    out = []
    for url in ref.other_urls:
        link = next((a for a in ref.archive_links if a.url == url), None)
        if link is None:
            # judged as a page of its own: the entry's title may name another page (a mirror, a PDF)
            alone = replace(ref, urls=(url,), archive_links=(), title=None)
            out.append(OtherVerdict(url, live=classify_live(alone, live.get(url), None, settings)))
        else:
            alone = replace(ref, urls=(url,), archive_links=(link,))
            out.append(OtherVerdict(url, archive=classify_archive(alone, snapshots.get(url), None, settings)))
    return tuple(out)


def status_claim_contradiction(url_status: str | None, state: LiveState) -> tuple[str, str] | None:
    """(note, fix) when the citation's own url-status says the opposite of what the check found."""
    if not url_status:
        return None
    if url_status == "live" and state in (LiveState.DEAD, LiveState.SOFT404, LiveState.PARKED, LiveState.DRIFT):
        return (f"the citation says url-status=live, but the original is {state.value}",
                f"Set url-status={URL_STATUS[state]}")
    if url_status in ("dead", "unfit", "usurped") and state is LiveState.OK:
        return (f"the citation says url-status={url_status}, but the original works", "Set url-status=live")
    return None
