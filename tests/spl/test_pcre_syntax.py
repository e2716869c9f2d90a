"""A regular expression written in a search (a quoted literal of ``rex``, ``regex``, ``makemv tokenizer=``, or the
pattern argument of ``match``/``replace``/``mvfind``) that PCRE cannot compile is a syntax error when the search is
parsed, at the pattern's column; patterns computed from fields are compiled when evaluated, as before.

Splunk facts pinned here:
* Splunk regular expressions are PCRE, in ``rex`` and ``regex`` and in the ``match``, ``replace`` and ``mvfind``
  eval functions (Search Manual, "SPL and regular expressions",
  https://docs.splunk.com/Documentation/Splunk/8.2.9/Search/SPLandregularexpressions).
* Splunk refuses a search whose ``rex`` pattern does not compile, with PCRE's message ("Regex: unmatched closing
  parenthesis", https://github.com/back2root/log4shell-rex/issues/2). That ``regex``, ``makemv tokenizer=`` and
  the eval functions refuse a literal pattern the same way, before any event, is ``assumed`` (no source found).
* In a quoted string ``\\\\`` is one backslash (same Search Manual page, "Backslash characters"), so ``"a\\\\"`` is
  the pattern ``a\\``, which ends in a lone backslash.
* Which patterns are certainly invalid: PCRE2's own compile errors. The tests below ask the system's libpcre2
  directly (the engine runs Python's ``regex`` package, never PCRE itself). The library is required, not
  optional: every Debian and Fedora system has it (grep depends on it); elsewhere the tests fail saying so.
  The messages are PCRE2's compile error texts (src/pcre2_error.c, listed under "COMPILATION ERROR CODES" in
  pcre2api, https://www.pcre.org/current/doc/html/pcre2api.html).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import functools
from collections.abc import Iterator

import pytest
import regex
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from contentpack.spl import SplRuntimeError, SplSyntaxError, SplUnsupportedError, parse
from contentpack.spl.ast import Call, Literal
from contentpack.spl.commands.multivalue import MakemvCommand
from contentpack.spl.commands.rex import RegexCommand, RexCommand
from contentpack.spl.exprparser import parse_eval_text
from contentpack.spl.parser import check, parse_pipeline
from contentpack.spl.pcre_syntax import certain_mistake
from contentpack.spl.regex import check_literal, compile_pcre, translate_pcre

from . import escu_corpus
from .spl_support import NOW, event, make_engine, rows

MISTAKES = [
    ("(?<y>[a-z+", "missing terminating ] for character class", 5),
    ("[unclosed", "missing terminating ] for character class", 0),
    ("[]", "missing terminating ] for character class", 0),  # "]" first is a member: the class never closes
    ("[[:alpha:]", "missing terminating ] for character class", 0),
    ("(unclosed", "missing closing parenthesis", 0),
    ("(?:a(?<n>b)", "missing closing parenthesis", 0),
    ("a)", "unmatched closing parenthesis", 1),
    ("(?<n>a))", "unmatched closing parenthesis", 7),
    ("*a", "quantifier does not follow a repeatable item", 0),
    ("a|+b", "quantifier does not follow a repeatable item", 2),
    ("(?:?a)", "quantifier does not follow a repeatable item", 3),
    ("a{3,2}", "numbers out of order in {} quantifier", 1),
    ("abc\\", "\\ at end of pattern", 3),
    ("a\\c", "\\c at end of pattern", 1),
    ("(a)\\2", "reference to non-existent subpattern", 3),
    ("(?<n>a)\\k<m>", "reference to non-existent subpattern", 7),
    ("(?<n>a)(?P=m)", "reference to non-existent subpattern", 7),
    ("(?(1)a)(b)\\2", "reference to non-existent subpattern", 10),  # a condition is no group
]

# pcre2pattern, "Square brackets and character classes": "If a minus character is required in a class, it must be
# escaped with a backslash or appear in a position where it cannot be interpreted as indicating a range, typically
# as the first or last character in the class, or immediately after a range" and "Perl treats a hyphen as a
# literal if it appears before or after a POSIX class (see below) or before or after a character type escape such
# as \d or \H. [...] As PCRE2 has no facility for warning, an error is given in these cases."
# (https://www.pcre.org/current/doc/html/pcre2pattern.html); a range's ends are compared as code points.
RANGE_MISTAKES = [
    ("[z-a]", "range out of order in character class", 1),
    ("x[0-9z-a]", "range out of order in character class", 5),
    ("[\\x7f-\\x01]", "range out of order in character class", 1),
    ("[a-\\n]", "range out of order in character class", 1),  # \n is 0x0a
    ("[a-\\x{41}]", "range out of order in character class", 1),
    ("[\\cB-\\cA]", "range out of order in character class", 1),
    ("[\\2-\\1]", "range out of order in character class", 1),  # octal in a class, not back-references
    ("[a-\\8]", "range out of order in character class", 1),  # \8 in a class is "8"
    ("[--%]", "range out of order in character class", 1),  # a first "-" is a member that starts a range
    ("[^]-Z]", "range out of order in character class", 2),  # so is a first "]"
    ("[a-z-%-!]", "range out of order in character class", 5),  # "-" after a range is a member
    ("[a-\\d]", "invalid range in character class", 1),
    ("[\\w-z]", "invalid range in character class", 1),
    ("[a-[:digit:]]", "invalid range in character class", 1),
    ("[[:alpha:]-z]", "invalid range in character class", 1),
    ("[a-z--\\d]", "invalid range in character class", 4),
    # "\Q...\E" quotes members, which still end ranges; "\E" and an empty "\Q\E" are nothing
    ("[b-\\Qa\\E]", "range out of order in character class", 1),
    ("[\\Qb\\E-a]", "range out of order in character class", 3),
    ("[\\Qa-z\\E-!]", "range out of order in character class", 5),  # a quoted "-" is a member
    ("[z\\E-a]", "range out of order in character class", 1),
    ("[z-\\Q\\Ea]", "range out of order in character class", 1),
    ("[\\Q\\E]-(]", "range out of order in character class", 5),  # a "]" first, even after \Q\E
    ("[\\E^]-!]", "range out of order in character class", 4),  # or after \E and "^"
    ("[z-\\Qa", "range out of order in character class", 1),  # before the class is found unclosed
    ("[\\d-\\Qa\\E]", "invalid range in character class", 1),
    ("[\\w-\\E\\Qa\\E]", "invalid range in character class", 1),
    ("[a-\\Q\\E\\d]", "invalid range in character class", 1),
    # pcre2pattern, "Unicode character properties": \p and \P are sets, as \d is ("Perl treats a hyphen as a literal
    # if it appears before or after [...] a character type escape")
    ("[\\pL-a]", "invalid range in character class", 1),
    ("[\\P{^Lu}-a]", "invalid range in character class", 1),
    ("[a-\\pL]", "invalid range in character class", 1),
    ("[\\p{Lu}-\\p{Ll}]", "invalid range in character class", 1),
    ("[a-\\p{Nonsense}]", "invalid range in character class", 1),  # the range is refused before the name is read
    ("[a-\\p]", "invalid range in character class", 1),
    # non-ASCII ends, refused whether PCRE2 reads code points (UTF mode) or bytes
    ("[é-a]", "range out of order in character class", 1),
    ("[\\xe0-ß]", "range out of order in character class", 1),  # U+DF, whose first byte is 0xc3
    ("[😀-\\x{1F5FF}]", "range out of order in character class", 1),
    ("[\\x{100}-a]", "range out of order in character class", 1),
    ("[\\x{100}-é]", "range out of order in character class", 1),  # 0x100 is refused without UTF mode
]
# pcre2pattern, "Duplicate group names": "By default, a name must be unique within a pattern, except that duplicate
# names are permitted for groups with the same number [...] The duplicate name constraint can be disabled by
# setting the PCRE2_DUPNAMES option at compile time, or by the use of (?J) within the pattern" and "PCRE2 does not
# allow the same group number to be associated with more than one name".
NAME_MISTAKES = [
    ("(?<n>a)(?<n>b)", "two named subpatterns have the same name (PCRE2_DUPNAMES not set)", 7),
    ("(?<n>a)|(?'n'b)", "two named subpatterns have the same name (PCRE2_DUPNAMES not set)", 8),
    ("(?P<n>(?<n>a))", "two named subpatterns have the same name (PCRE2_DUPNAMES not set)", 6),
    ("(?|(?<n>a)|(b)(?<n>c))", "two named subpatterns have the same name (PCRE2_DUPNAMES not set)", 14),
    ("(?|(?<n>a)|(?<n>b))(?<n>c)", "two named subpatterns have the same name (PCRE2_DUPNAMES not set)", 19),
    ("(?n)(?<n>a)(?<n>b)", "two named subpatterns have the same name (PCRE2_DUPNAMES not set)", 11),
    ("(?|(?<n>a)|(?<m>b))", "different names for subpatterns of the same number are not allowed", 11),
    ("(?J)(?|(?<n>a)|(?<m>b))", "different names for subpatterns of the same number are not allowed", 15),
]
# pcre2pattern, "Repetition": a quantifier follows an item it repeats; libpcre2 refuses a well-formed {n}, {n,} or
# {n,m} with nothing before it, as it does * (PCRE 8.x did too: "nothing to repeat").
BRACE_MISTAKES = [
    ("{2}a", "quantifier does not follow a repeatable item", 0),
    ("{2,}a", "quantifier does not follow a repeatable item", 0),
    ("a|{2,3}", "quantifier does not follow a repeatable item", 2),
    ("(?:{2})", "quantifier does not follow a repeatable item", 3),
    ("(?<n>{0})", "quantifier does not follow a repeatable item", 5),
    ("(?(1){2})(a)", "quantifier does not follow a repeatable item", 5),
    ("(?#note){2}", "quantifier does not follow a repeatable item", 8),
    ("{3,2}a", "numbers out of order in {} quantifier", 0),  # PCRE2 reads the numbers first
    # pcre2pattern, "Repetition": "The numbers must be less than 65536" (leading zeros do not count)
    ("a{65536}", "number too big in {} quantifier", 1),
    ("a{1,99999999999999999999}", "number too big in {} quantifier", 1),
    ("a{70000,1}", "number too big in {} quantifier", 1),  # before the order of the numbers
    ("{65536}a", "number too big in {} quantifier", 0),  # and before "nothing to repeat"
]
# pcre2pattern, "Repetition": a quantifier repeats the item before it, and a quantifier is no item; after "*", "+",
# "?" or a brace (with its lazy "?" or possessive "+") another quantifier has nothing to repeat, as in Perl ("Nested
# quantifiers"). Empty \Q\E, a lone \E and comments between them change nothing.
QUANTIFIER_MISTAKES = [
    ("a**", "quantifier does not follow a repeatable item", 2),
    ("a{2}{3}", "quantifier does not follow a repeatable item", 4),
    ("(a)*{2,}", "quantifier does not follow a repeatable item", 4),
    ("a*?*", "quantifier does not follow a repeatable item", 3),
    ("a+++", "quantifier does not follow a repeatable item", 3),
    ("a{2}+?", "quantifier does not follow a repeatable item", 5),
    ("[a]???", "quantifier does not follow a repeatable item", 5),
    ("a*\\Q\\E*", "quantifier does not follow a repeatable item", 6),
    ("a*\\E??", "quantifier does not follow a repeatable item", 5),  # "a*\\E?" is "a*?"
    ("a{2}(?#c){3}", "quantifier does not follow a repeatable item", 9),
    ("a*{3,2}", "numbers out of order in {} quantifier", 2),  # the numbers are read first
    ("a*{65536}", "number too big in {} quantifier", 2),
    # items that match no character repeat nothing (pcre2pattern, "Repetition": assertions and settings are no
    # repeatable items)
    ("^*", "quantifier does not follow a repeatable item", 1),
    ("a|$+", "quantifier does not follow a repeatable item", 3),
    ("(?m)^{2}", "quantifier does not follow a repeatable item", 5),
    ("\\b*", "quantifier does not follow a repeatable item", 2),
    ("a\\Z?", "quantifier does not follow a repeatable item", 3),
    ("\\K+", "quantifier does not follow a repeatable item", 2),
    ("^\\E*", "quantifier does not follow a repeatable item", 3),
    ("^(?#c)*", "quantifier does not follow a repeatable item", 6),
    ("a(?i)*", "quantifier does not follow a repeatable item", 5),
    ("(*UTF)*", "quantifier does not follow a repeatable item", 6),
    ("(?C1)*", "quantifier does not follow a repeatable item", 5),
]
ALL_MISTAKES = MISTAKES + RANGE_MISTAKES + NAME_MISTAKES + BRACE_MISTAKES + QUANTIFIER_MISTAKES

# Valid PCRE, several of which the engine's translation cannot compile (\cA, verbs, callouts, (?(R)...)).
VALID = [
    "a{65535}", "a{0065535}",  # the largest repeat count PCRE2 takes (leading zeros do not count)
    "[]a]", "[^]a]", "[(]", "\\(", "\\Q(\\E", "[\\Q]\\E]", "a(?#(c)b", "\\c)", "\\cA", "(*UTF)a", "(?C1)a",
    "(*MARK:x)a", "(*atomic:(a))", "(*pla:a)b", "(?(R)a|b)", "(?(DEFINE)(?<d>\\d))(?&d)", "(?|(a)|(b))\\1",
    "(?<n>a)(?(n)b|c)", "(?1)(a)", "(a)\\g{-1}", "(?J)(?<n>a)|(?<n>b)", "\\o{101}", "(?n)(a)", "a{,3}", "{",
    "a++b", "a*?b", "(?<=a|bc)d", "[[:^alpha:]]", "\\x{263A}", "(?x) a # a comment", "\\10",
    # repeatable after all: a call, a group, an assertion group, \\R and \\X, ^ and \\b in a class
    "(a)(?1)*", "(?R)?", "(?=a)*", "(?i:a)*", "\\R*", "\\X+", "\\Ka*", "[\\b]*", "[$^]+", "(?i)a*",
    # ranges: a "-" first, last, after a range or next to \Q\E is a member; ends compared as code points
    "[%--]", "[---]", "[-a]", "[a-]", "[\\d-]", "[[:alpha:]-]", "[a-z-0]", "[a-z--0]", "[]-a]", "[\\n-a]",
    "[\\b-a]", "[\\x-\\x]", "[\\cA-\\cB]", "[a-\\Q\\E]", "[\\N{U+41}-z-a]", "[A-z]", "[\\x{ff}-\\x{100}]",
    # names: same number in a branch reset, (?J) from where it is set, (?n) numbering, case
    "(?|(?<n>a)|(?<n>b))", "(?|(?<n>a)|(b))", "(?|(a)|(?<n>b))", "(?|(?<n>(?<m>a))|(?<n>(?<m>b)))", "(?<n>a)(?<N>b)",
    "(?J)(?<n>a)(?<n>b)", "(?<n>a)(?J)(?<n>b)", "(?J:(?<n>a)(?<n>b))", "(?n)(?|(a)(?<n>b)|(?<n>c))",
    "(?|(?(1)a|b)(?<n>x)|(?<n>y))", "(?|(?|(?<n>a)|(?<n>b))|(?<n>c))",
    # braces that are no quantifier, or follow an item
    "{}a", "{a}", "{2", "a{2}+", "(a){0}", "(?R){2}", "(?1){2}(a)",
    # a lazy "?" or possessive "+" after a quantifier; an item between two quantifiers
    "a*+", "a*?", "a??", "a?+", "a{2}?", "a*\\Qb\\E*", "a*(b)*", "a{2}{a}", "a*{}", "a*{2",
    "a*\\E?", "a*\\Q\\E+", "a{2}(?#c)?",  # PCRE2 finds the suffix past what stands for nothing
    # quoted class members: a quoted "-" is no range, an empty quote is nothing, a "]" first is a member
    "[\\Qb-a\\E]", "[\\Qba\\E-b]", "[a-\\Q\\E]", "[\\Q-\\Ea]", "[z\\Q-\\Ea]", "[\\Q]\\E-a]", "[\\Q\\E]a(]",
    "[^\\Q\\E]]", "[\\Q\\E^]]", "[\\E]]", "[\\Q\\E-a]", "[\\Q\\\\E-\\Q]\\E]", "[\\d\\Q-\\E]", "[\\d-]",
    # properties next to a "-" that joins nothing; non-ASCII ranges in order
    "[\\p{L}-]", "[-\\pL]", "[\\pL\\Q-\\E]", "[a-é]", "[è-é]", "[\\x{1F600}-😀]", "[\\x{e9}-é]",
]
# PCRE2 10.42 refuses "-" after a set when anything but "]" follows it and reads it literally after \E; the class
# parser rewritten since refuses "-" after a set, even after \E, unless the class ends there.
VERSION_DEPENDENT_CLASSES = ["[\\d-\\E]", "[\\w-\\Q\\E]", "[\\d\\E-a]", "[[:alpha:]\\Q\\E-z]", "[\\pL\\E-a]"]
# PCRE2 10.43 reads {,n} and spaces inside braces as a quantifier; earlier versions read them literally. At the start
# of a pattern, or right after a quantifier, one is therefore valid in some versions and not in others: never a
# certain mistake.
VERSION_DEPENDENT = ["{,3}a", "{ 2}a", "a|{2 }", "(?:{ 2,3})", "a*{,3}", "a{2}{ 3}", *VERSION_DEPENDENT_CLASSES]
# Invalid PCRE the scanner is not sure of (it names only what it fully understands): left to run time.
UNCLEAR = ["(?x) ( # a comment (", "\\k<", "\\g{-1}(a)", "(?(?=a)*)",
           "[\\N{U+42}-\\N{U+41}]", "[\\g-a]", "(?<n>a)(?<n>b)(?J)", "(?n)(?|(?<n>a)|(?<m>b))",
           "[\\p{Nonsense}-a]",  # PCRE2 names the unknown property first
           # refused in UTF mode only (see test_a_non_ascii_range_is_out_of_order_only_when_both_readings_say_so)
           "[é-è]", "[é-\\xb0]"]


@pytest.mark.parametrize(("pattern", "message", "position"), ALL_MISTAKES)
def test_certain_mistakes_are_named_at_their_position(pattern: str, message: str, position: int) -> None:
    """PCRE2's compile errors for unbalanced parentheses and brackets, nothing to repeat (a quantifier after
    another too), a trailing backslash, a reference to a missing group, a reversed or set-ended range (at the
    range's first end), a group name used twice or two names for one number (at the second group's parenthesis)."""
    mistake = certain_mistake(pattern)
    assert mistake is not None and (mistake.message, mistake.position) == (message, position)


@pytest.mark.parametrize("pattern", VALID + UNCLEAR + VERSION_DEPENDENT)
def test_valid_or_unclear_patterns_are_not_certain_mistakes(pattern: str) -> None:
    assert certain_mistake(pattern) is None
    check_literal(pattern, offset=0, command="rex")  # never a syntax error


def _regex_literals(node: object) -> Iterator[str]:
    """Every regular-expression literal in a parsed pipeline (commands and eval calls, at any depth)."""
    if isinstance(node, RexCommand) and not node.sed:
        yield node.pattern
    elif isinstance(node, RegexCommand):
        yield node.pattern
    elif isinstance(node, MakemvCommand) and node.tokenizer:
        yield node.tokenizer
    elif isinstance(node, Call) and node.name in ("match", "replace", "mvfind") and isinstance(node.args[1], Literal):
        yield str(node.args[1].value)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for field in dataclasses.fields(node):
            yield from _regex_literals(getattr(node, field.name))
    elif isinstance(node, tuple):
        for item in node:
            yield from _regex_literals(item)


@pytest.mark.slow
def test_every_escu_regex_literal_is_accepted() -> None:
    """The hundreds of distinct regex literals ESCU ships (splunk/security_content, tests/spl/escu_corpus.py), all
    PCRE Splunk runs, include none the scanner calls a mistake, even without the translation's verdict."""
    literals: set[str] = set()
    for _, search in escu_corpus.expanded_searches():
        literals.update(_regex_literals(parse_pipeline(search, 0, lambda offset: offset, subsearch=False,
                                                       problems=[])))
    assert len(literals) > 300
    assert [pattern for pattern in sorted(literals) if certain_mistake(pattern) is not None] == []
    assert all(compile_pcre(pattern) for pattern in literals)


# ------------------------------------------------------------------------------- at parse time, at the column


@pytest.mark.parametrize(("search", "pattern"), [
    ('| makeresults | rex field=x "(?<y>[a-z+"', '"(?<y>[a-z+"'),
    ('| makeresults | rex field=x mode=sed "s/(a/b/g"', '"s/(a/b/g"'),
    ('| makeresults | regex x="[unclosed"', '"[unclosed"'),
    ("| makeresults | regex x!=*a", "*a"),
    ('| makeresults | eval y=if(match(x, "(unclosed"), 1, 0)', '"(unclosed"'),
    ('| makeresults | eval y=replace(x, "a)", "b")', '"a)"'),
    ('| makeresults | eval i=mvfind(x, "*a")', '"*a"'),
    ('| makeresults | eval y=mvfilter(match(x, "a\\\\"))', '"a\\\\"'),
    ('| makeresults | where match(x, "(?<n>a)\\k<m>")', '"(?<n>a)\\k<m>"'),
    ('| makeresults | makemv tokenizer="([^,]+" x', '"([^,]+"'),
    ('| makeresults | stats count(eval(match(x, "[a"))) as n', '"[a"'),
    ('| makeresults | regex x="[z-a]"', '"[z-a]"'),
    ('| makeresults | rex field=x "(?<n>\\d+)-(?<n>\\w+)"', '"(?<n>\\d+)-(?<n>\\w+)"'),
    ('| makeresults | eval y=replace(x, "[\\w-.]+", "")', '"[\\w-.]+"'),
    ('| makeresults | eval y=match(x, "{2}a")', '"{2}a"'),
])
def test_an_invalid_literal_is_a_syntax_error_at_the_pattern(search: str, pattern: str) -> None:
    (problem,) = check(search)
    assert isinstance(problem, SplSyntaxError) and "invalid regular expression" in problem.message
    assert problem.offset == search.index(pattern)


def test_every_broken_pattern_is_reported_in_one_check() -> None:
    search = '| makeresults | rex "(?<a>" | eval b=match(x, "[") | regex c="d)"'
    problems = check(search)
    assert [p.offset for p in problems] == [search.index('"(?<a>"'), search.index('"["'), search.index('"d)"')]
    assert all(isinstance(p, SplSyntaxError) for p in problems)


def test_a_calculated_field_with_a_broken_literal_is_a_syntax_error() -> None:
    with pytest.raises(SplSyntaxError, match="unmatched closing parenthesis") as info:
        parse_eval_text('replace(Image, "^a)", "")', "EVAL-process_name")
    assert info.value.offset == len("replace(Image, ")


@pytest.mark.parametrize("search", [
    '| makeresults | eval y=match(x, pattern)',  # a field
    '| makeresults | eval y=match(x, "(" . suffix)',  # computed
    '| makeresults | eval y=replace(x, "\\cA", "")',  # valid PCRE the engine cannot run: left to run time
    '| makeresults | eval y=match(x, "{,2}a")',  # a literal before PCRE2 10.43, nothing to repeat since
])
def test_patterns_that_are_not_certainly_broken_literals_parse(search: str) -> None:
    assert check(search) == []


def test_a_literal_the_engine_cannot_run_is_unsupported_in_rex() -> None:
    """rex compiles its pattern when parsed; valid PCRE the translation lacks is neither a syntax error nor
    "invalid": it is unsupported, which validate leaves alone (valid SPL the engine does not run)."""
    (problem,) = check('| makeresults | rex field=x "(?<y>\\cA)"')
    assert isinstance(problem, SplUnsupportedError) and "this engine cannot compile it" in problem.message


def test_run_time_behaviour_is_unchanged() -> None:
    """Valid literals run as before; a broken pattern held in a field fails when evaluated, not when parsed."""
    engine = make_engine([event(NOW - 1, x="a-1 b-22", p="(unclosed")])
    assert rows(engine, '* | eval m=if(match(x, "b-\\d+$"), 1, 0), r=replace(x, "(\\w)-(\\d+)", "\\2\\1") '
                        '| rex field=x "b-(?<n>\\d+)" | regex x="^a" | table m r n') == [
        {"m": 1, "r": "1a 22b", "n": "22"}]
    parse('* | eval m=match(x, p)')
    with pytest.raises(SplRuntimeError, match=r"invalid regular expression '\(unclosed'"):
        rows(engine, "* | eval m=match(x, p)")


@pytest.mark.parametrize(("pattern", "message"), [
    ("(?<n>a)(?<n>b)", "two named subpatterns have the same name"),
    ("(?|(?<n>a)|(?<m>b))", "different names for subpatterns of the same number are not allowed"),
    ("[a-\\d]", "invalid range in character class"),
    ("[\\w-.]", "invalid range in character class"),
    ("a{65536}", "number too big in {} quantifier"),
])
def test_a_pattern_the_regex_package_runs_but_pcre_refuses_is_invalid(pattern: str, message: str) -> None:
    """The ``regex`` package compiles these (it allows a name twice, reads a "-" next to \\w literally); PCRE2
    refuses them, and so Splunk refuses the search: the engine calls them invalid rather than running them, when
    the search is parsed for a literal and when evaluated for a pattern held in a field."""
    regex.compile(translate_pcre(pattern))  # the translation alone would run it
    with pytest.raises(SplRuntimeError, match=message):
        compile_pcre(pattern)
    engine = make_engine([event(NOW - 1, x="ab", p=pattern)])
    with pytest.raises(SplRuntimeError, match=rf"invalid regular expression .*: {message}"):
        rows(engine, "* | eval m=match(x, p)")


@pytest.mark.parametrize(("pattern", "message"), [
    ("[z-a]", "range out of order in character class"),
    ("[\\x7f-\\x01]", "range out of order in character class"),
    ("[a-[:digit:]]", "invalid range in character class"),
    ("{2}a", "quantifier does not follow a repeatable item"),
    ("a|{2,3}", "quantifier does not follow a repeatable item"),
])
def test_a_pattern_pcre_and_the_regex_package_refuse_is_invalid_not_unsupported(pattern: str, message: str) -> None:
    """These failed in the translation and were called unsupported ("a mistake it cannot name for certain");
    PCRE2 refuses them, so they are invalid, with PCRE2's message."""
    with pytest.raises(SplRuntimeError, match=rf"invalid regular expression .*: {message} at position"):
        compile_pcre(pattern)


# ------------------------------------------------------------------------------ PCRE2 itself, the oracle


@functools.cache
def _pcre2() -> ctypes.CDLL:
    name = ctypes.util.find_library("pcre2-8")
    if name is None:
        pytest.fail("libpcre2-8 is not installed: these tests compare the scanner with PCRE2 itself (Debian/Ubuntu: "
                    "apt-get install libpcre2-8-0; Fedora: dnf install pcre2; macOS: brew install pcre2)")
    library = ctypes.CDLL(name)
    library.pcre2_compile_8.restype = ctypes.c_void_p
    library.pcre2_compile_8.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32,
                                        ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_size_t),
                                        ctypes.c_void_p]
    library.pcre2_code_free_8.argtypes = [ctypes.c_void_p]
    library.pcre2_get_error_message_8.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]
    library.pcre2_match_data_create_from_pattern_8.restype = ctypes.c_void_p
    library.pcre2_match_data_create_from_pattern_8.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    library.pcre2_match_data_free_8.argtypes = [ctypes.c_void_p]
    library.pcre2_match_8.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t,
                                      ctypes.c_uint32, ctypes.c_void_p, ctypes.c_void_p]
    library.pcre2_get_ovector_pointer_8.restype = ctypes.POINTER(ctypes.c_size_t)
    library.pcre2_get_ovector_pointer_8.argtypes = [ctypes.c_void_p]
    return library


def _pcre2_compile(pattern: str, *, utf: bool = True) -> tuple[int | None, int]:
    """PCRE2's compiled ``pattern`` (None when it does not compile) and its error code."""
    data = pattern.encode()
    code, offset = ctypes.c_int(), ctypes.c_size_t()
    options = 0x00080000 if utf else 0  # PCRE2_UTF
    compiled = _pcre2().pcre2_compile_8(data, len(data), options, ctypes.byref(code), ctypes.byref(offset), None)
    return compiled, code.value


def pcre2_error(pattern: str, *, utf: bool = True) -> str | None:
    """PCRE2's compile error message for ``pattern`` (in UTF mode unless told otherwise), or None when it compiles."""
    pcre2 = _pcre2()
    compiled, code = _pcre2_compile(pattern, utf=utf)
    if compiled:
        pcre2.pcre2_code_free_8(compiled)
        return None
    message = ctypes.create_string_buffer(256)
    pcre2.pcre2_get_error_message_8(code, message, len(message))
    return message.value.decode()


def pcre2_search(pattern: str, subject: str) -> str | None:
    """The text PCRE2 itself matches first for ``pattern`` (UTF mode; it must compile) in ``subject``, or None."""
    pcre2 = _pcre2()
    compiled, _ = _pcre2_compile(pattern)
    assert compiled, pattern
    match_data = pcre2.pcre2_match_data_create_from_pattern_8(compiled, None)
    text = subject.encode()
    try:
        if pcre2.pcre2_match_8(compiled, text, len(text), 0, 0, match_data, None) < 0:
            return None
        vector = pcre2.pcre2_get_ovector_pointer_8(match_data)
        return text[vector[0] : vector[1]].decode()
    finally:
        pcre2.pcre2_match_data_free_8(match_data)
        pcre2.pcre2_code_free_8(compiled)


def pcre2_compiles(pattern: str) -> bool:
    return pcre2_error(pattern) is None


def test_pcre2_agrees_with_the_examples() -> None:
    """Each named mistake is PCRE2's own first error for the pattern, in its words."""
    assert [(p, m, pcre2_error(p)) for p, m, _ in ALL_MISTAKES if pcre2_error(p) != m] == []
    assert [p for p in VALID if not pcre2_compiles(p)] == []
    assert [p for p in UNCLEAR if pcre2_compiles(p)] == []


@settings(max_examples=3000)
@given(st.lists(st.sampled_from([*"ab()[]\\*+?{}|^$:<>'=!1k2-,#xEQcR&C.z ", "(?", "(?<n>", "(?P<n>", "\\k<n>",
                                 "(?:", "[:alpha:]", "{2,1}", "(*", "(*pla:", "(?i)", "(?x)", "\\Q", "\\E", "\\1",
                                 "(?P=n)", "(?#", "(?(1)", "(?|", "\\x{41}", "(*SKIP)", "[]]", "[^]",
                                 # reversed and class-ended ranges, repeated names, leading braces
                                 "z-a", "\\x7f-", "\\x01", "\\n", "\\cA", "\\d", "\\N{U+41}", "(?<m>", "(?'n'", "(?J)",
                                 "(?n)", "{2}", "{2,}", "{2,3}", "{,3}", "{ 2}", "(?(R)"]),
                max_size=12).map("".join))
def test_a_certain_mistake_is_one_pcre2_refuses(pattern: str) -> None:
    """Property: the scanner never calls a pattern PCRE2 compiles a mistake (so validate never rejects it)."""
    if certain_mistake(pattern) is not None:
        assert not pcre2_compiles(pattern)


# PCRE2's limit on the size of the compiled program, not a mistake in the pattern's structure: a group repeated
# 65,535 times is copied that many times (`(){65535}`), a character is not (`a{65535}` compiles). The scanner
# makes no claim about it (its docstring); hypothesis found it once, on a random run.
_TOO_LARGE = "regular expression is too large"


def _agrees_with_pcre2(pattern: str) -> None:
    """The scanner names a mistake exactly when PCRE2 refuses ``pattern``, with PCRE2's message; a pattern PCRE2
    refuses only for its compiled size is one the scanner says nothing of."""
    mistake = certain_mistake(pattern)
    refused = pcre2_error(pattern)
    assert (mistake.message if mistake else None) == (None if refused == _TOO_LARGE else refused)


def test_a_pattern_too_large_to_compile_is_left_to_run_time() -> None:
    assert pcre2_error("(){65535}") == _TOO_LARGE and pcre2_error("a{65535}") is None
    _agrees_with_pcre2("(){65535}")


# Class members whose code point the scanner knows (ASCII, escapes naming one code) and sets (\d, [:alpha:], \pL);
# a "-" joins two of them into a range wherever PCRE2 reads it so (not first, not last, not right after a range).
_MEMBERS = ["a", "z", "A", "0", "9", "%", "(", "{", "-", "-", "-", "-", "\\n", "\\t", "\\x41", "\\x7f",
            "\\x{263A}", "\\101", "\\7", "\\8", "\\cA", "\\cz", "\\b", "\\-", "\\\\", "\\]", "\\d", "\\W", "\\h",
            "[:alpha:]", "[:^digit:]", "\\pL", "\\p{Lu}", "\\P{^Nd}"]


@settings(max_examples=600)
@given(st.sampled_from(["[", "[^", "x["]), st.lists(st.sampled_from(_MEMBERS), min_size=1, max_size=6).map("".join))
def test_class_ranges_are_caught_as_pcre2_refuses_them(opening: str, members: str) -> None:
    """Property, both ways, over classes of known members and ranges (reversed, or ending in \\d or a POSIX
    class): a mistake exactly when PCRE2 refuses the class, in PCRE2's words."""
    _agrees_with_pcre2(f"{opening}{members}]")


# Quoted members (a quoted "-" or "]" too, an unterminated \Q), \E and empty \Q\E, beside plain members and "-"; the
# openings put \E, \Q\E and "^" before the first member, where a "]" is a member. No sets: next to \E, PCRE2
# releases read a "-" after a set differently (VERSION_DEPENDENT_CLASSES).
_QUOTED_MEMBERS = ["a", "z", "%", "-", "-", "-", "]", "\\x41", "\\Q", "\\E", "\\Q\\E", "\\Qz\\E", "\\Qa-\\E", "\\Q-\\E",
                   "\\Q]\\E", "\\Q\\\\E", "\\Qz-a\\E"]


_QUOTED_CLASSES = st.tuples(st.sampled_from(["[", "[^", "[\\Q\\E", "[\\E^", "[^\\Q\\E", "x["]),
                            st.lists(st.sampled_from(_QUOTED_MEMBERS), min_size=1, max_size=6).map("".join),
                            st.sampled_from(["]", "](?<n>b)"])).map("".join)


@settings(max_examples=600)
@given(_QUOTED_CLASSES)
def test_quoted_class_members_are_read_as_pcre2_reads_them(pattern: str) -> None:
    """Property, both ways: ranges with quoted ends or across \\E and empty \\Q\\E, and where the class ends (a "]"
    first after \\Q\\E is a member), are found as PCRE2 finds them, in its words."""
    _agrees_with_pcre2(pattern)


@settings(max_examples=300)
@given(_QUOTED_CLASSES)
def test_the_engine_runs_quoted_classes_as_pcre2_does(pattern: str) -> None:
    """Property: a class PCRE2 compiles either runs in the engine matching what PCRE2 matches, or is unsupported
    (never a silently different class: the translation reads quotes, and where a class ends, as PCRE2 does)."""
    assume(pcre2_compiles(pattern))
    try:
        compiled = compile_pcre(pattern)
    except SplUnsupportedError:
        return
    for subject in ["a", "z", "A", "x", "-", "]", "%", "\\", "Q", "E", "^", "<", "P", "n", "xa", "b]"]:
        found = compiled.search(subject)
        assert (found.group(0) if found else None) == pcre2_search(pattern, subject), subject


@pytest.mark.parametrize("pattern", [r"[%-\x41--a]", r"[%-\101--a]", r"[a\x41-]", r"[\0-\x41]", r"[\x41-\x5a--a]",
                                     r"[^\x30-\x39--/]"])
def test_a_multi_character_escape_is_one_class_member(pattern: str) -> None:
    r"""Found by the property above: \x41 (or octal \101) in a class was read as \x, 4 and 1, so a "-" after it
    was taken for the wrong kind ([%-\x41--a] lost the range from "-" to "a", which holds "]" and "B"). PCRE2 reads
    the whole escape as one member; the engine must match what libpcre2 matches."""
    compiled = compile_pcre(pattern)
    for subject in ["-", "]", "a", "b", "B", "%", "1", "4", "A", "Z", "/", "0"]:
        found = compiled.search(subject)
        assert (found.group(0) if found else None) == pcre2_search(pattern, subject), subject


def test_a_non_ascii_range_is_out_of_order_only_when_both_readings_say_so() -> None:
    """Without UTF mode PCRE2 reads a non-ASCII character as its UTF-8 bytes: in [é-è] the range is then 0xa9-0xc3,
    in order, while code points (UTF mode) put it out of order. Splunk's documentation does not say which mode it
    uses, so the scanner leaves such a range to run time."""
    assert pcre2_error("[é-è]") == "range out of order in character class"
    assert pcre2_error("[é-è]", utf=False) is None
    assert certain_mistake("[é-è]") is None


_NON_ASCII_ENDS = ["a", "z", "\\x41", "\\xb0", "\\xe9", "\\xff", "\\x{100}", "\\x{263A}", "é", "è", "ß", "Ā", "☺", "😀",
                   "\\Qé\\E"]


@settings(max_examples=600)
@given(st.sampled_from(["", "^", "x"]), st.sampled_from(_NON_ASCII_ENDS), st.sampled_from(_NON_ASCII_ENDS))
def test_non_ascii_ranges_are_caught_when_pcre2_refuses_them_either_way(before: str, low: str, high: str) -> None:
    """Property, both ways: a range with a non-ASCII end is a mistake exactly when PCRE2 refuses it read as UTF-8
    and read as bytes, in PCRE2's (UTF mode) words."""
    pattern = f"[{before}{low}-{high}]"
    refused = pcre2_error(pattern) is not None and pcre2_error(pattern, utf=False) is not None
    mistake = certain_mistake(pattern)
    assert (mistake.message if mistake else None) == (pcre2_error(pattern) if refused else None)


# Groups named n or m, plain groups and branch resets (same or other names per alternative), nested or in a row.
_GROUPS = ["(?<n>a)", "(?<m>b)", "(?'n'c)", "(?P<m>d)", "(e)", "|", "(?:(?<n>f))", "(?<n>(?<m>g))",
           "(?|(?<n>a)|(?<n>b))", "(?|(?<n>a)|(?<m>b))", "(?|(a)|(?<n>b))", "(?|(?<m>a)(b)|(c)(?<n>d))", "(?|(x)|(y)(z))"]


@settings(max_examples=600)
@given(st.sampled_from(["", "", "(?J)"]), st.lists(st.sampled_from(_GROUPS), min_size=1, max_size=4).map("".join),
       st.lists(st.sampled_from(_GROUPS), max_size=2).map("".join), st.booleans())
def test_group_names_are_caught_as_pcre2_refuses_them(options: str, first: str, second: str, reset: bool) -> None:
    """Property, both ways: a name used for two group numbers (unless (?J) allows it) or two names for one number
    of a branch reset is a mistake exactly when PCRE2 refuses it, in PCRE2's words."""
    _agrees_with_pcre2(options + (f"(?|{first}|{second})" if reset else first + second))


# Items, each with up to two quantifiers, and items that stand for nothing (empty \Q\E, \E, a comment); "*" and "?"
# only come second, as "(*" and "(?" would open something else.
@settings(max_examples=600)
@given(st.sampled_from(["", "", "\\Q\\E", "(?#c)"]),
       st.sampled_from(["", "+", "{2}", "{2,}", "{2,3}", "{3,2}", "{2}?", "{65536}"]),
       st.lists(st.tuples(st.sampled_from(["a", "[a]", "(", "(?:", "(?<n>", ")", "|", "\\Q\\E", "\\E", "(?#c)",
                                           "^", "$", "\\b", "\\K", "(?i)", "(*SKIP)"]),
                          st.sampled_from(["", "", "+", "{2}", "{2,}", "{0,3}", "{3,2}", "{2}+", "{65535}",
                                           "{1,65536}", "{0065535}", "{70000,2}"]),
                          st.sampled_from(["", "", "*", "?", "+", "{2}", "*?", "?+", "{3,2}", "{,3}", "\\Q\\E*"])),
                max_size=6).map(lambda items: "".join(item + first + (second if first else "")
                                                      for item, first, second in items)))
def test_quantifiers_with_nothing_to_repeat_are_caught_as_pcre2_refuses_them(prefix: str, leading: str,
                                                                            items: str) -> None:
    """Property, both ways: a quantifier ({n}, {n,}, {n,m}, *, + or ?) at the start (after nothing but an empty
    \\Q\\E or a comment), after "(", after "|", after another quantifier (lazy or possessive suffix included) or
    after an item that matches no character (^, $, \\b, \\K, (?i), a verb) is a mistake exactly when PCRE2 refuses
    it, in PCRE2's words."""
    _agrees_with_pcre2(prefix + leading + items)
