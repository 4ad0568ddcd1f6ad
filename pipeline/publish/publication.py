"""The publish stage as one pure function: a bundle of stage outputs in, a publication out.

:func:`publish` builds every table, chart, profile and the overview page in memory; the
:mod:`~pipeline.publish.cli` writes them (workbook, CSV + Parquet per table, PNG, HTML) through
:mod:`pipeline.store`, so that a failure never leaves a half-written publication.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from pipeline import __version__
from pipeline.publish import html
from pipeline.publish.audit_charts import audit_charts
from pipeline.publish.audit_tables import audit_tables
from pipeline.publish.backtest_table import backtest_table
from pipeline.publish.bundle import Bundle
from pipeline.publish.charts import chart_alts, overview_charts
from pipeline.publish.datapackage import publication_package, published_data
from pipeline.publish.definitions import definitions_table
from pipeline.publish.indicators import data_tables
from pipeline.publish.layout import PublicationTable, edition_title, source_line, text
from pipeline.publish.profiles import render_profiles
from pipeline.publish.tables import index_tables
from pipeline.publish.withheld_notes import with_notes, withheld_table
from pipeline.publish.workbook import build_workbook

OVERVIEW = (Path(__file__).with_name("overview.html")).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Publication:
    """Everything ``processed/publication/`` holds, not yet written."""

    tables: list[PublicationTable]
    workbook: Workbook
    charts: dict[str, bytes]
    profiles: dict[str, str]
    overview: str
    #: Alt text of each chart (what it shows), keyed like ``charts``.
    alts: dict[str, str] = field(default_factory=dict)
    #: Long tables published as ``data/<name>.csv`` (observations, SDG series …).
    data: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: The Frictionless ``datapackage.json`` descriptor of every CSV.
    datapackage: dict[str, Any] = field(default_factory=dict)


def reference_year(bundle: Bundle) -> int:
    """Latest data year in the observation table (indicator tables show values up to it)."""
    return int(bundle.observations["year"].max())


def _overview(
    bundle: Bundle,
    tables: list[PublicationTable],
    charts: dict[str, bytes],
    profiles: dict[str, str],
    alts: dict[str, str],
) -> str:
    names = bundle.names()
    regions = bundle.economies.set_index("economy")["itu_region"].fillna("Other economies")
    by_region: dict[str, list[str]] = {}
    by_name = sorted(profiles, key=lambda code: str(names.get(code, code)))
    for code in by_name:
        by_region.setdefault(str(regions.get(code, "Other economies")), []).append(code)
    profile_lists = "".join(
        f"<h3>{escape(region)}</h3><p>"
        + " · ".join(
            f'<a href="profiles/{c}.html">{escape(str(names.get(c, c)))}</a>' for c in codes
        )
        + "</p>"
        for region, codes in sorted(by_region.items())
    )
    rows = [(t.name, t.title, len(t.frame)) for t in tables]
    table_links = html.table(rows, ["Table", "Title", "Rows"])
    for table in tables:
        link = (
            f'<a href="tables/{table.name}.csv">{table.name}</a> '
            f'(<a href="tables/{table.name}.parquet">Parquet</a>)'
        )
        table_links = table_links.replace(f"<td>{table.name}</td>", f"<td>{link}</td>", 1)
    figures = "".join(
        f'<figure><img src="charts/{name}" alt="{escape(alts.get(name, name))}">'
        f"<figcaption>{escape(alts.get(name, name))}</figcaption></figure>"
        for name in charts
    )
    editions = ", ".join(edition_title(e) for e in bundle.editions()) or "none"
    return OVERVIEW.format(
        version=__version__,
        editions=escape(editions),
        year=reference_year(bundle),
        economies=len(profiles),
        tables=table_links,
        charts=figures,
        profiles=profile_lists,
        definitions=definitions_table(),
    )


def publish(bundle: Bundle) -> Publication:
    """Tables, workbook, charts, profiles and overview from the stage outputs."""
    year = reference_year(bundle)
    tables = index_tables(bundle) + data_tables(bundle, year) + audit_tables(bundle)
    tables = tables + backtest_table(bundle, year)
    tables = with_notes(tables + withheld_table(bundle, year), bundle)
    editions = ", ".join(edition_title(e) for e in bundle.editions()) or "no index edition"
    subtitle = f"ictstats {__version__}; index editions: {editions}; data up to {year}."
    charts = overview_charts(bundle)
    alts = chart_alts(bundle, list(charts))
    for name, (png, alt) in audit_charts(bundle).items():
        charts[name], alts[name] = png, alt
    profiles = render_profiles(bundle)
    data = published_data(bundle)
    title = text()["workbook"]["title"]
    return Publication(
        tables=tables,
        workbook=build_workbook(tables, subtitle, source_line(bundle.observations)),
        charts=charts,
        profiles=profiles,
        overview=_overview(bundle, tables, charts, profiles, alts),
        alts=alts,
        data=data,
        datapackage=publication_package(tables, data, title, __version__),
    )
