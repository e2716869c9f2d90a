"""PCRE → Python regex translation shared by match/replace/mvfind and the rex/regex commands.
Sources: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/regex ;
https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/rex"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contentpack.spl import Engine
from contentpack.spl.errors import SplRuntimeError, SplUnsupportedError
from contentpack.spl.pcre_syntax import certain_mistake
from contentpack.spl.regex import compile_pcre, expand_replacement, substitute, translate_pcre


@pytest.mark.parametrize(
    ("pcre", "python"),
    [
        ("Scope: (?<Scope>[^,]+)", "Scope: (?P<Scope>[^,]+)"),
        ("(?'user'\\w+)", "(?P<user>\\w+)"),
        ("(?<=a)b(?<!c)", "(?<=a)b(?<!c)"),
        ("(?<w>a)\\k<w>\\k'w'\\k{w}", "(?P<w>a)(?P=w)(?P=w)(?P=w)"),
        ("end\\z", "end\\Z"),
        ("end\\Z", "end(?=\\n?\\Z)"),
        ("[(?<x>)]", "[(?<x>)]"),  # inside a character class nothing is a group
        ("[]a](?<x>b)", "[]a](?P<x>b)"),
        # PCRE2 skips \E, \Q\E and one "^" after "[", in any order; a "]" after them is still the first member
        ("[\\Q\\E](?<x>a)]", "[](?<x>a)]"),
        ("[\\E^\\Q\\E](?<x>a)]", "[^](?<x>a)]"),
        # a "-" is a range only after a single member and before anything but "]"; any other "-" is written escaped
        ("[--a]", "[\\--a]"),  # a first "-" starts the range "-" to "a"
        ("[a-z--0]", "[a-z\\--0]"),  # so does one after a range
        ("[%--]", "[%-\\-]"),
        ("[\\Q-\\E-a]", "[\\--a]"),
        ("\\(?<x>", "\\(?<x>"),  # an escaped parenthesis is not a group
        ("[[a]", "[\\[a]"),  # "[" inside a class is a literal in PCRE
    ],
)
def test_translate_pcre(pcre: str, python: str) -> None:
    """rex extracts with PCRE named groups (?<name>...), e.g. the consent detections' "Scope: (?<Scope>[^,]+)";
    Python spells them (?P<name>...). https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/rex"""
    assert translate_pcre(pcre) == python


def test_compile_pcre_named_groups_work() -> None:
    """Named groups become the extracted field names.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/rex"""
    match = compile_pcre("Scope: (?<Scope>[^,]+)").search("Permissions: [Id: 1, Scope: Mail.Read, Type: x]")
    assert match is not None and match.group("Scope") == "Mail.Read"


def test_compile_pcre_error_is_a_runtime_error_with_position() -> None:
    """A bad regex is a clear error naming the pattern and carrying the caller's position.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/regex"""
    with pytest.raises(SplRuntimeError) as info:
        compile_pcre("(?<x>a", offset=12, command="rex")
    assert "invalid regular expression '(?<x>a'" in info.value.message
    assert info.value.column == 13 and info.value.command == "rex"


def test_expand_replacement_and_substitute() -> None:
    """Replacement strings use \\1..\\9 back-references (replace(), rex mode=sed "s/(\\d+)/[\\1]/g").
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/rex"""
    pattern = compile_pcre(r"(\d+)-(\d+)")
    match = pattern.search("call 555-1234")
    assert match is not None
    assert expand_replacement(match, r"\2/\1 \\ \n") == "1234/555 \\ \\n"
    assert substitute(pattern, r"<\1>", "1-2 and 3-4") == "<1> and <3>"
    assert substitute(pattern, r"<\1>", "1-2 and 3-4", count=1) == "<1> and 3-4"
    assert expand_replacement(match, r"\9") == ""  # a group that does not exist is empty


@pytest.mark.parametrize(
    ("pcre", "text", "expected"),
    [
        (r"\w+", "jos\u00e9", "jos\u00e9"),
        (r"\d+", "\u0661\u0662", "\u0661\u0662"),  # Arabic-Indic digits
        (r"[[:word:]]+", "jos\u00e9", "jos\u00e9"),
        ("(?i)JOS\u00c9", "jos\u00e9", "jos\u00e9"),
        # every POSIX class alike (pcre2pattern, "POSIX character classes", with PCRE2_UCP: "[:alpha:] becomes
        # \p{L}", "[:digit:] becomes \p{Nd}", "[:space:] becomes \p{Xps}"...); they were ASCII beside a Unicode \w
        ("[[:alpha:]]+", "jos\u00e9", "jos\u00e9"),
        ("[[:alnum:]]+", "-\u00e91-", "\u00e91"),
        ("[[:upper:]]+", "a\u00c9B", "\u00c9B"),
        ("[[:lower:]]+", "A\u00e9b", "\u00e9b"),
        ("[[:digit:]]+", "x\u0661\u06623", "\u0661\u06623"),
        ("[[:space:]]+", "a\u00a0\u3000 b", "\u00a0\u3000 "),
        ("[[:blank:]]+", "x\u3000\t y", "\u3000\t "),
        ("[[:punct:]]+", "a\u00ab\u00bb,\u00a7b", "\u00ab\u00bb,\u00a7"),  # P, and S below 256
        ("[[:^alpha:]]+", "\u00e9a1-", "1-"),  # "Negated versions, such as [:^alpha:] use \P instead of \p"
        ("[[:xdigit:]]+", "z\u00e9Af9", "Af9"),  # unchanged by UCP
    ],
)
def test_character_types_are_unicode_aware_assumed(pcre: str, text: str, expected: str | None) -> None:
    """``assumed``: \\w, \\d, \\s, \\b and POSIX classes match non-ASCII characters, as PCRE2 does with
    PCRE2_UTF and PCRE2_UCP set (pcre2pattern(3), "Generic character types"). Without UCP, PCRE2 keeps them to
    ASCII; no Splunk document says which options Splunk compiles with. docs/spl_engine.md says so to the user;
    a change of this choice must change this test."""
    match = compile_pcre(pcre).search(text)
    assert (match.group(0) if match else None) == expected


@pytest.mark.parametrize("pcre", ["[[:graph:]]", "[[:print:]]", "[^[:^alnum:]]", "[[:^space:]]", "[[:^punct:]]"])
def test_posix_classes_pcre2_reads_by_rules_of_their_own_are_unsupported(pcre: str) -> None:
    """With PCRE2_UCP, [:graph:] and [:print:] match by rules that leave out single code points (pcre2pattern,
    "POSIX character classes": [:graph:] "matches all characters with the L, M, N, P, S, or Cf properties, except
    for: U+061C ... U+2066 - U+2069"), and a negated union ([:^alnum:], \\P{Xan}) is no list of members here:
    refused as unsupported, where the engine used to read them as ASCII (and a negated one as the ``regex``
    package's own class)."""
    with pytest.raises(SplUnsupportedError, match=r"PCRE2 with UCP reads \[:\^?\w+:\] by rules"):
        compile_pcre(pcre)


@pytest.mark.parametrize(
    ("pcre", "text", "expected"),
    [
        ("a(?i)bc", "aBC", "aBC"),
        ("a(?i)bc", "ABC", None),  # the flag applies after it only
        ("(x(?i)y)z", "xYz", "xYz"),
        ("(x(?i)y)z", "xYZ", None),  # ... and only to the rest of its group
        ("(?i)consent", "CONSENT", "CONSENT"),
        ("a(?-i)b", "ab", "ab"),
        (r"\Qa.b*c\E+", "a.b*cc", "a.b*cc"),
        (r"\Qa.b\E", "axb", None),
        (r"[\Q]-\E]+", "]-]", "]-]"),
        (r"\x{41}\x{263A}", "A\u263a", "A\u263a"),
        ("[[:digit:]]+", "ab123", "123"),
        ("[[:alpha:][:space:]]+", "ab c1", "ab c"),
        ("[^[:punct:]]+", "a,b", "a"),
    ],
)
def test_more_pcre_spellings(pcre: str, text: str, expected: str | None) -> None:
    """Splunk regexes are PCRE: inline option changes apply to the rest of the enclosing group, \\Q..\\E quotes
    literally, \\x{hh} is a code point, [:alpha:] style POSIX classes work inside brackets.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/regex"""
    match = compile_pcre(pcre).search(text)
    assert (match.group(0) if match else None) == expected


PCRE2_SPACE_TYPES = "pcre2pattern(3), \"Generic character types\" (horizontal and vertical space in UTF mode)"


@pytest.mark.parametrize(
    ("pcre", "text", "expected"),
    [
        (r"a\hb", "a\u00a0b", "a\u00a0b"),  # \h was [ \t]: the no-break space and U+2000..U+200A were missed
        (r"a[\h]b", "a\u3000b", "a\u3000b"),
        (r"a\hb", "a\nb", None),
        (r"a\vb", "a\nb", "a\nb"),  # \v was the vertical tab alone (Python's meaning): a newline did not match
        (r"a[\v]b", "a\u2028b", "a\u2028b"),
        (r"a\vb", "a b", None),
        (r"a\Hb", "axb", "axb"),  # \H and \V did not compile
        (r"a\Hb", "a\u00a0b", None),
        (r"a\Vb", "a\rb", None),
        ("a{,}", "a{,}", "a{,}"),  # literal to PCRE2; ``regex`` read {,} as {0,} and matched "a"
        ("a{}", "a{}", "a{}"),
    ],
)
def test_pcre_space_types_and_literal_braces(pcre: str, text: str, expected: str | None) -> None:
    """PCRE2's \\h is "any horizontal white space character" (U+0009, U+0020, U+00A0, U+1680, U+180E,
    U+2000-U+200A, U+202F, U+205F, U+3000), \\v "any vertical white space character" (U+000A-U+000D, U+0085, U+2028,
    U+2029), \\H and \\V their complements; "{,}" is not a quantifier (the pcre2pattern "Repetition" section).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/regex (Splunk regexes are PCRE)"""
    match = compile_pcre(pcre).search(text)
    assert (match.group(0) if match else None) == expected, PCRE2_SPACE_TYPES


@pytest.mark.parametrize(
    ("pcre", "text"),
    [
        (r"(a)\g1", "ag1"),  # PCRE2: a back-reference (matches "aa"); ``regex`` read a literal "g1"
        (r"(a)\g{-1}", "ag{-1}"),  # a relative back-reference; ``regex``: literal text
        (r"(a|b)\g<1>", "ab"),  # PCRE2: a subroutine call (matches "ab"); ``regex``: a back-reference
        (r"a\Nb", "axb"),  # PCRE2: any character but a newline; ``regex``: a Unicode name, matched nothing
        (r"\mab", "ab"),  # PCRE2 refuses \m; ``regex`` reads a word start
        ("a{,2}b", "ab"),  # literal text before PCRE2 10.43, {0,2} since: ``regex`` read {0,2}
        ("a{ 2}b", "a{ 2}b"),  # literal before 10.43, {2} since: ``regex`` read the text
        ("a{2, 3}b", "a{2, 3}b"),
    ],
)
def test_pcre_constructs_read_otherwise_by_the_regex_package_are_unsupported(pcre: str, text: str) -> None:
    """These compiled and answered with the ``regex`` package's meaning, silently unlike PCRE's (each would have
    matched ``text``); which brace Splunk's PCRE2 version reads as a quantifier no page says. Refused as unsupported.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/regex"""
    with pytest.raises(SplUnsupportedError, match="this engine cannot compile it"):
        compile_pcre(pcre).search(text)


@pytest.mark.filterwarnings("error")
@given(st.text(alphabet="ab()[]\\?<>:=!*+.{}^$|'kQEzZhx0123456789-&~", max_size=20))
def test_compile_pcre_never_raises_anything_but_spl_errors(pattern: str) -> None:
    """Property: any pattern text either compiles, or is refused as invalid (SplRuntimeError) exactly when it holds
    a mistake PCRE certainly reports, else as unsupported — never a Python exception or a warning (a literal "["
    inside a class is escaped for Python).
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/regex"""
    try:
        compile_pcre(pattern)
    except SplRuntimeError as exc:
        assert "invalid regular expression" in exc.message and certain_mistake(pattern) is not None
    except SplUnsupportedError as exc:
        assert "this engine cannot compile it" in exc.message and certain_mistake(pattern) is None


def test_a_pattern_the_engine_cannot_compile_is_invalid_only_when_pcre_would_say_so() -> None:
    """``\\cA`` (a control character) is valid PCRE the translation lacks: unsupported, not "invalid", and an
    eval function's failure keeps that class at the call's column; ``(unclosed`` is PCRE's own "missing closing
    parenthesis". https://www.pcre.org/current/doc/html/pcre2pattern.html (non-printing characters, \\cx)"""
    with pytest.raises(SplUnsupportedError, match=r"regular expression '\\\\cA': this engine cannot compile it"):
        compile_pcre("\\cA")
    with pytest.raises(SplRuntimeError, match=r"invalid regular expression '\(unclosed': missing closing parenthesis"):
        compile_pcre("(unclosed")
    engine = Engine()
    engine.register_events([{"_time": 1.0, "x": "a", "p": "\\cA"}])
    with pytest.raises(SplUnsupportedError) as refused:
        engine.search("* | eval m=match(x, p)", now=10.0)
    assert refused.value.message.startswith("match(): regular expression") and refused.value.column == 12
