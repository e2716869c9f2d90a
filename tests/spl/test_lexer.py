"""The search-language tokenizer token by token: kinds, values and offsets at the edges of each token class.

Why pinned here: the tokenizer scans with one regex per token, and these are the cases where a regex can
disagree with a character-by-character reading (escapes inside and outside quotes, whitespace other than
space/tab/newline, ``!`` next to ``=``, a subsearch after whitespace, errors and their offsets).
"""

from __future__ import annotations

import pytest

from contentpack.spl.errors import SplSyntaxError
from contentpack.spl.lexer import matching_bracket, tokenize_search
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
