"""Configuration files: found upward, validated, overridden by flags."""
from __future__ import annotations

import pytest

from citecheck.config import options_for, settings_from
from citecheck.config import find_config, load_config
from citecheck.errors import InputError


def test_found_upward_from_the_input(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.citecheck]\nwindow_days = 30\nexclude = ["example\\\\.com"]\n'
                                             '[tool.citecheck.accept]\n"sagepub.com" = [403]\n')
    deep = tmp_path / "docs" / "refs"
    deep.mkdir(parents=True)
    (deep / "refs.txt").write_text("[1] https://a.example/\n")
    assert find_config(deep / "refs.txt") == tmp_path / "pyproject.toml"
    opts = options_for([str(deep / "refs.txt")], None, {"window_days": None})
    s = settings_from(opts, "https://web.archive.org", "https://archive.org/wayback/available", True, True)
    assert s.window_days == 30 and s.exclude == ("example\\.com",) and s.accept == {"sagepub.com": (403,)}


def test_citecheck_toml_wins_and_flags_override(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.citecheck]\nwindow_days = 30\n")
    (tmp_path / "citecheck.toml").write_text("window_days = 60\ntimeout = 5\n")
    refs = tmp_path / "refs.txt"
    refs.write_text("[1] https://a.example/\n")
    opts = options_for([str(refs)], None, {"window_days": 7.0, "timeout": None})
    assert opts["window_days"] == 7.0 and opts["timeout"] == 5


@pytest.mark.parametrize("content,message", [
    ("colour = 'red'\n", "unknown key colour"),
    ("timeout = 'fast'\n", "timeout has the wrong type"),
    ("exclude = ['(']\n", "not a valid regex"),
    ("accept = {'a.com' = ['x']}\n", "list of status codes"),
    ("timeout = \n", "not valid TOML"),
])
def test_bad_config_is_one_clear_error(tmp_path, content, message):
    f = tmp_path / "citecheck.toml"
    f.write_text(content)
    with pytest.raises(InputError, match=message):
        load_config(f)
