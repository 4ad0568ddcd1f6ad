"""A Frictionless data package for the publication's CSV files (``datapackage.json``).

Data Package v1 and Table Schema (https://specs.frictionlessdata.io): one resource per CSV with
a schema giving each field's type from the frame's dtype — declared, so a validator never
guesses (without it the SDG unit code ``PT`` reads as an ISO 8601 duration) —, a description,
a ``unit`` where the column has one (a custom field property; Table Schema has none), and the
code lists as ``enum`` constraints (breakdown categories, indicator and series codes, flags) or
as a foreign key to the ``economies`` resource (ISO3 codes). The observation and SDG series
tables carry the ITU DataHub series code beside the indicator code, from
``schemas/datahub_codes.csv``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.dictionary import indicators
from pipeline.observations import DIMENSIONS
from pipeline.paths import SCHEMAS

DATAHUB_FILE = SCHEMAS / "datahub_codes.csv"

#: Units of columns whose unit is fixed, by column name (the long tables' ``Value`` column
#: takes its unit from the row's ``Unit``/``unit`` column, which the description says).
UNITS = {
    "Score": "score (0-100)",
    "Previous score": "score (0-100)",
    "nominal_score": "score (0-100)",
    "Coverage (%)": "percent of the group's denominator",
    "Missing share (%)": "percent of the edition's economies",
    "Effective weight": "share of the index (0-1)",
    "Weight within parent": "share of the parent (0-1)",
}


def datahub_codes() -> pd.Series:
    """ITU DataHub series code by questionnaire indicator code."""
    table = pd.read_csv(DATAHUB_FILE, dtype=str, keep_default_na=False)
    return table.set_index("indicator")["datahub_code"]


def with_datahub_code(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """``frame`` with ``datahub_code`` (empty where DataHub has no series) after ``column``."""
    codes = frame[column].map(datahub_codes()).fillna("")
    out = frame.copy()
    out.insert(out.columns.get_loc(column) + 1, "datahub_code", codes.to_numpy())
    return out


def _type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_numeric_dtype(series):
        return "number"
    return "string"


def code_lists() -> dict[str, list[str]]:
    """Enumerations by column name (lower-case observation columns and readable headers)."""
    dictionary = indicators()
    lists = {name: list(categories) for name, categories in DIMENSIONS.items()}
    lists |= {
        "indicator": list(dictionary["code"]),
        "Indicator code": list(dictionary["code"]),
        "kind": ["admin", "household", "external", "derived"],
        "obs_status": ["A", "B", "E"],
    }
    return lists


def sdg_code_lists(series_codes: list[str]) -> dict[str, list[str]]:
    """Code lists of the SDG tables: SDMX unit codes (a string, never a duration) and series."""
    return code_lists() | {
        "unit": ["PT", "PER_100_POP", "NUMBER"],
        "series": series_codes,
        "Series code": series_codes,
    }


def field_schema(name: str, series: pd.Series, enums: dict[str, list[str]]) -> dict[str, Any]:
    """One Table Schema field: type, description, unit and code list where known."""
    kind = _type(series)
    field: dict[str, Any] = {"name": str(name), "type": kind, "description": str(name)}
    if name in UNITS:
        field["unit"] = UNITS[name]
    if name in enums and kind == "string":
        field["constraints"] = {"enum": list(enums[name])}
    return field


def resource(
    name: str,
    path: str,
    frame: pd.DataFrame,
    title: str = "",
    enums: dict[str, list[str]] | None = None,
    economy_column: str | None = None,
) -> dict[str, Any]:
    """A tabular data resource for the CSV at ``path`` (relative to the package)."""
    enums = code_lists() if enums is None else enums
    fields = [field_schema(c, frame[c], enums) for c in frame.columns]
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if economy_column and economy_column in frame:
        schema["foreignKeys"] = [
            {
                "fields": economy_column,
                "reference": {"resource": "economies", "fields": "economy"},
            }
        ]
    return {
        "name": name,
        "path": path,
        "profile": "tabular-data-resource",
        "title": title or name,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def package(resources: list[dict[str, Any]], title: str, version: str) -> dict[str, Any]:
    """The ``datapackage.json`` descriptor."""
    return {
        "profile": "tabular-data-package",
        "name": "ictstats-publication",
        "title": title,
        "version": version,
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        "resources": resources,
    }


def published_data(bundle: Any) -> dict[str, pd.DataFrame]:
    """The long tables published beside the workbook's (``data/<name>.csv``): observations
    and SDG series with their DataHub code, SDG aggregates, and the economies code list."""
    from pipeline.sdg.definitions import load_methodology

    out = {"economies": bundle.economies}
    if not bundle.observations.empty:
        out["observations"] = with_datahub_code(bundle.observations, "indicator")
    if not bundle.sdg_series.empty:
        source = {d.code: d.source for d in load_methodology().series}
        series = bundle.sdg_series.assign(_source=bundle.sdg_series["series"].map(source))
        series = with_datahub_code(series, "_source").drop(columns="_source")
        out["sdg_series"] = series
    if not bundle.sdg_aggregates.empty:
        out["sdg_aggregates_all"] = bundle.sdg_aggregates  # every group, withheld too
    return out


def publication_package(
    tables: list[Any], data: dict[str, pd.DataFrame], title: str, version: str
) -> dict[str, Any]:
    """Descriptor of ``tables/<name>.csv`` (the workbook's tables) and ``data/<name>.csv``."""
    from pipeline.sdg.definitions import load_methodology

    series_codes = [d.code for d in load_methodology().series]
    sdg = sdg_code_lists(series_codes)
    names = {table.name for table in tables}
    clash = names & set(data)
    if clash:  # resource names must be unique in a data package
        raise ValueError(f"data tables named like publication tables: {sorted(clash)}")
    resources = []
    for name, frame in data.items():
        enums = sdg if name.startswith("sdg_") else code_lists()
        key = None if name == "economies" else "economy"
        described = resource(name, f"data/{name}.csv", frame, name, enums, key)
        if name == "economies":
            described["schema"]["primaryKey"] = "economy"
        resources.append(described)
    for table in tables:
        frame = table.with_notes_columns()
        enums = sdg if table.name.startswith("sdg_") else code_lists()
        path = f"tables/{table.name}.csv"
        resources.append(resource(table.name, path, frame, table.title, enums, "ISO3"))
    return package(resources, title, version)
