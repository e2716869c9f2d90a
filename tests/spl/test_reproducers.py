"""Issue 14's parser reproducers: each valid SPL text that used to be refused parses and runs with the
documented meaning (one test per reproducer, taken verbatim from the issue where it was given)."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.spl import Engine, SplSyntaxError, SplUnsupportedError, parse
from contentpack.spl.values import Event

from .spl_support import NOW, event, make_engine, rows


def test_escaped_backslash_before_a_comment() -> None:
    """`* | eval a="\\\\" ``` c ``` ` was "empty macro call": the quote after an escaped backslash closes the
    string, so the comment after it is a comment. "The search processor replaces comments with a space when
    the search is run. For example, this comment ...| stats```Let's use 'stats' to count this```count becomes
    ...| stats count"
    (https://help.splunk.com/splunk-enterprise/search/search-manual/9.4/using-the-search-app/add-comments-to-searches)."""
    engine = make_engine([event(NOW - 1)])
    assert rows(engine, '* | eval a="\\\\" ``` c ``` | table a') == [{"a": "\\"}]
    assert rows(engine, "* | stats```Let's use 'stats' to count this```count") == [{"count": 1}]


@pytest.mark.assumed
def test_escaped_quote_inside_an_unquoted_wildcard_value() -> None:
    """`w=*a\\"b*` was "unterminated string": a backslash escapes a quote in a search term. The SPL2 manual says
    it outright ("use the backslash character ( \\ ) to ignore characters that have special meaning in a search,
    such as quotation marks, pipes, and the backslash character itself",
    https://help.splunk.com/splunk-enterprise/search/spl2-search-manual/wildcards-quotes-and-escape-characters/when-to-escape-characters);
    the SPL1 Search Manual's "Backslashes" page points to the search command's "Quotes and escaping
    characters" (assumed the same for SPL1)."""
    engine = make_engine([event(NOW - 1, w='xa"by'), event(NOW - 2, w="ab")])
    assert rows(engine, 'w=*a\\"b* | table w') == [{"w": 'xa"by'}]


@pytest.mark.parametrize("text", ["EventType=CreatePipe", "TAG=x", "EVENTTYPE=y"])
def test_field_names_that_only_look_like_eventtype_and_tag(text: str) -> None:
    """Field names are case-sensitive (S13), so `EventType=CreatePipe` (a Sysmon field) is an ordinary
    field; only the lower-case eventtype/tag are the knowledge-object fields the engine refuses."""
    name, _, value = text.partition("=")
    engine = make_engine([event(NOW - 1, **{name: value}), event(NOW - 2, other=1)])
    assert len(rows(engine, text)) == 1


def test_eventtype_is_resolved_from_registered_event_types_and_tag_is_refused_when_run() -> None:
    """eventtypes.conf: an event type is a named search; `eventtype=NAME` matches the events its search
    matches (https://help.splunk.com/en/data-management/splunk-enterprise-admin-manual/10.0/
    10.0.0-configuration-file-reference/eventtypes.conf: "search = <string> * Search terms for this event
    type."). Such searches parse (they are valid SPL); running one against an unregistered event type, or
    any tag, is refused by name instead of matching nothing."""
    engine = make_engine([event(NOW - 1, action="failure", app="okta"), event(NOW - 2, action="success")])
    assert len(parse("eventtype=okta_log tag=authentication").commands) == 1
    with pytest.raises(SplUnsupportedError, match="needs event types"):
        rows(engine, "eventtype=okta_log")
    engine.register_eventtype("okta_log", "app=okta")
    engine.register_eventtype("failures", "action=failure OR action=error")
    assert len(rows(engine, "eventtype=okta_log")) == 1
    assert len(rows(engine, "eventtype=okta*")) == 1
    assert len(rows(engine, "eventtype IN (okta_log, failures)")) == 1
    assert len(rows(engine, "eventtype!=okta_log")) == 1
    with pytest.raises(SplUnsupportedError, match="tags"):
        rows(engine, "* | search tag=authentication")


def test_inputlookup_append_after_other_commands(tmp_path: Path) -> None:
    """`inputlookup append=t` after other commands: "append: If set to true, the data returned from the
    lookup file is appended to the current set of results rather than replacing it. Default: false."
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/inputlookup)."""
    table = tmp_path / "users.csv"
    table.write_text("user,dept\nalice,hr\nbob,it\n", encoding="utf-8")
    engine = make_engine([event(NOW - 1, user="carol")])
    engine.register_lookup("users", table)
    assert rows(engine, "* | table user | inputlookup append=t users") == [
        {"user": "carol"}, {"user": "alice", "dept": "hr"}, {"user": "bob", "dept": "it"}]
    assert rows(engine, "| inputlookup start=1 max=1 users") == [{"user": "bob", "dept": "it"}]
    assert rows(engine, "| inputlookup users where dept=HR") == [{"user": "alice", "dept": "hr"}]
    with pytest.raises(SplSyntaxError, match="generating command"):
        parse("* | inputlookup users")


def test_rename_quoted_then_unquoted_pieces() -> None:
    """`rename "properties".* AS *` (CIM's drop_dm_object_name expansion) was a syntax error: the quoted
    and the unquoted piece written together are one wildcard name (rename: "<wc-field> AS <wc-field>",
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/rename)."""
    engine = make_engine([event(NOW - 1, **{"properties.a": 1, "properties.b": 2})])
    assert rows(engine, '* | rename "properties".* AS * | table a b') == [{"a": 1, "b": 2}]


def test_number_with_leading_point_after_and() -> None:
    """`where 1=1 AND .25 > 0` was a syntax error on `.25`: after an operator a `.` starts a number."""
    engine = make_engine([event(NOW - 1)])
    assert len(rows(engine, "* | where 1=1 AND .25 > 0")) == 1
    assert rows(engine, '* | eval x=.5+1, y="a" . "b" | table x y') == [{"x": 1.5, "y": "ab"}]


@pytest.mark.parametrize("operator, expected", [("AND", 0), ("OR", 1)])
def test_four_hundred_flat_terms_in_one_where(operator: str, expected: int) -> None:
    """400 flat terms in one `where` were "nests too deeply": a flat chain is evaluated as one loop."""
    engine = make_engine([event(NOW - 1, a0=1)])
    text = "* | where " + f" {operator} ".join(f"a{i}=1" for i in range(400))
    assert len(rows(engine, text)) == expected
    long_sum = "* | eval x=" + "+".join("1" for _ in range(2000)) + " | table x"
    assert rows(engine, long_sum) == [{"x": 2000}]


def test_head_with_an_eval_expression_keeplast_and_null() -> None:
    """head (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.3/search-commands/head):
    "The search returns results until this expression evaluates to false"; keeplast "Controls whether the
    last result in the result set is retained. The last result returned is the result that caused the
    eval-expression to evaluate to false or NULL"; "You must specify a eval-expression to use the keeplast
    argument"."""
    engine = Engine()
    events: list[Event] = [{"_time": NOW - i, "n": i} for i in range(5)]
    engine.register_events([*events, {"_time": NOW - 9}])
    assert [r.get("n") for r in rows(engine, "* | head (n < 2)")] == [0, 1]
    assert [r.get("n") for r in rows(engine, "* | head (n < 2) keeplast=true")] == [0, 1, 2]
    assert [r.get("n") for r in rows(engine, "* | head (n < 9)")] == [0, 1, 2, 3, 4]
    assert [r.get("n") for r in rows(engine, "* | head (n < 9) null=true")] == [0, 1, 2, 3, 4, None]
    assert [r.get("n") for r in rows(engine, "* | head (n < 9) limit=2")] == [0, 1]
    with pytest.raises(SplSyntaxError, match="keeplast= needs an"):
        parse("* | head 5 keeplast=true")


def test_double_backslash_in_an_unquoted_term_is_one_backslash() -> None:
    """"To pass a literal backslash in an argument to a Splunk Search Processing Language (SPL) command, you
    must escape the backslash by using the double-slash ( \\\\ ) string in your search." and "The backslash
    symbol can't be used to escape the asterisk in search strings."
    (https://help.splunk.com/splunk-enterprise/search/search-manual/9.4/search-primer/backslashes)"""
    engine = make_engine([event(NOW - 1, image="C:\\Windows\\cmd.exe"), event(NOW - 2, image="C:\\\\x\\\\cmd.exe")])
    assert rows(engine, "image=*\\\\Windows\\\\cmd.exe | table image") == [{"image": "C:\\Windows\\cmd.exe"}]
    assert rows(engine, 'image="*\\\\Windows\\\\cmd.exe" | table image') == [{"image": "C:\\Windows\\cmd.exe"}]
