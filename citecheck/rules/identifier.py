"""Rules for the persistent identifier: what the DOI system said in, an IdentifierVerdict out; and what a verified
DOI changes in the original's verdict (a dead publisher URL whose DOI now resolves elsewhere has moved).

How the rest of the verdict uses it lives in the vocabulary's policy, not here: an identifier whose state is
``persistent`` makes moot the snapshot states that are ``snapshot_only`` (no snapshot cited), and one that
``needs_fix`` (mismatch, unregistered) makes the reference need attention (rules/verdict.py).
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import replace

from rapidfuzz import fuzz

from ..identifiers import doi_from_url, doi_link, same_doi
from ..model import IdentifierObservation, IdentifierVerdict, LiveVerdict, Reference
from ..textsim import comparable, normalise
from ..urls import host_of, same_resource
from ..vocab import IdentifierState, LiveState

_TAG = re.compile(r"<[^>]*>")
# where a title's subtitle starts: a colon, a question or exclamation mark, a full stop, a spaced dash
_SUBTITLE = re.compile(r"\s*(?:[:?!.]|\s[-–—]|\s/)\s+")
#: similarity (0-100) of two titles' letters and digits above which they are the same title with a slip or two
SAME_TITLE = 90.0


def plain_title(text: str) -> str:
    """A registry title as read: markup (HTML, JATS, MathML) dropped, entities decoded."""
    return html.unescape(_TAG.sub("", text)).strip()


def title_key(text: str) -> str:
    """A title's letters and digits only, case-folded: markup, case, punctuation and spacing aside."""
    folded = unicodedata.normalize("NFKC", plain_title(text)).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def main_title(text: str) -> str:
    """A title without its subtitle."""
    return _SUBTITLE.split(plain_title(text), maxsplit=1)[0]


def registry_title(obs: IdentifierObservation) -> str | None:
    """The registry's title with its subtitle (Crossref keeps it apart), markup kept."""
    if not obs.title:
        return None
    return f"{obs.title}: {obs.subtitle}" if obs.subtitle else obs.title


def names_cited_work(ref: Reference, obs: IdentifierObservation) -> bool | None:
    """True: the registry's title names the cited work; False: clearly another work; None: cannot tell (no
    title on either side, different scripts, a cited title too short to mean anything)."""
    full = registry_title(obs)
    if not full or not obs.title:
        return None
    registry = [full, obs.title, *obs.other_titles]
    keys = {title_key(t) for t in registry} - {""}
    mains = {title_key(main_title(t)) for t in registry} - {""}
    # the registry's title written anywhere in the entry: enough, whatever part of it was read as the title
    entry = title_key(ref.raw)
    if any(len(k) >= 12 and k in entry for k in keys):
        return True
    cited = ref.title
    # the registry's title in the cited title's script: JaLC and Crossref keep translations beside the main one
    shown = next((t for t in (full, *obs.other_titles) if cited and comparable(cited, plain_title(t))), None)
    if not cited or shown is None:
        return None
    whole, head = title_key(cited), title_key(main_title(cited))
    # the same title; or one side leaves out the subtitle the other has (but two different subtitles after the
    # same main title are two works)
    if whole in keys or whole in mains or head in keys:
        return True
    if max(fuzz.ratio(whole, k) for k in keys) >= SAME_TITLE:
        return True
    if fuzz.token_set_ratio(normalise(cited), normalise(plain_title(shown))) >= SAME_TITLE:
        return True
    if len(normalise(cited).split()) < 3:
        return None
    return False


def classify_identifier(ref: Reference, obs: IdentifierObservation | None) -> IdentifierVerdict | None:
    """The DOI's verdict; None when the reference has no DOI."""
    if not ref.doi:
        return None
    base = IdentifierVerdict(value=ref.doi, state=IdentifierState.UNCHECKED, rule="identifier.unchecked",
                             detail="not checked")
    if obs is None:
        return base
    base = replace(base, resolves_to=obs.resolves_to, agency=obs.agency, registry_title=registry_title(obs))
    why = "; ".join(obs.problems)
    if obs.registered is False or (obs.registered is None and obs.agency_unknown and not obs.record):
        return replace(base, state=IdentifierState.UNREGISTERED, rule="identifier.unregistered",
                       detail=f"the DOI system does not know {ref.doi} (a typo?)")
    if not (obs.registered or obs.record):
        return replace(base, rule="identifier.unchecked", detail=f"the DOI system could not be asked ({why})")
    agency = obs.agency or "its agency"
    if obs.record is None and obs.problems:
        return replace(base, rule="identifier.unchecked.metadata",
                       detail=f"registered, but {agency}'s record could not be read ({why})")
    same = names_cited_work(ref, obs)
    if same is False:
        return replace(base, state=IdentifierState.MISMATCH, rule="identifier.mismatch",
                       detail=f"{ref.doi} is registered to another work: “{plain_title(base.registry_title or '')}”")
    if same is True:
        return replace(base, state=IdentifierState.OK, rule="identifier.ok",
                       detail=f"registered with {agency}; the registry's title is the cited one")
    what = "no title to compare" if not base.registry_title else "the titles cannot be compared"
    return replace(base, state=IdentifierState.OK, rule="identifier.ok.registered",
                   detail=f"registered with {agency}; {what}")


def with_identifier(ref: Reference, live: LiveVerdict, identifier: IdentifierVerdict | None) -> LiveVerdict:
    """A dead URL that is the DOI's own publisher address, while the verified DOI resolves elsewhere: the work
    moved, and the doi.org link is where readers should go (a repository copy that died did not move)."""
    if identifier is None or not identifier.state.policy.persistent or live.state is not LiveState.DEAD:
        return live
    url = ref.url or ""
    carried = doi_from_url(url)
    if host_of(url) in ("doi.org", "dx.doi.org") or not carried or not same_doi(carried, identifier.value):
        return live
    if identifier.resolves_to and same_resource(identifier.resolves_to, url):
        return live  # the DOI still points at the dead page: nothing better to offer
    where = f" (now {identifier.resolves_to})" if identifier.resolves_to else ""
    return replace(live, state=LiveState.MOVED, rule="live.moved.doi", final_url=doi_link(identifier.value),
                   detail=f"{live.detail}; its DOI resolves to the work's current address{where}")
