"""Which lines of a large input any of the pack's searches could match, found without decoding JSON.

Every search of the pack starts with a ``search`` whose terms and ``field=value`` comparisons must occur in
the event's raw text (``Engine.event_needs`` gives them as alternatives: all tokens of one alternative must
occur). The union over all detections decides which lines are worth decoding; the rest is skipped at the
speed of ``bytes.find``, the way Splunk looks a term up before it parses an event. In generated or real
tenant data the consent-related lines are a small share, so this is what makes one pass over gigabytes
cheap.

Per block of lines, each alternative is searched for by its rarest token (measured on the first block: a
token present in every sign-in, such as ``sign-in activity``, would make every line a candidate), and the
other tokens are checked on the candidate line only. Matching is on lower-cased bytes: search terms and
field values are case-insensitive in Splunk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Alternative = tuple[str, ...]


class RawFilter:
    """Lines that satisfy at least one alternative (``keep_all`` when some alternative has no token)."""

    def __init__(self, alternatives: Iterable[Alternative]) -> None:
        options = list(dict.fromkeys(alternatives))
        self.keep_all = () in options
        self.keep_none = not options
        self._options: list[tuple[bytes, ...]] = [] if self.keep_all else [
            tuple(token.lower().encode("ascii") for token in option) for option in options]
        self._fold = any(any(chr(b).isalpha() for b in token) for option in self._options for token in option)
        self._anchored: list[tuple[bytes, tuple[bytes, ...]]] | None = None

    def _anchor(self, sample: bytes) -> list[tuple[bytes, tuple[bytes, ...]]]:
        """Each alternative as (its rarest token in ``sample``, the other tokens)."""
        anchored = []
        for option in self._options:
            rarest = min(option, key=lambda token: (sample.count(token), -len(token)))
            anchored.append((rarest, tuple(t for t in option if t != rarest)))
        return anchored

    def lowered(self, data: bytes) -> bytes:
        """``data`` as the filter compares it (ASCII lower-case keeps every offset)."""
        return data.lower() if self._fold else data

    def matches(self, line: bytes) -> bool:
        """Does one line (or one event's raw text) satisfy an alternative?"""
        if self.keep_all:
            return True
        text = self.lowered(line)
        return any(all(token in text for token in option) for option in self._options)

    def spans(self, block: bytes) -> list[tuple[int, int]]:
        """(start, end) of the lines of ``block`` (whole lines, ``\\n``-separated) that satisfy an alternative,
        in order; ``end`` excludes the newline."""
        if self.keep_none:
            return []
        if self.keep_all:
            return _all_spans(block)
        text = self.lowered(block)
        if self._anchored is None:
            self._anchored = self._anchor(text)
        found: dict[int, int] = {}
        for anchor, others in self._anchored:
            position = 0
            while True:
                hit = text.find(anchor, position)
                if hit < 0:
                    break
                start = text.rfind(b"\n", 0, hit) + 1
                end = text.find(b"\n", hit)
                end = len(text) if end < 0 else end
                if start not in found and all(text.find(t, start, end) >= 0 for t in others):
                    found[start] = end
                position = end + 1
        return sorted(found.items())


def _all_spans(block: bytes) -> list[tuple[int, int]]:
    spans = []
    start = 0
    size = len(block)
    while start < size:
        end = block.find(b"\n", start)
        end = size if end < 0 else end
        spans.append((start, end))
        start = end + 1
    return spans


def union(alternatives: Sequence[Sequence[Alternative]]) -> list[Alternative]:
    """The alternatives of several searches as one filter's."""
    return [option for options in alternatives for option in options]
