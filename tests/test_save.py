"""Save Page Now 2 against a local fake SPN2 server: auth, pending -> success, errors, session and daily
limits, interruption and resume; keys never shown."""
from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from fakeweb import Running, SaveServer

from citecheck.errors import InputError
from citecheck.save import Credentials, Journal, find_credentials, save_all
from citecheck.settings import Settings

CREDS = Credentials("KEY", "SECRET")


def run_save(server: Running, urls, journal_path, creds=CREDS, **kw):
    settings = replace(Settings(), wayback_base=server.url, captures_per_min=60_000, poll_first=0.005, poll_max=0.02,
                       session_wait=0.005, **kw)
    j = Journal(journal_path)
    try:
        return asyncio.run(save_all(urls, creds, j, settings))
    finally:
        j.close()


@pytest.fixture
def spn():
    servers = []

    def start(**kw):
        app = SaveServer(**kw)
        s = Running(app)
        servers.append(s)
        return s, app

    yield start
    for s in servers:
        s.close()


def test_no_keys_means_a_clear_message_and_no_attempt(tmp_path):
    with pytest.raises(InputError, match="IA_ACCESS_KEY_ID"):
        find_credentials(env={}, home=tmp_path)


def test_keys_from_env_and_from_ia_ini(tmp_path):
    assert find_credentials(env={"IA_ACCESS_KEY_ID": "a", "IA_SECRET_ACCESS_KEY": "b"}, home=tmp_path).access == "a"
    ini = tmp_path / ".config" / "internetarchive" / "ia.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text("[s3]\naccess = AK\nsecret = SK\n")
    c = find_credentials(env={}, home=tmp_path)
    assert (c.access, c.secret) == ("AK", "SK")
    assert "SK" not in repr(c)


def test_pending_then_success_with_auth_and_options(spn, tmp_path):
    server, app = spn(polls_before_success=2)
    (out,) = run_save(server, ["https://a.example/page"], tmp_path / "j.sqlite3")
    assert out.status == "success" and out.timestamp == "20261124120000"
    assert out.snapshot == "https://web.archive.org/web/20261124120000/https://a.example/page"
    assert app.auth_seen and all(a == "LOW KEY:SECRET" for a in app.auth_seen)
    form = app.forms[0]
    assert form["capture_all"] == "1" and form["if_not_archived_within"] == "30d"
    assert Journal(tmp_path / "j.sqlite3").successes() == {"https://a.example/page": "20261124120000"}


def test_bad_keys_stop_the_run_without_leaking_them(spn, tmp_path):
    server, _ = spn()
    outs = run_save(server, ["https://a.example/1", "https://a.example/2"], tmp_path / "j.sqlite3",
                    creds=Credentials("KEY", "WRONGSECRET"))
    assert all(o.status == "skipped" for o in outs)
    assert all("WRONGSECRET" not in (o.message + (o.status_ext or "")) for o in outs)


def test_permanent_error_is_recorded_and_not_resubmitted(spn, tmp_path):
    server, app = spn(errors={"https://a.example/blocked": "error:blocked-url"})
    (out,) = run_save(server, ["https://a.example/blocked"], tmp_path / "j.sqlite3")
    assert out.status == "error" and out.status_ext == "error:blocked-url"
    (again,) = run_save(server, ["https://a.example/blocked"], tmp_path / "j.sqlite3")
    assert again.resumed and len(app.submits) == 1


def test_session_limit_waits_and_retries(spn, tmp_path):
    server, app = spn(session_limit_first=2)
    (out,) = run_save(server, ["https://a.example/x"], tmp_path / "j.sqlite3")
    assert out.status == "success" and len(app.forms) == 3


def test_daily_limit_stops_cleanly_and_says_when_to_resume(spn, tmp_path):
    server, app = spn(daily_limit=1)
    outs = run_save(server, [f"https://a.example/{i}" for i in range(3)], tmp_path / "j.sqlite3")
    assert sorted(o.status for o in outs) == ["skipped", "skipped", "success"]
    assert any("daily capture limit" in o.message and "UTC" in o.message for o in outs)
    assert len(app.submits) == 1


def test_interrupted_run_resumes_without_submitting_twice(spn, tmp_path):
    server, app = spn(polls_before_success=1000)  # never finishes within the first run's patience
    (first,) = run_save(server, ["https://a.example/slow"], tmp_path / "j.sqlite3", job_timeout=0.1)
    assert first.status == "pending"
    app.polls_before_success = 0
    (second,) = run_save(server, ["https://a.example/slow"], tmp_path / "j.sqlite3")
    assert second.status == "success" and second.resumed
    assert app.submits == ["https://a.example/slow"]


@pytest.mark.parametrize("user", [{"available": "x"}, {"available": 2, "daily_captures": "many", "daily_captures_limit": 10},
                                  {"available": None}, ["not", "an", "object"]])
def test_an_odd_user_status_neither_crashes_nor_stops_the_saves(tmp_path, user):
    """SPN2's user status of another shape: the per-job answers decide, as when it says nothing."""
    import httpx

    def handler(request):
        if request.url.path == "/save/status/user":
            return httpx.Response(200, json=user)
        if request.url.path == "/save":
            return httpx.Response(200, json={"url": "https://a.example/page", "job_id": "j1"})
        return httpx.Response(200, json={"status": "success", "timestamp": "20261205000000"})

    settings = replace(Settings(), captures_per_min=6000, poll_first=0.0, poll_max=0.0, session_wait=0.0)
    j = Journal(tmp_path / "j.sqlite3")
    try:
        (out,) = asyncio.run(save_all(["https://a.example/page"], CREDS, j, settings, httpx.MockTransport(handler)))
    finally:
        j.close()
    assert out.timestamp == "20261205000000"
