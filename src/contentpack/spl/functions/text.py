"""Text functions: len, lower, upper, substr, replace, trim/ltrim/rtrim, split, urldecode.

Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/evaluation-functions/text-functions
Null in gives null out. ``lower``/``upper`` apply to every value of a multivalue field, as the page says ("You
can use this function on multivalue fields."). Of ``len``, ``substr``, ``trim``/``ltrim``/``rtrim``, ``replace``
and ``urldecode`` (and ``spath``, in the JSON family) the page says "This function is not supported on multivalue
fields." and states no result, so a multivalue reaching them is refused as unsupported (as in every argument
no page says takes one: ``FunctionSpec.multivalue``), never answered with a guess. ``split`` (documented on
the Multivalue eval functions page) says nothing of a multivalue input and refuses one the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_plus

from contentpack.spl.errors import SplUnsupportedError
from contentpack.spl.functions import coerce
from contentpack.spl.functions.spec import FunctionSpec, eager
from contentpack.spl.regex import compile_pcre, substitute
from contentpack.spl.values import EvalContext, Value, make_mv, to_str

# Splunk's documented default for trim/ltrim/rtrim: "spaces and tabs".
DEFAULT_TRIM = " \t"
SPLIT_MV = "the split page (Multivalue eval functions) does not say what a multivalue <str> or <delim> gives"
NOT_ON_MV = coerce.NOT_SUPPORTED_ON_MV


def map_text(value: Value, transform: Callable[[str], str]) -> Value:
    """Apply a text transform to each value of a (possibly multivalue) argument; null stays null (``lower`` and
    ``upper``, the functions the page says can be used on multivalue fields)."""
    if value is None:
        return None
    if isinstance(value, tuple):
        return make_mv(transform(to_str(v) or "") for v in value)
    return transform(to_str(value) or "")


@eager("len", 1, 1, multivalue_note=NOT_ON_MV)
def _len(ctx: EvalContext, args: list[Value]) -> Value:
    """Number of Unicode code points."""
    text = coerce.text(args[0])
    return None if text is None else len(text)


def change_case(name: str, convert: Callable[[str], str]) -> Callable[[str], str]:
    """``convert`` (``str.lower``/``str.upper``) character by character, as Unicode's one-to-one (simple) case
    mapping gives it (``assumed``: the page says only "returns the string in lowercase"). Where Unicode's full
    mapping differs - a character whose case is several (``ß`` upper is ``SS``, ``İ`` lower is ``i`` and a dot)
    or depends on its neighbours (a final ``Σ`` lowers to ``ς``) - implementations differ too (C's ``towlower``
    and ICU's ``u_tolower`` map one to one, ICU's ``u_strToLower`` and Python in full), and no page says which
    Splunk's is: refused rather than answered with one of them."""

    def changed(text: str) -> str:
        if text.isascii():  # every ASCII letter's case is one ASCII letter
            return convert(text)
        simple = [convert(c) for c in text]
        if any(len(c) != 1 for c in simple) or convert(text) != "".join(simple):
            odd = next((c for c, m in zip(text, simple) if len(m) != 1), None)
            why = (f"{odd!r} (U+{ord(odd):04X}), whose {name} case in Unicode is {convert(odd)!r}" if odd else
                   "a character whose case in Unicode depends on the characters around it (a final \u03a3)")
            raise SplUnsupportedError(f"text holding {why}: no Splunk page says whether {name}() maps it in full "
                                      "or one character for one")
        return "".join(simple)

    return changed


@eager("lower", 1, 1, returns_text=True, multivalue=(0,))
def _lower(ctx: EvalContext, args: list[Value]) -> Value:
    return map_text(args[0], _LOWER)


@eager("upper", 1, 1, returns_text=True, multivalue=(0,))
def _upper(ctx: EvalContext, args: list[Value]) -> Value:
    return map_text(args[0], _UPPER)


_LOWER = change_case("lower", str.lower)
_UPPER = change_case("upper", str.upper)


def substr(text: str, start: int, length: int | None) -> str:
    """1-based substring; a negative start counts from the end (``-3`` = the last three characters)."""
    if start < 0:
        begin = max(len(text) + start, 0)
    else:
        begin = max(start - 1, 0)
    if length is None:
        return text[begin:]
    if length <= 0:
        return ""
    return text[begin : begin + length]


@eager("substr", 2, 3, returns_text=True, multivalue_note=NOT_ON_MV)
def _substr(ctx: EvalContext, args: list[Value]) -> Value:
    text = coerce.text(args[0])
    start = coerce.integer(args[1])
    length = coerce.integer(args[2]) if len(args) > 2 else None
    if text is None or start is None or (len(args) > 2 and length is None):
        return None
    return substr(text, start, length)


@eager("replace", 3, 3, patterns=(1,), returns_text=True, multivalue_note=NOT_ON_MV)
def _replace(ctx: EvalContext, args: list[Value]) -> Value:
    """Regex replacement of every match; ``\\1`` in the replacement is the first group."""
    text = coerce.text(args[0])
    pattern, template = coerce.text(args[1]), coerce.text(args[2])
    if pattern is None or template is None:
        return None
    compiled = compile_pcre(pattern)
    return None if text is None else substitute(compiled, template, text)


def _trimmer(name: str, method: Callable[[str, str], str]) -> FunctionSpec:
    def impl(ctx: EvalContext, args: list[Value]) -> Value:
        text = coerce.text(args[0])
        chars = coerce.text(args[1]) if len(args) > 1 else DEFAULT_TRIM
        if text is None or chars is None:
            return None
        return method(text, chars)

    return FunctionSpec(name, 1, 2, impl, returns_text=True, multivalue_note=NOT_ON_MV)


_trim = _trimmer("trim", str.strip)
_ltrim = _trimmer("ltrim", str.lstrip)
_rtrim = _trimmer("rtrim", str.rstrip)


@eager("split", 2, 2, returns_text=True, multivalue_note=SPLIT_MV, makes_from_arity=2)
def _split(ctx: EvalContext, args: list[Value]) -> Value:
    """Split on a literal delimiter into a multivalue; an empty delimiter splits into characters.

    The 10.0 Multivalue eval functions page ("This function splits the string values on the delimiter and returns
    the string values as a multivalue field") shows only single-value input and says nothing of a multivalue
    ``<str>`` or ``<delim>``: either is refused rather than read as its first value."""
    text, delimiter = coerce.text(args[0]), coerce.text(args[1])
    if text is None or delimiter is None:
        return None
    parts = list(text) if delimiter == "" else text.split(delimiter)
    return make_mv(parts)


@eager("urldecode", 1, 1, returns_text=True, multivalue_note=NOT_ON_MV)
def _urldecode(ctx: EvalContext, args: list[Value]) -> Value:
    text = coerce.text(args[0])
    return None if text is None else unquote_plus(text)


FUNCTIONS: tuple[FunctionSpec, ...] = (
    _len, _lower, _upper, _substr, _replace, _trim, _ltrim, _rtrim, _split, _urldecode,
)
