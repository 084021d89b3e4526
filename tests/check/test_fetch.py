"""One request (check/fetch.py) with httpx.MockTransport: redirects hop by hop, capped bodies, error kinds."""
from __future__ import annotations

import gzip
from dataclasses import replace

import httpx
import pytest
from mockweb import FAST, Chunks, polite_get
from virtualtime import run

from citecheck.check.client import build_client
from citecheck.check.fetch import ResponseHeaders, error_kind, fetch, proxy_failure
from citecheck.vocab import ErrorKind


def test_redirects_are_recorded_hop_by_hop():
    def handler(request):
        return {
            "/a": httpx.Response(301, headers={"Location": "/b"}),
            "/b": httpx.Response(302, headers={"Location": "https://other.example/c"}),
        }.get(request.url.path, httpx.Response(200, html="<title>C</title>"))

    f = run(polite_get(handler))
    assert [(h.status, h.url) for h in f.hops] == [
        (301, "https://site.example/a"), (302, "https://site.example/b"), (200, "https://other.example/c")]
    assert f.final_url == "https://other.example/c" and f.page.title == "C"


def test_a_cookie_set_by_a_hop_goes_with_the_later_hops_to_its_site_only():
    sent = []

    def handler(request):
        sent.append((str(request.url), request.headers.get("cookie")))
        if request.url.path == "/a":  # a cookie check, as some sites do before showing a page
            return httpx.Response(302, headers=[("Location", "/check"), ("Set-Cookie", "seen=1; Path=/; HttpOnly"),
                                                ("Set-Cookie", "wide=2; Domain=example.org")])
        if request.url.path == "/check":
            if request.headers.get("cookie") != "seen=1":
                return httpx.Response(302, headers={"Location": "/a"})
            return httpx.Response(302, headers={"Location": "https://other.example/c"})
        return httpx.Response(200, html="<title>C</title>")

    async def two_fetches():
        async with build_client(FAST, httpx.MockTransport(handler)) as client:
            first = await fetch(client, "GET", "https://site.example/a", FAST)
            second = await fetch(client, "GET", "https://site.example/check", FAST)
            return first, second

    first, second = run(two_fetches())
    assert first.final_url == "https://other.example/c" and first.page.title == "C"
    assert sent[1] == ("https://site.example/check", "seen=1")
    assert sent[2] == ("https://other.example/c", None)  # another site: no cookie (nor the one for example.org)
    # a later fetch starts with no cookie: no reference's answer depends on another's
    assert sent[3] == ("https://site.example/check", None) and second.error is ErrorKind.REDIRECT_LOOP


def test_redirect_loop_is_an_error_not_a_hang():
    f = run(polite_get(lambda r: httpx.Response(302, headers={"Location": "/a" if r.url.path == "/b" else "/b"})))
    assert f.error is ErrorKind.REDIRECT_LOOP


def test_body_read_is_capped_even_for_a_gzip_bomb():
    bomb = gzip.compress(b"\0" * (16 * 1024 * 1024))  # 16 MiB of zeros in 16 KiB: 500 times the cap
    stream = Chunks(bomb, size=1024)
    f = run(polite_get(lambda r: httpx.Response(200, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"},
                                                stream=stream)))
    assert f.status == 200 and f.page.bytes_read == FAST.max_body_bytes
    assert stream.sent < len(bomb)  # stopped reading once the cap was reached


def test_endless_body_is_not_read_to_the_end():
    class Endless(httpx.AsyncByteStream):
        async def __aiter__(self):
            while True:
                yield b"<p>" + b"x" * 65533

    f = run(polite_get(lambda r: httpx.Response(200, headers={"Content-Type": "text/html"}, stream=Endless())))
    assert f.status == 200 and f.page.bytes_read == FAST.max_body_bytes


def test_non_html_bodies_are_not_read():
    f = run(polite_get(lambda r: httpx.Response(200, headers={"Content-Type": "application/pdf"},
                                                content=b"%PDF" + b"0" * 10**6)))
    assert f.status == 200 and f.page.bytes_read == 0


def test_truncated_body_is_judged_on_what_arrived():
    class Short(httpx.AsyncByteStream):
        async def __aiter__(self):
            yield b"<html><head><title>Partial</title></head><body>"
            raise httpx.ReadError("connection reset")

    f = run(polite_get(lambda r: httpx.Response(200, headers={"Content-Type": "text/html"}, stream=Short())))
    assert f.status == 200 and f.error is None and f.page.title == "Partial" and "cut short" in f.error_detail


@pytest.mark.parametrize("exc,kind", [
    (httpx.ConnectError("[Errno -2] Name or service not known"), ErrorKind.DNS),
    (httpx.ConnectError("[Errno 111] Connection refused"), ErrorKind.REFUSED),
    (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), ErrorKind.TLS),
    (httpx.ConnectError("something else"), ErrorKind.CONNECT),
    (httpx.ProxyError("502 Bad Gateway"), ErrorKind.UNREACHABLE),
    (httpx.ProxyError("504 Gateway Timeout"), ErrorKind.TIMEOUT),
    (httpx.ProxyError("407 Proxy Authentication Required"), ErrorKind.PROXY),
    (httpx.ReadTimeout("timed out"), ErrorKind.TIMEOUT),
    (httpx.RemoteProtocolError("Server disconnected without sending a response."), ErrorKind.EMPTY),
    (httpx.RemoteProtocolError("illegal status line"), ErrorKind.PROTOCOL),
    (httpx.ReadError("Connection reset by peer"), ErrorKind.RESET),
    (httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'gopher://'"), ErrorKind.INVALID_URL),
])
def test_failures_become_error_kinds(exc, kind):
    assert error_kind(exc) is kind

    def handler(request):
        raise exc

    f = run(polite_get(handler, settings=replace(FAST, retries=0, timeout_retries=0)))
    assert f.error is kind and f.status is None


def test_plain_http_proxy_error_pages_mean_the_host_is_unreachable():
    assert proxy_failure(502, ResponseHeaders(httpx.Headers({"Proxy-Status": "squid; error=dns_error"}))) is ErrorKind.DNS
    assert proxy_failure(503, ResponseHeaders(httpx.Headers({"X-Squid-Error": "ERR_CONNECT_FAIL 111"}))) is ErrorKind.REFUSED
    assert proxy_failure(504, ResponseHeaders(httpx.Headers({"Proxy-Status": "p; error=connection_timeout"}))) is ErrorKind.TIMEOUT
    assert proxy_failure(502, ResponseHeaders(httpx.Headers({"Server": "nginx"}))) is None
    assert proxy_failure(200, ResponseHeaders(httpx.Headers({"x-simweb-error": "dns"}))) is None


def test_response_headers_are_read_once_with_lower_case_names_and_repeats_joined():
    h = ResponseHeaders(httpx.Headers([("Content-Type", "text/html"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"),
                                       ("Vary", "Accept"), ("vary", "Cookie")]))
    assert h.get("content-type") == "text/html" and "content-type" in h and "location" not in h
    assert h.get("vary") == "Accept, Cookie"  # as httpx joins them
    assert h.get_list("set-cookie") == ["a=1", "b=2"] and h.get("location", "none") == "none"


def test_a_redirect_answer_is_read_to_its_end_so_the_next_hop_reuses_the_connection():
    import asyncio

    from fakeweb import Reply, Running

    def app(method, path, headers, body):
        moved = {"/a": "/b", "/b": "/c"}.get(path)
        if moved:
            return Reply(301, {"Location": moved, "Content-Type": "text/html"}, b"Moved")
        return Reply(200, {"Content-Type": "text/html"}, b"<title>C</title>")

    server = Running(app)
    settings = replace(FAST, allow_private=True)

    async def go():
        async with build_client(settings) as client:
            got = await fetch(client, "GET", f"{server.url}/a", settings)
            await fetch(client, "HEAD", f"{server.url}/c", settings)
            await fetch(client, "GET", f"{server.url}/c", settings)
            return got

    try:
        f = asyncio.run(go())
    finally:
        server.close()
    assert [h.status for h in f.hops] == [301, 301, 200] and f.page.title == "C"
    assert [(m, p) for m, p, _ in server.log] == [("GET", "/a"), ("GET", "/b"), ("GET", "/c"), ("HEAD", "/c"),
                                                   ("GET", "/c")]
    assert len(set(server.server.peers)) == 1  # one connection for the chain, the HEAD and the GET after it


@pytest.mark.parametrize("after_head, drain_seconds", [("close", 0.2), ("hang", 0.2), ("hang", 60.0)],
                         ids=["closes", "hangs", "hangs-past-the-url-deadline"])
def test_a_redirect_whose_short_body_never_comes_whole_is_still_followed(after_head, drain_seconds, monkeypatch):
    # the body is read only to reuse the connection: failing that, the redirect still stands, even when the body
    # would outlast the URL's whole deadline (1 s here, reads allowed 5 s each)
    import asyncio
    import socket
    import threading

    from citecheck.check import fetch as fetch_module

    monkeypatch.setattr(fetch_module, "DRAIN_SECONDS", drain_seconds)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def answer(conn):
        request = conn.recv(65536).decode("latin-1")
        if request.startswith("GET /a "):
            conn.sendall(b"HTTP/1.1 301 Moved\r\nLocation: /b\r\nContent-Length: 100\r\n\r\nMov")
            if after_head == "hang":
                stop.wait(5)
        else:
            body = b"<title>B</title>"
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
                         % (len(body), body))
        conn.close()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    settings = replace(FAST, allow_private=True, read_timeout=5.0)

    async def go():
        async with build_client(settings) as client:
            return await fetch(client, "GET", f"http://127.0.0.1:{port}/a", settings, budget=fetch_module.Budget(1.0))

    try:
        f = asyncio.run(go())
    finally:
        stop.set()
        listener.close()
    assert f.error is None and [h.status for h in f.hops] == [301, 200] and f.page.title == "B"


def test_an_answer_is_freed_as_soon_as_it_is_read_without_the_cyclic_collector():
    # httpx's response and its stream refer to each other; a long run would leave every answer to the collector
    import gc
    import weakref

    answers = []

    def handler(request):
        response = httpx.Response(200, headers={"Content-Type": "text/html"}, stream=Chunks(b"<title>A</title>"))
        answers.append(weakref.ref(response))
        return response

    gc.disable()
    try:
        f = run(polite_get(handler))
        assert f.page.title == "A" and len(answers) == 1
        assert answers[0]() is None
    finally:
        gc.enable()
