import itertools
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fakeweb import Running, Site

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def no_proxy_env():
    """Tests talk to 127.0.0.1 only: a developer's proxy settings must not reroute them."""
    with pytest.MonkeyPatch.context() as mp:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            mp.delenv(name, raising=False)
        mp.setenv("NO_PROXY", "*")
        yield


@pytest.fixture
def site():
    server = Running(Site())
    yield server
    server.close()


@pytest.fixture
def fixtures_dir():
    return FIXTURES


_CACHES = itertools.count()


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory):
    """The CLI caches in the platform cache folder: each test gets its own, so runs never see each other. (Named,
    not made: citecheck makes it when it writes, and most tests never do.)"""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.getbasetemp() / f"cache{next(_CACHES)}")
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old
