"""The statistical audit of each edition as publication tables (workbook sheets and CSVs).

The numbers come from :mod:`~pipeline.publish.audit`; this module gives them readable headers,
the indicator name beside its code, and the published precision.
"""

from __future__ import annotations

import pandas as pd

from pipeline.publish import audit
from pipeline.publish.bundle import Bundle
from pipeline.publish.layout import PublicationTable, edition_title, make_table
from pipeline.rounding import round_half_up

THREE = "0.000"
TWO = "0.00"


def _year(bundle: Bundle, edition: str) -> int:
    return int(bundle.scores.loc[bundle.scores["edition"] == edition, "year"].max())


def _audit_table(
    bundle: Bundle, edition: str, kind: str, frame: pd.DataFrame, formats: dict[str, str]
) -> PublicationTable:
    """Table ``<edition>_audit_<kind>`` with the ``[tables.audit_<kind>]`` title and notes."""
    return make_table(
        f"audit_{kind}",
        f"{edition}_audit_{kind}",
        frame,
        None,
        formats,
        edition=edition_title(edition),
        year=_year(bundle, edition),
    )


def stats_table(bundle: Bundle, edition: str) -> PublicationTable:
    names = audit.tree(bundle, edition).set_index("node")["name"]
    stats = audit.indicator_stats(bundle, edition)
    frame = pd.DataFrame(
        {
            "Indicator": stats["indicator"].map(names).fillna(stats["indicator"]),
            "Indicator code": stats["indicator"],
            "Economies with a value": stats["economies_with_value"].astype("int64"),
            "Missing share (%)": round_half_up(100 * stats["missing_share"], 1),
            "Mean": stats["mean"],
            "Median": stats["median"],
            "Standard deviation": stats["sd"],
            "Minimum": stats["min"],
            "Maximum": stats["max"],
            "Skewness": stats["skew"],
            "Kurtosis": stats["kurtosis"],
            "Outliers": stats["outliers"].astype("int64"),
            "Skew-kurtosis flag": stats["skew_kurtosis_flag"].map({True: "yes", False: "no"}),
        }
    )
    formats = {c: "#,##0.00" for c in ("Mean", "Median", "Standard deviation", "Minimum")}
    formats |= {"Maximum": "#,##0.00", "Skewness": TWO, "Kurtosis": TWO}
    formats |= {"Missing share (%)": "0.0", "Economies with a value": "0", "Outliers": "0"}
    return _audit_table(bundle, edition, "stats", frame, formats)


def correlation_table(bundle: Bundle, edition: str) -> PublicationTable:
    names = audit.tree(bundle, edition).set_index("node")["name"]
    pairs = audit.correlations(bundle, edition)
    frame = pd.DataFrame(
        {
            "Node": pairs["node"].map(names),
            "Node code": pairs["node"],
            "Level": pairs["level"].astype("int64"),
            "Compared with": pairs["other"].map(names),
            "Compared with code": pairs["other"],
            "Level compared with": pairs["level_other"].astype("int64"),
            "Relation": pairs["relation"],
            "Correlation": pairs["r"],
            "Flag": pairs["flag"].replace("", "none"),
        }
    )
    formats = {"Correlation": TWO, "Level": "0", "Level compared with": "0"}
    return _audit_table(bundle, edition, "correlations", frame, formats)


def weights_table(bundle: Bundle, edition: str) -> PublicationTable:
    nodes = audit.tree(bundle, edition).sort_values(["level", "node"], ascending=[False, True])
    names = nodes.set_index("node")["name"]
    frame = pd.DataFrame(
        {
            "Node": nodes["name"],
            "Node code": nodes["node"],
            "Level": nodes["level"].astype("int64"),
            "Parent": nodes["parent"].map(names).fillna("(the index)"),
            "Weight within parent": nodes["weight"].astype(float),
            "Effective weight": nodes["effective_weight"].astype(float),
        }
    )
    formats = {"Weight within parent": THREE, "Effective weight": THREE, "Level": "0"}
    return _audit_table(bundle, edition, "weights", frame, formats)


def ranks_table(bundle: Bundle, edition: str) -> PublicationTable | None:
    ranks = audit.rank_intervals(bundle, edition)
    if ranks.empty:
        return None
    names = bundle.names()
    frame = pd.DataFrame(
        {
            "Economy": ranks["economy"].map(names).fillna(ranks["economy"]),
            "ISO3": ranks["economy"],
            "Score": ranks["nominal_score"],
            "Rank": ranks["nominal_rank"].astype("int64"),
            "Median rank": ranks["median_rank"],
            "Rank, 5th percentile": ranks["p05_rank"],
            "Rank, 95th percentile": ranks["p95_rank"],
        }
    )
    formats = {"Score": "0.0", "Rank": "0", "Median rank": "0.0"}
    formats |= {"Rank, 5th percentile": "0.0", "Rank, 95th percentile": "0.0"}
    return _audit_table(bundle, edition, "ranks", frame, formats)


def audit_tables(bundle: Bundle) -> list[PublicationTable]:
    """Statistics, correlations, weights and rank intervals of every edition."""
    out: list[PublicationTable | None] = []
    for edition in bundle.editions():
        if bundle.normalised.empty or bundle.weights.empty:
            continue
        out += [
            stats_table(bundle, edition),
            correlation_table(bundle, edition),
            weights_table(bundle, edition),
            ranks_table(bundle, edition),
        ]
    return [table for table in out if table is not None]
