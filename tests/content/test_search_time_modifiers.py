"""CP063 for ``earliest=``/``latest=`` written inside a detection's search, not only its schedule.

Splunk refuses a search whose time modifier is not one (SPL Search Reference, *Time modifiers*); the engine reads
a search command's modifiers only when a run reaches it, so before this a bad one passed validate and failed every
replay test of the detection (RP003), which is where a new user met it (README: validate "checks ... time
modifiers (`-7dayz@bogus`)").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import HUNTING, TTP, Validate, edit, only

START = "search: '`azure_monitor_aad` operationName"


def _inline(pack: Path, modifiers: str) -> None:
    edit(pack, TTP, START, f"search: '`azure_monitor_aad` {modifiers} operationName")


def test_a_bad_modifier_in_the_search_is_an_error_naming_it(pack: Path, validate: Validate) -> None:
    _inline(pack, "earliest=-7dayz@bogus")
    result = validate(pack)
    finding = only(result, "CP063")
    assert not result.ok and finding.position.path == TTP
    assert finding.message == ("search: earliest=-7dayz@bogus: invalid time modifier '-7dayz@bogus': unknown time "
                               "unit 'dayz'")


@pytest.mark.parametrize(("modifiers", "named"), [
    ("latest=-1", "search: latest=-1: time '-1' is not supported"),
    ("_index_earliest=@week1", "search: _index_earliest=@week1: invalid time modifier '@week1': unknown snap unit"),
])
def test_each_kind_of_inline_bound_is_read(pack: Path, validate: Validate, modifiers: str, named: str) -> None:
    _inline(pack, modifiers)
    assert only(validate(pack), "CP063").message.startswith(named)


def test_valid_inline_modifiers_are_fine(pack: Path, validate: Validate) -> None:
    _inline(pack, "earliest=-24h@h latest=now _index_earliest=-70m@m")
    assert [d.render() for d in validate(pack).diagnostics if d.rule == "CP063"] == []


def test_a_schedule_offset_of_thousands_of_digits_is_refused_in_our_words(pack: Path, validate: Validate) -> None:
    """Before: "earliest_time: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits;
    use sys.set_int_max_str_digits() to increase the limit" (Python's words)."""
    edit(pack, HUNTING, "tags:\n", f"deployment:\n  scheduling:\n    earliest_time: -{'9' * 5000}h@h\ntags:\n")
    finding = only(validate(pack), "CP063")
    assert finding.message.startswith("earliest_time: invalid time modifier '-99999")
    assert finding.message.endswith("(5,004 characters): an offset of 5,000 digits puts the result outside the "
                                    "supported calendar")
