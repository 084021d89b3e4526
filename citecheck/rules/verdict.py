"""The reference's verdict: the live and archive verdicts together, whether it needs attention, and the fixes."""
from __future__ import annotations

from dataclasses import replace

from ..identifiers import doi_link
from ..model import Action, ArchiveVerdict, IdentifierVerdict, LiveVerdict, Observed, OtherVerdict, Reference, Verdict
from ..settings import Settings
from ..timestamps import format_day
from ..vocab import ActionKind, ArchiveState, LiveState, original_needs_fix, snapshot_needs_fix
from .archive import classify_archive, in_archive
from .identifier import classify_identifier, with_identifier
from .live import classify_live
from .sites import NO_SITE_NAMES, SiteNames


def snapshot_moot(archive: ArchiveVerdict, identifier: IdentifierVerdict | None) -> bool:
    """The snapshot's only problem is that none is cited, and a verified persistent identifier stands in."""
    return archive.state.needs_fix and not snapshot_needs_fix(archive.state, identifier.state if identifier else None)


def actions_for(ref: Reference, live: LiveVerdict, archive: ArchiveVerdict,
                identifier: IdentifierVerdict | None = None) -> tuple[Action, ...]:
    acts: list[Action] = []
    if identifier is not None and identifier.state.needs_fix:
        acts.append(Action(f"Check the DOI: {identifier.detail}", doi_link(identifier.value), ActionKind.FIX_CITATION))
    sugg = archive.suggestion
    if live.state is LiveState.MOVED and live.final_url:
        acts.append(Action(f"Update the URL to {live.final_url}", live.final_url, ActionKind.REPLACE_URL))
    elif live.state is LiveState.PARKED:
        acts.append(Action("The domain is parked or usurped: do not send readers there; link the snapshot instead "
                           "(url-status=usurped)", archive.url if archive.state is ArchiveState.OK else None))
    elif live.state is LiveState.DRIFT and archive.state is ArchiveState.OK:
        acts.append(Action("The live page no longer shows the cited work: point readers to the snapshot "
                           "(url-status=deviated)", archive.url))
    elif live.state is LiveState.DRIFT:  # (what to do about the missing snapshot follows)
        acts.append(Action("The live page no longer shows the cited work"))
    if snapshot_moot(archive, identifier):
        return tuple(acts)  # the DOI is the persistent link: no snapshot to add or request
    st = archive.state
    where = in_archive(sugg) if sugg else ""
    if st is ArchiveState.UNCITED_AVAILABLE and sugg:
        acts.append(Action(f"Add the snapshot of {format_day(sugg.timestamp)}{where}", sugg.url, ActionKind.ADD_SNAPSHOT))
    elif st is ArchiveState.UNCITED_NONE:
        acts.append(_no_capture_action(ref, live, "No snapshot exists"))
    elif st is ArchiveState.SHIFTED and sugg:
        acts.append(Action(f"Check that the capture of {format_day(sugg.timestamp)}{where} shows the cited work, then "
                           "cite it", sugg.url, ActionKind.REPLACE_SNAPSHOT))
    elif st.policy.broken:
        if sugg:
            acts.append(Action(f"Replace the snapshot with the good capture of {format_day(sugg.timestamp)}{where}",
                               sugg.url, ActionKind.REPLACE_SNAPSHOT))
        else:
            acts.append(_no_capture_action(ref, live, "No good capture exists"))
    elif st is ArchiveState.EXCLUDED and sugg:
        acts.append(Action(f"The archive will not show this URL: cite the capture of {format_day(sugg.timestamp)}"
                           f"{where} instead", sugg.url, ActionKind.REPLACE_SNAPSHOT))
    elif st is ArchiveState.EXCLUDED:
        acts.append(Action("The archive will not show this URL: archive it elsewhere (e.g. archive.today)"))
    elif st is ArchiveState.UNCHECKED and live.state.unvouched:
        acts.append(Action(f"The original no longer works ({live.state.value}) and no snapshot was checked: check "
                           "with the archive (without --no-archive) for a capture to cite, or find another source"))
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
    names = sites.names(ref.url or (obs.live.url if obs.live else None))
    archive = classify_archive(ref, obs.snapshot, obs.lookup, settings, obs.elsewhere, site_names=names, live=obs.live)
    identifier = classify_identifier(ref, obs.identifier)
    snapshot_title = archive.title if archive.state is ArchiveState.OK else None
    live = with_identifier(ref, classify_live(ref, obs.live, snapshot_title, settings, names), identifier)
    ident = identifier.state if identifier else None
    attention = original_needs_fix(live.state, archive.state, ident) or bool(ident and ident.needs_fix) \
        or snapshot_needs_fix(archive.state, ident)
    notes: list[str] = [f"citation error: {p}" for p in ref.problems]
    others = judge_others(obs, settings)
    notes += [f"other URL in the entry, {o.url}: {o.state}" + (f" ({o.detail})" if o.detail else "") for o in others]
    actions = list(actions_for(ref, live, archive, identifier))
    claim = status_claim_contradiction(ref.url_status, live.state)
    if claim:
        notes.append(claim[0])
        actions.append(Action(claim[1], None, ActionKind.FIX_CITATION))
    actions += [Action(f"Fix the citation: {p}", None, ActionKind.FIX_CITATION) for p in ref.problems]
    return Verdict(live=live, archive=archive, attention=attention, actions=tuple(actions), notes=tuple(notes),
                   others=others, identifier=identifier)


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
    if url_status == "live" and state.url_status not in (None, "live"):
        return (f"the citation says url-status=live, but the original is {state.value}",
                f"Set url-status={state.url_status}")
    # ("unfit" and "usurped" are an editor's judgement that the link must not be shown: a working page does
    # not undo it, and fix keeps it)
    if url_status == "dead" and state is LiveState.OK:
        return (f"the citation says url-status={url_status}, but the original works", "Set url-status=live")
    return None
