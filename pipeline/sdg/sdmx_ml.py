"""SDMX-ML 2.1 *generic* data message of the SDG series (the SDMX-CSV rows, as XML).

The generic format is the one an SDMX registry validates with the official SDMX-ML 2.1 schemas
alone (``SDMXMessage.xsd``; the structure-specific format needs a schema generated from the
DSD). Layout (SDMX 2.1 Section 3B, SDMX-ML schema ``SDMXDataGeneric.xsd``): a header naming
the dataflow (``schemas/sdg/sdmx.toml``), then one ``generic:Series`` per series key with the
series-level attributes (UNIT_MEASURE, DATA_LAST_UPDATE: attached to the dimensions in DSD
v1.4) and one ``generic:Obs`` per period with the observation-level attributes. Built by
string concatenation over whole columns; values are escaped for XML attributes.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import quoteattr

import pandas as pd

MESSAGE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
GENERIC = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
COMMON = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"

#: Attributes attached to the series key in DSD v1.4 (the rest attach to the observation).
SERIES_ATTRIBUTES = ("UNIT_MEASURE", "DATA_LAST_UPDATE")


def _values(rows: pd.DataFrame, columns: list[str]) -> pd.Series:
    """``<generic:Value id=… value=…/>`` for each column, empty values left out."""
    out = pd.Series("", index=rows.index, dtype=object)
    for column in columns:
        text = rows[column].fillna("").astype(str)
        quoted = text.map(quoteattr)
        element = f'<generic:Value id="{column}" value=' + quoted + "/>"
        out = out + element.where(text.ne(""), "")
    return out


def _header(sdmx: dict[str, Any], prepared: str, structure_id: str) -> str:
    flow = sdmx["dataflow"]
    return (
        "<message:Header>"
        f"<message:ID>{flow['id']}_{prepared[:10].replace('-', '')}</message:ID>"
        "<message:Test>false</message:Test>"
        f"<message:Prepared>{prepared}</message:Prepared>"
        f'<message:Sender id="{sdmx.get("sender", "ITU")}"/>'
        f'<message:Structure structureID="{structure_id}" dimensionAtObservation="TIME_PERIOD">'
        "<common:StructureUsage>"
        f'<Ref agencyID="{flow["agency"]}" id="{flow["id"]}" version="{flow["version"]}"/>'
        "</common:StructureUsage></message:Structure></message:Header>"
    )


def to_sdmx_ml(rows: pd.DataFrame, sdmx: dict[str, Any], prepared: str) -> str:
    """The generic data message of the SDMX-CSV ``rows``; ``prepared`` is the header's
    ``xs:dateTime`` (e.g. ``2025-06-30T00:00:00``), passed in so the file is reproducible."""
    dimensions = list(sdmx["dimensions"])
    present = [a for a in sdmx["attributes"] if a in rows]
    series_attributes = [a for a in present if a in SERIES_ATTRIBUTES]
    obs_attributes = [a for a in present if a not in SERIES_ATTRIBUTES]
    rows = rows.sort_values([*dimensions, "TIME_PERIOD"], kind="stable")
    obs_attrs = _values(rows, obs_attributes)
    obs = (
        "<generic:Obs><generic:ObsDimension value="
        + rows["TIME_PERIOD"].astype(str).map(quoteattr)
        + "/><generic:ObsValue value="
        + rows["OBS_VALUE"].astype(str).map(quoteattr)
        + "/>"
        + ("<generic:Attributes>" + obs_attrs + "</generic:Attributes>").where(obs_attrs.ne(""), "")
        + "</generic:Obs>"
    )
    key = _values(rows, dimensions)
    attrs = _values(rows, series_attributes)
    frame = pd.DataFrame({"key": key, "attrs": attrs, "obs": obs})
    grouped = frame.groupby("key", sort=False).agg(attrs=("attrs", "max"), obs=("obs", "".join))
    series = (
        "<generic:Series><generic:SeriesKey>"
        + grouped.index.to_series()
        + "</generic:SeriesKey>"
        + ("<generic:Attributes>" + grouped["attrs"] + "</generic:Attributes>").where(
            grouped["attrs"].ne(""), ""
        )
        + grouped["obs"]
        + "</generic:Series>"
    )
    structure = sdmx["structure"]
    structure_id = f"{structure['agency']}_{structure['id']}_{structure['version']}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<message:GenericData xmlns:message="{MESSAGE}" xmlns:generic="{GENERIC}" '
        f'xmlns:common="{COMMON}">'
        + _header(sdmx, prepared, structure_id)
        + f'<message:DataSet structureRef="{structure_id}">'
        + "".join(series.tolist())
        + "</message:DataSet></message:GenericData>\n"
    )
