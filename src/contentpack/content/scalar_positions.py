"""Where a character of a YAML string value sits in its file: value offset -> line and column.

Why: the SPL checks find a problem at an offset inside a detection's ``search``; the author needs the file's
line and column, not a column to count by hand inside a folded or quoted scalar. The loader records where
each scalar starts; this module re-reads the scalar from there, the way YAML 1.2 (chapters 7 and 8) builds
its value, and keeps the source index of every value character:

* plain, single-quoted and double-quoted scalars fold line breaks: spaces before a break are dropped, one
  break between two lines becomes a space, each empty line a line break, leading spaces of a continuation
  line are dropped; single quotes escape ``''``; double quotes have backslash escapes (a character of the
  value that comes from an escape points at its backslash) and ``\\`` + line break joins lines;
* literal (``|``) and folded (``>``) block scalars: content lines at the block's indentation (auto-detected
  from the first non-empty line, or the explicit indentation indicator), a folded block turning the break
  between two lines that do not start with a space into a space.

The value rebuilt this way is compared with the loaded value before any position is trusted; on any
disagreement (or a construct left out above) ``locate`` answers None and callers fall back to the start
of the scalar, which is never wrong, only less precise.
"""

from __future__ import annotations

_DOUBLE_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
    "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")
    return starts


def _index(starts: list[int], line: int, col: int) -> int:
    return starts[line - 1] + col - 1


def _line_col(starts: list[int], index: int) -> tuple[int, int]:
    lo, hi = 0, len(starts) - 1
    while lo < hi:  # the last line start <= index
        mid = (lo + hi + 1) // 2
        if starts[mid] <= index:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1, index - starts[lo] + 1


class _Builder:
    """The value being rebuilt, with the source index of each character."""

    def __init__(self, limit: int) -> None:
        self.chars: list[str] = []
        self.origin: list[int] = []
        self.limit = limit

    def add(self, ch: str, index: int) -> None:
        self.chars.append(ch)
        self.origin.append(index)

    @property
    def done(self) -> bool:
        return len(self.chars) >= self.limit


def _fold_break(text: str, i: int, out: _Builder) -> int:
    """At a line break ``text[i]`` inside a flow or plain scalar: emit the folded form, return the index of the
    first character of the next non-empty line's content."""
    first_break = i
    breaks: list[int] = []
    j = i + 1
    while True:
        k = j
        while k < len(text) and text[k] in " \t":
            k += 1
        if k < len(text) and text[k] == "\n":
            breaks.append(k)
            j = k + 1
            continue
        if breaks:
            for index in breaks:
                out.add("\n", index)
        else:
            out.add(" ", first_break)
        return k


def _flow(text: str, start: int, out: _Builder, quote: str | None) -> None:
    """Plain (``quote`` None), single- or double-quoted scalar from ``start`` (after the opening quote)."""
    i = start
    while i < len(text) and not out.done:
        ch = text[i]
        if quote is not None and ch == quote:
            if quote == "'" and text.startswith("''", i):
                out.add("'", i)
                i += 2
                continue
            return
        if ch in " \t":
            j = i
            while j < len(text) and text[j] in " \t":
                j += 1
            if j < len(text) and text[j] == "\n":
                i = j  # spaces before a line break are not content
                continue
            for k in range(i, j):
                out.add(text[k], k)
            i = j
            continue
        if ch == "\n":
            i = _fold_break(text, i, out)
            continue
        if quote == '"' and ch == "\\":
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if nxt == "\n":  # escaped line break: the lines join without a space
                j = i + 2
                while j < len(text) and text[j] in " \t":
                    j += 1
                i = j
                continue
            if nxt in _DOUBLE_ESCAPES:
                out.add(_DOUBLE_ESCAPES[nxt], i)
                i += 2
                continue
            if nxt in _HEX_ESCAPES:
                width = _HEX_ESCAPES[nxt]
                digits = text[i + 2 : i + 2 + width]
                try:
                    out.add(chr(int(digits, 16)), i)
                except ValueError:
                    return
                i += 2 + width
                continue
            return
        out.add(ch, i)
        i += 1


def _block(text: str, start: int, out: _Builder) -> None:
    """Literal or folded block scalar whose indicator is at ``start``."""
    folded = text[start] == ">"
    header_end = text.find("\n", start)
    if header_end < 0:
        return
    explicit = next((int(ch) for ch in text[start + 1 : header_end].split("#")[0] if ch.isdigit()), None)
    line_start = text.rfind("\n", 0, start) + 1
    parent_indent = len(text[line_start:start]) - len(text[line_start:start].lstrip(" "))
    lines: list[tuple[int, int]] = []  # (index of the line's first character, index of its end)
    i = header_end + 1
    while i <= len(text):
        end = text.find("\n", i)
        end = len(text) if end < 0 else end
        lines.append((i, end))
        if end == len(text):
            break
        i = end + 1
    if explicit is not None:
        indent = parent_indent + explicit
    else:
        indent = next((len(text[a:b]) - len(text[a:b].lstrip(" ")) for a, b in lines if text[a:b].strip()), 0)
    previous: tuple[int, int] | None = None  # the last content line (start, end)
    breaks: list[int] = []  # indexes of the line breaks of empty lines since then
    for a, b in lines:
        body = text[a:b]
        if not body.strip(" "):
            breaks.append(b)
            continue
        if len(body) - len(body.lstrip(" ")) < indent:
            break  # the block ended
        if previous is None:
            for index in breaks:  # leading empty lines
                out.add("\n", index)
        elif folded and text[previous[0] + indent] not in " \t" and body[indent] not in " \t":
            if breaks:
                for index in breaks:
                    out.add("\n", index)
            else:
                out.add(" ", previous[1])
        else:
            out.add("\n", previous[1])
            for index in breaks:
                out.add("\n", index)
        breaks = []
        for k in range(a + indent, b):
            out.add(text[k], k)
            if out.done:
                return
        previous = (a, b)
    if previous is not None and previous[1] < len(text):  # the final line break and, kept ("|+"), empty lines
        out.add("\n", previous[1])
    for index in breaks:
        out.add("\n", index)


def value_origins(text: str, start: int, value: str) -> list[int] | None:
    """Source index of each character of ``value`` (the loaded value of the scalar at ``start``), or None."""
    if start >= len(text):
        return None
    out = _Builder(len(value))
    first = text[start]
    if first in "|>":
        _block(text, start, out)
    elif first in "'\"":
        _flow(text, start + 1, out, first)
    else:
        _flow(text, start, out, None)
    rebuilt = "".join(out.chars)
    if rebuilt[: len(value)] != value:
        return None
    return out.origin[: len(value)]


def locate(text: str, line: int, col: int, value: str, offset: int) -> tuple[int, int] | None:
    """Line and column (1-based) of ``value[offset]`` for the scalar starting at ``line:col`` of ``text``."""
    if not 0 <= offset < len(value):
        return None
    starts = line_starts(text)
    if not 1 <= line <= len(starts):
        return None
    origins = value_origins(text, _index(starts, line, col), value[: offset + 1])
    if origins is None:
        return None
    return _line_col(starts, origins[offset])
