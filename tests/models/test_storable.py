"""What can be stored: text without NUL or half a surrogate pair, whole numbers within 64 bits.
Every shape's validation schema carries the rule (models.base.Shape): text, whole numbers and
free-form values, parsed from JSON bytes or text or built in Python, whichever way such a thing
is written: escaped or raw, with an exponent or without; refused in plain words, naming the
field."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import Field, ValidationError

from models.base import MAX_INT, Shape, storable_problem
from models.canonical import parse_record
from models.errors import RecordFormatError


class Note(Shape):
    text: str
    tags: list[str] = Field(default_factory=list)
    count: int = 0
    extra: dict[str, object] = Field(default_factory=dict)


REFUSED = [
    '{"text": "a\\u0000b"}',  # NUL, escaped
    '{"text": "a\x00b"}',  # NUL, raw (not valid JSON: refused either way)
    '{"text": "\\ud800"}',  # a lone high surrogate
    '{"text": "x", "tags": ["\\udfff"]}',  # a lone low one, in a list
    '{"text": "x", "extra": {"k\\u0000": 1}}',  # a NUL in a free-form key
    f'{{"text": "x", "count": {MAX_INT + 1}}}',  # 64 bits and one more
    f'{{"text": "x", "count": -{MAX_INT + 1}}}',
    '{"text": "x", "count": 1e30}',  # too large, written with an exponent
    '{"text": "x", "tags": [],"count":-1E+30}',  # after a comma, no space, signed
    '{"count": \n 2.0e19, "text": "x"}',  # after a line break
    '{"text": "x", "extra": {"n": 99999999999999999999}}',
]


@pytest.mark.parametrize("text", REFUSED)
def test_unstorable_json_is_refused_as_text_and_as_bytes(text: str) -> None:
    for data in (text, text.encode("utf-8", "surrogatepass")):
        with pytest.raises(ValidationError):
            Note.model_validate_json(data)


def test_plain_json_and_a_whole_surrogate_pair_are_taken() -> None:
    assert Note.model_validate_json('{"text": "Seen in the garden (synthetic)"}').text.startswith(
        "Seen"
    )
    assert Note.model_validate_json(
        b'{"text": "\\ud83d\\ude00", "count": 123456789012345678}'
    ).count
    assert (
        Note.model_validate_json('{"text": "x", "count": -9223372036854775807}').count == -MAX_INT
    )
    assert Note.model_validate_json('{"text": "id 9e41-3E07, 1e5 in words"}').text.startswith("id")


_TEXT = st.text(alphabet=st.characters(codec=None, blacklist_categories=()), max_size=12)
_NUMBER = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
)


@given(texts=st.lists(_TEXT, max_size=3), number=_NUMBER, ascii_only=st.booleans())
def test_json_text_is_refused_exactly_when_its_values_cannot_be_stored(
    texts: list[str], number: float, ascii_only: bool
) -> None:
    record = {"text": texts[0] if texts else "", "tags": texts[1:], "extra": {"n": number}}
    text = json.dumps(record, ensure_ascii=ascii_only)
    expected = storable_problem(record) is None
    try:
        Note.model_validate_json(text.encode("utf-8", "surrogatepass"))
        taken = True
    except ValidationError:
        taken = False
    assert taken == expected


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"text": "a\x00b"}, "text: this text contains a NUL character"),
        ({"text": "x", "tags": ["ok", "\ud800"]}, "tags.1: this text contains a broken character"),
        ({"text": "x", "count": MAX_INT + 1}, "count: this number is too large"),
        ({"text": "x", "count": -MAX_INT - 1}, "count: this number is too large"),
        ({"text": "x", "extra": {"deep": ["\x00"]}}, "extra.deep: this text contains a NUL"),
        ({"text": "x", "extra": {"n": 2**64}}, "extra.n: this number is too large"),
    ],
)
def test_refusals_name_the_field_in_plain_words(data: dict[str, object], words: str) -> None:
    with pytest.raises(RecordFormatError) as refused:
        parse_record(Note, data)
    [message] = refused.value.messages
    assert message.startswith(words), message


def test_a_changed_field_is_checked_too() -> None:
    note = Note(text="fine")
    with pytest.raises(ValidationError):
        note.text = "not\x00fine"
    assert note.text == "fine"
