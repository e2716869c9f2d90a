"""``all_fit``: the one-look check of many texts says exactly what ``conf_text_problem`` says of each; and
``yaml_bytes_fit`` never vouches for a file that holds a text it refuses."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.content.conf_text import all_fit, conf_text_problem, yaml_bytes_fit
from contentpack.content.loader import load_yaml_bytes

# Characters on both sides of every boundary the definition draws: control characters (C0, DEL, C1 with NEL,
# U+2028/U+2029), the line ends and tab that are allowed, backslashes, whitespace that ``\s`` and ``strip``
# both take (``\x1c`` is both a control character and whitespace), and printable non-ASCII text.
_ALPHABET = "ab \\\r\n\t\x00\x0b\x0c\x1c\x1f\x7f\x85\x9f\xa0\u2028\u2029\u3000é"


@given(st.lists(st.text(alphabet=_ALPHABET, max_size=6), max_size=5))
def test_all_fit_agrees_with_each_text_checked_on_its_own(texts: list[str]) -> None:
    assert all_fit(texts) == all(conf_text_problem(text) is None for text in texts)


def test_a_backslash_fails_only_at_the_end_of_its_own_text() -> None:
    assert all_fit(["a\\", "b"]) is False and all_fit(["a\\ \r\n"]) is False
    assert all_fit(["a", "\\b", "c\\d"]) is True and all_fit(["multi\nline\ttext"]) is True
    assert all_fit(["x\x85"]) is False and all_fit(["é", "\u3000"]) is True and all_fit([]) is True


# ``yaml_bytes_fit``: the bytes of a YAML file vouch for its texts (CP049 skips the texts of such files), so it
# must never say yes for a file that yields a text ``conf_text_problem`` refuses.
_TEMPLATES = ('a: "{}"\n', "a: '{}'\n", "a: {}\n", "a: |\n  {}\n", "a: >\n  x\n  {}\n", "- {}\n", "{}: 1\n",
              "a: [{}, b]\n", "? {}\n: x\n")


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (*_texts(key), *_texts(item))]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def _vouched_for(text: str, template: str) -> list[str] | None:
    """The texts of the YAML file ``template`` holding ``text`` as written, when its bytes vouch for them."""
    raw = template.format(text).encode("utf-8")
    document, _ = load_yaml_bytes(raw, "f.yml")
    return _texts(document.data) if document is not None and yaml_bytes_fit(raw) else None


@settings(deadline=None)  # nine YAML files parsed per example: no per-example time limit on a loaded CI machine
@given(st.text(alphabet=_ALPHABET + "\"'x", max_size=8))
def test_bytes_that_vouch_for_a_file_give_only_texts_that_fit(text: str) -> None:
    for template in _TEMPLATES:
        assert all(conf_text_problem(found) is None for found in _vouched_for(text, template) or [])


def test_no_character_a_conf_value_refuses_passes_as_written() -> None:
    """The YAML reader refuses each one written as it is, or the bytes show it (U+0085, U+2028, U+2029)."""
    refused = [chr(code) for code in range(0x110000) if conf_text_problem(f"a{chr(code)}b") is not None]
    assert len(refused) == 64  # C0 but TAB, LF and CR; DEL; C1; U+2028 and U+2029
    for char in refused:
        for template in _TEMPLATES:
            assert _vouched_for(f"a{char}b", template) is None, (hex(ord(char)), template)
    assert _vouched_for("ends in a backslash \\", "a: {}\n") is None
    assert _vouched_for('an escape: \\x07', 'a: "{}"\n') is None
    assert _vouched_for("plain text, é and \u3000", "a: {}\n") == ["a", "plain text, é and \u3000"]
