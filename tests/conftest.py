"""Suite-wide: the parse cache goes to a scratch folder, never the developer's own ~/.cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("parse-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONTENTPACK_CACHE_DIR", str(folder))
        yield folder
