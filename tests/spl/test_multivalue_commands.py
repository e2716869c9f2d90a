"""What a COMMAND that reads one field's text does with a multivalue field there: no page says, so it is refused.

Read for this (Search Reference 10.0, each page searched for "multivalue"/"multi-valued"): rex (its field is "The
field that you want to extract information from"; the example "Extract from multi-valued fields using max_match"
makes a multivalue from the one value "a$1,b$2"), regex ("Specify the field name from which to match the values
against the regular expression"), spath (input is "The field to read in and extract values from"), fromjson ("If
you give the fromjson command a single field name that points to proper JSON objects"), xmlkv ("The field from which
to extract the key and value pairs"), iplocation ("The IP address that you specify in the ip-address-fieldname
argument, is looked up in a database"), convert ("converts field values in your search results"), makemv
("Converts a single valued field into a multivalue field"), and replace (9.3.2408, the newest stored: "Replaces
field values in your search results with the values that you specify"). None says what the command does with a
field holding several values. The engine used to answer anyway: the first value (spath, fromjson, xmlkv,
iplocation), each value on its own (rex, rex mode=sed, replace, convert), any value (regex), the field untouched
(makemv). So a multivalue input is refused as unsupported, naming the command, the field and the value count at
the command's column, with the commands that say which value is meant (``commands.base.single_input``, the message
``coerce.multivalue_refused``'s, shared with functions and operators).

Not refused: ``lookup`` (a multivalue input matches when any value does, ``assumed`` in test_lookups.py), and the
commands made for multivalues (mvexpand, mvcombine, nomv, stats BY).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.spl import Engine, SplUnsupportedError

from .spl_support import assert_input_refused, make_engine, rows

BASE = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/"
PAGES = {name: BASE + name for name in ("rex", "regex", "spath", "fromjson", "xmlkv", "iplocation", "convert",
                                        "makemv")}
PAGES["replace"] = "https://help.splunk.com/splunk-cloud-platform/spl-search-reference/9.3.2408/search-commands/replace"

_SETUP = '| makeresults | eval mv=split("{\\"a\\":1} <a>2</a> 8.8.8.8 17", " ")'
_GEO = "network,City,Country,Region,lat,lon\n8.8.8.0/24,Mountain View,United States,California,37.4,-122.1\n"


def _engine(tmp_path: Path) -> Engine:
    engine = make_engine()
    table = tmp_path / "geo.csv"
    table.write_text(_GEO, encoding="utf-8")
    engine.register_geoip(table)
    return engine


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ('rex field=mv "(?<x>\\d)"', "rex"),  # was: each value matched on its own, x=("1", "2", "8", "1")
        ('rex field=mv max_match=0 "(?<x>\\d)"', "rex"),
        ('rex field=mv mode=sed "s/8/9/g"', "rex"),  # was: each value edited
        ('regex mv="^17$"', "regex"),  # was: kept, since one value matched
        ('regex mv!="^17$"', "regex"),  # was: dropped
        ("spath input=mv", "spath"),  # was: the first value's JSON, a=1
        ("spath input=mv path=a", "spath"),
        ("fromjson mv", "fromjson"),  # was: the first value's JSON
        ("xmlkv mv", "xmlkv"),  # was: the first value (no XML: nothing)
        ("iplocation mv", "iplocation"),  # was: the first value (no address: nothing)
        ('replace "17" WITH "seventeen" IN mv', "replace"),  # was: each value replaced
        ("convert ctime(mv)", "convert"),  # was: each number converted, the rest kept
        ("convert rmcomma(m*)", "convert"),  # a wildcard's match is read the same way
        ("convert memk(mv)", "convert"),
        ('makemv delim="," mv', "makemv"),  # was: left as it was
    ],
)
def test_a_command_refuses_a_multivalue_input_field(tmp_path: Path, command: str, name: str) -> None:
    """PAGES[name] says nothing of a multivalue input field (module docstring), so none is read."""
    assert name in PAGES
    text = f"{_SETUP} | {command}"
    with pytest.raises(SplUnsupportedError) as raised:
        rows(_engine(tmp_path), text)
    assert_input_refused(raised.value, command, name, 4, text)


def test_the_forms_the_refusal_suggests_give_one_value(tmp_path: Path) -> None:
    """Multivalue eval functions page: mvindex returns the value at an index, mvjoin "concatenates the individual
    values"; mvexpand page: "Expands the values of a multivalue field into separate events, one event for each
    value". Each hands the command one value."""
    engine = _engine(tmp_path)
    assert rows(engine, _SETUP + " | eval mv=mvindex(mv, 2) | iplocation mv | table City") == [
        {"City": "Mountain View"}]
    assert rows(engine, _SETUP + ' | eval mv=mvjoin(mv, ",") | rex field=mv max_match=0 "(?<x>\\d+)" | table x') == [
        {"x": ("1", "2", "8", "8", "8", "8", "17")}]
    assert rows(engine, _SETUP + " | mvexpand mv | spath input=mv | table a") == [{"a": "1"}, {}, {}, {}]


def test_one_value_and_null_read_as_before(tmp_path: Path) -> None:
    """Only a multivalue is refused: a single value is read as each page says (rex extracts the named group,
    regex keeps a match, replace swaps a whole value), and a missing field still gives nothing (regex with !=
    keeps an event without the field: "this search will include events that do not define the field", regex
    page)."""
    engine = _engine(tmp_path)
    one = '| makeresults | eval f="a1b22"'
    assert rows(engine, one + ' | rex field=f max_match=0 "(?<n>\\d+)" | table n') == [{"n": ("1", "22")}]
    assert rows(engine, one + ' | rex field=f mode=sed "s/\\d/#/g" | table f') == [{"f": "a#b##"}]
    assert rows(engine, one + ' | regex f="b2" | table f') == [{"f": "a1b22"}]
    assert rows(engine, one + ' | replace "a1b22" WITH "x" IN f | table f') == [{"f": "x"}]
    assert rows(engine, one + ' | regex missing!="b2" | table f') == [{"f": "a1b22"}]
    assert rows(engine, one + ' | regex missing="b2"') == []
    assert rows(engine, one + ' | rex field=missing "(?<n>\\d)" | spath input=missing | iplocation missing'
                              ' | convert ctime(missing) | makemv missing | table f n') == [{"f": "a1b22"}]


def test_join_refuses_a_multivalue_join_field() -> None:
    """join (https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/join): no
    page we read says what a join field holding several values joins on (``assumed`` silence: the 10.0 join page is
    not in the stored corpus to quote); the engine used to key on the first value (an event with mv="a b" joined
    the subsearch's mv="a" row). Refused on either side, as the other commands that read one value are; one value
    joins as before."""
    left = '| makeresults | eval mv=split("a b", " ")'
    text = f'{left} | join mv [| makeresults | eval mv="a", r=1]'
    with pytest.raises(SplUnsupportedError) as caught:
        rows(Engine(), text)
    assert_input_refused(caught.value, "join", "join", 2, text)
    assert "mvexpand the field before the join, on both sides" in caught.value.message
    other = '| makeresults | eval mv="a" | join mv [| makeresults | eval mv=split("a b", " "), r=1]'
    with pytest.raises(SplUnsupportedError, match="join: a multivalue input field"):
        rows(Engine(), other)
    single = '| makeresults | eval mv="a" | join mv [| makeresults | eval mv="a", r=1] | table mv r'
    assert rows(Engine(), single) == [{"mv": "a", "r": 1}]


def test_mvexpand_of_an_internal_field_is_unsupported() -> None:
    """mvexpand: "The mvexpand command can't be applied to internal fields"
    (https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/mvexpand); the
    page does not say whether that is an error or the events pass unexpanded, so the engine refuses the search
    where it used to expand the field."""
    engine = make_engine()
    with pytest.raises(SplUnsupportedError, match="internal field '_x'") as caught:
        rows(engine, '| makeresults | eval _x=split("a,b", ",") | mvexpand _x')
    assert caught.value.command == "mvexpand"
    assert rows(engine, '| makeresults | eval x=split("a,b", ",") | mvexpand x | table x') == [{"x": "a"}, {"x": "b"}]
