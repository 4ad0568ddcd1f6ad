"""SDMX-CSV of the SDG series for the UN SDG Global Database (issue #6, item 4).

Layout of SDMX-CSV 1.0: the first column ``DATAFLOW`` names the dataflow, then every dimension
of the IAEG-SDGs ``SDG`` DSD (v1.4) in DSD order — ``_T`` where a breakdown does not apply —
then ``TIME_PERIOD``, ``OBS_VALUE`` and the attributes (``schemas/sdg/sdmx.toml``). REF_AREA is
the M49 code (CL_AREA). Codes are translated with the maps in sdmx.toml; a row whose series or
category has no code in the DSD is left out and counted by :func:`left_out`, never sent with an
invented code. SDMX concept names are used only here, at the boundary (STYLE.md §7).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

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


def _rows(
    frame: pd.DataFrame, sdmx: dict[str, Any], status: pd.Series, nature: pd.Series
) -> pd.DataFrame:
    coded = _coded(frame, sdmx)
    values = {
        "DATAFLOW": sdmx["dataflow"],
        "FREQ": sdmx["frequency"],
        "REPORTING_TYPE": sdmx["reporting_type"],
        "SERIES": frame["series"],
        "REF_AREA": frame["m49"].astype("Int64").astype("string"),
        **{c: coded[c] for c in coded},
        "TIME_PERIOD": frame["year"].astype("int64").astype(str),
        "OBS_VALUE": frame["value"],
        "OBS_STATUS": status,
        "UNIT_MULT": sdmx["unit_mult"],
        "UNIT_MEASURE": frame["unit"],
        "NATURE": nature,
        "COMMENT_OBS": frame["comment"],
    }
    out = pd.DataFrame(values, index=frame.index)
    for column in sdmx["dimensions"]:
        if column not in out:
            out[column] = _DEFAULT
    columns = ["DATAFLOW", *sdmx["dimensions"], "TIME_PERIOD", "OBS_VALUE", *sdmx["attributes"]]
    return out.loc[:, columns]


def _complete(rows: pd.DataFrame) -> pd.Series:
    required = ["REF_AREA", "SEX", "AGE", "URBANISATION", "COMPOSITE_BREAKDOWN", "OBS_VALUE"]
    return rows[[c for c in required if c in rows]].notna().all(axis=1)


def economy_rows(series: pd.DataFrame, sdmx: dict[str, Any], codes: frozenset[str]) -> pd.DataFrame:
    """SDMX rows of the economy series in ``codes`` (the series sent to the SDG database)."""
    frame = series.loc[series["series"].isin(codes)].assign(comment=series["footnote"])
    status = frame["obs_status"]
    nature = status.map(sdmx["nature"]).fillna("")
    return _rows(frame, sdmx, status, nature)


def aggregate_rows(
    aggregates: pd.DataFrame, units: pd.Series, sdmx: dict[str, Any], codes: frozenset[str]
) -> pd.DataFrame:
    """SDMX rows of the published aggregates that have an M49 code (World, LDC, LLDC, SIDS …).

    OBS_STATUS is E when members' values were carried from earlier years, else A; the coverage
    travels in COMMENT_OBS.
    """
    keep = aggregates["published"] & aggregates["m49"].notna() & aggregates["series"].isin(codes)
    frame = aggregates.loc[keep]
    carried = frame["n_carried"].gt(0)
    frame = frame.assign(
        unit=frame["series"].map(units),
        comment="coverage "
        + (frame["coverage"] * 100).round(1).astype(str)
        + "%; "
        + frame["n_economies"].astype(str)
        + " of "
        + frame["n_members"].astype(str)
        + " members with data",
    )
    status = pd.Series("A", index=frame.index).where(~carried, "E")
    return _rows(frame, sdmx, status, pd.Series("", index=frame.index))


def to_sdmx_csv(
    series: pd.DataFrame,
    aggregates: pd.DataFrame,
    units: pd.Series,
    codes: frozenset[str],
    sdmx: dict[str, Any],
) -> pd.DataFrame:
    """The SDMX-CSV table: economy rows then aggregate rows, only rows with complete DSD codes.

    ``units``: UNIT_MEASURE per series code; ``codes``: the series codes to send (sdmx = true).
    """
    rows = pd.concat(
        [economy_rows(series, sdmx, codes), aggregate_rows(aggregates, units, sdmx, codes)],
        ignore_index=True,
    )
    return rows.loc[_complete(rows)].reset_index(drop=True)


def left_out(series: pd.DataFrame, codes: frozenset[str], sdmx: dict[str, Any]) -> pd.DataFrame:
    """Economy rows not sent, counted by series and reason (no DSD code for series, area or
    category)."""
    not_in_dsd = ~series["series"].isin(codes)
    frame = series.loc[~not_in_dsd].assign(comment="")
    rows = _rows(frame, sdmx, frame["obs_status"], frame["obs_status"])
    no_code = ~_complete(rows).reindex(series.index, fill_value=True)
    reasons = (
        pd.Series("", index=series.index)
        .mask(no_code, "breakdown without DSD code")
        .mask(series["m49"].isna(), "economy without M49 code")
        .mask(not_in_dsd, "series not in DSD")
    )
    counted = series.assign(reason=reasons).loc[reasons.ne("")]
    return counted.groupby(["series", "reason"]).size().rename("rows").reset_index()
