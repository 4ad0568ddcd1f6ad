"""Text-number parser of ingest: known cases and a round-trip property."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.ingest.numbers import (
    MISSING,
    NUMBER,
    STYLES,
    UNPARSEABLE,
    _parse,
    parse_text_numbers,
)

CASES = [
    ("1234", 1234.0, "plain", False, ""),
    ("1 234", 1234.0, "space_group", False, ""),
    ("1\u00a0234\u00a0567", 1234567.0, "space_group", False, ""),
    ("12 345,6", 12345.6, "space_group", False, ""),
    ("1,234.5", 1234.5, "comma_group", False, ""),
    ("1,234", 1234.0, "comma_group", True, ""),
    ("1.234", 1.234, "plain", True, ""),
    ("0.250", 0.25, "plain", False, ""),
    ("0,250", 0.25, "decimal_comma", False, ""),
    ("12,5", 12.5, "decimal_comma", False, ""),
    ("1'234'567.25", 1234567.25, "apostrophe_group", False, ""),
    ("1.234.567,8", 1234567.8, "dot_group", False, ""),
    ("-5", -5.0, "plain", False, ""),
    ("\u22125", -5.0, "plain", False, ""),
    ("123*", 123.0, "plain", False, "*"),
    ("98.0 (a)", 98.0, "plain", False, "(a)"),
    ("  7  ", 7.0, "plain", False, ""),
    ("1e3", 1000.0, "plain", False, ""),
]


@pytest.mark.parametrize(("text", "value", "style", "ambiguous", "marker"), CASES)
def test_known_texts_parse(
    text: str, value: float, style: str, ambiguous: bool, marker: str
) -> None:
    got = parse_text_numbers(pd.Series([text])).iloc[0]
    assert got["outcome"] == NUMBER
    assert got["value"] == pytest.approx(value, rel=0, abs=0)
    assert (got["style"], bool(got["ambiguous"]), got["marker"]) == (style, ambiguous, marker)


@pytest.mark.parametrize("text", ["..", "...", "n/a", "N/A", "-", "\u2013", "na"])
def test_missing_markers(text: str) -> None:
    got = parse_text_numbers(pd.Series([text])).iloc[0]
    assert got["outcome"] == MISSING
    assert math.isnan(got["value"])


@pytest.mark.parametrize("text", ["abc", "", "12.5%", "1e999", "1,23,4", "1 23", "12-5", "--5"])
def test_unparseable(text: str) -> None:
    got = parse_text_numbers(pd.Series([text])).iloc[0]
    assert got["outcome"] == UNPARSEABLE
    assert math.isnan(got["value"])


def test_every_style_has_a_known_case() -> None:
    assert {case[2] for case in CASES} >= {name for name, *_ in STYLES}


def test_index_is_kept() -> None:
    texts = pd.Series(["1", "x"], index=[10, 20])
    assert list(parse_text_numbers(texts).index) == [10, 20]


def _styles(number: float, decimals: int) -> dict[str, str]:
    english = f"{number:,.{decimals}f}"
    swap = str.maketrans({",": ".", ".": ","})
    return {
        "plain": f"{number:.{decimals}f}",
        "comma_group": english,
        "dot_group": english.translate(swap),
        "space_group": english.replace(",", " "),
        "space_group_decimal_comma": english.replace(",", " ").replace(".", ","),
        "apostrophe_group": english.replace(",", "'"),
        "decimal_comma": f"{number:.{decimals}f}".replace(".", ","),
    }


@given(
    number=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
    decimals=st.integers(min_value=0, max_value=4),
)
def test_formatted_floats_parse_back(number: float, decimals: int) -> None:
    """Any float written in an accepted style reads back as that decimal text's value.

    The one exception is the ambiguous shape (one separator then exactly three digits): it is
    flagged, and the reading is one of its two possible values.
    """
    styles = _styles(number, decimals)
    expected = float(styles["plain"])
    parsed = parse_text_numbers(pd.Series(list(styles.values())))
    assert (parsed["outcome"] == NUMBER).all(), list(styles.values())
    for text, (_, row) in zip(styles.values(), parsed.iterrows(), strict=True):
        if row["ambiguous"]:
            digits = text.lstrip("-").replace(",", "").replace(".", "")
            sign = -1.0 if text.startswith("-") else 1.0
            readings = {expected, sign * float(digits), sign * float(digits) / 1000}
            assert row["value"] in readings, text
        else:
            assert row["value"] == expected, text


#: Texts a database export writes (signed plain numbers, exponents, huge ones) mixed with
#: the shapes the general parser handles, so both paths of the parser meet in one column.
_TEXTS = st.one_of(
    st.from_regex(
        r"\A[-+]?(?:[0-9]{1,12}(?:\.[0-9]{0,6})?|\.[0-9]{1,6})(?:[eE][+-]?[0-9]{1,3})?\Z"
    ),
    st.sampled_from(["1,234", " 7 ", "n/a", "12,5", "1e999", "-", "1.234", "+1.234", "x"]),
    st.text(max_size=6),
)


@given(st.lists(_TEXTS, max_size=12))
def test_plain_numbers_read_directly_as_the_general_parser_reads_them(texts: list[str]) -> None:
    index = pd.Index([f"r{i}" for i in range(len(texts))])
    fast = parse_text_numbers(pd.Series(texts, index=index, dtype=object))
    slow = _parse(pd.Series(texts, index=index, dtype=object))
    pd.testing.assert_frame_equal(fast, slow.set_axis(index), check_dtype=False)
