"""Text numbers at the edges of each rule of pipeline/ingest/numbers.py: every not-available
marker in any case, every kind of space and minus sign focal points paste, doubled spaces,
every footnote marker, signs with markers, and the ambiguous three-digit shape."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipeline.ingest.numbers import MINUS_SIGNS, MISSING_MARKERS, SPACES, parse_text_numbers


def _one(text: str) -> pd.Series:
    return parse_text_numbers(pd.Series([text])).iloc[0]


@pytest.mark.parametrize("marker", sorted(MISSING_MARKERS))
def test_every_missing_marker_in_any_case_and_padded(marker: str) -> None:
    for text in (marker, marker.upper(), f"  {marker} "):
        got = _one(text)
        assert got["outcome"] == "missing", text
        assert math.isnan(got["value"]) and got["style"] == ""


@pytest.mark.parametrize("text", ["n.d.", "N.D.", "nd", "n.a.", "—", "..."])
def test_named_missing_markers(text: str) -> None:
    assert _one(text)["outcome"] == "missing"


@pytest.mark.parametrize("space", sorted(SPACES))
def test_every_pasted_space_groups_thousands(space: str) -> None:
    got = _one(f"1{space}234{space}567")
    assert (got["value"], got["style"], got["outcome"]) == (1234567.0, "space_group", "number")


@pytest.mark.parametrize("text", ["1  234", "  1   234  ", "1 \u00a0234", "\t1 234\n"])
def test_doubled_and_mixed_spaces_read_as_one_separator(text: str) -> None:
    assert _one(text)["value"] == 1234.0


@pytest.mark.parametrize("minus", sorted(MINUS_SIGNS))
def test_every_minus_sign(minus: str) -> None:
    assert _one(f"{minus}5")["value"] == -5.0
    assert _one(f"{minus}1 234,5")["value"] == -1234.5


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("+5", 5.0),
        ("- 5", -5.0),
        ("\u20135", -5.0),
        ("\u22120.5", -0.5),
        ("-0.5", -0.5),
        (".5", 0.5),
        ("5.", 5.0),
        ("1E-3", 0.001),
    ],
)
def test_signs_and_plain_shapes(text: str, value: float) -> None:
    got = _one(text)
    assert (got["outcome"], got["value"], got["style"]) == ("number", value, "plain")


@pytest.mark.parametrize(
    ("text", "value", "marker"),
    [
        ("123†", 123.0, "†"),
        ("123‡", 123.0, "‡"),
        ("123#", 123.0, "#"),
        ("123 **", 123.0, "**"),
        ("5 (1)", 5.0, "(1)"),
        ("5(ab)", 5.0, "(ab)"),
        ("-5*", -5.0, "*"),
        ("1,234.5 (a)", 1234.5, "(a)"),
    ],
)
def test_footnote_markers_are_split_off(text: str, value: float, marker: str) -> None:
    got = _one(text)
    assert (got["outcome"], got["value"], got["marker"]) == ("number", value, marker)


@pytest.mark.parametrize("text", ["5 (abc)", "5 *a", "(a)", "*"])
def test_what_is_not_a_footnote_marker(text: str) -> None:
    assert _one(text)["outcome"] == "unparseable"


@pytest.mark.parametrize(
    ("text", "value", "ambiguous"),
    [
        ("1.234", 1.234, True),
        ("-1,234", -1234.0, True),
        ("999,999", 999999.0, True),
        ("1,2345", 1.2345, False),
        ("1,234,567", 1234567.0, False),
        ("1.23", 1.23, False),
        ("1234,567", 1234.567, False),
        ("0,123", 0.123, False),
    ],
)
def test_only_one_separator_then_exactly_three_digits_is_ambiguous(
    text: str, value: float, ambiguous: bool
) -> None:
    got = _one(text)
    assert got["value"] == pytest.approx(value, rel=1e-15)
    assert bool(got["ambiguous"]) is ambiguous


def test_an_unparseable_text_is_never_flagged_ambiguous_nor_given_a_value() -> None:
    got = _one("1,234,5")
    assert (got["outcome"], bool(got["ambiguous"]), got["style"]) == ("unparseable", False, "")
    assert math.isnan(got["value"])


def test_a_column_of_mixed_cells_keeps_each_outcome_in_place() -> None:
    texts = pd.Series(["1 234", None, "..", "x", "12,5", "7*"], index=[5, 4, 3, 2, 1, 0])
    got = parse_text_numbers(texts)
    assert list(got.index) == [5, 4, 3, 2, 1, 0]
    assert list(got["outcome"]) == [
        "number",
        "unparseable",
        "missing",
        "unparseable",
        "number",
        "number",
    ]
    assert list(got["style"]) == ["space_group", "", "", "", "decimal_comma", "plain"]
    assert list(got["marker"]) == ["", "", "", "", "", "*"]
    assert got["value"].iloc[[0, 4, 5]].tolist() == [1234.0, 12.5, 7.0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("\u0661\u0662\u0663\u066b\u0665", 123.5),  # Arabic-Indic digits, Arabic decimal sign
        ("\u0661\u066c\u0662\u0663\u0664", 1234.0),  # Arabic thousands separator
        ("\uff11\uff12\uff13", 123.0),  # full-width digits
        ("\u0967\u0968", 12.0),  # Devanagari digits
    ],
)
def test_digits_of_other_scripts_are_read_beside_ascii_ones(text: str, value: float) -> None:
    texts = pd.Series([text, "7"])
    got = parse_text_numbers(texts)
    assert got["value"].tolist() == [value, 7.0]
    assert got["outcome"].tolist() == ["number", "number"]
