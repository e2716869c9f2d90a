"""Parsing: structure, precedence, positions of errors, unsupported things named with their column."""

from __future__ import annotations

import pytest

from contentpack.spl import SplSyntaxError, SplUnsupportedError, parse
from contentpack.spl.ast import Binary, Call, FieldMatch, FieldRef, Literal, SearchAnd, SearchNot, SearchOr, Term
from contentpack.spl.commands.eval import EvalCommand
from contentpack.spl.commands.search import SearchCommand, WhereCommand
from contentpack.spl.commands.stats import StatsCommand


def first_search(text: str) -> SearchCommand:
    command = parse(text).commands[0]
    assert isinstance(command, SearchCommand)
    return command


def test_search_or_binds_tighter_than_and() -> None:
    """"The search command evaluates OR before AND operators"
    (https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.3/expressions-and-predicates)."""
    expr = first_search("a b OR c").expr
    assert isinstance(expr, SearchAnd)
    assert isinstance(expr.operands[0], Term) and isinstance(expr.operands[1], SearchOr)


def test_not_applies_to_the_next_term_only() -> None:
    """"The NOT operator only applies to the term immediately following NOT" (same page)."""
    expr = first_search("NOT a b").expr
    assert isinstance(expr, SearchAnd) and isinstance(expr.operands[0], SearchNot)
    assert isinstance(expr.operands[1], Term) and expr.operands[1].text == "b"


def test_lowercase_operators_are_terms() -> None:
    """"The operators must be capitalized" (same page)."""
    expr = first_search("a or b").expr
    assert isinstance(expr, SearchAnd) and [t.text for t in expr.operands] == ["a", "or", "b"]  # type: ignore[union-attr]


def test_eval_and_binds_tighter_than_or() -> None:
    """"The eval and where commands evaluate AND before OR operators" (same page)."""
    where = parse("| makeresults | where a=1 OR b=2 AND c=3").commands[1]
    assert isinstance(where, WhereCommand) and isinstance(where.expr, Binary)
    assert where.expr.op == "OR" and isinstance(where.expr.right, Binary) and where.expr.right.op == "AND"


def test_eval_quoting_rules() -> None:
    """Single quotes name fields, double quotes are strings (S12,
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/where)."""
    command = parse("""| makeresults | eval x='a b{}.c' . "text", y=status.errorCode""").commands[1]
    assert isinstance(command, EvalCommand)
    (_, x), (_, y) = command.assignments
    assert isinstance(x, Binary) and x.left == FieldRef("a b{}.c", x.left.offset)
    assert isinstance(x.right, Literal) and x.right.value == "text"
    assert isinstance(y, FieldRef) and y.name == "status.errorCode"


def test_quoted_field_name_in_search() -> None:
    expr = first_search('"properties.authenticationDetails{}.succeeded"=true').expr
    assert isinstance(expr, FieldMatch) and expr.field == "properties.authenticationDetails{}.succeeded"


def test_inline_time_modifiers_are_pulled_out() -> None:
    command = first_search("x=1 earliest=-7d@d latest=now")
    assert (command.bounds.earliest, command.bounds.latest) == ("-7d@d", "now")
    assert first_search("starthoursago=168").bounds.earliest == "-168h"


def test_stats_arguments() -> None:
    command = parse("x | stats count min(_time) as firstTime dc(user) by a, b").commands[1]
    assert isinstance(command, StatsCommand)
    assert [(t.function, t.field, t.output) for t in command.terms] == [
        ("count", None, "count"), ("min", "_time", "firstTime"), ("dc", "user", "dc(user)")]
    assert command.by == ("a", "b")


def test_in_operator_in_eval_becomes_a_call() -> None:
    where = parse('| makeresults | where x IN ("a", "b")').commands[1]
    assert isinstance(where, WhereCommand) and isinstance(where.expr, Call) and where.expr.name == "in"


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("x | frob a", 5, "command 'frob' is not supported"),
        ("x | tstats count from datamodel=Authentication", 5, "tstats"),
        ("| from datamodel Authentication.Authentication", 18, "Authentication"),
        ("| makeresults | eval x=nosuchfn(1)", 24, "eval function 'nosuchfn' is not supported"),
        ("x | stats nosuchagg(y)", 11, "stats function 'nosuchagg'"),
        ("x | streamstats values(prop*)", 30, "wildcard field in a streamstats function"),
        ("x | stats count(eval(a>1))", 11, "needs AS <name>"),
        ("x | sort ip(a)", 10, "sort ip()"),
        ("x | dedup a keepevents=true", 24, "keepevents=true"),
        ("x | rename a as b junk=1", 23, "expected AS"),
    ],
)
def test_unsupported_things_are_named_with_their_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises((SplUnsupportedError, SplSyntaxError)) as info:
        parse(text)
    assert fragment in info.value.message
    assert info.value.column == column


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("x | stats count by", 19),
        ('x | eval a="unterminated', 12),
        ("x | eval a=(1", 14),
        ("x | where", 10),
        ("x | rename a* as b", 12),
        ("x | head 3 | makeresults", 14),
        ("a OR", 3),
        ("x | eval a=if(1)", 12),
        ("x | ", 5),
    ],
)
def test_syntax_errors_carry_the_authors_column(text: str, column: int) -> None:
    with pytest.raises(SplSyntaxError) as info:
        parse(text)
    assert info.value.column == column


def test_rename_wildcard_mismatch_message() -> None:
    """"Both the original and renamed fields must include the same number of wildcards"
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/rename)."""
    with pytest.raises(SplSyntaxError, match="wildcard mismatch"):
        parse("x | rename a* as b")


def test_absurd_nesting_is_a_syntax_error_not_a_crash() -> None:
    with pytest.raises(SplSyntaxError, match="too deeply"):
        parse("(" * 5000 + "a" + ")" * 5000)
    with pytest.raises(SplSyntaxError, match="too deeply"):
        parse("| makeresults | eval x=" + "(" * 5000 + "1" + ")" * 5000)


def test_subsearches_of_a_command_the_engine_refuses_are_read() -> None:
    """``tstats`` (valid SPL the engine does not run) and a subsearch holding ``outputlookup``: the commands that
    parse in their subsearches are read, at offsets in the text (a syntax error inside gives nothing)."""
    from contentpack.spl.commands.lookup import InputlookupCommand, LookupCommand
    from contentpack.spl.parser import command_alone, subsearch_commands

    text = ("tstats count where [| inputlookup t1 where a=1 | tstats x [search y | lookup t2 a]] by x "
            "[search z | inputlookup append=t t3 | outputlookup t3 | eval = ]")
    assert isinstance(command_alone(text, 1, True).problem, SplUnsupportedError)
    found = [(type(c).__name__, c.offset) for c in subsearch_commands(text, 5)]
    assert found == [("InputlookupCommand", 5 + text.index("inputlookup t1")),
                     ("SearchCommand", 5 + text.index("search y")),
                     ("LookupCommand", 5 + text.index("lookup t2")),
                     ("SearchCommand", 5 + text.index("search z")),
                     ("InputlookupCommand", 5 + text.index("inputlookup append=t"))]
    tables = [c.table for c in subsearch_commands(text) if isinstance(c, (InputlookupCommand, LookupCommand))]
    assert tables == ["t1", "t2", "t3"]
    assert subsearch_commands('tstats count where "[unclosed') == []
