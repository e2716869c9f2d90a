"""Which regular expressions PCRE itself refuses, for certain: the structural mistakes PCRE2 (every 10.x release)
reports when it compiles a pattern.

Why apart from the translation (:mod:`contentpack.spl.regex`): a pattern the ``regex`` package cannot compile
after :func:`~contentpack.spl.regex.translate_pcre` may still be valid PCRE the translation does not cover, and a
validator must never reject a search Splunk accepts; and the ``regex`` package compiles some patterns PCRE refuses
(duplicate group names, ``[a-\\d]``). So a pattern is called broken exactly when this scanner finds one of these
mistakes, whatever the translation does (wording as PCRE2's compile errors):

* an unclosed ``(`` or an unmatched ``)`` ("missing closing parenthesis", "unmatched closing parenthesis");
* an unclosed ``[`` class ("missing terminating ] for character class");
* ``*``, ``+``, ``?`` or ``{n}``/``{n,}``/``{n,m}`` with nothing before it to repeat (at the start, after ``(``,
  ``|``, a condition, another quantifier and its lazy/possessive suffix: ``a**``, ``a{2}{3}``, ``a*?+``, or an
  item that matches no character: ``^``, ``$``, ``\\b``, ``\\A``, ``\\K``..., an option setting ``(?i)``, a verb
  ``(*SKIP)``, a callout ``(?C1)``); a brace
  that is no quantifier in every version (``{,3}``, ``{ 2}``: literal text before PCRE2 10.43, a quantifier since)
  is left alone;
* ``{n,m}`` with n greater than m, or a number over 65,535 in a ``{}`` quantifier ("number too big in {}
  quantifier", reported before any other mistake of the quantifier);
* a ``\\`` (or ``\\c``) ending the pattern;
* a back-reference ``\\1``..``\\9``, ``\\k<name>`` or ``(?P=name)`` to a group the pattern does not have;
* a class range whose ends are out of order (``[z-a]``, ``[\\x7f-\\x01]``, ``[\\Qb\\E-a]``, ``[z\\E-a]``: "range out
  of order in character class"), or with ``\\d``-style escapes, a ``\\p`` property or a POSIX class as an end
  (``[a-\\d]``, ``[\\pL-a]``, ``[[:alpha:]-z]``: "invalid range in character class"; Perl reads that ``-``
  literally with a warning, PCRE2 refuses it). Only ends whose code point the scanner knows count: characters
  (quoted or not) and the escapes that name one code (``\\n``, ``\\x41``, ``\\101``, ``\\cA``...); a non-ASCII end
  counts only where the range is refused with and without UTF mode (see ``_Scan._check_range``);
* a group name used twice ("two named subpatterns have the same name (PCRE2_DUPNAMES not set)"), unless ``(?J)``
  allows it or both groups have the same number in a branch reset ``(?|...)``; two names for one number of a
  branch reset ("different names for subpatterns of the same number are not allowed"). Numbers are counted as
  PCRE2 does in branch resets; with ``(?n)`` (plain parentheses do not capture) and a branch reset, neither is
  checked.

Anything the scanner does not fully understand makes it answer "not certain" (None): extended mode ``(?x)``
(whitespace and ``#`` comments), a construct after ``(?`` it does not know, an unterminated ``\\k<``/``\\x{``,
a POSIX bracket it cannot delimit. It never claims a pattern is valid; it only names certain mistakes. Limits on
the compiled program ("regular expression is too large": a group repeated tens of thousands of times) are no
mistake of structure and are not judged here.
tests/spl/test_pcre_syntax.py holds it to that against libpcre2 itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Extended mode anywhere: spaces and "#..." comments may then hold any character, parentheses included.
_EXTENDED = re.compile(r"\(\?[A-Za-z^]*-?[A-Za-z]*x[A-Za-z-]*[:)]")
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_NAMED_GROUP = re.compile(rf"\(\?(?:P?<({_NAME})>|'({_NAME})')")
# A condition that names a group, a recursion, DEFINE or a version: (?(1)...), (?(<n>)...), (?(R&n)...).
_CONDITION = re.compile(rf"\(\?\((?:[+-]?\d+|<{_NAME}>|'{_NAME}'|R&{_NAME}|{_NAME}|VERSION>?=\d+(?:\.\d+)?)\)")
# Options switched on anywhere: (?J) allows duplicate names; (?n) stops plain parentheses capturing.
_DUPNAMES = re.compile(r"\(\?\^?[A-Za-z]*J")
_NO_AUTO_CAPTURE = re.compile(r"\(\?\^?[A-Za-z]*n")
_NAME_REFERENCE = re.compile(rf"\(\?P=({_NAME})\)")
_OPTION_SETTING = re.compile(r"\(\?\^?[A-Za-z]*(?:-[A-Za-z]*)?\)")  # (?i), (?-s), (?^): no group opens
_OPTION_GROUP = re.compile(r"\(\?\^?[A-Za-z]*(?:-[A-Za-z]*)?:")  # (?i: ... )
_SIMPLE_GROUP = re.compile(r"\(\?(?:[:|>=!]|<[=!])")  # (?: (?| (?> (?= (?! (?<= (?<!
_CALL = re.compile(r"\(\?(?:R|[+-]?\d+|&\w+|P>\w+|C\d*)\)")  # recursion, subroutine calls, callouts
# (*UTF), (*LIMIT_MATCH=10), (*SKIP), (*MARK:x), (*:x): self-contained; (*atomic:...), (*pla:...) open a group.
_VERB = re.compile(r"\(\*[A-Z_0-9]*(?:[:=][^)]*)?\)")
_ALPHA_ASSERTION = re.compile(r"\(\*[a-z_]+:")
_ASSERTION_ESCAPES = frozenset("bBAzZGK")
_QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d*))?\}")
_MAX_REPEAT = 65_535  # pcre2pattern, "Repetition": "The numbers must be less than 65536"
_BRACED = {"<": ">", "{": "}", "'": "'"}

# A class member that names one code point: its value is the code. \ddd is octal in a class (\8, \9: the digit).
_CODE_ESCAPE = re.compile(r"\\(?:([abefnrt])|([0-7]{1,3})|([89])|o\{([0-7]+)\}|x\{([0-9A-Fa-f]+)\}|x(?!\{)([0-9A-Fa-f]{0,2})"
                          r"|c([ -~])|([\x00-/:-@\[-`{-\x7f]))")
_SIMPLE_CODES = {"a": 0x07, "b": 0x08, "e": 0x1B, "f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09}
_CLASS_ESCAPES = "dDsSwWhHvV"  # each stands for a set of characters: never the end of a range
_POSIX_NAMES = frozenset({"alpha", "digit", "alnum", "upper", "lower", "space", "blank", "punct", "xdigit", "word",
                          "cntrl", "print", "graph", "ascii"})
# General categories, Any and L&: every PCRE2 with Unicode support knows these spellings (names are read loosely
# since 10.40 only). A property named otherwise may be unknown to PCRE2, which it reports before anything else.
_PROPERTIES = frozenset({"C", "Cc", "Cf", "Cn", "Co", "Cs", "L", "L&", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me",
                         "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk",
                         "Sm", "So", "Z", "Zl", "Zp", "Zs", "Any"})
_SET = -1  # a class member that is a set (\d, [:alpha:], \p{Lu}), not one character
_UNKNOWN = -2  # a class member the scanner cannot value (\N{U+41}, [.x.], a lone surrogate...)
_PROPERTY = -3  # \p{...} with another name: a set, but PCRE2 may first report the name unknown


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


@lru_cache(maxsize=1024)
def certain_mistake(pattern: str) -> PcreMistake | None:
    """The first certain PCRE compile error in ``pattern``, or None (valid, or not certainly invalid).

    Cached: the engine asks it each time it compiles a pattern, which eval functions do once per value."""
    if _EXTENDED.search(pattern):
        return None
    try:
        _Scan(pattern).run()
    except _Uncertain:
        return None
    except _Found as found:
        return found.mistake
    return None


@dataclass
class _Open:
    """An unclosed ``(``. In a branch reset ``(?|...)`` every alternative numbers its groups from ``first``, and
    the groups after it from the highest number any alternative reached (pcre2pattern, "Duplicate group numbers")."""

    position: int
    branch_reset: bool = False
    first: int = 0
    highest: int = 0


def _literal(ch: str) -> int:
    """The code of a class member written as itself; :data:`_UNKNOWN` for a lone surrogate (no UTF-8 for it)."""
    return _UNKNOWN if 0xD800 <= ord(ch) <= 0xDFFF else ord(ch)


def _code(match: re.Match[str]) -> int:
    """The code point a :data:`_CODE_ESCAPE` match names; :data:`_UNKNOWN` past Unicode or for a surrogate (PCRE2
    refuses those with errors of their own, which the scanner does not claim)."""
    simple, octal, digit, octal_braced, hex_braced, hex_short, control, other = match.groups()
    if simple:
        return _SIMPLE_CODES[simple]
    if digit or other:
        return ord(digit or other)
    if control:  # \cx: x upper-cased, then bit 6 flipped
        return ord(control.upper()) ^ 0x40
    value = int(octal or octal_braced, 8) if octal or octal_braced else int(hex_braced or hex_short or "0", 16)
    return value if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else _UNKNOWN


def class_opening(pattern: str, i: int) -> tuple[bool, int]:
    """Whether the class whose ``[`` is just before ``i`` is negated, and where its members start: PCRE2 skips
    ``\\E``, ``\\Q\\E`` and one ``^`` there, in any order, and then reads a ``]`` as the first member, not the end
    (``[\\Q\\E^]]`` is a negated class of ``]``; pcre2_compile.c, ``parse_regex``). The translation
    (:func:`contentpack.spl.regex.translate_pcre`) reads classes by the same rule."""
    negated = False
    while True:
        i = _past_nothing(pattern, i)
        if negated or not pattern.startswith("^", i):
            return negated, i
        negated, i = True, i + 1


def _past_nothing(pattern: str, i: int) -> int:
    """Past any ``\\E`` and empty ``\\Q\\E`` at ``i``: they stand for nothing, in a class and out of it."""
    while pattern.startswith(("\\E", "\\Q\\E"), i):
        i += 2 if pattern.startswith("\\E", i) else 4
    return i


class _Scan:
    """One left-to-right pass over a pattern, tracking open groups, captures and names, and references."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.opened: list[_Open] = []
        self.groups = 0
        self.named: list[tuple[str, int]] = []  # (name, number) of the named groups, as PCRE2 lists them
        self.references: list[tuple[int | str, int]] = []
        # Nothing repeatable right before: the start, or right after "(", "|", a condition or a quantifier (empty
        # \Q\E, a lone \E and comments do not change that).
        self.nothing = True
        self.dupnames = bool(_DUPNAMES.search(pattern))
        # Numbers are exact unless (?n) stops some parentheses capturing; only a branch reset makes them matter.
        self.exact_numbers = not (_NO_AUTO_CAPTURE.search(pattern) and "(?|" in pattern)

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
                closed = self.opened.pop()
                if closed.branch_reset:
                    self.groups = max(self.groups, closed.highest)
                i, self.nothing = i + 1, False
            elif ch == "|":
                if self.opened and self.opened[-1].branch_reset:
                    reset = self.opened[-1]
                    reset.highest, self.groups = max(reset.highest, self.groups), reset.first
                i, self.nothing = i + 1, True
            elif ch in "^$":  # assertions: a quantifier after one has nothing to repeat (`^*`)
                i, self.nothing = i + 1, True
            elif ch in "*+?":
                if self.nothing:
                    raise _Found("quantifier does not follow a repeatable item", i)
                i = self._after_quantifier(i + 1)
            elif ch == "{" and (quantifier := _QUANTIFIER.match(pattern, i)):
                low, high = quantifier.group(1), quantifier.group(2)
                if int(low) > _MAX_REPEAT or (high and int(high) > _MAX_REPEAT):  # checked first, as PCRE2 does
                    raise _Found("number too big in {} quantifier", i)
                if high and int(low) > int(high):
                    raise _Found("numbers out of order in {} quantifier", i)
                if self.nothing:
                    raise _Found("quantifier does not follow a repeatable item", i)
                i = self._after_quantifier(quantifier.end())
            else:
                i, self.nothing = i + 1, False
        if self.opened:
            raise _Found("missing closing parenthesis", self.opened[-1].position)
        for reference, position in self.references:
            if (reference not in dict(self.named)) if isinstance(reference, str) else reference > self.groups:
                raise _Found("reference to non-existent subpattern", position)

    def _after_quantifier(self, i: int) -> int:
        """Past a lazy ``?`` or possessive ``+`` suffix, which PCRE2 10.42 finds past ``\\E``, an empty ``\\Q\\E`` or a
        comment (``a*\\E?`` is lazy). A quantifier repeats no further: another one right after (``a**``,
        ``a{2}{3}``, ``a*?+``) has nothing to repeat (pcre2pattern, "Repetition")."""
        pattern = self.pattern
        j = _past_nothing(pattern, i)
        while pattern.startswith("(?#", j) and (stop := pattern.find(")", j)) > 0:
            j = _past_nothing(pattern, stop + 1)
        if j < len(pattern) and pattern[j] in "?+":
            i = j + 1
        self.nothing = True
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
        # \b, \B, \A, \z, \Z, \G and \K assert or reset, matching no character: nothing to repeat after them
        self.nothing = not in_class and nxt in _ASSERTION_ESCAPES
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
        """The index after the class opening at ``start``, checking its ranges as PCRE2 reads them (pcre2pattern,
        "Square brackets and character classes"; pcre2_compile.c, ``parse_regex``):

        * ``\\E``, ``\\Q\\E`` and one ``^`` before the first member are skipped, and a ``]`` first is a member;
        * between ``\\Q`` and ``\\E`` every character is a member, ``-`` and ``]`` too; elsewhere ``\\E`` and an
          empty ``\\Q\\E`` are nothing, so ``[z\\E-a]`` holds the range ``z-a``;
        * a ``-`` after a single member joins it to the next member; when the class ends instead, or after a
          range, or first, a ``-`` is a member itself;
        * a set (``\\d``, ``\\pL``, ``[:alpha:]``) ends no range, and starts none: a ``-`` right after it with a
          member after that is refused. Where PCRE2 releases differ the scanner is not certain: 10.42 refuses
          ``[\\d-\\E]`` and reads ``[\\d\\E-a]`` as ``\\d``, ``-``, ``a``; the rewritten class parser of later
          releases accepts the first and refuses the second."""
        pattern, n = self.pattern, len(self.pattern)
        _, i = class_opening(pattern, start + 1)
        low: tuple[int, int] | None = None  # (value, position) of a member a "-" would start a range from
        started: tuple[int, int] | None = None  # the range's first end once its "-" is read
        after_set = -1  # the index right after the last set, while nothing but \E and \Q\E follows it
        if i < n and pattern[i] == "]":
            low, i = (ord("]"), i), i + 1
        while i < n:
            ch, at = pattern[i], i
            if ch == "]":
                return i + 1
            if pattern.startswith(("\\E", "\\Q\\E"), i):
                i = _past_nothing(pattern, i)
                continue
            if pattern.startswith("\\Q", i):  # quoted members, up to \E or the end of the pattern
                stop = pattern.find("\\E", i + 2)
                members = [(_literal(pattern[j]), j) for j in range(i + 2, n if stop < 0 else stop)]
                i = n if stop < 0 else stop + 2
            elif ch == "-" and low is not None:
                started, low, i = low, None, i + 1
                continue
            else:
                if ch == "-" and started is None and 0 <= after_set < i:  # a set, \E or \Q\E, then "-"
                    stop = _past_nothing(pattern, i + 1)
                    if stop < n and pattern[stop] != "]":
                        raise _Uncertain
                value, i = self._member(i)
                members = [(value, at)]
            after_set = -1
            for value, at in members:
                if started is not None:
                    self._check_range(started, (value, at))
                    started = None
                elif value == _SET:
                    self._after_set(at, i)
                    low, after_set = None, i
                else:
                    low = (_UNKNOWN if value == _PROPERTY else value), at
        raise _Found("missing terminating ] for character class", start)

    def _check_range(self, low: tuple[int, int], high: tuple[int, int]) -> None:
        """Raises PCRE2's error for the range from ``low`` to ``high`` ((value, position) each), if certain.

        Ends are compared as code points in UTF mode, as bytes without it: a non-ASCII character written as itself
        is then its UTF-8 bytes (a range starts from the last and ends at the first), and a code over 0xff is
        refused wherever it is. Splunk's PCRE documentation does not say whether it sets UTF mode, so a range is
        out of order only when both readings refuse it (``[é-a]``, not ``[é-è]``)."""
        (low_value, low_at), (high_value, high_at) = low, high
        if _UNKNOWN in (low_value, high_value):
            return
        if high_value in (_SET, _PROPERTY):  # a set never starts a range: it is no low
            raise _Found("invalid range in character class", low_at)
        low_byte, high_byte = self._byte(low_value, low_at, -1), self._byte(high_value, high_at, 0)
        if low_value > high_value and (low_byte > high_byte or max(low_byte, high_byte) > 0xFF):
            raise _Found("range out of order in character class", low_at)

    def _byte(self, value: int, at: int, index: int) -> int:
        """The byte a range end stands for without UTF mode: ``value`` (an ASCII character or an escape), or the
        ``index`` byte of the UTF-8 of the non-ASCII character written at ``at``."""
        ch = self.pattern[at]
        return value if ch.isascii() else ch.encode()[index]

    def _after_set(self, at: int, i: int) -> None:
        """A ``-`` right after the set at ``at`` (which ends at ``i``) with a member after it is refused; with the
        class's end after it, after ``\\E`` or ``\\Q\\E``, PCRE2 releases differ (see :meth:`_class`)."""
        pattern, n = self.pattern, len(self.pattern)
        if pattern.startswith("-", i) and i + 1 < n and pattern[i + 1] != "]":
            stop = _past_nothing(pattern, i + 1)
            if stop >= n or pattern[stop] == "]":
                raise _Uncertain
            raise _Found("invalid range in character class", at)

    def _member(self, i: int) -> tuple[int, int]:
        """The class member at ``i`` (its code, :data:`_SET`, :data:`_PROPERTY` or :data:`_UNKNOWN`) and the
        index after it."""
        pattern, n = self.pattern, len(self.pattern)
        ch = pattern[i]
        if ch == "[" and i + 1 < n and pattern[i + 1] in ":.=":  # [:alpha:], [.x.], [=x=]
            stop = pattern.find(pattern[i + 1] + "]", i + 2)
            if stop < 0 or "]" in pattern[i + 2 : stop]:
                raise _Uncertain
            posix = pattern[i + 1] == ":" and pattern[i + 2 : stop].removeprefix("^") in _POSIX_NAMES
            return (_SET if posix else _UNKNOWN), stop + 2
        if ch != "\\":
            return _literal(ch), i + 1
        if escape := _CODE_ESCAPE.match(pattern, i):
            return _code(escape), escape.end()
        if i + 1 < n and pattern[i + 1] in _CLASS_ESCAPES:
            return _SET, i + 2
        end = self._escape(i, in_class=True)
        if pattern[i + 1] in "pP":  # a Unicode property, \pL or \p{Lu}
            if end == i + 2 and end < n:
                end += 1
            return (_SET if pattern[i + 2 : end].strip("{}").removeprefix("^") in _PROPERTIES else _PROPERTY), end
        return _UNKNOWN, end

    def _open(self, i: int) -> int:
        """The index after what opens at ``i`` (a group, or a self-contained ``(?...)``/``(*...)`` item)."""
        pattern = self.pattern
        if pattern.startswith("(?#", i):  # a comment: ends at the first ")"
            stop = pattern.find(")", i + 3)
            if stop < 0:
                raise _Uncertain
            return stop + 1
        if pattern.startswith("(?(", i):  # a conditional group: an assertion condition is read as a group
            condition = _CONDITION.match(pattern, i)
            if condition is None and not pattern.startswith(("(?(?", "(?(*"), i):
                raise _Uncertain
            self.opened.append(_Open(i))
            self.nothing = condition is not None
            return condition.end() if condition else i + 2
        call = _CALL.match(pattern, i)  # before option settings: (?R) reads as one too
        if call:  # a recursion or subroutine call repeats; a callout (?C...) is no item
            self.nothing = call.group().startswith("(?C")
            return call.end()
        item = _VERB.match(pattern, i) or _OPTION_SETTING.match(pattern, i)
        if item:  # a verb or an option setting matches nothing: a quantifier after it has nothing to repeat
            self.nothing = True
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
            self._name(named.group(1) or named.group(2), i)
        elif opener := (_SIMPLE_GROUP.match(pattern, i) or _OPTION_GROUP.match(pattern, i)
                        or _ALPHA_ASSERTION.match(pattern, i)):
            end = opener.end()
        else:
            raise _Uncertain
        reset = pattern.startswith("(?|", i)
        self.opened.append(_Open(i, branch_reset=reset, first=self.groups, highest=self.groups))
        self.nothing = True
        return end

    def _name(self, name: str, position: int) -> None:
        """Records the group just numbered ``self.groups`` as ``name``: one number per name unless ``(?J)`` allows
        duplicates, and one name per number. As PCRE2 does, the names met so far are checked in order and the first
        conflict is the error; a name met again with the same number (a branch reset) is not listed twice."""
        number = self.groups
        for known, known_number in self.named:
            if known == name:
                if known_number == number:
                    return
                if not self.dupnames and self.exact_numbers:
                    raise _Found("two named subpatterns have the same name (PCRE2_DUPNAMES not set)", position)
            elif known_number == number and self.exact_numbers:
                raise _Found("different names for subpatterns of the same number are not allowed", position)
        self.named.append((name, number))
