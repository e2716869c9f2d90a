"""Text-level facts about SPL the rules need: macro calls, ``$token$`` syntax, output fields.

Deliberately textual (regular expressions over the search as the author wrote it), like contentctl's own
checks: the rules must run on searches the SPL engine may not support, and they must be fast (2,000
detections in well under a second), so every pattern is compiled once at import. Only the split into
commands is the engine's (``contentpack.spl.lexer``, which reads any text): one definition of where a
command ends (quotes, escaped quotes, subsearches) for every rule; and the result fields of a command after the
last ``stats``/``table``/``fields`` whose engine registration gives them (``CommandSpec.result_fields``), read on
the engine's parse of that command alone, so its fields have one home beside its parser.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from contentpack.spl.errors import SplError
from contentpack.spl.lexer import split_pipeline

# ```...``` is an SPL comment (Splunk "Add comments to searches"); macros inside comments are not expanded.
_COMMENT = re.compile(r"```.*?```", re.DOTALL)
_MACRO = re.compile(r"`([^`]+)`")
_MACRO_CALL = re.compile(r"\s*([A-Za-z0-9_][A-Za-z0-9_.:-]*)\s*(?:\((.*)\))?\s*", re.DOTALL)
_RBA_TOKEN = re.compile(r"\$([^\s.]*)\$")  # contentctl's regex for rba message tokens
_WHITESPACE = re.compile(r"\s")

# contentctl's macros that exist in every ES/ESCU install and so need no file (escu_format.md §1.2).
BUILTIN_MACROS = frozenset(
    {"drop_dm_object_name", "get_asset", "get_risk_severity", "cim_corporate_web_domain_search", "globedistance"}
)


def strip_comments(search: str) -> str:
    return _COMMENT.sub(" ", search) if "```" in search else search


def blank_comments(search: str) -> str:
    """``search`` with each ``` comment blanked to spaces of its length: what follows keeps the author's offsets."""
    return _COMMENT.sub(lambda comment: " " * len(comment.group()), search) if "```" in search else search


@dataclass(frozen=True)
class MacroCall:
    text: str  # what was between the backticks
    name: str | None  # None when the text is not a well-formed macro call
    arity: int

    @property
    def stanza(self) -> str | None:
        """The macros.conf stanza the call expands: ``name``, or ``name(N)`` with N arguments."""
        if self.name is None:
            return None
        return f"{self.name}({self.arity})" if self.arity else self.name


def split_arguments(text: str) -> list[str]:
    """Split macro arguments at top-level commas (commas inside quotes or parentheses do not count)."""
    parts: list[str] = []
    depth = 0
    quote: str | None = None
    current = ""
    escaped = False
    for char in text:
        if escaped:
            current += char
            escaped = False
            continue
        if char == "\\":
            current += char
            escaped = True
            continue
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return parts


@functools.lru_cache(maxsize=8192)
def macro_calls(search: str) -> tuple[MacroCall, ...]:
    """Every `` `name` `` / `` `name(a, b)` `` in the search, comments excluded (cached: several rules ask about
    every search, and macro definitions are asked about again for every search that calls them)."""
    return tuple(call for _, call in located_macro_calls(search))


def located_macro_calls(search: str) -> tuple[tuple[int, MacroCall], ...]:
    """(offset of its opening backtick in ``search``, call) of each call ``macro_calls`` finds: comments are
    blanked to the same length, so each offset is the author's, for a report at the call's own line and column."""
    if "`" not in search:
        return ()
    blanked = blank_comments(search)
    return tuple((match.start(), _macro_call(match.group(1))) for match in _MACRO.finditer(blanked))


@functools.lru_cache(maxsize=8192)  # searches written from one pattern make the same calls
def _macro_call(text: str) -> MacroCall:
    """The call whose text (between the backticks) is ``text``."""
    call = _MACRO_CALL.fullmatch(text)
    if call is None:
        return MacroCall(text, None, 0)
    args = call.group(2)
    arity = 0 if args is None or not args.strip() else len(split_arguments(args))
    return MacroCall(text, call.group(1), arity)


def rba_message_tokens(message: str) -> list[str]:
    return _RBA_TOKEN.findall(message)


@dataclass(frozen=True)
class TokenScan:
    tokens: tuple[str, ...]
    problem: str | None  # why the text's $ signs do not pair up, or None


@functools.lru_cache(maxsize=8192)  # drilldown names and searches repeat across a pack's detections
def scan_tokens(text: str) -> TokenScan:
    """Pair the ``$`` signs of a risk message or drilldown text.

    Definition (the one the docs and the CP044 rule use): scanning left to right, each ``$`` opens a token
    that the next ``$`` closes. The text between must be empty (``$$``, a literal dollar sign, as in
    Splunk's ``$$`` escape) or a token name: at least one character, no whitespace. A ``$`` left open at the
    end, or a "token" containing whitespace (a stray ``$``), makes the text unbalanced.
    """
    tokens: list[str] = []
    index = 0
    while True:
        start = text.find("$", index)
        if start < 0:
            return TokenScan(tuple(tokens), None)
        end = text.find("$", start + 1)
        if end < 0:
            return TokenScan(tuple(tokens), f"unbalanced '$' at character {start + 1}: no closing '$'")
        name = text[start + 1 : end]
        if _WHITESPACE.search(name):
            return TokenScan(
                tuple(tokens),
                f"unbalanced '$' at character {start + 1}: '${name}$' is not a token (whitespace inside)",
            )
        if name:
            tokens.append(name)
        index = end + 1


# --------------------------------------------------------------------------------------- output fields

_STATS_AGG = re.compile(
    r"""([A-Za-z_][A-Za-z0-9_]*(?:\([^)]*\))?)(?:\s+as\s+("[^"]+"|'[^']+'|[^\s,]+))?""", re.IGNORECASE
)
_EVAL_TARGET = re.compile(r"""^\s*("[^"]+"|[A-Za-z_][A-Za-z0-9_.{}]*)\s*=(?!=)""")
_FIELD_KEEPING = frozenset(
    {"fillnull", "where", "search", "sort", "dedup", "head", "tail", "reverse", "makemv", "mvexpand"}
)


def _unquote(name: str) -> str:
    return name[1:-1] if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'" else name


def _stats_parts(args: str) -> tuple[list[tuple[str, str]], list[str]]:
    """A stats command's (aggregation, result field) pairs and its ``by`` fields."""
    by = re.split(r"\s+by\s+", args, maxsplit=1, flags=re.IGNORECASE)
    made = [(m.group(1), _unquote(m.group(2) or m.group(1))) for m in _STATS_AGG.finditer(by[0])]
    return made, [_unquote(f) for f in re.split(r"[\s,]+", by[1].strip()) if f] if len(by) == 2 else []


def _stats_fields(args: str) -> list[str]:
    made, by = _stats_parts(args)
    return [field for _, field in made] + by


def _segments(search: str) -> list[tuple[str, int]] | None:
    """The search's commands (text, offset of its segment), split as the engine splits (a pipe inside quotes or a
    subsearch does not split, an escaped quote opens none); None for an unclosed quote or bracket (CP060's)."""
    try:
        return [(text, segment.offset) for segment in split_pipeline(blank_comments(search))
                if (text := segment.text.strip())]
    except SplError:
        return None


def last_stats_start(search: str) -> int | None:
    """Where the search's last ``stats`` command (as written, not inside a macro) starts; None when it has none or
    cannot be split."""
    starts = [offset for text, offset in _segments(search) or () if text.split(None, 1)[0].lower() == "stats"]
    return starts[-1] if starts else None


def _registered(command: str) -> bool:
    """Whether the engine's registration of ``command`` gives its result fields (``CommandSpec.result_fields``:
    ``rename``, ``convert``, ``rex``, ``lookup``, ``eventstats``, ``streamstats``, ``iplocation``, ``spath``),
    read on the engine's parse of the command."""
    from contentpack.spl.commands import get_command  # the engine is imported only for such a command

    spec = get_command(command)
    return spec is not None and spec.result_fields is not None


def _registered_fields(segment: str, fields: set[str]) -> set[str] | None:
    """The fields after ``segment``, a command ``_registered`` names, parsed alone by the engine; None when it
    does not parse, reads an internal field the set lacks (``fields`` keeps ``_raw`` and ``_time`` unnamed, so
    the set does not say whether one is there), or its registration leaves them unknown."""
    from contentpack.spl.commands import field_use, result_fields_after
    from contentpack.spl.commands.base import CommandNode
    from contentpack.spl.parser import command_alone

    node = command_alone(segment, 2, False).command
    if not isinstance(node, CommandNode):
        return None
    if any(name.startswith("_") and name not in fields for name in field_use(node).reads):
        return None
    after = result_fields_after(node, frozenset(fields))
    return None if after is None else set(after)


def _last_transforming(search: str) -> tuple[str, str, list[str], int] | None:
    """The search's last ``stats``/``table``/``fields`` (command, arguments), the segments after it, last first
    (each a command that keeps the field set, ``eval`` or one ``_registered``), and the offset in ``search`` where
    that command's segment starts; None when a command not modelled comes after it, there is none, or the search
    cannot be split. Macro calls that are whole segments are passed over."""
    segments = _segments(search)
    if segments is None:
        return None
    trailing: list[str] = []
    for segment, offset in reversed(segments):
        if segment.startswith("`") and segment.endswith("`"):
            continue
        command, _, args = segment.partition(" ")
        command = command.lower()
        if command in {"stats", "table", "fields"}:
            return command, args, trailing, offset
        if command in _FIELD_KEEPING or command == "eval" or _registered(command):
            trailing.append(segment)
            continue
        return None
    return None


@functools.lru_cache(maxsize=8192)  # every rule reading result fields asks first (``search.output_parses``)
def output_fields_start(search: str) -> int | None:
    """Where the commands ``output_fields`` reads (the last ``stats``/``table``/``fields`` and those after it)
    start in ``search``; None when it reads none."""
    last = _last_transforming(search)
    return None if last is None else last[3]


@functools.lru_cache(maxsize=8192)  # CP029 and CP047 ask for the same searches
def output_fields(search: str) -> frozenset[str] | None:
    """The result fields of a search whose last transforming command is ``stats``/``table``/``fields``.

    After it, ``eval``'s targets are read here, the text before each top-level ``=``: its expressions may call the
    pack's macros (``user_count >= `threshold```), which the engine, reading the command alone, cannot parse
    (assumed: such a macro stands for a value, not for more assignments). ``rename``, ``convert``, ``rex``,
    ``lookup``, ``eventstats``, ``streamstats``, ``iplocation`` and ``spath`` are read by their engine
    registration (``CommandSpec.result_fields``). ``None`` when that cannot be told: a command not modelled comes
    after the last transforming command, a wildcard is involved, a registered command leaves its fields unknown
    or does not parse, or the search cannot be split into commands. Macro calls that are whole pipeline segments
    (`` `x_filter` ``, `` `security_content_ctime(firstTime)` ``) are taken not to change the field set.
    """
    last = _last_transforming(search)
    if last is None:
        return None
    command, args, trailing, _ = last
    if command == "stats":
        fields = _stats_fields(args)
    else:
        if command == "fields" and args.strip().startswith("-"):
            return None  # "fields - x" removes fields from an unknown set
        fields = [_unquote(f) for f in re.split(r"[\s,]+", args.strip().lstrip("+").strip()) if f]
        if any("*" in n for n in fields):
            return None
    current = set(fields)
    for segment in reversed(trailing):
        command, _, args = segment.partition(" ")
        command = command.lower()
        if command == "eval":
            for assignment in split_arguments(args):
                target = _EVAL_TARGET.match(assignment)
                if target is None:
                    return None
                current.add(_unquote(target.group(1)))
        elif command not in _FIELD_KEEPING:
            after = _registered_fields(segment, current)
            if after is None:
                return None
            current = after
    return frozenset(current)
