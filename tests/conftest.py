import itertools
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from background import Background
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


def _background(item: pytest.Item) -> list[Background]:
    module = getattr(item, "module", None)
    return [v for v in vars(module).values() if isinstance(v, Background)] if module else []


def pytest_collection_modifyitems(items):
    """The tests of a module with work in the background (background.py) run last: the work has the whole run."""
    items.sort(key=lambda item: bool(_background(item)))  # (stable: the order is otherwise kept)


def pytest_collection_finish(session):
    """Start the selected modules' background work. Not under xdist, where every worker collects every test (the
    tests start it there when they run), nor for --collect-only."""
    if os.environ.get("PYTEST_XDIST_WORKER") or session.config.option.collectonly:
        return
    for item in session.items:
        for work in _background(item):
            work.start()  # (once each)


@pytest.fixture
def site():
    server = Running(Site())
    yield server
    server.close()


@pytest.fixture
def fixtures_dir():
    return FIXTURES


_CACHES = itertools.count()
_cache_root: Path | None = None
_cache_home_before = os.environ.get("XDG_CACHE_HOME")


def pytest_sessionstart(session):
    global _cache_root
    _cache_root = Path(tempfile.mkdtemp(prefix="citecheck-test-caches-"))


def pytest_runtest_setup(item):
    """The CLI caches in the platform cache folder: each test gets its own, so runs never see each other. (Named,
    not made: citecheck makes it when it writes, and most tests never do. A hook, not an autouse fixture: that
    cost half a millisecond a test.)"""
    os.environ["XDG_CACHE_HOME"] = str(_cache_root / f"cache{next(_CACHES)}")


def pytest_sessionfinish(session):
    if _cache_home_before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = _cache_home_before
    if _cache_root is not None:
        shutil.rmtree(_cache_root, ignore_errors=True)
