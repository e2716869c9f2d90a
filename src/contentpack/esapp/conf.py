"""The one writer and the one reader of Splunk .conf files; every .conf the build emits goes through here.

Why one place: a .conf file is a line-oriented format in which a value that contains a newline could start a
new stanza (``[evil]``) or a new key (``action.script = 1``) if it were written naively. All escaping therefore
lives in :func:`encode_value`, and :func:`read_conf` reads the written text back so the builder can prove that
every stanza, key and value is exactly what it meant to write (:func:`check_round_trip`).

Syntax followed (Splunk Enterprise Admin Manual, "Configuration file structure"; the continuation rule is
how Splunk writes multi-line searches and how ESCU ships them — no Splunk page found states it, see docs/build.md):

* a stanza header is a line ``[name]``; settings are ``key = value`` lines, whitespace around ``=`` ignored;
* comments are lines whose first non-blank character is ``#`` (there are no trailing comments: a ``#`` or ``;``
  later in the line belongs to the value);
* a line ending in a backslash continues the value on the next physical line; the line break is kept in the
  value and the backslash is dropped (this is how Splunk itself writes multi-line searches);
* settings before any stanza belong to ``[default]``.

``addonfactory-splunk-conf-parser-lib`` 1.0.0 was checked and not used: it treats ``;``, ``*`` and ``rem`` lines
as comments (so ``;c = 1`` or ``*y = 2`` vanish), cuts a value at `` ;``, accepts ``:`` as a separator and keeps the
continuation backslash inside the value; each of those reads a file differently from Splunk
(tests/esapp/test_conf.py pins two of them).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from contentpack.content.conf_text import FORBIDDEN_CHARS, TRAILING_BACKSLASH

# What a value may hold is defined once, with the validator's rule (CP049) that reports it at its YAML position.
# CR is handled separately (normalised to LF) before the check runs.
_FORBIDDEN_CHARS = FORBIDDEN_CHARS
# A key Splunk can read: no whitespace, no "=", does not start like a comment or a stanza header.
_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:<>/*\-]*$")
# A physical line that a reader ignoring continuations would take for a stanza, comment or setting.
_LOOKS_STRUCTURAL = re.compile(r"^\s*[\[#;]|^[^\s=]+\s*=")


class ConfError(ValueError):
    """A value, key or stanza name that cannot be written safely, or a file that does not read back.

    The place is kept apart from what is wrong so a caller can position the problem without reading it back
    out of the text: ``file`` (None for a text checked on its own, as the builder checks a detection's fields)
    and ``line`` (a line read back); ``message`` says what is wrong, naming first the part of the file when
    there is one (``[stanza] key: …``, ``header: …``) or the text's label. ``str()`` is the whole sentence,
    ``file:line: message``, ``file [stanza] key: …`` (a stanza follows the file name after a space) or
    ``file: message``.
    """

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        super().__init__(_placed(message, file, line))
        self.message = message
        self.file = file
        self.line = line


def _placed(message: str, file: str | None, line: int | None) -> str:
    if file is None:
        return message
    if line is not None:
        return f"{file}:{line}: {message}"
    return f"{file} {message}" if message.startswith("[") else f"{file}: {message}"


@dataclass(frozen=True)
class Stanza:
    """One ``[name]`` block; ``entries`` keep the order the writer emits them in."""

    name: str
    entries: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ConfFile:
    """A whole .conf file: leading comment lines (given without ``#``) and the stanzas in order."""

    stanzas: tuple[Stanza, ...]
    header: tuple[str, ...] = ()


def _describe(where: str, value: str, index: int) -> str:
    line = value.count("\n", 0, index) + 1
    col = index - (value.rfind("\n", 0, index) + 1) + 1
    return f"{where}: value line {line} column {col}"


def check_text(value: str, where: str, file: str | None = None) -> str:
    """Normalise line ends (CRLF and lone CR become LF) and reject characters a .conf cannot carry.

    NUL and other control characters are rejected rather than dropped: silently changing a search or a message
    would make the deployed object differ from the reviewed YAML.
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    bad = _FORBIDDEN_CHARS.search(text)
    if bad:
        raise ConfError(f"{_describe(where, text, bad.start())}: control character U+{ord(bad.group()):04X} "
                        "cannot be written to a .conf file", file)
    return text


def encode_value(value: str, where: str = "value", key: str | None = None,
                 file: str | None = None) -> tuple[str, str]:
    """Return ``(written, stored)`` for ``value`` (see :func:`_encode`); errors name ``where`` (and ``key``), in
    ``file`` when the value is one of a file's.

    Results are memoised because the same texts recur (a description is written as ``description``,
    ``eli5``, ``rule_description`` and ``explanation``); a refused value is re-run to word the error, so the
    place is only spelled out when there is an error to report.
    """
    try:
        return _encode_cached(value)
    except ConfError:
        return _encode(value, where if key is None else f"{where} {key}", file)


@functools.lru_cache(maxsize=8192)
def _encode_cached(value: str) -> tuple[str, str]:
    return _encode(value, "value")


def _encode(value: str, where: str, file: str | None = None) -> tuple[str, str]:
    """Return ``(written, stored)``: the text after ``key = `` and the value Splunk will hold after reading it.

    * the value is stripped (leading/trailing whitespace carries no meaning and confuses readers);
    * every line break becomes `` \\`` + newline (contentctl's form: the space keeps a line that itself ends in
      a backslash from merging with the continuation backslash);
    * a continuation line that would look like a stanza header, a comment or a ``key = value`` line to a reader
      that ignores continuations is indented by one space (defence in depth; Splunk reads it as value text
      either way, and a leading space on a line of SPL or prose changes nothing);
    * a value whose last character is a backslash is rejected: Splunk would read the next setting as part of it.
    """
    if "\n" not in value and "\r" not in value:  # fast path: one physical line
        if _FORBIDDEN_CHARS.search(value):
            check_text(value, where, file)  # raises with the position
        text = value.strip()
        if text.endswith("\\"):
            raise ConfError(f"{where}: {TRAILING_BACKSLASH}", file)
        return text, text
    text = check_text(value, where, file).strip()
    if text.endswith("\\"):
        raise ConfError(f"{where}: {TRAILING_BACKSLASH}", file)
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if _LOOKS_STRUCTURAL.match(lines[i]):
            lines[i] = " " + lines[i]
    written = " \\\n".join(lines)
    stored = " \n".join(lines)
    return written, stored.rstrip()


@functools.lru_cache(maxsize=4096)
def _valid_key(key: str) -> bool:
    return _KEY.fullmatch(key) is not None


def check_key(key: str, where: str, file: str | None = None) -> None:
    if not _valid_key(key):
        raise ConfError(f"{where}: {key!r} is not a valid .conf key", file)


def check_stanza_name(name: str, where: str = "stanza", file: str | None = None) -> None:
    """Stanza names are written unescaped, so refuse anything that would end or restart the header line."""
    if name != name.strip():
        raise ConfError(f"{where}: stanza name {name!r} has leading or trailing whitespace", file)
    for ch in ("[", "]"):
        if ch in name:
            raise ConfError(f"{where}: stanza name {name!r} contains {ch!r}", file)
    if "\n" in name or "\r" in name:
        raise ConfError(f"{where}: stanza name {name!r} contains a line break", file)
    bad = _FORBIDDEN_CHARS.search(name)
    if bad:
        raise ConfError(f"{where}: stanza name {name!r} contains control character U+{ord(bad.group()):04X}",
                        file)


@dataclass(frozen=True)
class Rendered:
    """The text of a .conf file and the stanzas/values Splunk must read back from it."""

    text: str
    expected: tuple[Stanza, ...]


def render(conf: ConfFile, filename: str = "conf") -> Rendered:
    """Write ``conf`` as text; raise :class:`ConfError` (with file, stanza and key) for anything unsafe.

    The text is blocks (the header comment, then each stanza) separated by one blank line. Each stanza's
    lines are joined on their own and the blocks once: a big file never holds a list of all its lines, and
    its text is not copied again after the join.
    """
    blocks: list[str] = []
    for line in conf.header:
        check_text(line, "header", filename)
        if "\n" in line:
            raise ConfError("header comment lines may not contain line breaks", filename)
    if conf.header:
        blocks.append("".join(f"# {line}\n" if line else "#\n" for line in conf.header))
    expected: list[Stanza] = []
    seen: set[str] = set()
    good_keys: set[str] = set()  # keys already checked (the same few dozen recur in every stanza)
    for stanza in conf.stanzas:
        name = stanza.name
        where = f"[{name}]"
        check_stanza_name(name, where, filename)
        if name in seen:
            raise ConfError(f"{where}: duplicate stanza", filename)
        seen.add(name)
        block, stored = _stanza_block(stanza, where, filename, good_keys)
        blocks.append(block)
        expected.append(Stanza(name, stored))
    return Rendered("\n".join(blocks) or "\n", tuple(expected))


def _stanza_block(stanza: Stanza, where: str, filename: str,
                  good_keys: set[str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A stanza's lines (header and ``key = value`` lines) and its entries as Splunk will hold them; errors
    name ``where`` (the stanza) in ``filename``."""
    lines = [f"[{stanza.name}]\n"]
    stored_entries: list[tuple[str, str]] = []
    for key, value in stanza.entries:
        if key not in good_keys:
            check_key(key, where, filename)
            good_keys.add(key)
        written, stored = encode_value(value, where, key, filename)
        lines.append(f"{key} = {written}\n" if written else f"{key} =\n")
        stored_entries.append((key, stored))
    if len({key for key, _ in stored_entries}) != len(stored_entries):
        keys: set[str] = set()
        for key, _ in stored_entries:
            if key in keys:
                raise ConfError(f"{where}: duplicate key {key!r}", filename)
            keys.add(key)
    return "".join(lines), tuple(stored_entries)


# ------------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class ParsedConf:
    """What a reader following Splunk's syntax sees: stanzas in file order, each with its keys in order."""

    stanzas: tuple[Stanza, ...]


# Setting lines this short are remembered within one file: most of them (``disabled = false``,
# ``action.escu = 0``) recur in every stanza, and the longer texts rarely do. A line is read the same way
# wherever it stands, except as the continuation of the line before, which the reader consumes separately.
_SHORT_LINE = 128


def read_conf(text: str, filename: str = "conf") -> ParsedConf:
    """Read .conf text the way Splunk's documented syntax says; errors carry ``file:line``.

    Strict where Splunk is lenient (duplicate stanzas or keys, text after ``]``, a line with no ``=``): such
    files are never produced on purpose, so any of them means the writer is wrong.
    """
    return ParsedConf(tuple(iter_conf(text, filename)))


def iter_conf(text: str, filename: str = "conf") -> Iterator[Stanza]:
    """:func:`read_conf`'s stanzas one at a time, each as soon as it is complete.

    Why: the round-trip check compares each stanza and lets it go, so reading a big file back does not hold a
    second copy of all its values at once. A problem is raised when the reader reaches it.
    """
    if "\r" in text:
        raise ConfError("contains a carriage return", filename)
    name: str | None = None  # the stanza being read; None before the first stanza or setting
    current: list[tuple[str, str]] = []
    names: set[str] = set()
    keys: set[str] = set()
    settings: dict[str, tuple[str, str]] = {}  # short setting lines already read, and what they held
    lines = enumerate(_lines(text), 1)
    for lineno, raw in lines:
        entry = settings.get(raw)
        if entry is None:
            line = raw.strip()
            if not line or line[0] == "#":
                continue
            if line[0] == "[":
                if line[-1] != "]":
                    raise ConfError(f"malformed stanza header {raw!r}", filename, lineno)
                if name is not None:
                    yield Stanza(name, tuple(current))
                name = line[1:-1]
                if name in names:
                    raise ConfError(f"duplicate stanza [{name}]", filename, lineno)
                names.add(name)
                current = []
                keys = set()
                continue
            key, sep, value = line.partition("=")
            if not sep:
                raise ConfError(f"line is neither a stanza, a comment nor key = value: {raw!r}", filename, lineno)
            value = value.lstrip()
            if raw[-1:] == "\\":
                parts = [value[:-1]]
                for _, more in lines:
                    if more[-1:] != "\\":
                        parts.append(more)
                        break
                    parts.append(more[:-1])
                else:
                    raise ConfError("continuation backslash on the last line", filename, lineno)
                value = "\n".join(parts)
            entry = (key.rstrip(), value.rstrip())
            if len(raw) < _SHORT_LINE and raw[-1:] != "\\":
                settings[raw] = entry
        if name is None:
            name = "default"
            names.add(name)
        if entry[0] in keys:
            raise ConfError(f"duplicate key {entry[0]!r}", filename, lineno)
        keys.add(entry[0])
        current.append(entry)
    if name is not None:
        yield Stanza(name, tuple(current))


def _lines(text: str, chunk: int = 1 << 16) -> Iterator[str]:
    """``text.split("\\n")``, split a piece at a time so the lines of a big file are not all held at once
    (the memory of one piece's lines is reused for the next)."""
    start = 0
    while True:
        end = text.find("\n", start + chunk)
        if end < 0:
            yield from text[start:].split("\n")
            return
        yield from text[start:end].split("\n")
        start = end + 1


def check_round_trip(rendered: Rendered, filename: str) -> tuple[Stanza, ...]:
    """Fail unless reading ``rendered.text`` gives exactly the stanzas, keys, order and values meant; return
    the stanzas read, which are then those meant (later checks of the same text use them instead of reading
    it again)."""
    problems = list(diff_stanzas(rendered.expected, iter_conf(rendered.text, filename)))
    if problems:
        raise ConfError("does not read back as written: " + "; ".join(problems[:5]), filename)
    return rendered.expected


def diff_stanzas(expected: Sequence[Stanza], actual: Iterable[Stanza]) -> Iterable[str]:
    """Human-readable differences between two stanza lists (names, key order, values).

    ``actual`` is gone through once, each stanza compared and dropped; the differences are told once both
    lists are known (different stanza names make the entries' differences moot).
    """
    exp_names = [s.name for s in expected]
    act_names: list[str] = []
    differences: list[str] = []
    for i, act in enumerate(actual):
        act_names.append(act.name)
        if i < len(expected) and expected[i].name == act.name and expected[i] != act:
            differences += _entry_differences(expected[i], act)
    if exp_names != act_names:
        yield f"stanzas differ: expected {exp_names[:5]}…, read {act_names[:5]}…"
        return
    yield from differences


def _entry_differences(exp: Stanza, act: Stanza) -> Iterable[str]:
    exp_keys = [k for k, _ in exp.entries]
    act_keys = [k for k, _ in act.entries]
    if exp_keys != act_keys:
        yield f"[{exp.name}] keys differ: expected {exp_keys}, read {act_keys}"
    else:
        for (k, ev), (_, av) in zip(exp.entries, act.entries):
            if ev != av:
                yield f"[{exp.name}] {k}: expected {ev[:60]!r}, read {av[:60]!r}"
