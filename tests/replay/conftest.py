"""The real pack, validated once per session, for the tests that replay the shipped content."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.content.model import Pack
from real_pack_runs import real_pack as validated_real_pack

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def real_pack() -> Pack:
    return validated_real_pack()  # one validation per process, shared with tests/real_pack_runs.py
