"""CP083: no SPL text of the pack holds an invisible format character (Unicode category Cf): a zero-width space
makes a term that matches nothing, a bidirectional control shows a reviewer the text in another order than
Splunk reads it (Trojan Source, CVE-2021-42574); ``build`` writes both to the .conf files as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.content.diagnostics import Diagnostic
from contentpack.content.rules.hidden_text import format_character
from contentpack.content.validate import validate_pack
from contentpack.esapp.builder import render_app
from contentpack.esapp.dates import BuildDate

from .helpers import TTP, Validate, at, edit, locate

AAD = "macros/azure_monitor_aad.yml"
DATE = BuildDate(1_764_000_000, "SOURCE_DATE_EPOCH")


def _cp083(pack: Path, validate: Validate) -> list[Diagnostic]:
    return [d for d in validate(pack).diagnostics if d.rule == "CP083"]


def test_a_zero_width_space_in_a_search_is_refused_at_the_character(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, "errorCode=65004", "errorCode=65004\u200b")
    found = _cp083(pack, validate)
    line, col = locate(pack, TTP, "errorCode=65004")
    assert [at(d) for d in found] == [(TTP, line, col + len("errorCode=65004"))]
    assert found[0].severity == "error"
    assert found[0].message.startswith(
        "detection 'Entra ID User Declined Consent For OAuth App' search holds U+200B (ZERO WIDTH SPACE), an "
        "invisible format character")
    assert found[0].message.endswith(r'(\x{200B} in a regular expression, urldecode("%E2%80%8B") in eval)')


def test_a_bidirectional_control_in_a_drilldown_or_a_macro_is_refused(pack: Path, validate: Validate) -> None:
    edit(pack, TTP, 'search  user = "$user$"', 'search  user = "$user$\u202e"')
    edit(pack, AAD, "sourcetype=azure:monitor:aad", "sourcetype=azure:monitor:aad\u2066")
    found = _cp083(pack, validate)
    assert sorted(at(d)[0] for d in found) == sorted([AAD, TTP])
    assert any("drilldown 1 of detection" in d.message and "U+202E (RIGHT-TO-LEFT OVERRIDE)" in d.message
               for d in found)
    assert any("macro 'azure_monitor_aad' definition holds U+2066 (LEFT-TO-RIGHT ISOLATE)" in d.message
               for d in found)


def test_build_writes_them_as_they_are_so_only_validate_can_stop_them(pack: Path) -> None:
    """Why the rule is validate's: such a character is no control character (CP049), and the .conf files
    carry it unchanged."""
    edit(pack, TTP, "errorCode=65004", "errorCode=65004\u200b")
    model = validate_pack(pack).pack
    assert model is not None
    built = render_app(model, DATE)
    assert "errorCode=65004\u200b" in built.files["default/savedsearches.conf"].decode()


@pytest.mark.parametrize("text", ["index=main", "user=\"Zoë\"", "appDisplayName=\"Контоso\"", "a\u00a0b", "\u3000"])
def test_visible_text_of_any_script_passes(text: str) -> None:
    assert format_character(text) is None


def test_the_shipped_and_fixture_packs_hold_none(pack: Path, validate: Validate) -> None:
    assert _cp083(pack, validate) == []
