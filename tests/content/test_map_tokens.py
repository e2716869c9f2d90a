"""CP086: a ``map`` command's ``search="..."`` keys no ``$field$`` on a value an attacker can choose. ``map`` writes
each result's value into the search text and runs it, in a scheduled search as the app's owner: an application
named ``x" | delete`` would run its own commands. It validated without a word before."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from contentpack.content.diagnostics import Diagnostic
from contentpack.content.rules import RuleContext, tokens

from .helpers import TTP, Validate, add_command, at, define_macro, locate
from .test_spl_checks import escu_pack


def _cp086(pack: Path, validate: Validate) -> list[Diagnostic]:
    return [d for d in validate(pack).diagnostics if d.rule == "CP086"]


MAP = 'map maxsearches=10 search="search index=aad app=\\"{token}\\" | stats count"'


def test_a_display_name_in_a_map_search_is_an_error_at_its_token(pack: Path, validate: Validate) -> None:
    add_command(pack, MAP.format(token="$appDisplayName$"))
    result = validate(pack)
    found = [d for d in result.diagnostics if d.rule == "CP086"]
    assert [at(d) for d in found] == [(TTP, *locate(pack, TTP, "$appDisplayName$"))]
    assert not result.ok and found[0].severity == "error"
    assert found[0].message.startswith(
        "map search uses $appDisplayName$, which is attacker-controlled (its value can come from "
        "'properties.appDisplayName'): map writes each result's value into the search text and runs it")


def test_a_value_carried_to_another_name_is_followed(pack: Path, validate: Validate) -> None:
    add_command(pack, "eval app=lower(signature) . appDisplayName")
    add_command(pack, MAP.format(token="$app$"))
    found = _cp086(pack, validate)
    assert len(found) == 1 and "uses $app$, which is attacker-controlled (its value can come from" in found[0].message


@pytest.mark.parametrize("before", [
    "",  # user: the tenant issues it
    'eval appDisplayName=if(match(appDisplayName, "^[0-9a-fA-F-]{36}$"), appDisplayName, null())',  # an id only
])
def test_fields_an_attacker_cannot_choose_pass(pack: Path, validate: Validate, before: str) -> None:
    if before:
        add_command(pack, before)
    add_command(pack, MAP.format(token="$user$" if not before else "$appDisplayName$"))
    assert _cp086(pack, validate) == []


def test_a_map_inside_a_subsearch_is_read_after_the_commands_before_it(pack: Path, validate: Validate) -> None:
    """ESCU writes ``appendpipe [| map search=...]``; the fields reaching that map are the outer search's."""
    add_command(pack, "eval app=appDisplayName")
    add_command(pack, "appendpipe [| " + MAP.format(token="$app$") + "]")
    found = _cp086(pack, validate)
    assert [at(d) for d in found] == [(TTP, *locate(pack, TTP, "$app$"))]


def test_a_map_a_macro_brings_is_at_the_call_naming_the_macro(pack: Path, validate: Validate) -> None:
    """The token is in the expansion, not in the file: at the macro call, the message saying which macro."""
    define_macro(pack, "app_counts", MAP.format(token="$appDisplayName$"))
    add_command(pack, "`app_counts`")
    found = _cp086(pack, validate)
    assert [at(d) for d in found] == [(TTP, *locate(pack, TTP, "`app_counts`"))]
    assert found[0].message.endswith(", inside the expansion of macro `app_counts`")


def test_a_token_before_the_map_or_outside_its_search_is_not_a_map_token(pack: Path, validate: Validate) -> None:
    add_command(pack, 'map maxsearches=2 search="search index=aad user=$user$" | eval note="$appDisplayName$"')
    assert _cp086(pack, validate) == []


@pytest.mark.slow
def test_escus_map_searches_key_on_no_free_text() -> None:
    """ESCU's six ``map`` detections (a063ed3; five inside ``appendpipe``, one after a CIM macro the pack cannot
    expand) are all read, and key on logon ids and user names: no finding without data sources declaring more
    than the free-text fields every event has (display names, user agents, _raw)."""
    pack = escu_pack()
    context = RuleContext(pack, Path("/nonexistent"), dt.date(2026, 12, 1), frozenset(), None)
    read = [d.name for d in pack.detections
            if (text := context.spl.readable_text(d.search)) is not None
            and any(tokens.map_searches(text, context.spl.segments(text) or []))]
    assert len(read) == 6
    assert list(tokens.attacker_controlled_map_tokens(context)) == []
