"""Reading numbers typed as text, vectorised over all cells of a sheet.

Focal points type numbers the way their locale writes them: "1 234", "1,234.5", "12,5",
"1'234", "1.234.567,8", sometimes with a footnote marker ("123*") or a not-available marker
("..", "n/a", "-"). Each text is classified by one pattern from :data:`STYLES`, an ordered
registry of (name, full-match pattern, thousands separators to drop, decimal separator). A text
matching none of them is unparseable: guessing would risk a wrong number in a published table.

Ambiguity: a single group separator followed by exactly three digits ("1,234", "1.234") reads
as 1234 in one locale and 1.234 in another; such cells are read the common way (comma =
thousands, dot = decimal) and flagged ``ambiguous`` so a person confirms them.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

#: Not-available markers (compared lower-case, after trimming). ITU questionnaires use "..".
MISSING_MARKERS = frozenset({"..", "...", "n/a", "na", "n.a.", "-", "–", "—", "nd", "n.d."})

#: Footnote markers that may trail a number: asterisks, daggers, hashes or "(a)" / "(1)".
FOOTNOTE_PATTERN = r"^(?P<number>.*?[0-9])\s*(?P<marker>[*†‡#]+|\([A-Za-z0-9]{1,2}\))$"

#: (style, full-match pattern on the unsigned text, group separators, decimal separator).
STYLES: tuple[tuple[str, str, str, str], ...] = (
    ("plain", r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", "", "."),
    ("space_group", r"[1-9][0-9]{0,2}(?: [0-9]{3})+(?:[.,][0-9]+)?", " ", ","),
    ("apostrophe_group", r"[1-9][0-9]{0,2}(?:'[0-9]{3})+(?:\.[0-9]+)?", "'", "."),
    ("comma_group", r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?", ",", "."),
    ("dot_group", r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+(?:,[0-9]+)?", ".", ","),
    ("decimal_comma", r"[0-9]+,[0-9]+", "", ","),
)
#: One separator then exactly three digits: thousands in one locale, decimals in another.
AMBIGUOUS_PATTERN = r"[1-9][0-9]{0,2}[.,][0-9]{3}"

ARABIC_SEPARATORS = str.maketrans({"\u066b": ".", "\u066c": ","})
#: Spaces pasted from word processors (no-break, narrow no-break, thin, figure space) group
#: thousands like a plain space: all are Unicode whitespace, which ``\s+`` collapses to " ".
SPACES = frozenset({"\u00a0", "\u202f", "\u2009", "\u2007"})
MINUS_SIGNS = {"\u2212": "-", "\u2013": "-"}

#: Outcome labels of :func:`parse_text_numbers`.
NUMBER, MISSING, UNPARSEABLE = "number", "missing", "unparseable"


def ascii_digits(text: str) -> str:
    """Digits of any script (Arabic-Indic, full-width, Devanagari …) as ASCII digits.

    NFKC folds full-width forms ("１２３，５" → "123,5"); every other decimal digit
    (Unicode category Nd) maps to its value. The Arabic decimal and thousands separators
    become "." and ",".
    """
    folded = unicodedata.normalize("NFKC", text).translate(ARABIC_SEPARATORS)
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in folded)


def _normalise_spaces(text: pd.Series) -> pd.Series:
    """Digits of any script as ASCII; trimmed, every run of whitespace (including
    :data:`SPACES`) one plain space."""
    foreign = ~text.str.isascii().fillna(True).astype(bool)
    if foreign.any():
        text = text.where(~foreign, text[foreign].map(ascii_digits))
    return text.str.strip().str.replace(r"\s+", " ", regex=True)


#: A plain number with an optional ASCII sign and nothing around it: how a database export
#: writes every value. Such a text reads the same through every step of the general parser
#: (nothing to trim, fold, split off or regroup), so it is read directly.
PLAIN_SIGNED = r"[-+]?" + STYLES[0][1]
#: The ambiguous shape among plain texts (which hold no comma, so its separator is a dot).
AMBIGUOUS_PLAIN = r"[-+]?" + AMBIGUOUS_PATTERN


def parse_text_numbers(text: pd.Series) -> pd.DataFrame:
    """Parse a Series of strings into numbers.

    Returns a frame aligned with ``text`` with columns ``value`` (float, NaN unless parsed),
    ``outcome`` (number | missing | unparseable), ``style`` (the :data:`STYLES` name used),
    ``ambiguous`` (bool) and ``marker`` (footnote marker, '' when none).
    """
    index, text = text.index, text.astype(object).reset_index(drop=True)
    plain = text.str.fullmatch(PLAIN_SIGNED).fillna(False).astype(bool)
    if not plain.any():
        return _parse(text).set_axis(index)
    value = pd.to_numeric(text[plain]).astype(float).to_numpy()
    parsed = np.isfinite(value)
    fast = pd.DataFrame(
        {
            "value": np.where(parsed, value, np.nan),
            "outcome": np.where(parsed, NUMBER, UNPARSEABLE),
            "style": STYLES[0][0],
            "ambiguous": text[plain].str.fullmatch(AMBIGUOUS_PLAIN).to_numpy(dtype=bool) & parsed,
            "marker": "",
        },
        index=text.index[plain],
    ).astype({"style": object, "marker": object})
    if not plain.all():
        fast = pd.concat([fast, _parse(text[~plain])]).sort_index()
    return fast.set_axis(index)


def _parse(text: pd.Series) -> pd.DataFrame:
    """:func:`parse_text_numbers` for any text, step by step."""
    clean = _normalise_spaces(text.astype("string").fillna(""))
    missing = clean.str.lower().isin(MISSING_MARKERS)
    parts = clean.str.extract(FOOTNOTE_PATTERN)
    has_marker = parts["number"].notna()
    body = parts["number"].where(has_marker, clean)
    marker = parts["marker"].where(has_marker, "").fillna("").astype(str)
    for old, new in MINUS_SIGNS.items():
        body = body.str.replace(old, new, regex=False)
    sign = body.str.extract(r"^(?P<sign>[-+]?)\s*(?P<digits>.*)$")
    digits = sign["digits"].fillna("")
    negative = sign["sign"].eq("-").fillna(False).to_numpy(dtype=bool)
    value = np.full(len(text), np.nan)
    style = pd.Series("", index=text.index, dtype=object)
    for name, pattern, groups, decimal in STYLES:
        todo = (style == "") & digits.str.fullmatch(pattern).fillna(False) & ~missing
        if not todo.any():
            continue
        chosen = digits[todo]
        for separator in groups:
            chosen = chosen.str.replace(separator, "", regex=False)
        if decimal == ",":
            chosen = chosen.str.replace(",", ".", regex=False)
        value[todo.to_numpy()] = pd.to_numeric(chosen, errors="coerce").to_numpy(dtype=float)
        style[todo] = name
    parsed = (style != "").to_numpy() & np.isfinite(value)
    value = np.where(negative & parsed, -value, np.where(parsed, value, np.nan))
    outcome = np.where(missing, MISSING, np.where(parsed, NUMBER, UNPARSEABLE))
    ambiguous = digits.str.fullmatch(AMBIGUOUS_PATTERN).fillna(False).to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "value": value,
            "outcome": outcome,
            "style": style.to_numpy(),
            "ambiguous": ambiguous & parsed,
            "marker": marker.to_numpy(dtype=object),
        },
        index=text.index,
    )
