"""The DOI probe with MockTransport on a virtual clock: the Handle API, doiRA and the agencies' metadata asked in
turn, never the publisher; 429s and 5xx waited out, never read as "unregistered"; Crossref's etiquette."""
from __future__ import annotations

import asyncio
import itertools
import json
from collections import Counter
from dataclasses import replace

import httpx
import pytest
from virtualtime import now, run

from citecheck.check.archive.base import ProbeKit
from citecheck.check.client import build_client
from citecheck.check.guard import TargetGuard
from citecheck.check.identifier import IdentifierProbe
from citecheck.check.politeness import HostGates, RetryPolicy
from citecheck.settings import Settings

SETTINGS = replace(Settings(), use_cache=False, host_interval=0.0)
DOI = "10.1177/0093650205279209"
TITLE = "Information and Expression in a Digital Age"
CROSSREF_HEADERS = {"x-rate-limit-limit": "5", "x-rate-limit-interval": "1s", "x-concurrency-limit": "1"}


def handle(doi, url="https://journals.example.com/doi/" + DOI):
    return httpx.Response(200, json={"responseCode": 1, "handle": doi, "values": [
        {"index": 1, "type": "URL", "data": {"format": "string", "value": url}}]})


def registry(request, *, agency="Crossref", title=TITLE, subtitle=None):
    """A DOI system that knows DOI (and every DOI with its prefix) and nothing else."""
    url = str(request.url)
    known = "10.1177/" in url.lower() or "10.5281/" in url.lower()
    if request.url.host == "doi.org" and "/api/handles/" in url:
        return handle(DOI) if known else httpx.Response(404, json={"responseCode": 100, "handle": "x"})
    if request.url.host == "doi.org" and "/ra/" in url:
        return httpx.Response(200, json=[{"DOI": "x", "RA": agency}] if known else [{"DOI": "x", "status": "DOI does not exist"}])
    if request.url.host == "api.crossref.org":
        if not known or agency != "Crossref":
            return httpx.Response(404, text="Resource not found.")
        message = {"DOI": DOI, "title": [title], "subtitle": [subtitle] if subtitle else []}
        return httpx.Response(200, headers=CROSSREF_HEADERS, json={"status": "ok", "message": message})
    if request.url.host == "api.datacite.org":
        return httpx.Response(200, json={"data": {"attributes": {"titles": [{"title": title}]}}})
    raise AssertionError(f"the publisher was asked: {url}")


def observe(handler, dois=(DOI,), settings=SETTINGS):
    async def go():
        async with build_client(settings, httpx.MockTransport(handler)) as client:
            probe = IdentifierProbe(ProbeKit(client, settings, HostGates.for_settings(settings), RetryPolicy(settings),
                                          TargetGuard.for_settings(settings)))
            return await asyncio.gather(*(probe.observe(d) for d in dois)), probe

    return run(go())


def test_a_registered_doi_is_asked_of_the_doi_system_only():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return registry(request)

    (obs,), _ = observe(handler)
    assert (obs.registered, obs.agency, obs.record, obs.title) == (True, "Crossref", True, TITLE)
    assert obs.resolves_to == "https://journals.example.com/doi/" + DOI
    assert seen == [f"https://doi.org/api/handles/{DOI}?type=URL", f"https://doi.org/ra/{DOI}",
                    f"https://api.crossref.org/works/{DOI}"]


def test_an_unknown_handle_is_unregistered_and_nothing_more_is_asked():
    seen = []

    def handler(request):
        seen.append(request.url.host)
        return registry(request)

    (obs,), _ = observe(handler, ("10.9999/typo",))
    assert obs.registered is False and seen == ["doi.org"]


def test_the_agency_is_asked_once_per_prefix():
    seen = Counter()

    def handler(request):
        seen["ra" if "/ra/" in str(request.url) else request.url.host] += 1
        return registry(request)

    observe(handler, (DOI, "10.1177/1", "10.1177/2"))
    assert seen["ra"] == 1 and seen["api.crossref.org"] == 3


def test_a_datacite_doi_is_read_from_datacite():
    (obs,), _ = observe(lambda r: registry(r, agency="DataCite", title="A dataset"), ("10.5281/zenodo.1",))
    assert (obs.agency, obs.title) == ("DataCite", "A dataset")


def test_a_medra_doi_is_read_by_content_negotiation_at_medra():
    asked = []

    def handler(request):
        asked.append((request.url.host, request.headers["Accept"]))
        if request.url.host == "data.medra.org":
            assert request.url.raw_path == b"/10.1177/x.1"
            return httpx.Response(200, json={"DOI": "10.1177/x.1", "title": "Il giornalismo digitale",
                                             "subtitle": ["una storia"]},
                                  headers={"Content-Type": "application/vnd.citationstyles.csl+json"})
        return registry(request, agency="mEDRA")

    (obs,), _ = observe(handler, ("10.1177/X.1",))
    assert (obs.agency, obs.record, obs.title, obs.subtitle) == ("mEDRA", True, "Il giornalismo digitale", "una storia")
    assert ("data.medra.org", "application/vnd.citationstyles.csl+json") in asked
    assert not {"api.crossref.org", "api.datacite.org"} & {host for host, _ in asked}


def test_a_jalc_doi_is_read_from_japan_link_center_with_every_title():
    def handler(request):
        if request.url.host == "api.japanlinkcenter.org":
            assert request.url.raw_path == b"/dois/10.1177%252Fj.2"  # (its path is read twice)
            titles = [{"lang": "ja", "title": "日本のウェブアーカイブ"}, {"lang": "en", "title": "Web archives in Japan"}]
            return httpx.Response(200, json={"status": "OK", "data": {"doi": "10.1177/j.2", "title_list": titles}})
        return registry(request, agency="JaLC")

    (obs,), _ = observe(handler, ("10.1177/j.2",))
    assert (obs.agency, obs.record, obs.title, obs.other_titles) == (
        "JaLC", True, "日本のウェブアーカイブ", ("Web archives in Japan",))


def test_an_agency_without_a_public_record_is_not_asked_for_one():
    asked = []

    def handler(request):
        asked.append(request.url.host)
        return registry(request, agency="KISTI")

    (obs,), _ = observe(handler)
    assert (obs.registered, obs.agency, obs.record) == (True, "KISTI", None) and set(asked) == {"doi.org"}


@pytest.mark.parametrize("agency, host, odd", [
    ("Crossref", "api.crossref.org", {"status": "ok", "message": ["not", "a", "work"]}),
    ("DataCite", "api.datacite.org", {"data": [{"attributes": {}}]}),
    ("JaLC", "api.japanlinkcenter.org", {"data": "none"}),
    ("mEDRA", "data.medra.org", ["a", "list"]),
])
def test_a_record_of_an_unexpected_shape_is_no_answer_not_a_crash(agency, host, odd):
    def handler(request):
        if request.url.host == host:
            return httpx.Response(200, json=odd)
        return registry(request, agency=agency)

    (obs,), _ = observe(handler)
    assert (obs.registered, obs.agency, obs.record) == (True, agency, None) and obs.problems


def test_reserved_characters_are_percent_encoded_in_every_api_path():
    seen = []

    def handler(request):
        seen.append(request.url.raw_path.decode())
        return httpx.Response(404, json={"responseCode": 100})

    observe(handler, ("10.1002/(SICI)1097-0134(19981214)32:1<607::AID-PROT35>3.0.CO;2-#",))
    assert seen == ["/api/handles/10.1002/%28sici%291097-0134%2819981214%2932%3A1%3C607%3A%3Aaid-prot35%3E3.0.co%3B2-%23"
                    "?type=URL"]


def test_503s_and_429s_are_waited_out_never_read_as_unregistered():
    hits = Counter()
    times = []

    def handler(request):
        key = request.url.host
        hits[key] += 1
        if key == "doi.org" and hits[key] <= 2:
            return httpx.Response(503, headers={"Retry-After": "1"})
        if key == "api.crossref.org" and hits[key] == 1:
            times.append(now())
            return httpx.Response(429, headers={"Retry-After": "3", **CROSSREF_HEADERS})
        if key == "api.crossref.org":
            times.append(now())
        return registry(request)

    (obs,), probe = observe(handler)
    assert (obs.registered, obs.title) == (True, TITLE) and not obs.problems
    assert times[1] - times[0] >= 3  # the Retry-After was honoured
    assert probe.stats()["rate_limited"] == {"api.crossref.org": 1}


def test_a_registry_that_keeps_failing_leaves_the_doi_unchecked_not_unregistered():
    (obs,), _ = observe(lambda r: httpx.Response(503, html="<title>Service Unavailable</title>"))
    assert obs.registered is None and obs.agency is None and obs.problems


def test_a_non_json_404_from_the_handle_api_is_not_an_answer():
    def handler(request):
        if "/api/handles/" in str(request.url):
            return httpx.Response(404, html="<title>DOI Not Found</title>")
        return registry(request)

    (obs,), _ = observe(handler)
    assert obs.registered is None and obs.record is True  # the agency's record says it exists


def test_a_handle_record_whose_values_are_no_list_is_registered_with_no_url():
    def handler(request):
        if "/api/handles/" in str(request.url):
            return httpx.Response(200, json={"responseCode": 1, "handle": DOI, "values": 5})
        return registry(request)

    (obs,), _ = observe(handler)
    assert (obs.registered, obs.resolves_to, obs.record) == (True, None, True)


def test_crossref_is_asked_politely_and_at_the_pace_its_headers_give():
    starts, agents = [], set()

    def handler(request):
        if request.url.host == "api.crossref.org":
            starts.append(now())
            agents.add(request.headers["user-agent"])
        return registry(request)

    observe(handler, tuple(f"10.1177/{i}" for i in range(6)), replace(SETTINGS, mailto="editor@example.org"))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) == 6 and min(gaps[1:]) >= 0.25 - 1e-6  # 5 a second allowed: 4 a second sent
    assert agents == {"citecheck/0.1.0 (+https://pypi.org/project/citecheck/; mailto:editor@example.org)"}


def test_the_crossref_record_gives_title_and_subtitle_apart():
    (obs,), _ = observe(lambda r: registry(r, title="From the digital divide", subtitle="an experimental study"))
    assert (obs.title, obs.subtitle) == ("From the digital divide", "an experimental study")
    assert json.dumps(obs.asked[0].url)  # the requests are kept as evidence


def test_a_429_pauses_requests_already_waiting_for_their_turn():
    starts = []

    async def handler(request):
        if request.url.host != "api.crossref.org":
            return registry(request)
        starts.append(now())
        if len(starts) == 1:
            await asyncio.sleep(1)  # a slow 429: the other DOI's request queues for the one slot meanwhile
            return httpx.Response(429, headers={"Retry-After": "2"})
        return registry(request)

    observe(handler, ("10.1177/1", "10.1177/2"))
    assert len(starts) == 3 and starts[1] - starts[0] >= 3  # the queued request waited out the pause too
