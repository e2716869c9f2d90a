"""Splunk regular expressions (PCRE) run on the ``regex`` engine: the one place where dialects are reconciled
and where every match is bounded in time.

Splunk's ``rex``, ``regex``, ``match()``, ``replace()`` and ``mvfind()`` take PCRE patterns
(https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/regex). Python's ``re`` is
close enough for the patterns detections use once a few spellings are translated:

* named groups ``(?<name>...)`` and ``(?'name'...)`` become ``(?P<name>...)`` (lookbehinds ``(?<=``/``(?<!``
  are left alone);
* named back-references ``\\k<name>``, ``\\k'name'``, ``\\k{name}`` and ``(?P=name)`` become ``(?P=name)``;
* ``\\z`` (PCRE: very end) becomes Python's ``\\Z``; PCRE's ``\\Z`` (end, or before a final newline) becomes
  ``(?=\\n?\\Z)``; ``\\h``/``\\v`` (horizontal/vertical space) become PCRE2's code point lists, ``\\H``/``\\V``
  their complements;
* escapes and braces the ``regex`` package reads otherwise (``\\g``, ``\\N``, ``\\m``, ``{,2}``, ``{ 2}``) are
  refused as unsupported (:func:`_refuse_escape`, ``_LOOSE_BRACE``); ``{,}`` is literal text, as in PCRE2;
* ``\\Q...\\E``, ``\\x{HHHH}``, POSIX classes and mid-pattern inline flags (see :func:`translate_pcre`).

Why the ``regex`` package rather than ``re``: it takes a per-call ``timeout``, so a backtracking pattern
(``search _raw=*e*e*e*zzz``) ends with a clear error instead of running for minutes; RE2 bindings would be
linear-time but refuse lookarounds and back-references that PCRE patterns use. Measured side by side in
``benchmarks/bench_regex.py``. The spelling translation below stays (``regex`` follows Python's syntax).
A pattern PCRE certainly refuses is reported as invalid (:class:`SplRuntimeError`) even when the translation would
compile it (``regex`` accepts duplicate group names and ``[a-\\d]``); anything else that cannot compile is
unsupported (:func:`compile_pcre`), naming the pattern, never a traceback. A pattern written in the search itself
(a quoted literal) that is certainly not PCRE is a syntax error found when the search is parsed
(:func:`compile_literal`).

Replacement strings (``replace()``, ``rex mode=sed``) use ``\\1``..``\\9`` for groups and ``\\\\`` for a
backslash (https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions);
:func:`expand_replacement` applies them without Python's own ``\\g<>``/escape rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache

import regex

from contentpack.spl import limits
from contentpack.spl.answers import UNKNOWN, Answers
from contentpack.spl.errors import SplRuntimeError, SplSyntaxError, SplUnsupportedError
from contentpack.spl.pcre_syntax import certain_mistake, class_opening

_GROUP_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# PCRE2 (pcre2pattern, "Generic character types"): \h and \v are these code points in UTF mode, with or without
# UCP; the ``regex`` package reads \v as the vertical tab alone and has no \h, \H or \V.
_HORIZONTAL = r"\t \xa0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000"
_VERTICAL = r"\n\x0b\f\r\x85\u2028\u2029"
_SPACE_TYPES = {"h": _HORIZONTAL, "v": _VERTICAL}
# POSIX classes as class members, (the class, its negation [:^name:]), as PCRE2 reads them with UCP set
# (pcre2pattern, "POSIX character classes": "[:alpha:] becomes \p{L}" ... "Negated versions, such as [:^alpha:]
# use \P instead of \p"), the mode the engine's Unicode-aware \w, \d and \s assume (docs/spl_engine.md);
# ``[:punct:]`` "matches all characters that have the Unicode P (punctuation) property, plus those characters
# with code points less than 256 that have the S (Symbol) property"; ``[:xdigit:]`` and ``[:ascii:]`` are not
# changed by UCP. None: no member list says it here (the negation of a union, and ``[:graph:]``/``[:print:]``,
# whose UCP rules exclude single code points), refused as unsupported rather than read as ASCII.
_LATIN1_SYMBOLS = "".join(re.escape(chr(c)) for c in range(256) if unicodedata.category(chr(c)).startswith("S"))
_POSIX_CLASSES: dict[str, tuple[str | None, str | None]] = {
    "alpha": (r"\p{L}", r"\P{L}"), "lower": (r"\p{Ll}", r"\P{Ll}"), "upper": (r"\p{Lu}", r"\P{Lu}"),
    "digit": (r"\p{Nd}", r"\P{Nd}"), "cntrl": (r"\p{Cc}", r"\P{Cc}"), "word": (r"\w", r"\W"),
    "alnum": (r"\p{L}\p{N}", None), "space": (r"\p{Z}\t\n\x0b\f\r", None), "blank": (_HORIZONTAL, None),
    "punct": (r"\p{P}" + _LATIN1_SYMBOLS, None),
    "xdigit": ("0-9A-Fa-f", r"\x00-/:-@G-`g-\U0010ffff"), "ascii": (r"\x00-\x7f", r"\x80-\U0010ffff"),
    "graph": (None, None), "print": (None, None),
}
# A brace PCRE2 and the ``regex`` package may read differently: anything but {n}, {n,}, {n,m}. Spaced ones ({ 2},
# {2, 3}) and {,m} are literal text before PCRE2 10.43 and quantifiers since (``regex``: {,m} a quantifier, spaced
# ones text); {,} is text to PCRE2, a quantifier to ``regex``.
_LOOSE_BRACE = re.compile(r"\{[ \t]*\d*[ \t]*(?:,[ \t]*\d*[ \t]*)?\}")
_QUANTIFIER = re.compile(r"\{\d+(?:,\d*)?\}")
_INLINE_FLAGS = re.compile(r"\(\?([imsx]*)(?:-([imsx]+))?\)")
_HEX_BRACED = re.compile(r"\\x\{([0-9A-Fa-f]{1,6})\}")
# An escape as PCRE2 reads it in a class: \xhh (up to two digits), \o{...}, octal \ddd, \cX, a \p/\P property,
# \N{U+...}, else the escaped character.
_CLASS_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{0,2}|o\{[^}]*\}|[0-7]{1,3}|c.|[pP](?:\{[^}]*\}|.)|N\{[^}]*\}|.)", re.S)


def translate_pcre(pattern: str) -> str:
    """The Python ``re`` spelling of a PCRE pattern (see the module docstring for what changes).

    Besides group syntax it handles ``\\Q...\\E`` literal runs, ``\\x{HHHH}`` code points, POSIX classes
    (``[[:alpha:]]``) and inline flags in mid-pattern (``a(?i)b``), which Python only accepts scoped: the
    flags then apply to the rest of the enclosing group, as in PCRE. Classes are read as PCRE2 reads them: where
    they start (:func:`~contentpack.spl.pcre_syntax.class_opening`) and which ``-`` joins a range (``[--a]`` is
    the range from ``-`` to ``a``; Python's parser, which reserves ``--``, gets every other ``-`` escaped).
    """
    out: list[str] = []
    pending: list[int] = [0]  # per open group: scoped-flag groups to close when the group closes
    i = 0
    n = len(pattern)
    in_class = False
    # In a class, as PCRE2 reads it: a "-" now joins the member before it to the next one (that member stands alone:
    # it neither ended a range nor is a set), and the next member ends a range. Every other "-" is written escaped.
    joinable = closing = False
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt == "Q":
                stop = pattern.find("\\E", i + 2)
                literal = pattern[i + 2 :] if stop == -1 else pattern[i + 2 : stop]
                out.append("".join("\\" + c if c in "]\\^-" else c for c in literal) if in_class else re.escape(literal))
                if in_class and literal:
                    joinable, closing = len(literal) > 1 or not closing, False
                i = n if stop == -1 else stop + 2
                continue
            if nxt == "E":  # a stray \E ends nothing
                i += 2
                continue
            braced = _HEX_BRACED.match(pattern, i)
            if braced:
                out.append(f"\\U{int(braced.group(1), 16):08x}")
                joinable, closing = not closing, False
                i = braced.end()
                continue
            if not in_class and nxt == "k" and i + 2 < n and pattern[i + 2] in "<'{":
                close = {"<": ">", "'": "'", "{": "}"}[pattern[i + 2]]
                end = pattern.find(close, i + 3)
                name = pattern[i + 3 : end] if end != -1 else ""
                if end != -1 and _GROUP_NAME.fullmatch(name):
                    out.append(f"(?P={name})")
                    i = end + 1
                    continue
            if nxt in "gNmMuUL":
                _refuse_escape(pattern, i)
            if nxt == "z" and not in_class:
                out.append(r"\Z")
            elif nxt == "Z" and not in_class:
                out.append(r"(?=\n?\Z)")
            elif nxt in "hv":
                out.append(_SPACE_TYPES[nxt] if in_class else f"[{_SPACE_TYPES[nxt]}]")
            elif nxt in "HV" and not in_class:
                out.append(f"[^{_SPACE_TYPES[nxt.lower()]}]")
            elif in_class:  # one member, however long its escape (\x41, \101, \o{101}, \cA, \p{L}): the range state
                escape = _CLASS_ESCAPE.match(pattern, i)  # moves once for it, not once per character
                end = escape.end() if escape else i + 2
                out.append(pattern[i:end])
                joinable, closing = not closing, False
                i = end
                continue
            else:
                out.append(pattern[i : i + 2])
            joinable, closing = not closing, False
            i += 2
            continue
        if in_class:
            if ch == "[" and pattern.startswith("[:", i):
                stop = pattern.find(":]", i + 2)
                name = pattern[i + 2 : stop] if stop != -1 else ""
                if name.removeprefix("^") in _POSIX_CLASSES:
                    member = _POSIX_CLASSES[name.removeprefix("^")][name.startswith("^")]
                    if member is None:
                        raise regex.error(f"PCRE2 with UCP reads [:{name}:] by rules this engine does not follow",
                                          pattern, i)
                    out.append(member)
                    joinable = closing = False
                    i = stop + 2
                    continue
            if ch == "]":
                in_class = False
            elif ch == "-" and joinable and not pattern.startswith("]", i + 1):
                joinable, closing = False, True  # a range; before "]" (or "\\E]") Python too reads "-" literally
            else:
                if ch in "-[" or (ch in "&~|" and i > 0 and pattern[i - 1] == ch):
                    # Literal in a PCRE class; Python reserves "[", "--", "&&", "~~", "||" for set syntax.
                    ch = "\\" + ch
                joinable, closing = not closing, False
            out.append(ch)
            i += 1
            continue
        if ch == "{":
            brace = _LOOSE_BRACE.match(pattern, i)
            if brace and not _QUANTIFIER.fullmatch(brace.group()):
                if any(c.isdigit() for c in brace.group()):
                    raise regex.error(f"the brace {brace.group()!r} is literal text before PCRE2 10.43 and a "
                                      f"quantifier since; which one Splunk's PCRE2 reads no page says", pattern, i)
                out.append(re.escape(brace.group()))  # literal in PCRE2 ({,}: a quantifier to ``regex``)
                i = brace.end()
                continue
        if ch == "[":
            in_class = True
            negated, i = class_opening(pattern, i + 1)  # past \E, \Q\E and "^", as PCRE2 reads them
            out.append("[^" if negated else "[")
            # A ']' first is a literal member, not the end of the class.
            joinable = closing = False
            if i < n and pattern[i] == "]":
                out.append("]")
                joinable, i = True, i + 1
            continue
        if ch == "(":
            flags = _INLINE_FLAGS.match(pattern, i)
            if flags and (i > 0 or flags.group(2)):
                on, off = flags.group(1), flags.group(2)
                out.append(f"(?{on}{'-' + off if off else ''}:")
                pending[-1] += 1
                i = flags.end()
                continue
            rest = pattern[i + 2 :] if pattern.startswith("(?", i) else ""
            if rest[:1] in ("<", "'") and rest[1:2] not in ("=", "!"):
                close = ">" if rest[0] == "<" else "'"
                end = rest.find(close, 1)
                name = rest[1:end] if end != -1 else ""
                if end != -1 and _GROUP_NAME.fullmatch(name):
                    out.append(f"(?P<{name}>")
                    pending.append(0)
                    i += 2 + end + 1
                    continue
            pending.append(0)
            out.append(ch)
            i += 1
            continue
        if ch == ")":
            out.append(")" * (pending.pop() if len(pending) > 1 else 0))
        out.append(ch)
        i += 1
    out.append(")" * pending[0])
    return "".join(out)


def _refuse_escape(pattern: str, at: int) -> None:
    """Refuse an escape whose PCRE meaning the ``regex`` package would silently replace with another: ``\\g``
    (PCRE2: a back-reference \\g1, \\g{-1}, or a subroutine call \\g<1>; to ``regex`` a literal g or a
    back-reference), ``\\N`` (any character but a newline, \\N{U+41} a code point; to ``regex`` a Unicode name),
    and ``\\m``, ``\\M``, ``\\u``, ``\\U``, ``\\L`` (errors to PCRE2; word boundaries, code points and named
    lists to ``regex``). Raised as the ``regex`` error :func:`compile_pcre` reports as unsupported."""
    raise regex.error(f"PCRE reads \\{pattern[at + 1]} otherwise than this engine's regex package", pattern, at)


# The answers of the matches made so far, by pattern, text and regex budget: a match is a function of the pattern
# and the text alone. Kept per budget: a match that stopped (past the budget, out of memory) is not kept, so it
# stops again under the same budget, and an answer found under a generous budget does not stand in for the error
# a smaller one gives.
_SEARCHED = Answers()
_SUBSTITUTED = Answers()
_FOUND_ALL = Answers()


class Pcre:
    """A compiled pattern whose every match runs under the search's regex time budget.

    Why a wrapper: the ``regex`` engine stops a match after ``timeout`` seconds, but only when every call
    passes it; this is the one place that does, and that turns the timeout into an :class:`SplRuntimeError`
    naming the pattern, the command and the column.
    """

    __slots__ = ("pattern", "compiled", "offset", "command")

    def __init__(self, pattern: str, compiled: regex.Pattern[str], offset: int | None = None,
                 command: str | None = None) -> None:
        self.pattern = pattern
        self.compiled = compiled
        self.offset = offset
        self.command = command

    @property
    def groups(self) -> int:
        return self.compiled.groups

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self.compiled.groupindex

    def _stopped(self, exc: TimeoutError | MemoryError) -> SplRuntimeError:
        """The match the ``regex`` engine gave up: past the time budget, or out of memory. The second is a
        recursion that matches nothing before it recurses (``(?R)``, ``(?1)`` first in their group): the engine
        grows its stack to about 600 MB and raises MemoryError, which reached the user as "a value is past what
        this command can compute" at column 1; PCRE2 stops it with "nested recursion at the same subject
        position" (PCRE2_ERROR_RECURSELOOP)."""
        if isinstance(exc, MemoryError):
            return SplRuntimeError(
                f"regular expression {_shown(self.pattern)!r} ran out of memory on one value (a recursion that "
                "matches nothing before it recurses, such as (?R) first in the pattern, never ends)",
                offset=self.offset, command=self.command)
        seconds = limits.current().limits.regex_seconds
        return SplRuntimeError(
            f"regular expression {_shown(self.pattern)!r} took longer than the regex budget of {seconds:g} s on one value "
            "(raise Limits.regex_seconds / --max-regex-seconds)", offset=self.offset, command=self.command)

    def _remembered(self, answers: Answers, text: str, run: Callable[..., object]) -> object:
        """``run(text, timeout=...)`` under the search's regex budget, answered from ``answers`` when made before
        for this pattern, text and budget."""
        budget = limits.current().limits.regex_seconds
        key = (self.compiled, text, budget)
        found = answers.get(key, UNKNOWN)
        if found is UNKNOWN:
            try:
                found = run(text, timeout=budget or None)
            except (TimeoutError, MemoryError) as exc:
                raise self._stopped(exc) from None
            answers.put(key, len(text), found)
        return found

    def search(self, text: str) -> regex.Match[str] | None:
        return self._remembered(_SEARCHED, text, self.compiled.search)  # type: ignore[return-value]

    def match(self, text: str) -> regex.Match[str] | None:
        try:
            return self.compiled.match(text, timeout=limits.current().limits.regex_seconds or None)
        except (TimeoutError, MemoryError) as exc:
            raise self._stopped(exc) from None

    def fullmatch(self, text: str) -> regex.Match[str] | None:
        try:
            return self.compiled.fullmatch(text, timeout=limits.current().limits.regex_seconds or None)
        except (TimeoutError, MemoryError) as exc:
            raise self._stopped(exc) from None

    def finditer(self, text: str) -> list[regex.Match[str]]:
        def every(text: str, timeout: float | None) -> tuple[regex.Match[str], ...]:
            return tuple(self.compiled.finditer(text, timeout=timeout))

        return list(self._remembered(_FOUND_ALL, text, every))  # type: ignore[call-overload]  # the caller's own

    def sub(self, replace: Callable[[regex.Match[str]], str], text: str, count: int = 0) -> str:
        try:
            return self.compiled.sub(replace, text, count=count,
                                     timeout=limits.current().limits.regex_seconds or None)
        except (TimeoutError, MemoryError) as exc:
            raise self._stopped(exc) from None


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> regex.Pattern[str]:
    return regex.compile(translate_pcre(pattern))


def compile_pcre(pattern: str, *, offset: int | None = None, command: str | None = None) -> Pcre:
    """Compile a Splunk (PCRE) pattern, cached.

    A pattern holding a mistake PCRE reports (:func:`~contentpack.spl.pcre_syntax.certain_mistake`, PCRE2's
    wording) is invalid (:class:`SplRuntimeError`), checked first: the ``regex`` package would run some of them
    (``(?<n>a)(?<n>b)``, ``[a-\\d]``) where Splunk refuses the search. A pattern that otherwise does not compile
    here may be valid PCRE the translation does not cover (``\\cA``, ``(*VERB)``, callouts), so it is
    :class:`SplUnsupportedError`: the search still fails loudly, but not with a claim the engine cannot back.
    ``offset``/``command`` are passed through to the error so the caller's position reaches the user.
    """
    if not isinstance(pattern, str):
        raise SplRuntimeError(f"regular expression must be a string, not {type(pattern).__name__}", offset=offset, command=command)
    mistake = certain_mistake(pattern)
    if mistake is not None:
        raise SplRuntimeError(f"invalid regular expression {_shown(pattern)!r}: {mistake.message} at position "
                              f"{mistake.position} of the pattern", offset=offset, command=command)
    try:
        return Pcre(pattern, _compile(pattern), offset, command)
    except (regex.error, OverflowError, RecursionError) as exc:
        position = getattr(exc, "pos", None)
        where = f" at position {position}" if position is not None else ""
        raise SplUnsupportedError(
            f"regular expression {_shown(pattern)!r}: this engine cannot compile it ({getattr(exc, 'msg', exc)}"
            f"{where}): a PCRE feature it lacks, or a mistake it cannot name for certain",
            offset=offset, command=command) from None


def compile_literal(pattern: str, *, offset: int | None, command: str | None) -> Pcre:
    """:func:`compile_pcre` of a pattern written in the search, where what it calls invalid is a syntax error.

    The one parse-time check of regular-expression literals (``rex``, ``regex``, ``makemv tokenizer=``, and the
    eval functions that declare a pattern argument, e.g. ``match(x, "(a")``): Splunk refuses such a search
    before it runs, so ``validate`` reports it (CP060) rather than ``replay`` failing on it later. Only certain
    mistakes count, as :func:`compile_pcre` decides them; a pattern it calls unsupported (valid PCRE, perhaps,
    that the translation cannot handle) raises :class:`SplUnsupportedError`, which a validator leaves alone (it
    must never reject what Splunk accepts).
    """
    try:
        return compile_pcre(pattern, offset=offset, command=command)
    except SplRuntimeError as exc:  # compile_pcre's "invalid": a mistake PCRE reports too
        raise SplSyntaxError(exc.message, offset=offset, command=command) from None


def check_literal(pattern: str, *, offset: int | None, command: str | None) -> None:
    """:func:`compile_literal` where only the verdict matters (eval functions compile their pattern when they
    run): a certain mistake is a syntax error now, an unsupported pattern is left to run time."""
    try:
        compile_literal(pattern, offset=offset, command=command)
    except SplUnsupportedError:
        pass


def _shown(pattern: str) -> str:
    return pattern if len(pattern) <= 80 else pattern[:77] + "..."


def compile_plain(body: str, flags: int, shown: str) -> Pcre:
    """A pattern the engine builds itself (search wildcards, ``like``): no PCRE translation, same budget."""
    return Pcre(shown, _compile_plain(body, flags))


@lru_cache(maxsize=2048)
def _compile_plain(body: str, flags: int) -> regex.Pattern[str]:
    return regex.compile(body, flags)


def expand_replacement(match: regex.Match[str], template: str) -> str:
    """The text a PCRE-style replacement template produces for one match.

    ``\\N`` (one digit) is group N (empty when the group did not take part), ``\\\\`` a backslash; any other
    backslash sequence is kept as written (Splunk passes unknown escapes through).
    """
    out: list[str] = []
    i = 0
    n = len(template)
    while i < n:
        ch = template[i]
        if ch == "\\" and i + 1 < n:
            nxt = template[i + 1]
            if nxt.isdigit():
                index = int(nxt)
                if index <= (match.re.groups or 0):
                    out.append(match.group(index) or "")
                i += 2
                continue
            if nxt == "\\":
                out.append("\\")
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def substitute(pattern: Pcre, template: str, text: str, count: int = 0) -> str:
    """Replace matches of ``pattern`` in ``text`` using a PCRE-style ``template`` (``count=0``: all)."""
    key = (pattern.compiled, template, text, count, limits.current().limits.regex_seconds)
    found = _SUBSTITUTED.get(key, UNKNOWN)
    if found is UNKNOWN:
        found = pattern.sub(lambda m: expand_replacement(m, template), text, count=count)
        _SUBSTITUTED.put(key, len(text) + len(template), found)
    return found  # type: ignore[return-value]


def glob_fullmatch(parts: tuple[str, ...], text: str) -> bool:
    """Does ``text`` match the ``*`` pattern split into ``parts``? Leftmost-first search of each literal
    piece, which is exact for ``*``-only patterns and linear in the text (no backtracking to bound)."""
    first, last = parts[0], parts[-1]
    if len(text) < len(first) + len(last) or not text.startswith(first) or not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    for part in parts[1:-1]:
        if part:
            found = text.find(part, position, end)
            if found < 0:
                return False
            position = found + len(part)
    return True
