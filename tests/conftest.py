import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fakeweb import Running, Site

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch):
    """Tests talk to 127.0.0.1 only: a developer's proxy settings must not reroute them."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")


@pytest.fixture
def site():
    server = Running(Site())
    yield server
    server.close()


@pytest.fixture
def fixtures_dir():
    return FIXTURES


@pytest.fixture(autouse=True)
def private_cache(monkeypatch, tmp_path_factory):
    """The CLI caches in the platform cache folder: tests get their own, so runs never see each other."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
