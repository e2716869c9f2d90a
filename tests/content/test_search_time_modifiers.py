"""CP063 for ``earliest=``/``latest=`` written inside a detection's search, not only its schedule.

Splunk refuses a search whose time modifier is not one (SPL Search Reference, *Time modifiers*); the engine reads
a search command's modifiers only when a run reaches it, so before this a bad one passed validate and failed every
replay test of the detection (RP003), which is where a new user met it (README: validate "checks ... time
modifiers (`-7dayz@bogus`)").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import HUNTING, TTP, Validate, at, edit, locate, only

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


# ------------------------------------------------------------------------- one place: the refused character


def test_a_bad_modifier_is_at_its_refused_character(pack: Path, validate: Validate) -> None:
    """At the unit the parser refuses, in the single-quoted search, not at the ``search`` key with the modifier
    only named (the reader had to find it in the text)."""
    _inline(pack, "earliest=-7dayz@bogus")
    assert at(only(validate(pack), "CP063")) == (TTP, *locate(pack, TTP, "dayz@bogus"))


def test_a_quoted_modifier_in_a_folded_search_is_at_its_character(pack: Path, validate: Validate) -> None:
    """A ``search`` command further down a folded block scalar (``>-``), its value quoted: past the quote."""
    edit(pack, HUNTING, "  | where isnull(known)", '  | search latest="-1"\n  | where isnull(known)')
    finding = only(validate(pack), "CP063")
    line, col = locate(pack, HUNTING, '"-1"')
    assert at(finding) == (HUNTING, line, col + 1) and finding.message.startswith("search: latest=-1: ")


def test_a_modifier_a_macro_writes_is_at_the_macro_definition_once(pack: Path, validate: Validate) -> None:
    """The fix goes in the macro's file, and it is one mistake: one finding there, whether a search calls the
    macro itself (TTP) or through another macro (HUNTING), not one more at every call."""
    edit(pack, "macros/azure_monitor_aad.yml", "definition: sourcetype=azure:monitor:aad",
         "definition: sourcetype=azure:monitor:aad earliest=-7x")
    (pack / "macros" / "consent_events.yml").write_text(
        "name: consent_events\ndefinition: '`azure_monitor_aad`'\ndescription: The consent events.\n", encoding="utf-8")
    edit(pack, HUNTING, "`azure_monitor_aad` operationName", "`consent_events` operationName")
    found = [d for d in validate(pack).diagnostics if d.rule == "CP063"]
    assert [at(d) for d in found] == [("macros/azure_monitor_aad.yml", *locate(pack, "macros/azure_monitor_aad.yml",
                                                                               "x\n"))], [d.render() for d in found]
    assert found[0].message.startswith("macro 'azure_monitor_aad' definition: earliest=-7x: ")


def test_a_modifier_a_macro_argument_brings_is_at_the_call_naming_the_macro(pack: Path, validate: Validate) -> None:
    """The value is the call's argument (``earliest=$t$``): the call is the one place holding it."""
    (pack / "macros" / "window.yml").write_text(
        "name: window\ndefinition: earliest=$t$\narguments:\n- t\ndescription: The window.\n", encoding="utf-8")
    _inline(pack, "`window(-7x)`")
    finding = only(validate(pack), "CP063")
    assert at(finding) == (TTP, *locate(pack, TTP, "`window"))
    assert finding.message.endswith(", inside the expansion of macro `window`")
