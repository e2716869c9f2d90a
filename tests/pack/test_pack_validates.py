"""The real pack passes the project's own validator with no errors and no warnings, so `make build` has
real content from the start (issue 2 acceptance)."""

from __future__ import annotations

from contentpack.content.validate import validate_pack
from .pack_content_files import REPO


def test_real_pack_validates_clean() -> None:
    result = validate_pack(REPO)
    messages = [f"{d.position.path}:{d.position.line}:{d.position.col}: {d.rule}: {d.message}" for d in result.diagnostics]
    assert messages == []
    assert result.pack is not None
    names = {d.name for d in result.pack.detections}
    assert "Entra ID User Declined OAuth Application Consent" in names
    assert len(result.pack.stories) == 1 and len(result.pack.data_sources) == 5 and len(result.pack.lookups) == 2
