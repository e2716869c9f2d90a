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
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import functools
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.spl import SplRuntimeError, SplSyntaxError, SplUnsupportedError, parse
from contentpack.spl.ast import Call, Literal
from contentpack.spl.commands.multivalue import MakemvCommand
from contentpack.spl.commands.rex import RegexCommand, RexCommand
from contentpack.spl.exprparser import parse_eval_text
from contentpack.spl.parser import check, parse_pipeline
from contentpack.spl.pcre_syntax import certain_mistake
from contentpack.spl.regex import check_literal, compile_pcre

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
]

# Valid PCRE, several of which the engine's translation cannot compile (\cA, verbs, callouts, (?(R)...)).
VALID = [
    "[]a]", "[^]a]", "[(]", "\\(", "\\Q(\\E", "[\\Q]\\E]", "a(?#(c)b", "\\c)", "\\cA", "(*UTF)a", "(?C1)a",
    "(*MARK:x)a", "(*atomic:(a))", "(*pla:a)b", "(?(R)a|b)", "(?(DEFINE)(?<d>\\d))(?&d)", "(?|(a)|(b))\\1",
    "(?<n>a)(?(n)b|c)", "(?1)(a)", "(a)\\g{-1}", "(?J)(?<n>a)|(?<n>b)", "\\o{101}", "(?n)(a)", "a{,3}", "{",
    "a++b", "a*?b", "(?<=a|bc)d", "[[:^alpha:]]", "\\x{263A}", "(?x) a # a comment", "\\10",
]
# Invalid PCRE the scanner is not sure of (it names only what it fully understands): left to run time.
UNCLEAR = ["(?x) ( # a comment (", "\\k<", "\\g{-1}(a)", "x{2}{3}", "{2}a", "^*"]


@pytest.mark.parametrize(("pattern", "message", "position"), MISTAKES)
def test_certain_mistakes_are_named_at_their_position(pattern: str, message: str, position: int) -> None:
    """PCRE2's compile errors for unbalanced parentheses and brackets, nothing to repeat, a trailing backslash,
    a reference to a missing group."""
    mistake = certain_mistake(pattern)
    assert mistake is not None and (mistake.message, mistake.position) == (message, position)


@pytest.mark.parametrize("pattern", VALID + UNCLEAR)
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
    '| makeresults | eval y=match(x, "{2}a")',  # not certainly invalid
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
    return library


def pcre2_compiles(pattern: str) -> bool:
    pcre2 = _pcre2()
    data = pattern.encode()
    code, offset = ctypes.c_int(), ctypes.c_size_t()
    compiled = pcre2.pcre2_compile_8(data, len(data), 0x00080000, ctypes.byref(code), ctypes.byref(offset), None)
    if compiled:
        pcre2.pcre2_code_free_8(compiled)
    return bool(compiled)


def test_pcre2_agrees_with_the_examples() -> None:
    assert [p for p, _, _ in MISTAKES if pcre2_compiles(p)] == []
    assert [p for p in VALID if not pcre2_compiles(p)] == []
    assert [p for p in UNCLEAR if pcre2_compiles(p)] == []


@settings(max_examples=3000)
@given(st.lists(st.sampled_from([*"ab()[]\\*+?{}|^$:<>'=!1k2-,#xEQcR&C. ", "(?", "(?<n>", "(?P<n>", "\\k<n>",
                                 "(?:", "[:alpha:]", "{2,1}", "(*", "(*pla:", "(?i)", "(?x)", "\\Q", "\\E", "\\1",
                                 "(?P=n)", "(?#", "(?(1)", "(?|", "\\x{41}", "(*SKIP)", "[]]", "[^]"]),
                max_size=12).map("".join))
def test_a_certain_mistake_is_one_pcre2_refuses(pattern: str) -> None:
    """Property: the scanner never calls a pattern PCRE2 compiles a mistake (so validate never rejects it)."""
    if certain_mistake(pattern) is not None:
        assert not pcre2_compiles(pattern)
