"""SDMX-CSV of the SDG series for the UN SDG Global Database.

Layout of SDMX-CSV 1.0: the first column ``DATAFLOW`` names the dataflow, then every dimension
of the IAEG-SDGs ``SDG`` DSD (v1.4) in DSD order — ``_T`` where a breakdown does not apply —
then ``TIME_PERIOD``, ``OBS_VALUE`` and the attributes (``schemas/sdg/sdmx.toml``). REF_AREA is
the M49 code (CL_AREA). Codes are translated with the maps in sdmx.toml; a row whose series or
category has no code in the DSD is left out and counted by :func:`left_out`, never sent with an
invented code. SDMX concept names are used only here, at the boundary.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.rounding import round_half_up
from pipeline.sdg.sdmx_attributes import (
    decimals,
    last_update,
    nature,
    rounded_text,
    split_footnotes,
)

_DEFAULT = "_T"


def _coded(frame: pd.DataFrame, sdmx: dict[str, Any]) -> pd.DataFrame:
    """The frame's breakdowns translated to DSD dimensions (NaN where a code is missing)."""
    coded = pd.DataFrame(index=frame.index)
    for dimension, spec in sdmx["dimension"].items():
        codes = frame[dimension].map(spec["codes"])
        target = spec["sdmx"]
        if target in coded:
            # speed and skill share COMPOSITE_BREAKDOWN: a row has at most one of them broken
            # down, so the non-total code wins; a missing code (NaN) wins over everything.
            merged = coded[target].where(coded[target].ne(_DEFAULT), codes)
            coded[target] = merged.where(codes.notna(), codes)
        else:
            coded[target] = codes
    return coded


def dataflow_ref(sdmx: dict[str, Any]) -> str:
    """``AGENCY:ID(VERSION)`` of the configured dataflow (the SDMX-CSV ``DATAFLOW`` value)."""
    flow = sdmx["dataflow"]
    return f"{flow['agency']}:{flow['id']}({flow['version']})"


def _rows(frame: pd.DataFrame, sdmx: dict[str, Any], attributes: dict[str, Any]) -> pd.DataFrame:
    """DSD-ordered rows; ``attributes`` holds the per-row OBS_STATUS, NATURE, COMMENT_OBS …"""
    coded = _coded(frame, sdmx)
    places = decimals(frame["series"], frame["unit"], sdmx)
    values = {
        "DATAFLOW": dataflow_ref(sdmx),
        "FREQ": sdmx["frequency"],
        "REPORTING_TYPE": sdmx["reporting_type"],
        "SERIES": frame["series"],
        "REF_AREA": frame["m49"].astype("Int64").astype("string"),
        **{c: coded[c] for c in coded},
        "TIME_PERIOD": frame["year"].astype("int64").astype(str),
        "OBS_VALUE": rounded_text(frame["value"], places).where(frame["value"].notna()),
        "UNIT_MULT": sdmx["unit_mult"],
        "UNIT_MEASURE": frame["unit"],
        "TIME_DETAIL": frame["year"].astype("int64").astype(str),
        **attributes,
    }
    out = pd.DataFrame(values, index=frame.index)
    for column in sdmx["dimensions"]:
        if column not in out:
            out[column] = _DEFAULT
    out["DATA_LAST_UPDATE"] = ""
    columns = ["DATAFLOW", *sdmx["dimensions"], "TIME_PERIOD", "OBS_VALUE", *sdmx["attributes"]]
    return out.loc[:, columns]


def _complete(rows: pd.DataFrame) -> pd.Series:
    required = ["REF_AREA", "SEX", "AGE", "URBANISATION", "COMPOSITE_BREAKDOWN", "OBS_VALUE"]
    return rows[[c for c in required if c in rows]].notna().all(axis=1)


def _with_age_scope(frame: pd.DataFrame, parts: pd.DataFrame, sdmx: dict[str, Any]) -> pd.Series:
    """The age category, replaced by the survey's age scope on national totals of the series
    whose scope the footnote states (``[age_scope]`` in sdmx.toml); codes already DSD codes are
    added to the age map by :func:`_coded`."""
    scoped = (
        frame["series"].isin(sdmx["age_scope"]["series"])
        & frame["age"].eq(_DEFAULT)
        & parts["age"].ne("")
    )
    return frame["age"].where(~scoped, parts["age"])


def economy_rows(
    series: pd.DataFrame, sdmx: dict[str, Any], codes: frozenset[str], formulas: pd.Series
) -> pd.DataFrame:
    """SDMX rows of the economy series in ``codes`` (the series sent to the SDG database).

    ``formulas``: formula name per series code (NATURE CA for values the custodian computes).
    """
    frame = series.loc[series["series"].isin(codes)]
    parts = split_footnotes(frame["footnote"], sdmx)
    frame = frame.assign(
        age=_with_age_scope(frame, parts, sdmx), formula=frame["series"].map(formulas)
    )
    attributes = {
        "OBS_STATUS": frame["obs_status"],
        "NATURE": nature(frame, parts, sdmx),
        "COMMENT_OBS": parts["comment"],
        "SOURCE_DETAIL": parts["source"],
    }
    rows = _rows(frame, _with_scope_codes(sdmx), attributes)
    if "submitted" in frame:
        dated = rows.assign(submitted=frame["submitted"])
        rows["DATA_LAST_UPDATE"] = last_update(dated, list(sdmx["dimensions"]))
    return rows


def _with_scope_codes(sdmx: dict[str, Any]) -> dict[str, Any]:
    """``sdmx`` with the age-scope codes (already CL_AGE codes) added to the age code map."""
    age = sdmx["dimension"]["age"]
    codes = {**{code: code for code in sdmx["age_scope"]["codes"]}, **age["codes"]}
    return {**sdmx, "dimension": {**sdmx["dimension"], "age": {**age, "codes": codes}}}


def aggregate_rows(
    aggregates: pd.DataFrame, units: pd.Series, sdmx: dict[str, Any], codes: frozenset[str]
) -> pd.DataFrame:
    """SDMX rows of the aggregates sent: published, with a CL_AREA code, and covering at least
    ``aggregate_min_coverage`` of the group's denominator.

    OBS_STATUS is E when members' values were carried from earlier years, else A; NATURE G
    (global monitoring data); the coverage travels in COMMENT_OBS.
    """
    keep = aggregates["published"] & aggregates["m49"].notna() & aggregates["series"].isin(codes)
    keep &= aggregates["coverage"].ge(sdmx.get("aggregate_min_coverage", 0.0))
    frame = aggregates.loc[keep]
    carried = frame["n_carried"].gt(0)
    frame = frame.assign(unit=frame["series"].map(units))
    comment = (
        "coverage "
        + pd.Series(round_half_up(frame["coverage"] * 100, 1), index=frame.index).astype(str)
        + "%; "
        + frame["n_economies"].astype(str)
        + " of "
        + frame["n_members"].astype(str)
        + " members with data"
    )
    attributes = {
        "OBS_STATUS": pd.Series("A", index=frame.index).where(~carried, "E"),
        "NATURE": sdmx["nature"]["aggregate"],
        "COMMENT_OBS": comment,
        "SOURCE_DETAIL": "ITU aggregate of country data",
    }
    return _rows(frame, sdmx, attributes)


def to_sdmx_csv(
    series: pd.DataFrame,
    aggregates: pd.DataFrame,
    units: pd.Series,
    codes: frozenset[str],
    sdmx: dict[str, Any],
    formulas: pd.Series | None = None,
) -> pd.DataFrame:
    """The SDMX-CSV table: economy rows then aggregate rows, only rows with complete DSD codes.

    ``units``: UNIT_MEASURE per series code; ``codes``: the series codes to send (sdmx = true);
    ``formulas``: formula per series code (NATURE). An aggregate's DATA_LAST_UPDATE is the
    latest of its series' economy rows.
    """
    formulas = formulas if formulas is not None else pd.Series(dtype=object)
    economies = economy_rows(series, sdmx, codes, formulas)
    groups = aggregate_rows(aggregates, units, sdmx, codes)
    latest = economies.groupby("SERIES")["DATA_LAST_UPDATE"].max()
    groups["DATA_LAST_UPDATE"] = groups["SERIES"].map(latest).fillna("")
    rows = pd.concat([economies, groups], ignore_index=True)
    return rows.loc[_complete(rows)].reset_index(drop=True)


def left_out(series: pd.DataFrame, codes: frozenset[str], sdmx: dict[str, Any]) -> pd.DataFrame:
    """Economy rows not sent, counted by series and reason (no DSD code for series, area or
    category)."""
    not_in_dsd = ~series["series"].isin(codes)
    frame = series.loc[~not_in_dsd]
    rows = economy_rows(frame, sdmx, codes, pd.Series(dtype=object))
    no_code = ~_complete(rows).reindex(series.index, fill_value=True)
    reasons = (
        pd.Series("", index=series.index)
        .mask(no_code, "breakdown without DSD code")
        .mask(series["m49"].isna(), "economy without M49 code")
        .mask(not_in_dsd, "series not in DSD")
    )
    counted = series.assign(reason=reasons).loc[reasons.ne("")]
    return counted.groupby(["series", "reason"]).size().rename("rows").reset_index()
