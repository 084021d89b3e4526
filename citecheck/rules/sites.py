"""The names each site gives itself, learned from everything a run saw, so titles are compared without them.

A site writes its name into its titles (" | ZEIT ONLINE", "BBC News - "), says it in og:site_name, and titles its
home page with it. Each source is weak alone; together, over the pages of one site a reference list cites (live
pages, captures, the home pages deep links bounced to, the made-up sibling paths probed), they name the affixes
to strip before asking whether two titles are about the same thing.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..model import Fetch, Observed, PageFacts
from ..textsim import common_affixes, segments
from ..urls import host_of, is_root, url_key


def site_key(url: str) -> str:
    """One key per site: its host without "www."."""
    host = host_of(url)
    return host[4:] if host.startswith("www.") else host


class SiteNames:
    """The names of the sites a run saw (og:site_name, home page titles, affixes their pages' titles share)."""

    def __init__(self) -> None:
        self._declared: dict[str, set[str]] = {}
        self._titles: dict[str, dict[str, str]] = {}
        self._cache: dict[str, tuple[str, ...]] = {}

    @classmethod
    def learned_from(cls, observed: Iterable[Observed]) -> SiteNames:
        names = cls()
        for o in observed:
            names.add(o)
        return names

    def add(self, o: Observed) -> None:
        """Learn from one reference's observations (a run that judges references as they finish learns as it
        goes; judging again at the end, with all it learned, is cheap: the rules are pure)."""
        if o.live is not None:
            self.add_fetch(o.live.fetch)
            if o.live.sibling is not None:
                self.add_fetch(o.live.sibling)
        snap = o.snapshot
        while snap is not None:
            if snap.fetch is not None and snap.capture is not None and snap.link.original and \
                    snap.capture.status and 200 <= snap.capture.status < 300:
                self.add_page(snap.link.original, snap.fetch.page)
            snap = snap.landing

    def add_fetch(self, f: Fetch) -> None:
        if f.answered_ok and f.final_url:
            self.add_page(f.final_url, f.page)

    def add_page(self, url: str, page: PageFacts) -> None:
        site = site_key(url)
        if not site:
            return
        self._cache.pop(site, None)
        declared = self._declared.setdefault(site, set())
        if page.site_name:
            declared.add(page.site_name)
        if page.title:
            if is_root(url):
                declared.update(segments(page.title))  # the home page: its title is the site's name (and motto)
            self._titles.setdefault(site, {})[url_key(url)] = page.title

    def names(self, url: str | None) -> tuple[str, ...]:
        """The names of the site of ``url``, as its pages write them."""
        site = site_key(url or "")
        if site not in self._cache:
            titles = self._titles.get(site, {}).values()
            self._cache[site] = tuple(sorted(self._declared.get(site, set()) | common_affixes(titles)))
        return self._cache[site]


NO_SITE_NAMES = SiteNames()
