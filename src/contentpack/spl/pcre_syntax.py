"""Which regular expressions PCRE itself refuses, for certain: the structural mistakes every PCRE version
reports when it compiles a pattern.

Why apart from the translation (:mod:`contentpack.spl.regex`): a pattern the ``regex`` package cannot compile
after :func:`~contentpack.spl.regex.translate_pcre` may still be valid PCRE the translation does not cover, and a
validator must never reject a search Splunk accepts. So a pattern written in a search is called broken only when
both agree: the translation fails to compile *and* this scanner finds one of these mistakes (wording as PCRE2's
compile errors):

* an unclosed ``(`` or an unmatched ``)`` ("missing closing parenthesis", "unmatched closing parenthesis");
* an unclosed ``[`` class ("missing terminating ] for character class");
* ``*``, ``+`` or ``?`` with nothing before it to repeat (at the start, after ``(`` or ``|``);
* ``{n,m}`` with n greater than m;
* a ``\\`` (or ``\\c``) ending the pattern;
* a back-reference ``\\1``..``\\9``, ``\\k<name>`` or ``(?P=name)`` to a group the pattern does not have.

Anything the scanner does not fully understand makes it answer "not certain" (None): extended mode ``(?x)``
(whitespace and ``#`` comments), a construct after ``(?`` it does not know, an unterminated ``\\k<``/``\\x{``,
a POSIX bracket it cannot delimit. It never claims a pattern is valid; it only names certain mistakes.
tests/spl/test_pcre_syntax.py holds it to that against libpcre2 itself, where the system has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Extended mode anywhere: spaces and "#..." comments may then hold any character, parentheses included.
_EXTENDED = re.compile(r"\(\?[A-Za-z^]*-?[A-Za-z]*x[A-Za-z-]*[:)]")
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_NAMED_GROUP = re.compile(rf"\(\?(?:P?<({_NAME})>|'({_NAME})')")
_NAME_REFERENCE = re.compile(rf"\(\?P=({_NAME})\)")
_OPTION_SETTING = re.compile(r"\(\?\^?[A-Za-z]*(?:-[A-Za-z]*)?\)")  # (?i), (?-s), (?^): no group opens
_OPTION_GROUP = re.compile(r"\(\?\^?[A-Za-z]*(?:-[A-Za-z]*)?:")  # (?i: ... )
_SIMPLE_GROUP = re.compile(r"\(\?(?:[:|>=!(]|<[=!])")  # (?: (?| (?> (?= (?! (?<= (?<! and (?( conditions
_CALL = re.compile(r"\(\?(?:R|[+-]?\d+|&\w+|P>\w+|C\d*)\)")  # recursion, subroutine calls, callouts
# (*UTF), (*LIMIT_MATCH=10), (*SKIP), (*MARK:x), (*:x): self-contained; (*atomic:...), (*pla:...) open a group.
_VERB = re.compile(r"\(\*[A-Z_0-9]*(?:[:=][^)]*)?\)")
_ALPHA_ASSERTION = re.compile(r"\(\*[a-z_]+:")
_QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d*))?\}")
_BRACED = {"<": ">", "{": "}", "'": "'"}


@dataclass(frozen=True)
class PcreMistake:
    """A mistake PCRE refuses to compile: its message and the 0-based position in the pattern."""

    message: str
    position: int


class _Uncertain(Exception):
    """The scanner met something it does not fully understand: it claims nothing about the pattern."""


class _Found(Exception):
    """The scanner met a certain mistake: the scan ends there."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.mistake = PcreMistake(message, position)


def certain_mistake(pattern: str) -> PcreMistake | None:
    """The first certain PCRE compile error in ``pattern``, or None (valid, or not certainly invalid)."""
    if _EXTENDED.search(pattern):
        return None
    try:
        _Scan(pattern).run()
    except _Uncertain:
        return None
    except _Found as found:
        return found.mistake
    return None


class _Scan:
    """One left-to-right pass over a pattern, tracking open groups, captures and names, and references."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.opened: list[int] = []  # positions of the unclosed "("
        self.groups = 0
        self.names: set[str] = set()
        self.references: list[tuple[int | str, int]] = []
        self.nothing = True  # nothing repeatable before: the start, or right after "(" or "|"

    def run(self) -> None:
        """Raises :class:`_Found` at the first certain mistake, :class:`_Uncertain` when it cannot tell."""
        pattern, n, i = self.pattern, len(self.pattern), 0
        while i < n:
            ch = pattern[i]
            if ch == "\\":
                i = self._escape(i, in_class=False)
            elif ch == "[":
                i, self.nothing = self._class(i), False
            elif ch == "(":
                i = self._open(i)
            elif ch == ")":
                if not self.opened:
                    raise _Found("unmatched closing parenthesis", i)
                self.opened.pop()
                i, self.nothing = i + 1, False
            elif ch == "|":
                i, self.nothing = i + 1, True
            elif ch in "*+?":
                if self.nothing:
                    raise _Found("quantifier does not follow a repeatable item", i)
                i = self._after_quantifier(i + 1)
            elif ch == "{" and (quantifier := _QUANTIFIER.match(pattern, i)):
                low, high = quantifier.group(1), quantifier.group(2)
                if high and int(low) > int(high):
                    raise _Found("numbers out of order in {} quantifier", i)
                i = self._after_quantifier(quantifier.end())
            else:
                i, self.nothing = i + 1, False
        if self.opened:
            raise _Found("missing closing parenthesis", self.opened[-1])
        for reference, position in self.references:
            if (reference not in self.names) if isinstance(reference, str) else reference > self.groups:
                raise _Found("reference to non-existent subpattern", position)

    def _after_quantifier(self, i: int) -> int:
        """Past a lazy ``?`` or possessive ``+`` suffix; whatever follows is not checked for repetition."""
        if i < len(self.pattern) and self.pattern[i] in "?+":
            i += 1
        self.nothing = False
        return i

    def _escape(self, i: int, *, in_class: bool) -> int:
        """The index after the escape at ``i``."""
        pattern, n = self.pattern, len(self.pattern)
        if i + 1 >= n:
            raise _Found("\\ at end of pattern", i)
        nxt = pattern[i + 1]
        if nxt == "Q":  # literal text up to \E (or the end)
            stop = pattern.find("\\E", i + 2)
            self.nothing = self.nothing and stop == i + 2
            return n if stop < 0 else stop + 2
        if nxt == "E":
            return i + 2
        self.nothing = False
        if nxt == "c":  # \cX: a control character, X any character
            if i + 2 >= n:
                raise _Found("\\c at end of pattern", i)
            return i + 3
        if not in_class and nxt in "123456789" and (i + 2 >= n or not pattern[i + 2].isdigit()):
            self.references.append((int(nxt), i))
            return i + 2
        if i + 2 < n and pattern[i + 2] in _BRACED and nxt in "gkpPxoNu":
            stop = pattern.find(_BRACED[pattern[i + 2]], i + 3)
            if stop < 0:
                raise _Uncertain
            name = pattern[i + 3 : stop]
            if nxt == "k" and not in_class and re.fullmatch(_NAME, name):
                self.references.append((name, i))
            return stop + 1
        return i + 2

    def _class(self, start: int) -> int:
        """The index after the class opening at ``start`` (a ``]`` first, or after ``^``, is a member)."""
        pattern, n = self.pattern, len(self.pattern)
        i = start + 1
        if i < n and pattern[i] == "^":
            i += 1
        if i < n and pattern[i] == "]":
            i += 1
        while i < n:
            ch = pattern[i]
            if ch == "\\":
                i = self._escape(i, in_class=True)
                continue
            if ch == "[" and i + 1 < n and pattern[i + 1] in ":.=":  # [:alpha:], [.x.], [=x=]
                stop = pattern.find(pattern[i + 1] + "]", i + 2)
                if stop < 0 or "]" in pattern[i + 2 : stop]:
                    raise _Uncertain
                i = stop + 2
                continue
            if ch == "]":
                return i + 1
            i += 1
        raise _Found("missing terminating ] for character class", start)

    def _open(self, i: int) -> int:
        """The index after what opens at ``i`` (a group, or a self-contained ``(?...)``/``(*...)`` item)."""
        pattern = self.pattern
        if pattern.startswith("(?#", i):  # a comment: ends at the first ")"
            stop = pattern.find(")", i + 3)
            if stop < 0:
                raise _Uncertain
            return stop + 1
        item = _VERB.match(pattern, i) or _OPTION_SETTING.match(pattern, i) or _CALL.match(pattern, i)
        if item:
            self.nothing = False
            return item.end()
        reference = _NAME_REFERENCE.match(pattern, i)
        if reference:
            self.references.append((reference.group(1), i))
            self.nothing = False
            return reference.end()
        if not pattern.startswith(("(?", "(*"), i):
            end = i + 1
            self.groups += 1
        elif named := _NAMED_GROUP.match(pattern, i):
            end = named.end()
            self.groups += 1
            self.names.add(named.group(1) or named.group(2))
        elif opener := (_SIMPLE_GROUP.match(pattern, i) or _OPTION_GROUP.match(pattern, i)
                        or _ALPHA_ASSERTION.match(pattern, i)):
            end = opener.end()
            if pattern[end - 1] == "(":  # (?( : the condition is read as a group of its own
                end -= 1
        else:
            raise _Uncertain
        self.opened.append(i)
        self.nothing = True
        return end
