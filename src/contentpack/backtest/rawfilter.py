"""Which lines of a large input any of the pack's searches could match, found without decoding JSON.

Every search of the pack starts with a ``search`` whose terms and ``field=value`` comparisons must occur in
the event's raw text (``Engine.event_needs`` gives them as alternatives: all tokens of one alternative must
occur). The union over all detections decides which lines are worth decoding; the rest is skipped at the
speed of ``bytes.find``, the way Splunk looks a term up before it parses an event. In generated or real
tenant data the consent-related lines are a small share, so this is what makes one pass over gigabytes
cheap.

Per block of lines, each alternative is searched for by its rarest token (measured on the first block: a
token present in every sign-in, such as ``sign-in activity``, would make every line a candidate), and all
its tokens are checked on the candidate line only. Each search is a pass over the block, so alternatives
share one where they can: the same rarest token, or error codes that differ only in the last digit. Matching is on lower-cased bytes: search terms and
field values are case-insensitive in Splunk.
"""

from __future__ import annotations

from collections.abc import Iterable

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
        self._anchored: dict[bytes, list[tuple[bytes, ...]]] | None = None

    def _anchor(self, sample: bytes) -> dict[bytes, list[tuple[bytes, ...]]]:
        """Alternatives grouped by their rarest token in ``sample`` (searched for once per block), each
        with its other tokens. A token several alternatives share is preferred among equally rare ones, so
        the block is searched fewer times."""
        shared: dict[bytes, int] = {}
        for option in self._options:
            for token in option:
                shared[token] = shared.get(token, 0) + 1
        counts = {token: sample.count(token) for token in shared}
        anchored: dict[bytes, list[tuple[bytes, ...]]] = {}
        for option in self._options:
            rarest = min(option, key=lambda token: (counts[token], -shared[token], -len(token)))
            # every token is checked on the candidate line (the search key may be only a prefix of it)
            anchored.setdefault(rarest, []).append((rarest, *(t for t in option if t != rarest)))
        return _merge_numbers(anchored)

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
        for key, rests in self._anchored.items():
            position = 0
            while True:
                hit = text.find(key, position)
                if hit < 0:
                    break
                start = text.rfind(b"\n", 0, hit) + 1
                end = text.find(b"\n", hit)
                end = len(text) if end < 0 else end
                if start not in found and any(all(text.find(t, start, end) >= 0 for t in tokens)
                                              for tokens in rests):
                    found[start] = end
                position = end + 1
        return sorted(found.items())


def _merge_numbers(anchored: dict[bytes, list[tuple[bytes, ...]]]) -> dict[bytes, list[tuple[bytes, ...]]]:
    """Numeric anchors that differ only in their last digit (error codes 65001 and 65004, 90094 and
    90095) are searched for by their common prefix: one search of the block instead of two."""
    merged: dict[bytes, list[tuple[bytes, ...]]] = {}
    by_prefix: dict[bytes, list[bytes]] = {}
    for anchor in anchored:
        if len(anchor) >= 5 and anchor.isdigit():
            by_prefix.setdefault(anchor[:-1], []).append(anchor)
    for anchor, rests in anchored.items():
        group = by_prefix.get(anchor[:-1], []) if len(anchor) >= 5 and anchor.isdigit() else []
        key = anchor[:-1] if len(group) > 1 else anchor
        merged.setdefault(key, []).extend(rests)
    return merged


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

