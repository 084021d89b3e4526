"""Configuration files: found upward, validated by the settings' own metadata, overridden by flags."""
from __future__ import annotations

import asyncio
import dataclasses

import pytest

from citecheck.config import find_config, load_config, load_settings
from citecheck.errors import InputError
from citecheck.settings import CONFIG_KEYS, OPTIONS, Settings, format_duration, parse_duration


def test_found_upward_from_the_input(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.citecheck]\nwindow_days = 30\nexclude = ["example\\\\.com"]\n'
                                             '[tool.citecheck.accept]\n"sagepub.com" = [403]\n')
    deep = tmp_path / "docs" / "refs"
    deep.mkdir(parents=True)
    (deep / "refs.txt").write_text("[1] https://a.example/\n")
    assert find_config(deep / "refs.txt") == tmp_path / "pyproject.toml"
    s = load_settings([str(deep / "refs.txt")], None, {"window_days": None})
    assert s.window_days == 30 and s.exclude == ("example\\.com",) and s.accept == {"sagepub.com": (403,)}


def test_citecheck_toml_wins_and_flags_override(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.citecheck]\nwindow_days = 30\n")
    (tmp_path / "citecheck.toml").write_text("window_days = 60\ntimeout = 5\nno_cache = true\nmax_cache_age = '2h'\n")
    refs = tmp_path / "refs.txt"
    refs.write_text("[1] https://a.example/\n")
    s = load_settings([str(refs)], None, {"window_days": "7", "read_timeout": None, "check_live": True})
    assert s.window_days == 7.0 and s.read_timeout == 5 and s.max_cache_age == 7200
    assert s.use_cache is False and s.check_live is False  # negated flags: no_cache, --no-live


@pytest.mark.parametrize("content,message", [
    ("colour = 'red'\n", "unknown key colour"),
    ("timeout = 'fast'\n", "timeout must be a number"),
    ("timeout = -1\n", "timeout must be positive"),
    ("timeout = nan\n", "timeout must be a finite number"),
    ("window_days = inf\n", "window_days must be a finite number"),
    ("retries = 1.5\n", "retries must be a whole number"),
    ("exclude = ['(']\n", "not a valid regex"),
    ("accept = {'a.com' = ['x']}\n", "list of status codes"),
    ("no_cache = 'yes'\n", "no_cache must be true or false"),
    ("max_cache_age = 'soon'\n", "cannot read the duration"),
    ("timeout = \n", "not valid TOML"),
    ("fail_on = 'sometimes'\n", "fail_on must be one of broken, attention, never"),
    ("show = 'some'\n", "show must be one of auto, attention, all"),
    ("strict = 'no'\n", "strict must be true or false"),
    ("window_days = '180'\n", "window_days must be a number, not the text '180'"),
    ("deadline = '60'\n", "deadline must be a number, not the text '60'"),  # (its default is None)
    ("max_cache_age = -1\n", "max_cache_age cannot be negative"),
    ("wayback_url = 'ftp://x'\n", "wayback_url must be an http\\(s\\) URL"),
])
def test_bad_config_is_one_clear_error(tmp_path, content, message):
    f = tmp_path / "citecheck.toml"
    f.write_text(content)
    refs = tmp_path / "refs.txt"
    refs.write_text("[1] https://a.example/\n")
    with pytest.raises(InputError, match=message):
        load_settings([str(refs)], str(f), {})


@pytest.mark.parametrize("given,message", [
    ({"read_timeout": "nan"}, "--timeout must be a finite number"),
    ({"read_timeout": "0"}, "--timeout must be positive"),
    ({"concurrency": "0"}, "--concurrency must be at least 1"),
    ({"concurrency": "100000"}, "--concurrency must be at most 512"),
    ({"per_host": "513"}, "--per-host must be at most 512"),
    ({"window_days": "-3"}, "--window-days cannot be negative"),
    ({"exclude": ["["]}, "--exclude '\\[' is not a valid regex"),
])
def test_bad_flags_name_the_flag(tmp_path, given, message):
    with pytest.raises(InputError, match=message):
        Settings.from_given(given)


def test_every_config_key_and_flag_belongs_to_a_field_with_a_working_default():
    fields = {f.name for f in dataclasses.fields(Settings)}
    assert set(CONFIG_KEYS.values()) <= fields and set(OPTIONS) <= fields
    flags = [o.flag for o in OPTIONS.values() if o.flag]
    assert len(flags) == len(set(flags)), "two settings share a flag"
    for name, opt in OPTIONS.items():
        default = getattr(Settings(), name)
        if opt.config and not opt.negate and default is not None:
            assert opt.read(default) == default, name  # the default passes its own check


def test_durations():
    assert parse_duration("12h") == 43200 and parse_duration("7d") == 604800 and parse_duration(90) == 90
    assert format_duration(86400) == "24h" and format_duration(604800) == "1w" and format_duration(90) == "90s"


def test_load_config_checks_keys_only(tmp_path):
    f = tmp_path / "citecheck.toml"
    f.write_text("window_days = 3\n")
    assert load_config(f) == {"window_days": 3}


@pytest.mark.parametrize("given,expected", [
    (["403"], {"*": (403,)}),
    (["401..403", "sagepub.com=403,429", "SAGEPUB.com=999"], {"*": (401, 402, 403), "sagepub.com": (403, 429, 999)}),
    ([403, 429], {"*": (403, 429)}),
    ({"sagepub.com": [403]}, {"sagepub.com": (403,)}),
])
def test_accept_specs(given, expected):
    assert Settings.from_given({"accept": given}).accept == expected


@pytest.mark.parametrize("given,message", [
    ({"accept": ["4xx"]}, "--accept '4xx' is not a status code or a range"),
    ({"accept": ["=403"]}, "name a host"),
    ({"accept": ["600..500"]}, "the range ends before it starts"),
    ({"accept": ["1000"]}, "not a status code"),
    ({"headers": ["no colon"]}, "--header 'no colon' is not a header"),
    ({"headers": ["X-Bad\r\nInjected: 1"]}, "not a valid header"),
])
def test_bad_option_values(given, message):
    with pytest.raises(InputError, match=message):
        Settings.from_given(given)


def test_user_agent_and_headers_reach_every_request(tmp_path):
    from citecheck.check.client import build_client

    s = Settings.from_given({"user_agent": "MyBot/1.0", "headers": ["Accept-Language: kk", "Cookie: consent=1"]})
    client = build_client(s)
    assert client.headers["user-agent"] == "MyBot/1.0" and client.headers["accept-language"] == "kk"
    assert client.headers["cookie"] == "consent=1"
    asyncio.run(client.aclose())
    f = tmp_path / "citecheck.toml"
    f.write_text('user_agent = "Bot/2"\naccept = [403]\nall_links = true\nexclude_path = ["drafts/**"]\n'
                 '[headers]\n"Accept-Language" = "ru"\n')
    s = load_settings([], str(f), {})
    assert (s.user_agent, s.headers, s.accept, s.all_links, s.exclude_path) == (
        "Bot/2", (("Accept-Language", "ru"),), {"*": (403,)}, True, ("drafts/**",))
