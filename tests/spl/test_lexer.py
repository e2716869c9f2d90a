"""The search-language tokenizer token by token: kinds, values and offsets at the edges of each token class.

Why pinned here: the tokenizer scans with one regex per token, and these are the cases where a regex can
disagree with a character-by-character reading (escapes inside and outside quotes, whitespace other than
space/tab/newline, ``!`` next to ``=``, a subsearch after whitespace, errors and their offsets).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.spl import errors
from contentpack.spl.errors import SplSyntaxError
from contentpack.spl.lexer import _unclosed_string, matching_bracket, split_pipeline, tokenize_search
from contentpack.spl.macros import MacroDef
from contentpack.spl.parser import parse


def kinds_and_texts(text: str, base: int = 0) -> list[tuple[str, str, int, int]]:
    return [(t.kind, t.text, t.offset, t.end) for t in tokenize_search(text, base)]


def test_each_token_class_with_offsets_from_base() -> None:
    assert kinds_and_texts('a=1 (b, "c d") != <= x', 10) == [
        ("WORD", "a", 10, 11), ("OP", "=", 11, 12), ("WORD", "1", 12, 13),
        ("LPAREN", "(", 14, 15), ("WORD", "b", 15, 16), ("COMMA", ",", 16, 17),
        ("PHRASE", "c d", 18, 23), ("RPAREN", ")", 23, 24),
        ("OP", "!=", 25, 27), ("OP", "<=", 28, 30), ("WORD", "x", 31, 32), ("EOF", "", 32, 32),
    ]


def test_operators_pair_only_the_documented_two_character_forms() -> None:
    assert [t.text for t in tokenize_search("a=<b<>c==d")][:-1] == ["a", "=", "<", "b", "<", ">", "c", "==", "d"]


def test_bang_belongs_to_a_word_unless_it_starts_not_equal() -> None:
    assert [t.text for t in tokenize_search("a! !b c!=d !")][:-1] == ["a!", "!b", "c", "!=", "d", "!"]


def test_escapes_in_words_and_phrases() -> None:
    # outside quotes \" is a quote and \\ one backslash; \* stays as written (Search Manual, "Backslashes")
    assert kinds_and_texts(r'x=*\"y\"* a\\b c\*') == [
        ("WORD", "x", 0, 1), ("OP", "=", 1, 2), ("WORD", '*"y"*', 2, 9),
        ("WORD", "a\\b", 10, 14), ("WORD", r"c\*", 15, 18), ("EOF", "", 18, 18),
    ]
    # inside quotes the same two escapes; \d keeps its backslash; \\" closes the string
    assert kinds_and_texts(r'"a\"b\d" "c\\" d') == [
        ("PHRASE", 'a"b\\d', 0, 8), ("PHRASE", "c\\", 9, 14), ("WORD", "d", 15, 16), ("EOF", "", 16, 16),
    ]


def test_only_space_tab_and_newlines_end_a_word_but_any_whitespace_separates_tokens() -> None:
    # a form feed inside a word is part of it; before a token it is skipped like a space
    assert kinds_and_texts("a\x0cb \x0c[x] \xa0c") == [
        ("WORD", "a\x0cb", 0, 3), ("SUBSEARCH", "x", 6, 8), ("WORD", "c", 10, 11), ("EOF", "", 11, 11),
    ]


def test_subsearch_skips_quoted_and_escaped_brackets() -> None:
    text = r'[search a="]" b=\"x c=[d]]'
    assert matching_bracket(text, 0) == len(text) - 1
    assert kinds_and_texts("x " + text) == [
        ("WORD", "x", 0, 1), ("SUBSEARCH", text[1:-1], 3, len(text) + 2), ("EOF", "", len(text) + 2, len(text) + 2),
    ]


@pytest.mark.parametrize(("text", "message", "offset"), [
    ('a "open', "unterminated string", 2),
    ('a "ends in a backslash\\', "unterminated string", 2),
    ("a [search b", "unterminated subsearch: missing ']'", 2),
    ("a ]", "unexpected ']'", 2),
])
def test_errors_name_the_offending_character(text: str, message: str, offset: int) -> None:
    with pytest.raises(SplSyntaxError) as caught:
        tokenize_search(text)
    assert caught.value.message == message
    assert caught.value.offset == offset
    with pytest.raises(SplSyntaxError) as shifted:  # a segment further into the search: offsets follow it
        tokenize_search(text, 100)
    assert shifted.value.offset == 100 + offset


def test_a_quote_missing_early_is_reported_at_the_string_that_runs_across_a_pipe() -> None:
    """Quotes pair in order, so the closing quote missing after ``"x`` made the error "unterminated string" at the
    quote after ``u``, two commands on, where the author broke nothing. It is now at the string's opening quote,
    naming the quote that closes it (after ``value=``) and the one left over: the mistake may be at either."""
    text = 'a="x | eval b=1 | fillnull value="u" c'
    with pytest.raises(SplSyntaxError) as caught:
        split_pipeline(text, 100)
    error = caught.value
    assert error.message == ("unterminated string: the quote here opens a string that runs across a '|' to the quote "
                             "at column 134, so the quote at column 136 is never closed (is a quote missing here?)")
    assert isinstance(error, errors.SplUnclosedQuoteError)
    assert (error.offset, error.closed_at, error.left_open) == (102, 100 + text.index('"u'), 100 + text.index('" c'))
    assert error.described(lambda offset: f"<{offset}>").message.endswith(
        "to the quote at <133>, so the quote at <135> is never closed (is a quote missing here?)")
    with pytest.raises(errors.SplUnclosedQuoteError) as parsed:  # the parser maps all three quotes to the text written
        parse("`m` " + text, {"m": MacroDef("m", (), "search index=main")})
    assert (parsed.value.offset, parsed.value.closed_at, parsed.value.left_open) == (6, 37, 39)


@pytest.mark.parametrize(("text", "runs"), [
    ('user="bob src="x"', "past 'src='"),                       # one command: no '|' to run across
    ('a=1 | search user="bob OR user="alice"', "past 'user='"),  # the last command, with no '|' after it
    ('a=1 | eval x=if(a="b, 1, 0), y="c"', "past 'y='"),
])
def test_a_quote_missing_in_the_last_command_is_reported_at_the_string_that_takes_the_next_fields_quote(
        text: str, runs: str) -> None:
    """With no ``|`` after the missing quote, no string runs across one, and the error was the plain
    "unterminated string" at the quote left over, the value's closing quote of a field the author wrote right.
    The string that ends with a field and its ``=`` has taken that value's opening quote: the error is there,
    naming the other two quotes, as for a string across a ``|``."""
    with pytest.raises(errors.SplUnclosedQuoteError) as caught:
        split_pipeline(text, 100)
    error = caught.value
    opening = text.index('"', text.index("="))
    closing, left_over = text.index('"', opening + 1), text.rindex('"')
    assert (error.offset, error.closed_at, error.left_open) == (100 + opening, 100 + closing, 100 + left_over)
    assert error.message == (f"unterminated string: the quote here opens a string that runs {runs} to the quote at "
                             f"column {101 + closing}, so the quote at column {101 + left_over} is never closed (is "
                             f"a quote missing here?)")


@pytest.mark.parametrize("text", [
    'a="x" b="1 | 2" c="open',  # a pipe inside a string, but no command name after it
    'tok="YWJj=" b="open',  # a value ending in '=' is no field: nothing before it
    'a="x" | eval b=split(c, "|") | where d="open',  # a pipe alone in a string
])
def test_an_unclosed_quote_with_no_string_across_a_pipe_stays_at_the_quote_left_over(text: str) -> None:
    with pytest.raises(SplSyntaxError) as caught:
        split_pipeline(text)
    assert type(caught.value) is SplSyntaxError
    assert (caught.value.message, caught.value.offset) == ("unterminated string", text.rindex('"'))


@pytest.mark.parametrize(("search", "quote"), [
    ("| makeresults | eval x='abc", "'abc"),  # the pipeline splitter only reads double quotes
    ("| makeresults | eval x=\"abc", '"abc'),
    ("| makeresults | where x=[ search y ", "[ sea"),
])
def test_an_error_inside_a_later_command_points_into_that_command(search: str, quote: str) -> None:
    # once an unterminated quote or subsearch in eval/where was reported at its offset inside the command's
    # own text, which pointed into an earlier command (`akere` of makeresults)
    with pytest.raises(SplSyntaxError) as caught:
        parse(search)
    assert caught.value.offset is not None
    assert search[caught.value.offset:].startswith(quote)


# ----------------------------------------------------------------------------- the tokenizer against a reference

_STOPS = ' \t\r\n()",=<>[]'
_TWO_CHARACTER_OPERATORS = ("<=", ">=", "!=", "==")


def _reference_phrase(text: str, i: int, base: int) -> tuple[str, int]:
    """The quoted string opening at text[i], one character at a time: \\" and \\\\ stand for themselves."""
    value: list[str] = []
    j = i + 1
    while True:
        if j >= len(text):
            # where the error goes (the quote left over, or an earlier string across a pipe) is the lexer's own
            # choice, tested above; the oracle checks which quote is left over
            raise _unclosed_string(text, i, base)
        ch = text[j]
        if ch == "\\" and j + 1 < len(text):
            value.append(text[j + 1] if text[j + 1] in '"\\' else text[j : j + 2])
            j += 2
        elif ch == '"':
            return "".join(value), j + 1
        else:
            value.append(ch)
            j += 1


def _reference_word(text: str, i: int) -> tuple[str, int]:
    """A word from text[i], one character at a time: \\" and \\\\ are escapes, "!=" and the stops end it."""
    value: list[str] = []
    j = i
    while j < len(text):
        ch = text[j]
        if ch == "\\" and text[j + 1 : j + 2] in ('"', "\\") and j + 1 < len(text):
            value.append(text[j + 1])
            j += 2
        elif ch in _STOPS or text.startswith("!=", j):
            break
        else:
            value.append(ch)
            j += 1
    return "".join(value), j


def reference_tokens(text: str, base: int = 0) -> list[tuple[str, str, int, int]]:
    """The search-language tokens as the lexer's docstring and the Search Manual describe them, read one
    character at a time: the oracle the regex tokenizer must agree with, token for token and error for error."""
    tokens: list[tuple[str, str, int, int]] = []
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            break
        ch = text[i]
        if ch == "[":
            end = matching_bracket(text, i, base)
            tokens.append(("SUBSEARCH", text[i + 1 : end], base + i + 1, base + end + 1))
            i = end + 1
        elif ch == "]":
            raise SplSyntaxError("unexpected ']'", offset=base + i)
        elif ch == '"':
            value, end = _reference_phrase(text, i, base)
            tokens.append(("PHRASE", value, base + i, base + end))
            i = end
        elif text.startswith(_TWO_CHARACTER_OPERATORS, i):
            tokens.append(("OP", text[i : i + 2], base + i, base + i + 2))
            i += 2
        elif ch in "<>=":
            tokens.append(("OP", ch, base + i, base + i + 1))
            i += 1
        elif ch in "(),":
            tokens.append(({"(": "LPAREN", ")": "RPAREN", ",": "COMMA"}[ch], ch, base + i, base + i + 1))
            i += 1
        else:
            value, end = _reference_word(text, i)
            tokens.append(("WORD", value, base + i, base + end))
            i = end
    tokens.append(("EOF", "", base + len(text), base + len(text)))
    return tokens


def outcome(tokenize: object, text: str, base: int) -> object:
    try:
        return [tuple(token) for token in tokenize(text, base)]  # type: ignore[operator]
    except SplSyntaxError as exc:
        return ("error", exc.message, exc.offset)


# the characters where reading by regex and reading by hand can part ways, and a few ordinary ones
LEXER_ALPHABET = 'ab1*. \t\n\r\x0c\xa0"\\[]()!=<>,|\''


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=LEXER_ALPHABET, max_size=40), st.integers(min_value=0, max_value=50))
def test_tokens_and_errors_agree_with_a_character_by_character_reading(text: str, base: int) -> None:
    assert outcome(tokenize_search, text, base) == outcome(reference_tokens, text, base)


@pytest.mark.parametrize("text", [
    'a "x[y" b [c] d', '"[" [a "]"] "]"', 'a\\"[b] c', '[a][b]"c', 'x ["unclosed', '"a\\[b" [c',
    '[a] "open', "[a] ] b", 'a!=[b] !', 'w\\\\"[q]"',
])
def test_quotes_and_brackets_around_subsearches(text: str) -> None:
    # the tokenizer reads up to each '[' in one go, so a '[' inside quotes and quotes after a subsearch are
    # where it could go wrong
    assert outcome(tokenize_search, text, 7) == outcome(reference_tokens, text, 7)
