"""Fixtures: certificates (once per session) and a fresh splunkd test double per test (milliseconds to start)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contentpack.content.model import Pack
from contentpack.content.validate import validate_pack
from contentpack.replay.engine_setup import build_engine

from .certs import CertSet, make_ca, make_server_certs
from .splunkd_double import SplunkdDouble

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> CertSet:
    return make_server_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="session")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_ca(tmp_path_factory.mktemp("other-ca"), "unrelated-ca")[0]


@pytest.fixture(scope="session")
def real_pack() -> Pack:
    result = validate_pack(ROOT)
    assert result.pack is not None and not result.errors
    return result.pack


@pytest.fixture
def double(certs: CertSet, real_pack: Pack, tmp_path: Path) -> Iterator[SplunkdDouble]:
    server = SplunkdDouble(certs.cert, certs.key, certs.ca, lambda: build_engine(real_pack), tmp_path).start()
    yield server
    server.stop()
    assert not server.server.failures, "the splunkd double failed a request:\n" + "\n".join(server.server.failures)
