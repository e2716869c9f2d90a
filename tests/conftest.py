"""Suite-wide: the parse cache goes to a scratch folder, never the developer's own ~/.cache; no ``COLUMNS``; under
``pytest -n`` the workers share the real pack's replay, and take whole test files, the long ones first; the
property tests draw new examples on every run, except under ``HYPOTHESIS_PROFILE=ci`` (``.ci/run`` sets it),
where they draw the same ones, so that CI's verdict on a commit depends on the commit alone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from real_pack_runs import share_between_workers

settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True, scope="session")
def _private_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("parse-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONTENTPACK_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(autouse=True, scope="session")
def _no_columns() -> Iterator[None]:
    """The commands lay their tables out for ``COLUMNS`` when it is set (``printable.output_width``), and
    pytest-xdist sets it (80) in its workers: without it every run has a log's width, as without ``-n``; a test
    of a width sets its own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("COLUMNS", raising=False)
        yield


@pytest.fixture(autouse=True, scope="session")
def _shared_between_workers(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Under ``pytest -n``, the run's temporary folder (its workers' folders' parent) is where a worker leaves
    what the others may reuse (tests/real_pack_runs.py)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    share_between_workers(tmp_path_factory.getbasetemp().parent if worker else None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Test files holding a test marked ``slow`` come first, then the others; each file's tests stay together
    and in order (what ``pytest_xdist_make_scheduler`` below hands out)."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow_files)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``pytest -n N`` hands out whole test files, in the order above, to the worker that comes free.

    Why files: what a file computes once (module fixtures, cached simulations, the shared replay of
    tests/real_pack_runs.py) is then computed by one worker instead of each. Why that order: the long files
    start first and the many short ones fill both workers at the end, instead of a long file handed out last
    keeping one worker busy alone. An explicit ``--dist`` other than ``load`` is left alone.
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadFileScheduling

    config.option.loadscopereorder = False  # keep the collection order (xdist would sort by test count)
    return LoadFileScheduling(config, log)
