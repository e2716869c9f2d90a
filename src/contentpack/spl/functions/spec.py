"""The shape of an eval function: what the evaluator needs to check arity and to call it.

Kept apart from the registry so family modules can import it without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from contentpack.spl.values import EvalContext, Value

EagerImpl = Callable[[EvalContext, list[Value]], Value]
LazyImpl = Callable[[EvalContext, list[Any]], Value]
#: ``FunctionSpec.keeps_values``: argument indexes, ``"every"`` argument, each second from the second (``"pairs"``),
#: or the one field the first argument's expression names (``"named"``: ``mvfilter``)
KeptArgs = tuple[int, ...] | Literal["every", "pairs", "named"]


@dataclass(frozen=True)
class FunctionSpec:
    """One eval function.

    ``lazy`` functions receive unevaluated expression nodes and call ``ctx.evaluate`` themselves — needed by
    ``if``/``case``/``coalesce`` (only the chosen branch is evaluated, as in Splunk) and by ``mvfilter``
    (its expression is evaluated once per value). ``max_args`` ``None`` means "any number".

    ``patterns``: the indexes of arguments that are PCRE patterns (``match``, ``replace``, ``mvfind``). The
    expression parser checks such an argument written as a string literal when the search is parsed
    (``regex.check_literal``), so a pattern Splunk cannot compile is a syntax error with its column, not a
    failure of the first event that reaches it; a pattern computed from fields is compiled when evaluated.

    ``returns_text``: the function's page says it returns a string (``substr``, ``tostring``, ``md5``, ...).
    The evaluator then types its text result as a String (``values.as_text``), so ``typeof(substr("123",1,2))``
    is String and ``tostring(5) + 1`` is null, as for a quoted literal; declared here once so no function
    body has to remember it. Functions that pass a value through (``mvindex``, ``if``, ``coalesce``) keep the
    type of what they pass.

    ``multivalue``: the indexes of the arguments that take a multivalue whole (``"every"``: all of them), as the
    function's page says (``mvcount``'s ``<mv>``, ``lower``: "You can use this function on multivalue fields.",
    ``max``/``min``). Any other argument of an eager function holding a multivalue is refused as unsupported
    before the function runs (``single_value_args``; the evaluator raises ``coerce.multivalue_refused``): no
    page says which of its values such a function reads, and reading the first (the engine did) can turn a
    ``where`` or an ``if`` the other way without a word. ``multivalue_note`` says why, when the page says more
    than nothing ("This function is not supported on multivalue fields.").

    ``keeps_values``: the indexes of the arguments (``"every"``: all; ``"pairs"``: each second from the second,
    ``case``'s values after their conditions) whose several values the result holds whenever that argument
    holds several and is the one returned, as the function's page says (``mvdedup``, ``mvsort``, ``mvappend``'s
    every; ``mvmap``'s first, which it "iterates over" and "returns a multivalue field with the list of results";
    ``if``'s two branches, ``case``'s values and ``coalesce``'s every argument, each of which is the
    result when its condition holds or the arguments before it are null); ``"named"``: the values of the one
    field the first argument's expression names (``mvfilter``, which "filters a multivalue field based on an
    arbitrary Boolean expression" that names one field). ``keeps_from_arity``: the least number of arguments
    the claim holds with (``mvindex``: 3, a range, "returns a subset of the multivalue field using the start and
    end index values"; with 2 it returns the one value at ``start``). ``span_args``: the start and end arguments of
    such a range (``mvindex``'s ``(1, 2)``: "the range of values from <start> to <end> are included", the end too,
    as ``mvindex(names,0,3)`` gives the page's "first 4 values"): written as integers of one sign, both counted
    from the start or both from the end ("An index of -1 is used to specify the last value"), with the end not
    after the start (``mvindex(f, 0, 0)``, ``mvindex(f, -1, -1)``, ``mvindex(f, 2, 1)``), the range holds one
    value at most, so the call keeps nothing.

    ``zips_values``: the arguments whose values the result pairs position by position (``mvzip``'s ``<mv_left>``
    and ``<mv_right>``: "This function combines the values in two multivalue fields", "stitched together
    combining the first value of <mv_left> with the first value of field <mv_right>, then the second with the
    second, and so on", "similar to the Python zip command", which stops at the shorter): the result can hold
    several values when each of them can, one when either holds one.

    ``makes_from_arity``: with at least this many arguments, the result can hold several values whatever its
    arguments hold, as the function's page says it returns a multivalue (``split``: "splits the string values
    on the delimiter and returns the string values as a multivalue field"; ``mvrange``; ``mvappend`` of two or
    more values: "returns a single multivalue result that contains all of the values").

    The validator's multivalue reading (CP029's drilldown tokens, CP075's throttle keys, CP087's risk message
    tokens: ``commands.eval.several_values``) follows a multivalue field through an ``eval`` by these claims: a
    result that can hold several values is one to warn of; any other function makes no claim there (one value,
    as ``mvjoin``, ``mvcount`` or ``mvindex(f, i)``).
    """

    name: str
    min_args: int
    max_args: int | None
    impl: Callable[..., Value]
    lazy: bool = False
    patterns: tuple[int, ...] = ()
    returns_text: bool = False
    multivalue: tuple[int, ...] | Literal["every"] = ()
    multivalue_note: str | None = None
    keeps_values: KeptArgs = ()
    keeps_from_arity: int = 0
    span_args: tuple[int, int] | None = None
    zips_values: tuple[int, ...] = ()
    makes_from_arity: int | None = None

    def kept_args(self, count: int) -> range | tuple[int, ...]:
        """The indexes, among ``count`` arguments, whose several values the result can hold (``keeps_values``,
        ``keeps_from_arity``); none for ``"named"``, whose kept field is inside the first argument."""
        if count < self.keeps_from_arity or self.keeps_values == "named":
            return ()
        if self.keeps_values == "every":
            return range(count)
        if self.keeps_values == "pairs":
            return range(1, count, 2)
        return self.keeps_values

    def makes_values(self, count: int) -> bool:
        """Whether a call with ``count`` arguments can return several values whatever they hold
        (``makes_from_arity``)."""
        return self.makes_from_arity is not None and count >= self.makes_from_arity

    def single_value_args(self, count: int) -> tuple[int, ...]:
        """The indexes, among ``count`` arguments, of those a multivalue is refused in (none for a lazy
        function: it evaluates its arguments itself)."""
        if self.lazy or self.multivalue == "every":
            return ()
        return tuple(index for index in range(count) if index not in self.multivalue)

    def accepts(self, count: int) -> bool:
        """Whether a call with ``count`` arguments has a valid arity."""
        return count >= self.min_args and (self.max_args is None or count <= self.max_args)

    def arity_text(self) -> str:
        """Human wording of the accepted arity, for error messages."""
        if self.max_args is None:
            return f"at least {self.min_args}"
        if self.max_args == self.min_args:
            return str(self.min_args)
        return f"{self.min_args} to {self.max_args}"


def eager(name: str, min_args: int, max_args: int | None, *, patterns: tuple[int, ...] = (),
          returns_text: bool = False, multivalue: tuple[int, ...] | Literal["every"] = (),
          multivalue_note: str | None = None, keeps_values: KeptArgs = (), keeps_from_arity: int = 0,
          span_args: tuple[int, int] | None = None, zips_values: tuple[int, ...] = (),
          makes_from_arity: int | None = None) -> Callable[[EagerImpl], FunctionSpec]:
    """Decorator: turn ``impl(ctx, args)`` into an eager :class:`FunctionSpec`."""

    def wrap(impl: EagerImpl) -> FunctionSpec:
        return FunctionSpec(name, min_args, max_args, impl, lazy=False, patterns=patterns,
                            returns_text=returns_text, multivalue=multivalue, multivalue_note=multivalue_note,
                            keeps_values=keeps_values, keeps_from_arity=keeps_from_arity, span_args=span_args,
                            zips_values=zips_values, makes_from_arity=makes_from_arity)

    return wrap


def lazy(name: str, min_args: int, max_args: int | None, *,
         keeps_values: KeptArgs = ()) -> Callable[[LazyImpl], FunctionSpec]:
    """Decorator: turn ``impl(ctx, nodes)`` into a lazy :class:`FunctionSpec`."""

    def wrap(impl: LazyImpl) -> FunctionSpec:
        return FunctionSpec(name, min_args, max_args, impl, lazy=True, keeps_values=keeps_values)

    return wrap
