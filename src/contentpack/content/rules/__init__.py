"""Semantic rules: checks across fields and files that a JSON Schema cannot express.

Each rule family is one module; each rule is a function ``(RuleContext) -> Iterable[Diagnostic]`` with a
stable id (``CPnnn``) documented in ``docs/validation_rules.md``. Rules only read the model (``Pack``), never
YAML, and point at positions through each object's ``SourceMap``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from contentpack.attack import AttackCatalog
from contentpack.content.diagnostics import Diagnostic
from contentpack.content.model import Pack

if TYPE_CHECKING:
    from contentpack.content.rules.spl_analysis import SplAnalysis
    from contentpack.content.rules.spl_answers import StoredAnswers
    from contentpack.content.rules.spl_checks import SearchText


@dataclass(frozen=True)
class RuleContext:
    """What every rule may look at."""

    pack: Pack
    root: Path
    today: dt.date  # "today" in UTC, fixed once per run
    # Names of objects whose files could not be modelled (syntax or schema errors). References to them are
    # not reported again as "unknown": the author sees the real error once, not a cascade.
    unmodelled_names: frozenset[str]
    attack: AttackCatalog | None  # None when the shipped ATT&CK data cannot be read
    attack_problem: str | None = None
    spl_answers: StoredAnswers | None = None  # the parser's answers kept between runs; None: parse every search
    # Files whose every text is known to fit a .conf value from their bytes (``conf_text.yaml_bytes_fit``).
    texts_fit: frozenset[str] = frozenset()
    # Files whose bytes hold a ``#`` after white space (``parse_cache.LoadOutcome.commented``): only these can hold
    # a comment after a value (CP079). None: not known, read every file.
    commented: frozenset[str] | None = None
    # Kinds ("detection", "macro", ...) with a file that could not be parsed at all (a YAML syntax error, a
    # duplicate key): its name is unknown, so any name of that kind may be its.
    unread_kinds: frozenset[str] = frozenset()

    def may_be_broken(self, kind: str, name: str) -> bool:
        """Whether ``name``, found in no modelled object of ``kind``, may be an object whose file has an error
        reported already (a file of that kind that could not be parsed, or one whose ``name`` was read but that
        could not be modelled): a reference to it is then not reported as unknown, a cascade of errors pointing
        the author at a name that is right."""
        return name in self.unmodelled_names or kind in self.unread_kinds

    @cached_property
    def spl(self) -> SplAnalysis:
        """The pack's searches expanded and parsed once for every rule that reads SPL (built on first use)."""
        from contentpack.content.rules.spl_analysis import SplAnalysis

        return SplAnalysis(self.pack, self.spl_answers)

    @cached_property
    def search_texts(self) -> tuple[SearchText, ...]:
        """Every detection's search and drilldown searches as the SPL rules read them (``spl_checks``), made
        once for the rules that go through them all."""
        from contentpack.content.rules.spl_checks import pack_search_texts

        return pack_search_texts(self.pack)


Rule = Callable[[RuleContext], Iterable[Diagnostic]]

_Item = TypeVar("_Item")


def clashes(items: Iterable[_Item], key: Callable[[_Item], str]) -> Iterator[tuple[_Item, tuple[_Item, ...]]]:
    """Each item whose key another item has too, with those others (in the order given). The rules of
    uniqueness (ids, names, stanzas) report a clash at every object holding it, each naming the others: which
    one is at fault is not known (a new file given a shipped one's id), and ``validate FILE`` shows only that
    file's findings, so a clash reported at the first object only would call the other file valid."""
    groups: dict[str, list[_Item]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    for group in groups.values():
        for index, item in enumerate(group):
            if len(group) > 1:
                yield item, (*group[:index], *group[index + 1:])


def all_rules() -> tuple[Rule, ...]:
    """Every rule, in id order (imported here so a rule module cannot be forgotten)."""
    from contentpack.content.rules import (
        conf_safe,
        custom_commands,
        dates,
        expansion,
        hidden_text,
        lifecycle,
        mitre,
        namespace,
        naming,
        prose_comments,
        references,
        reserved_names,
        saved_search_names,
        scheduled,
        side_effects,
        search,
        sort_pitfalls,
        spl_checks,
        throttle_keys,
        tokens,
        unit_tests,
        unmade_filters,
    )

    return (
        *naming.RULES,
        *search.RULES,
        *lifecycle.RULES,
        *dates.RULES,
        *mitre.RULES,
        *references.RULES,
        *tokens.RULES,
        *unit_tests.RULES,
        *spl_checks.RULES,
        *custom_commands.RULES,
        *conf_safe.RULES,
        *expansion.RULES,
        *scheduled.RULES,
        *saved_search_names.RULES,
        *namespace.RULES,
        *throttle_keys.RULES,
        *sort_pitfalls.RULES,
        *prose_comments.RULES,
        *unmade_filters.RULES,
        *hidden_text.RULES,
        *reserved_names.RULES,
        *side_effects.RULES,
    )


def run_rules(context: RuleContext) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for rule in all_rules():
        problems.extend(rule(context))
    return problems
