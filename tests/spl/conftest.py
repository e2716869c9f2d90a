"""Fixtures for the SPL engine tests (helpers live in spl_support.py)."""

from __future__ import annotations

import pytest

from contentpack.spl import Engine

from .spl_support import azure_sample_engine


@pytest.fixture
def azure_engine() -> Engine:
    return azure_sample_engine()
