"""What text a Splunk .conf file can carry: the one definition the validator's rules and the app builder share.

A .conf value is one physical line, continued by a trailing backslash; the builder escapes line breaks, but a
control character (NUL, ESC, the C1 range with NEL, U+2028/U+2029 that some readers take for line ends) has
no escape, and a value whose last character is a backslash would swallow the next setting. ``validate``
reports such text at its YAML position (CP049) so ``build`` never meets it; the builder keeps the same
check as its last line of defence (``contentpack.esapp.conf``).
"""

from __future__ import annotations

import re

from contentpack.content.loader import text_position

# C0 controls except TAB and LF, DEL, and the C1 controls (U+0080..U+009F, which include NEL), and the Unicode
# line/paragraph separators. CR is not here: the writer turns CRLF and lone CR into LF.
FORBIDDEN_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# Either problem, in one search (the fast path: nearly every text has neither).
_SUSPECT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]|\\\s*\Z")
# The characters of FORBIDDEN_CHARS that stay forbidden once line ends are normalised (CR becomes LF).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")

TRAILING_BACKSLASH = "a value may not end with a backslash (Splunk would join the next line to it)"


def conf_text_problem(value: str) -> str | None:
    """Why ``value`` cannot be written as a .conf value, or None when it can."""
    if _SUSPECT.search(value) is None:
        return None
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    bad = FORBIDDEN_CHARS.search(text)
    if bad is not None:
        at = text_position(text, "", bad.start())  # a multi-line value's line and column
        return (f"line {at.line} column {at.col}: control character U+{ord(bad.group()):04X} cannot be written to a "
                ".conf file")
    if text.strip().endswith("\\"):
        return TRAILING_BACKSLASH
    return None


def all_fit(texts: list[str]) -> bool:
    """Whether ``conf_text_problem`` is None for every one of ``texts``, in one look at all of them.

    Why: a validator checks every text of every object, and nearly every object's texts all fit, so it
    asks this first and looks at each text only when the answer is no. A text fails for a control character
    (which no joining can create or hide: ``isprintable`` rules them out in one fast pass over text that has
    no line breaks or tabs) or for a trailing backslash (impossible when no text has a backslash at all).
    """
    joined = "".join(texts)
    if not joined.isprintable() and _CONTROL.search(joined) is not None:
        return False
    return "\\" not in joined or not any(text.rstrip().endswith("\\") for text in texts)


# U+0085, U+2028 and U+2029 in UTF-8: the only characters of FORBIDDEN_CHARS a YAML file may hold as written.
_WRITTEN_IN_YAML = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


def yaml_bytes_fit(raw: bytes) -> bool:
    """Whether every text parsed from the YAML file whose (UTF-8) bytes are ``raw`` fits, told from the bytes.

    Why: checking the texts of a big pack means visiting every value of its model, while a look at the bytes of
    each file is one fast scan. The YAML reader refuses every other control character written as it is (YAML's
    printable character set, ``c-printable``; the loader reports such a file), so in a file that parses they can
    only come from an escape sequence, which needs a backslash, as does a trailing backslash. Meant for the
    files a text came from only: the model's texts that come from elsewhere (a lookup's CSV header) are not
    covered.
    """
    # (an ASCII file holds none of the three: one fast look at most files)
    return b"\\" not in raw and (raw.isascii() or not any(sequence in raw for sequence in _WRITTEN_IN_YAML))
