"""The SSRF guard (check/guard.py): no request to a private, loopback or link-local target unless allowed,
whatever the spelling, whatever the redirect, whatever the name resolves to."""
from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import replace

import httpcore
import httpx
import pytest
from mockweb import FAST, polite_get
from virtualtime import run

from citecheck.check.client import build_client
from citecheck.check.fetch import fetch
from citecheck.check.guard import GuardedBackend, RefusedTarget, TargetGuard, address_refusal
from citecheck.settings import Settings
from citecheck.urls import host_address
from citecheck.vocab import ErrorKind


@pytest.mark.parametrize("host,address", [
    ("127.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0x7f.0.0.1", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("[::1]", "::1"), ("::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe"), ("[fe80::1%eth0]", "fe80::1"), ("example.com", None), ("1.2.3.4.5", None),
    ("a1.example", None), ("localhost", None),
])
def test_every_spelling_of_an_address_is_read(host, address):
    parsed = host_address(host)
    assert (str(parsed) if parsed else None) == address


@pytest.mark.parametrize("address,why", [
    ("10.1.2.3", "private"), ("192.168.0.1", "private"), ("172.16.5.4", "private"), ("127.0.0.1", "loopback"),
    ("169.254.169.254", "link-local"), ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"),
    ("100.64.0.1", "non-public"), ("240.0.0.1", "reserved"), ("::1", "loopback"), ("fe80::1", "link-local"),
    ("fc00::1", "private"), ("::ffff:10.0.0.1", "private"), ("::ffff:169.254.169.254", "link-local"),
    ("2002:7f00:1::", "loopback"), ("64:ff9b::a9fe:a9fe", "link-local"), ("ff02::1", "multicast"),
    ("fec0::1", "site-local"),
    ("8.8.8.8", None), ("93.184.216.34", None), ("2606:4700:4700::1111", None), ("::ffff:8.8.8.8", None),
])
def test_which_addresses_are_refused(address, why):
    assert address_refusal(ipaddress.ip_address(address)) == why


def test_urls_are_refused_by_name_and_literal_but_configured_endpoints_are_trusted():
    guard = TargetGuard.for_settings(replace(Settings(), wayback_base="http://127.0.0.1:8080"))
    assert guard.refusal("http://169.254.169.254/latest/meta-data/") == "169.254.169.254 is a link-local address"
    assert guard.refusal("http://foo.localhost/") == "foo.localhost is a localhost name"
    assert guard.refusal("http://LOCALHOST:3000/x") == "localhost is a localhost name"
    assert guard.refusal("http://localhost.:8765/") == "localhost is a localhost name"  # (the root's dot)
    # the host as httpx will connect to it: ideographic full stops are dots
    assert guard.refusal("http://127。0。0。1/") == "127.0.0.1 is a loopback address"
    assert guard.refusal("http://127｡1/") == "127.1 is a loopback address"
    assert guard.refusal("http://localhost。/") == "localhost is a localhost name"
    assert guard.refusal("http://[::ffff:169.254.169.254]/") is not None
    assert guard.refusal("http://127.0.0.1:8080/web/2020/x") is None  # the user's own Wayback mirror
    assert guard.refusal("http://127.0.0.1:8081/admin") is not None  # but not the host's other ports
    assert guard.refusal("https://example.org/a") is None
    assert TargetGuard(allow_private=True).refusal("http://10.0.0.1/") is None


def test_a_redirect_into_a_private_address_is_not_followed():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    f = run(polite_get(handler, url="https://public.example/a", guard=TargetGuard()))
    assert seen == ["https://public.example/a"]
    assert f.error is ErrorKind.REFUSED_TARGET and [h.status for h in f.hops] == [302]
    assert "link-local" in f.error_detail


def resolving(answers):
    async def resolve(host, port):
        return answers[host]

    return resolve


def test_a_name_resolving_to_a_private_address_is_never_connected(site):
    guard = TargetGuard()
    backend = GuardedBackend(guard, resolve=resolving({"intranet.example": ["127.0.0.1"]}))
    with pytest.raises(RefusedTarget, match=r"intranet\.example resolves to a loopback address"):
        asyncio.run(backend.connect_tcp("intranet.example", int(site.url.rsplit(":", 1)[1])))
    assert site.log == []


def test_the_guarded_client_refuses_a_loopback_server_unless_allowed(site):
    url = f"{site.url}/article"

    async def get(settings):
        async with build_client(settings) as client:
            return await fetch(client, "GET", url, settings, guard=TargetGuard.for_settings(settings))

    refused = asyncio.run(get(FAST))  # a real server: the real clock
    assert refused.error is ErrorKind.REFUSED_TARGET and site.log == []
    allowed = asyncio.run(get(replace(FAST, allow_private=True)))
    assert allowed.status == 200 and len(site.log) == 1


def test_a_rebinding_answer_connects_only_to_its_public_address(site):
    port = int(site.url.rsplit(":", 1)[1])
    tried = []

    class Recording(httpcore.AnyIOBackend):
        async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            tried.append(host)
            raise httpcore.ConnectError("no route (test)")

    backend = GuardedBackend(TargetGuard(), Recording(), resolving({"rebind.example": ["127.0.0.1", "93.184.216.34"]}))
    with pytest.raises(httpcore.ConnectError):
        asyncio.run(backend.connect_tcp("rebind.example", port))
    assert tried == ["93.184.216.34"] and site.log == []


def test_only_vetted_addresses_of_a_mixed_answer_are_used():
    guard = TargetGuard()
    assert guard.vetted("mixed.example", ["127.0.0.1", "93.184.216.34", "93.184.216.34"]) == ["93.184.216.34"]
    with pytest.raises(RefusedTarget):
        guard.vetted("inside.example", ["10.0.0.5", "fd00::5"])


class ForwardProxy:
    """A plain-HTTP forward proxy's view: requests arrive in absolute form; every one is answered."""

    def __init__(self):
        self.seen = []

    def __call__(self, method, path, headers, body):
        from fakeweb import Reply, page

        self.seen.append(path)
        return Reply(200, {"Content-Type": "text/html"}, page("Through the proxy"))


def test_requests_go_through_the_proxy_from_the_environment_and_the_guard_still_applies(monkeypatch):
    from fakeweb import Running

    proxy = Running(ForwardProxy())
    try:
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)

        async def get(url):
            async with build_client(FAST) as client:
                return await fetch(client, "GET", url, FAST, guard=TargetGuard.for_settings(FAST))

        through = asyncio.run(get("http://public.example/page"))
        assert through.status == 200 and through.page.title == "Through the proxy"
        refused = asyncio.run(get("http://10.0.0.1/admin"))
        assert refused.error is ErrorKind.REFUSED_TARGET
        # ideographic full stops are dots to httpx: through a proxy, only the guard stands in the way
        spelled = asyncio.run(get("http://127。0。0。1/admin"))
        assert spelled.error is ErrorKind.REFUSED_TARGET
        assert proxy.server.app.seen == ["http://public.example/page"]
    finally:
        proxy.close()


def test_a_redirect_to_another_scheme_is_not_followed():
    f = run(polite_get(lambda r: httpx.Response(302, headers={"Location": "file:///etc/passwd"}), guard=TargetGuard()))
    assert f.error is ErrorKind.UNSUPPORTED_SCHEME and "file:" in f.error_detail
    assert TargetGuard(allow_private=True).refusal("gopher://example.org/") is not None


def test_a_private_original_is_neither_requested_nor_sent_to_an_archive(tmp_path):
    import citecheck

    path = tmp_path / "refs.txt"
    path.write_text("[1] Metadata. http://169.254.169.254/latest/meta-data/\n"
                    "[2] Intranet. http://10.0.0.5/wiki/Budget\n"
                    "[3] Public. https://a.example/x\n", encoding="utf-8")
    asked = []

    def handler(request):
        asked.append(str(request.url))
        if request.url.host == "archive.org":  # the availability look-up: nothing archived
            return httpx.Response(200, json={"results": [{"url": "https://a.example/x", "archived_snapshots": {}}]})
        return httpx.Response(200, html="<title>Public page</title>")

    settings = replace(Settings(), use_cache=False, share_wayback_budget=False, other_archives=False)
    report = citecheck.check(citecheck.read_references(str(path)), settings, transport=httpx.MockTransport(handler))
    private = [r.verdict for r in report.results[:2]]
    assert [(v.live.rule, v.archive.rule) for v in private] == \
        [("live.skipped.private_address", "archive.uncited.private_address")] * 2
    assert not any("169.254" in url or "10.0.0.5" in url for url in asked)  # not even as an archive query
    assert any("a.example" in url for url in asked)
