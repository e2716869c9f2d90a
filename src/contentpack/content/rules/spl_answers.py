"""The SPL parser's answers for expanded search texts, kept between runs: an unchanged search is not parsed again.

After the parse cache, parsing every search (CP060/CP061) is most of what validating an unchanged pack costs.
What the parser finds in an expanded text (``spl.parser.check_expanded``: the errors, and whether the text
nests too deeply) depends on that text and the parser's code only, so the answer is stored under a digest of
the text, in a file next to the parse cache (``cache_files``: same place, never inside the pack, same
``CONTENTPACK_CACHE=off``, best effort). A changed search or macro gives another expanded text, so another key.
The file's salt covers the parser's code: the bytes of every module of ``contentpack.spl`` (it reads no data
file and imports nothing else of this package), this package's version, the Python version and ``marshal``'s,
and the version of ``regex``, which the parser compiles patterns with.
Everything else stays computed each run: the expansion, the offsets mapped back to each search's own text,
``custom_commands``, CP061's wording and the file positions.

An answer is stored only when it can be rebuilt exactly: each error of one of the engine's error classes, with
nothing but its message, offset, command and (``SplUnsupportedError``) feature. Anything else is simply parsed
again next time. Only the answers a run asked for are written back, so the file holds one pack's searches.
"""

from __future__ import annotations

import functools
import marshal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import contentpack
from contentpack.content.cache_files import cache_file, digest, read_entries, sources_digest, write_entries

if TYPE_CHECKING:
    from contentpack.spl import SplError
    from contentpack.spl.lexer import Segment

Checked = tuple[list["SplError"], bool]  # what ``spl.parser.check_expanded`` answers
EncodedError = tuple[str, str, "int | None", "str | None", "tuple[str, str] | None"]
Encoded = tuple[tuple[EncodedError, ...], bool]

FORMAT = "1"
SPL_SOURCES = Path(contentpack.__file__).resolve().parent / "spl"  # the parser's code
_FIELDS = frozenset({"message", "offset", "command", "feature"})


def salt() -> str:
    import regex  # the parser compiles patterns (rex, replace, match()...) with it: its verdicts are answers too

    parts = (FORMAT, contentpack.__version__, sources_digest(SPL_SOURCES.rglob("*.py"), SPL_SOURCES),
             sys.version.split()[0], str(marshal.version), f"regex {regex.__version__}")
    return "|".join(parts)


@functools.cache
def _classes() -> dict[str, type[SplError]]:
    from contentpack.spl.errors import SplError, SplMacroError, SplRuntimeError, SplSyntaxError, SplUnsupportedError

    return {"syntax": SplSyntaxError, "unsupported": SplUnsupportedError, "macro": SplMacroError,
            "runtime": SplRuntimeError, "error": SplError}


def _optional(value: object, kind: type) -> bool:
    return value is None or type(value) is kind


def _feature_ok(feature: object) -> bool:
    return feature is None or (type(feature) is tuple and len(feature) == 2
                               and all(type(part) is str for part in feature))


def encode(checked: Checked) -> Encoded | None:
    """The answer as builtin values, or None when an error could not be rebuilt exactly from them."""
    problems, too_deep = checked
    if not problems:
        return (), bool(too_deep)  # nearly every text
    kinds = {cls: name for name, cls in _classes().items()}
    encoded: list[EncodedError] = []
    for problem in problems:
        kind = kinds.get(type(problem))
        fields = vars(problem)
        feature = fields.get("feature")
        if kind is None or not fields.keys() <= _FIELDS or ("feature" in fields) != (kind == "unsupported") \
                or problem.args != (problem.message,) or type(problem.message) is not str \
                or not _optional(problem.offset, int) or not _optional(problem.command, str) \
                or not _feature_ok(feature):
            return None
        encoded.append((kind, problem.message, problem.offset, problem.command, feature))
    return tuple(encoded), bool(too_deep)


def decode(encoded: Any) -> Checked:
    """The answer ``encode`` stored; raises (ValueError, KeyError...) on anything it did not write."""
    classes = _classes()
    errors, too_deep = encoded
    if type(too_deep) is not bool or type(errors) is not tuple:
        raise ValueError("not a stored answer")
    problems: list[SplError] = []
    for kind, message, offset, command, feature in errors:
        if type(message) is not str or not _optional(offset, int) or not _optional(command, str) \
                or not _feature_ok(feature) or (feature is not None and kind != "unsupported"):
            raise ValueError("not a stored error")
        if kind == "unsupported":
            problems.append(classes[kind](message, offset=offset, command=command, feature=feature))  # type: ignore[call-arg]
        else:
            problems.append(classes[kind](message, offset=offset, command=command))
    return problems, too_deep


class StoredAnswers:
    """``check_expanded`` through the answers of earlier runs; ``save`` writes back what this run asked for.

    The file is read on the first question, so a run that parses no SPL reads nothing."""

    def __init__(self, path: Path | None) -> None:
        self.path = path  # None: caching is off, every text is parsed
        self._salt = ""
        self._stored: dict[Any, Any] | None = None  # the file's entries, once read
        self._used: dict[bytes, Encoded] = {}  # the entries this run asked for (what ``save`` writes)
        self._fresh = False  # an answer was worked out this run

    @classmethod
    def for_pack(cls, root: Path) -> StoredAnswers:
        return cls(cache_file(root, "spl"))

    def checked(self, expanded_text: str, segments: list[Segment] | None = None) -> Checked:
        """``check_expanded(expanded_text, segments)``, from the stored answer when there is one."""
        from contentpack.spl.parser import check_expanded

        if self.path is None:
            return check_expanded(expanded_text, segments)
        if self._stored is None:
            self._salt = salt()
            self._stored = read_entries(self.path, self._salt)
        key = digest(expanded_text.encode("utf-8", "surrogatepass"))
        entry = self._used.get(key, self._stored.get(key))
        if entry is not None:
            try:
                answer = decode(entry)
            except Exception:  # noqa: BLE001 - a corrupt entry is a miss, never a crash
                pass
            else:
                self._used[key] = entry
                return answer
        answer = check_expanded(expanded_text, segments)
        encoded = encode(answer)
        if encoded is not None:
            self._used[key] = encoded
            self._fresh = True
        return answer

    def save(self) -> None:
        """Write the answers this run asked for, when they differ from the file's (nothing when none were)."""
        if self.path is None or self._stored is None:
            return
        if self._fresh or self._used.keys() != self._stored.keys():
            write_entries(self.path, self._salt, self._used)
