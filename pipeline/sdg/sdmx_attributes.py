"""SDMX attributes of the SDG series as a custodian agency reports them to UNSD.

The SDG DSD (``data/sources/sdg_dsd/``, Guidelines for the Global DSD for SDG indicators)
separates what ictstats keeps together in an observation's ``footnote``: the *source* of a value
(``SOURCE_DETAIL``, e.g. "Ministry of Science and ICT"), statements about it (``COMMENT_OBS``,
e.g. "Provisional value."), the survey's *age scope* (a dimension, ``AGE``), and who produced it
(``NATURE``: country data, adjusted by the custodian, estimated by the custodian, or global
monitoring data). Each function here turns one of these into its DSD form, vectorised over the
frame; the vocabulary (which footnote parts are comments, which formulas adjust country data,
decimals per series) lives in ``schemas/sdg/sdmx.toml``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

_AGE = re.compile(
    r"^(?:(?:individuals\s+)?aged?\s+)?(?P<low>\d{1,2})\s*"
    r"(?:(?P<plus>\+|years?\s+and\s+(?:over|older)|and\s+(?:over|older))|"
    r"(?:-|–|to)\s*(?P<high>\d{1,2}))(?:\s*years?(?:\s+old)?)?\.?$",
    re.IGNORECASE,
)


def _starts(parts: pd.Series, prefixes: list[str]) -> pd.Series:
    pattern = "^(?:" + "|".join(re.escape(p) for p in prefixes) + ")"
    return parts.str.contains(pattern, case=False, regex=True)


def age_code(parts: pd.Series) -> pd.Series:
    """CL_AGE-style code of a footnote part that states an age scope ("15+" → ``Y_GE15``,
    "aged 15-74" → ``Y15T74``), NaN for any other part."""
    found = parts.str.extract(_AGE)
    plus = "Y_GE" + found["low"]
    span = "Y" + found["low"] + "T" + found["high"]
    return plus.where(found["plus"].notna(), span.where(found["high"].notna()))


def split_footnotes(footnotes: pd.Series, sdmx: dict[str, Any]) -> pd.DataFrame:
    """``source`` (SOURCE_DETAIL), ``comment`` (COMMENT_OBS), ``age`` (CL_AGE code or "") and
    ``custodian_estimate`` (bool) of each footnote, parts separated by ";"."""
    parts = footnotes.fillna("").astype(str).str.split(";").explode().str.strip()
    parts = parts.loc[parts.ne("")]
    age = age_code(parts)
    known_age = age.isin(sdmx["age_scope"]["codes"])
    words = r"\b(?:" + "|".join(map(re.escape, sdmx["nature"]["comment_words"])) + r")(?!\w)"
    sentence = parts.str.endswith(".") & parts.str.split().str.len().ge(6)
    statement = parts.str.contains(words, case=False, regex=True) | sentence
    statement |= ~parts.str.match(r"[^\W\d_]")  # starts with a digit or a sign
    comment = _starts(parts, sdmx["nature"]["comment_parts"]) | statement
    comment = (comment & age.isna()) | (age.notna() & ~known_age)
    estimate = _starts(parts, sdmx["nature"]["custodian_estimate"])
    source = ~comment & age.isna()

    def joined(mask: pd.Series) -> pd.Series:
        kept = parts.loc[mask]
        text = kept.groupby(level=0, sort=False).agg(lambda x: "; ".join(dict.fromkeys(x)))
        return text.reindex(footnotes.index, fill_value="")

    first_age = age.loc[known_age].groupby(level=0).first()
    return pd.DataFrame(
        {
            "source": joined(source),
            "comment": joined(comment),
            "age": first_age.reindex(footnotes.index, fill_value=""),
            "custodian_estimate": estimate.groupby(level=0)
            .any()
            .reindex(footnotes.index, fill_value=False),
        },
        index=footnotes.index,
    )


def nature(frame: pd.DataFrame, parts: pd.DataFrame, sdmx: dict[str, Any]) -> pd.Series:
    """CL_NATURE of economy rows: E custodian estimate, CA computed by the custodian from the
    country's data (``adjusted_formulas``), else C country data as reported."""
    codes = sdmx["nature"]
    adjusted = frame["formula"].isin(codes["adjusted_formulas"]).to_numpy()
    estimated = parts["custodian_estimate"].to_numpy(dtype=bool)
    values = np.select(
        [estimated, adjusted], [codes["estimated"], codes["adjusted"]], codes["reported"]
    )
    return pd.Series(values, index=frame.index)


def decimals(series: pd.Series, units: pd.Series, sdmx: dict[str, Any]) -> pd.Series:
    """Published decimals of each row: the series' own setting, else its unit's."""
    by_series = series.map(sdmx.get("decimals_by_series", {}))
    return by_series.fillna(units.map(sdmx["decimals"])).fillna(2).astype(int)


def rounded_text(values: pd.Series, places: pd.Series) -> pd.Series:
    """Values rounded half away from zero to ``places`` and written in fixed notation (no
    exponent, no trailing ".0" for whole-number series)."""
    out = pd.Series("", index=values.index, dtype=object)
    numbers = values.to_numpy(dtype=float)
    for digits in sorted(set(places.tolist())):
        mask = places.to_numpy() == digits
        scale = 10.0**digits
        rounded = np.sign(numbers[mask]) * np.floor(np.abs(numbers[mask]) * scale + 0.5) / scale
        out.loc[mask] = np.char.mod(f"%.{digits}f", rounded)
    return out


def last_update(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """DATA_LAST_UPDATE (a series-level attribute): the latest date any value of the series key
    became known (``submitted`` of the observations, ISO dates); "" when the data carry no
    submission dates (returns outside a collection round)."""
    if "submitted" not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    dates = frame["submitted"].fillna("").astype(str).str[:10]
    return dates.groupby([frame[k] for k in keys], dropna=False).transform("max")
