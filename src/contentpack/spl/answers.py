"""A bounded memo of answers that are a function of their key alone, for work a replay repeats on the same
values: the regular expression matches of ``spl.regex`` and the paths ``spath`` reads from an event's text."""

from __future__ import annotations

#: What :meth:`Answers.get` gives for a key it holds no answer for (an answer may itself be None).
UNKNOWN = object()


class Answers:
    """The answers made so far, by key: a replay asks the same questions of the same values again and again (an
    ``mvfind`` or ``replace`` of each risk event at every scheduled run whose window holds it, the drilldowns'
    terms over each event's ``_raw``, the ``spath`` paths of each event at every search over it). Bounded by the
    characters of the texts held, as the caller counts them: past ``LIMIT`` the memo starts afresh, so a backtest
    over millions of events holds no more than a replay."""

    LIMIT = 4_000_000

    def __init__(self) -> None:
        self._answers: dict[tuple[object, ...], object] = {}
        self._held = 0

    def get(self, key: tuple[object, ...], default: object) -> object:
        return self._answers.get(key, default)

    def put(self, key: tuple[object, ...], size: int, answer: object) -> None:
        if self._held + size > self.LIMIT:
            self._answers.clear()
            self._held = 0
        self._answers[key] = answer
        self._held += size
