"""Cryptographic functions: md5, sha1, sha256, sha512 — lower-case hex digests of the value's UTF-8 text.

Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/cryptographic-functions
"""

from __future__ import annotations

import hashlib

from contentpack.spl.functions import coerce
from contentpack.spl.functions.spec import FunctionSpec
from contentpack.spl.values import EvalContext, Value, utf8


def _digest(name: str) -> FunctionSpec:
    def impl(ctx: EvalContext, args: list[Value]) -> Value:
        text = coerce.text(args[0])
        if text is None:
            return None
        return hashlib.new(name, utf8(text)).hexdigest()

    return FunctionSpec(name, 1, 1, impl, returns_text=True)


FUNCTIONS: tuple[FunctionSpec, ...] = tuple(_digest(name) for name in ("md5", "sha1", "sha256", "sha512"))
