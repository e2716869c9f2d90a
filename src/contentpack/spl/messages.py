"""Search job messages: what Splunk tells the user about a search beside its results.

Splunk shows a job's messages above its results, and its REST API answers a search with them beside the rows
(``{"messages": [{"type": "WARN", "text": ...}], "results": [...]}``, which ``contentpack.splunk.client``
reads into these, so a real Splunk's messages are told as the engine's); the levels here are those types,
lower-cased. A message is how Splunk owns up to an answer that is not whole — a subsearch cut at its
``maxout`` — so the engine says it too: a cut nobody hears of is a silent wrong answer.

Commands add messages through :attr:`RunContext.messages <contentpack.spl.commands.base.RunContext>`; the
engine hands them back with the rows (``Results.messages``), a subsearch's together with its parent's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Literal

from contentpack.spl.values import Event

Level = Literal["info", "warn", "error"]
# each level by its name: a level read back from text (a saved message) is one of these or none
LEVELS: dict[str, Level] = {"info": "info", "warn": "warn", "error": "error"}


@dataclass(frozen=True)
class JobMessage:
    """One message of a search job: its level and its text, worded as Splunk words it where known."""

    level: Level
    text: str

    def render(self) -> str:
        """As a command-line tool prints it: ``warn: [subsearch]: ...``."""
        return f"{self.level}: {self.text}"

    def said_by(self, what: str) -> str:
        """As a report tells it beside the search that said it: ``search (warn): [subsearch]: ...``."""
        return f"{what} ({self.level}): {self.text}"


def subsearch_truncated(produced: int, maxout: int) -> JobMessage:
    """The message of a subsearch cut at ``maxout``.

    The text is the one Splunk writes in the job's messages, ``[subsearch]: Subsearch produced N results,
    truncating to maxout M.``, with plain numbers; ``assumed``: no page of the documentation quotes it (the
    Search Manual, "About subsearches", and limits.conf document the cut, not the words). Its level, warn, is
    ``assumed`` too: the rows that follow are not all the subsearch found.
    """
    return JobMessage("warn", f"[subsearch]: Subsearch produced {produced} results, truncating to maxout {maxout}.")


def take_subsearch(results: Iterator[Event], maxout: int, messages: list[JobMessage]) -> list[Event]:
    """The first ``maxout`` of a subsearch's ``results``, as Splunk truncates them; when there were more, the
    rest are counted (not kept) so the message added to ``messages`` says how many the subsearch produced."""
    kept = list(islice(results, maxout))
    dropped = sum(1 for _ in results)
    if dropped:
        messages.append(subsearch_truncated(maxout + dropped, maxout))
    return kept
