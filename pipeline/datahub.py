"""ITU DataHub tables in long form: the wide layout (one column per indicator code).

ITU exchanges data as DataHub-style CSV: economy, year and one column per indicator code.
Both ingest (a DataHub CSV as an input) and validate (an earlier vintage to compare with)
read that layout, so the reshaping lives here, in one place.
"""

from __future__ import annotations

import pandas as pd

ID_COLUMNS = ("economy", "year")


def indicator_columns(columns: list[str], codes: pd.Index) -> list[str]:
    """The columns of a wide table that are indicator codes of the dictionary."""
    return [name for name in columns if name in codes]


def is_wide(columns: list[str], codes: pd.Index) -> bool:
    """Economy and year columns, no ``indicator`` column, at least one indicator code column."""
    names = set(columns)
    return (
        set(ID_COLUMNS) <= names
        and "indicator" not in names
        and bool(indicator_columns(columns, codes))
    )


def melt_wide(wide: pd.DataFrame, codes: pd.Index, keep_empty: bool = False) -> pd.DataFrame:
    """Long rows ``economy, year, indicator, value`` (plus ``column``: the code's position)."""
    present = indicator_columns(list(wide.columns), codes)
    long = wide.reset_index(names="_row").melt(
        id_vars=["_row", *ID_COLUMNS], value_vars=present, var_name="indicator"
    )
    long["column"] = long["indicator"].map({name: wide.columns.get_loc(name) for name in present})
    if not keep_empty:
        long = long.dropna(subset=["value"])
    return long.sort_values(["_row", "column"], kind="stable").reset_index(drop=True)
