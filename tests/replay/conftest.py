"""The real pack, validated once per session, for the tests that replay the shipped content."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.content.model import Pack
from contentpack.content.validate import validate_pack

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def real_pack() -> Pack:
    result = validate_pack(REPO)
    assert result.pack is not None and result.ok, [d.render() for d in result.errors]
    return result.pack
