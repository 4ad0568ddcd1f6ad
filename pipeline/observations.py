"""The observation table: the one long format every stage after ingest reads.

One row is one value an economy reported (or ictstats derived) for one year, indicator and
combination of breakdowns, with the flags that travel with it and the cell it came from, so
any published number can be traced back to ``source_file``/``sheet``/``cell``.
Breakdown dimensions use ``_T`` for "total / no breakdown", as SDMX does.

Ingest adds three vintage columns (:data:`VINTAGE_COLUMNS`): the collection ``round`` the
return belongs to, the ISO date it was ``submitted`` (the date its values became known; ``""``
when undated) and the ``submission`` (first 16 hex digits of the file's SHA-256). Because
economies revise earlier years, the ingested table (:data:`INGESTED_SCHEMA`) may hold one row
per key *per submission*; :func:`pipeline.vintage.as_of` picks the value known at a date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa

TOTAL = "_T"

#: Breakdown dimensions and the categories each allows (codes follow the SDG DSD where one exists).
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "sex": (TOTAL, "F", "M"),
    "age": (TOTAL, "Y_LT15", "Y15T24", "Y25T74", "Y_GE75", "Y15T74", "Y_GE15"),
    "area": (TOTAL, "U", "R"),
    "speed": (TOTAL, "IS_256KT2M", "IS_2MT10M", "IS_GE10M"),
    "technology": (TOTAL, "DSL", "CABLE", "FIBRE", "SATELLITE", "FWA", "OTHER"),
    "skill": (TOTAL, "ARSP", "CMFL", "COPA", "EMAIL", "EPRS", "INST", "PCPR", "SOFT", "TRAF"),
}
DIMENSION_NAMES = tuple(DIMENSIONS)

#: The key of an observation: at most one value per key.
KEY = ("economy", "year", "indicator", *DIMENSION_NAMES)

OBSERVATION_COLUMNS = (
    *KEY,
    "value",
    "unit",
    "estimate",
    "break_in_series",
    "footnote",
    "kind",
    "source_file",
    "sheet",
    "cell",
)

#: Where a value was submitted: its collection round, the date it became known, the file hash.
VINTAGE_COLUMNS = ("round", "submitted", "submission")
INGESTED_COLUMNS = (*OBSERVATION_COLUMNS, *VINTAGE_COLUMNS)
#: One value per key and vintage: the same key may be re-reported in a later round or re-submission.
VINTAGE_KEY = (*KEY, "round", "submitted")

ISO_DATE_OR_EMPTY = r"^(\d{4}-\d{2}-\d{2})?$"
SUBMISSION_OR_EMPTY = r"^([0-9a-f]{16})?$"

COLUMNS: dict[str, pa.Column] = {
    "economy": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
    "year": pa.Column("int64", pa.Check.in_range(1960, 2100)),
    "indicator": pa.Column(str),
    **{name: pa.Column(str, pa.Check.isin(categories)) for name, categories in DIMENSIONS.items()},
    "value": pa.Column(
        float, pa.Check(lambda s: ~s.isin([float("inf"), float("-inf")]), name="finite")
    ),
    "unit": pa.Column(str),
    "estimate": pa.Column(bool),
    "break_in_series": pa.Column(bool),
    "footnote": pa.Column(str),
    "kind": pa.Column(str, pa.Check.isin(["admin", "household", "external", "derived"])),
    "source_file": pa.Column(str),
    "sheet": pa.Column(str),
    "cell": pa.Column(str),
}


def _vintage_columns(required: bool) -> dict[str, pa.Column]:
    return {
        "round": pa.Column(str, required=required),
        "submitted": pa.Column(str, pa.Check.str_matches(ISO_DATE_OR_EMPTY), required=required),
        "submission": pa.Column(str, pa.Check.str_matches(SUBMISSION_OR_EMPTY), required=required),
    }


def _schema(vintage_required: bool, unique: tuple[str, ...]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {**COLUMNS, **_vintage_columns(required=vintage_required)},
        strict=True,
        ordered=True,
        coerce=True,
        unique=list(unique),
    )


#: One value per key (any table a stage computes from; vintage columns may travel along).
OBSERVATION_SCHEMA = _schema(vintage_required=False, unique=KEY)
#: What ingest writes: every value of every submission, one per key and vintage.
INGESTED_SCHEMA = _schema(vintage_required=True, unique=VINTAGE_KEY)


def empty_observations(columns: tuple[str, ...] = OBSERVATION_COLUMNS) -> pd.DataFrame:
    """An observation table with no rows (pass :data:`INGESTED_COLUMNS` for ingest's table)."""
    schema = INGESTED_SCHEMA if "submission" in columns else OBSERVATION_SCHEMA
    return schema.validate(
        pd.DataFrame({c: pd.Series(dtype=object) for c in columns}).astype(
            {"year": "int64", "value": float, "estimate": bool, "break_in_series": bool}
        )
    )


def total_flag(dimension: str) -> str:
    """Name of the optional boolean column saying a row is a total on ``dimension``."""
    return f"_T_{dimension}"


def totals(observations: pd.DataFrame, keep: Iterable[str] = ()) -> pd.DataFrame:
    """Rows that are totals (``_T``) on every breakdown outside ``keep``.

    The one definition of "a national total" used by derivation, the index panel, the SDG
    series and validation rules; ``keep`` names breakdowns whose categories are wanted too
    (e.g. speed tiers). A :func:`total_flag` column, when the frame carries one, is used
    instead of comparing strings again (validation adds them once per batch).
    """
    kept = set(keep)
    mask = np.ones(len(observations), dtype=bool)
    for name in DIMENSION_NAMES:
        if name in kept:
            continue
        flag = total_flag(name)
        column = observations[flag] if flag in observations else observations[name] == TOTAL
        mask &= column.to_numpy(dtype=bool)
    return observations[mask]


#: What a partial observation row means when it says nothing else: a national total, reported
#: (not estimated, no break), no footnote, from the administrative questionnaire.
NEUTRAL: dict[str, object] = {
    **dict.fromkeys(DIMENSION_NAMES, TOTAL),
    "unit": "",
    "estimate": False,
    "break_in_series": False,
    "footnote": "",
    "kind": "admin",
    "source_file": "",
    "sheet": "",
    "cell": "",
}


def observation_table(rows: Iterable[Mapping[str, object]], **defaults: object) -> pd.DataFrame:
    """A schema-valid observation table from partial rows.

    Each row gives what matters (indicator, value, maybe economy, year or a breakdown) and
    takes the rest from ``defaults``, then from :data:`NEUTRAL`. Rule examples and the tests
    build their tables here, so a column added to the observation table is added once.
    """
    full = [{**NEUTRAL, **defaults, **row} for row in rows]
    frame = pd.DataFrame(full, columns=list(OBSERVATION_COLUMNS))
    kinds = {"year": "int64", "value": float, "estimate": bool, "break_in_series": bool}
    return OBSERVATION_SCHEMA.validate(frame.astype(kinds))


def breakdown_text(frame: pd.DataFrame) -> np.ndarray:
    """The breakdown of each row as ``sex=F; age=Y15T24`` (empty for totals), from whichever
    breakdown columns ``frame`` has, so a finding names the exact value a focal point checks."""
    text = np.full(len(frame), "", dtype=object)
    for name in DIMENSION_NAMES:
        if name not in frame:
            continue
        codes = frame[name].fillna(TOTAL).to_numpy(object)
        shown = codes != TOTAL
        label = np.where(text == "", f"{name}=", "; " + f"{name}=")
        text = np.where(shown, text + label + codes.astype(str), text)
    return text
