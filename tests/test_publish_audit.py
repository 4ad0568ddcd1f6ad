"""The statistical audit of an edition (COINr get_stats / get_corr_flags / effective weights).

A bundle shaped like the IDI 2024 tree (schemas/indices/idi_2024.toml: UC, MC with the COV
sub-pillar) with scores built so that the flags must fire: HH6 is HH7 plus noise (collinear
siblings), fixed-broadband traffic is 100 minus mobile-broadband traffic (negative).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pipeline.publish import audit
from pipeline.publish.audit_charts import audit_charts
from pipeline.publish.audit_tables import audit_tables
from pipeline.publish.bundle import Bundle
from pipeline.reference import economies

EDITION = "idi_2024"
LEAVES = {
    "HH7": ("UC", 1 / 3),
    "HH6": ("UC", 1 / 3),
    "i911mw": ("UC", 1 / 3),
    "i271G": ("COV", 0.4),
    "i271GA": ("COV", 0.6),
    "i136mwi_subs": ("MC", 1 / 6),
    "i135tfb_subs": ("MC", 1 / 6),
    "i271mb_high_ts_GNI": ("MC", 1 / 6),
    "i154_FBB5_GNI": ("MC", 1 / 6),
    "HH18": ("MC", 1 / 6),
}
EFFECTIVE = {"UC": 0.5, "COV": 0.5 / 6, "MC": 0.5}


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    rng = np.random.default_rng(11)
    codes = sorted(economies()["economy"])[:30]
    leaf = pd.DataFrame(rng.uniform(10, 90, (len(codes), len(LEAVES))), columns=list(LEAVES))
    leaf["HH6"] = leaf["HH7"] + rng.normal(0, 1, len(codes))
    leaf["i135tfb_subs"] = 100 - leaf["i136mwi_subs"]
    cov = 0.4 * leaf["i271G"] + 0.6 * leaf["i271GA"]
    uc = leaf[["HH7", "HH6", "i911mw"]].mean(axis=1)
    mc_parts = ["i136mwi_subs", "i135tfb_subs", "i271mb_high_ts_GNI", "i154_FBB5_GNI", "HH18"]
    mc = (leaf[mc_parts].sum(axis=1) + cov) / 6
    nodes = {**{c: (leaf[c], 1) for c in LEAVES}, "COV": (cov, 2), "UC": (uc, 2)}
    nodes |= {"MC": (mc, 3), "IDI": ((uc + mc) / 2, 4)}
    scores = pd.concat(
        [
            pd.DataFrame(
                {
                    "edition": EDITION,
                    "economy": codes,
                    "year": 2022,
                    "node": node,
                    "node_name": node,
                    "level": level,
                    "score": values.to_numpy(),
                }
            )
            for node, (values, level) in nodes.items()
        ],
        ignore_index=True,
    )
    raw = leaf.assign(economy=codes).melt("economy", var_name="indicator", value_name="value")
    raw["imputed"] = (raw["economy"] == codes[0]) & (raw["indicator"] == "HH18")
    normalised = raw.assign(edition=EDITION, year=2022, normalised=raw["value"])
    weights = pd.DataFrame(
        {
            "edition": EDITION,
            "indicator": list(LEAVES),
            "parent": [p for p, _ in LEAVES.values()],
            "weight": [w for _, w in LEAVES.values()],
        }
    )
    weights["effective_weight"] = weights["weight"] * weights["parent"].map(EFFECTIVE)
    ranks = pd.DataFrame(
        {
            "edition": EDITION,
            "economy": codes,
            "nominal_score": 50.0,
            "nominal_rank": range(1, 31),
            "median_rank": range(1, 31),
            "p05_rank": np.arange(1, 31) - 1.0,
            "p95_rank": np.arange(1, 31) + 3.0,
        }
    )
    return Bundle(
        observations=pd.DataFrame(),
        findings=pd.DataFrame(),
        scores=scores,
        normalised=normalised,
        weights=weights,
        sdg_series=pd.DataFrame(),
        sdg_aggregates=pd.DataFrame(),
        ranks=ranks,
    )


def test_effective_weights_add_up_the_tree(bundle) -> None:
    tree = audit.tree(bundle, EDITION).set_index("node")
    leaves = tree.loc[tree["level"] == 1, "effective_weight"]
    assert leaves.sum() == pytest.approx(1.0)
    assert tree.loc["MC", "effective_weight"] == pytest.approx(0.5), "MC includes COV's leaves"
    assert tree.loc["COV", "effective_weight"] == pytest.approx(0.5 / 6)
    assert tree.loc["IDI", "effective_weight"] == pytest.approx(1.0)


def test_descriptive_statistics_match_scipy(bundle) -> None:
    table = audit.indicator_stats(bundle, EDITION).set_index("indicator")
    rows = bundle.normalised.set_index(["indicator"])
    values = rows.loc["HH7", "value"].to_numpy()
    assert table.loc["HH7", "skew"] == pytest.approx(stats.skew(values, bias=False))
    assert table.loc["HH7", "kurtosis"] == pytest.approx(stats.kurtosis(values, bias=False))
    assert table.loc["HH18", "missing_share"] == pytest.approx(1 / 30), "imputed is missing"
    q1, q3 = np.quantile(values, [0.25, 0.75])
    outside = ((values < q1 - 1.5 * (q3 - q1)) | (values > q3 + 1.5 * (q3 - q1))).sum()
    assert table.loc["HH7", "outliers"] == outside


def test_outliers_and_skew_kurtosis_flag_fire_on_a_heavy_tail(bundle) -> None:
    normalised = bundle.normalised.copy()
    heavy = normalised["indicator"].eq("HH7") & normalised["economy"].isin(
        normalised["economy"].unique()[:2]
    )
    normalised.loc[heavy, "value"] = 10_000.0
    table = audit.indicator_stats(
        Bundle(**{**bundle.__dict__, "normalised": normalised}), EDITION
    ).set_index("indicator")
    assert table.loc["HH7", "outliers"] == 2
    assert bool(table.loc["HH7", "skew_kurtosis_flag"])


def test_correlation_flags_collinear_and_negative(bundle) -> None:
    pairs = audit.correlations(bundle, EDITION)
    flagged = {(r.node, r.other): r.flag for r in pairs.itertuples() if r.flag}
    assert flagged[("HH6", "HH7")] == "collinear"
    assert flagged[("i135tfb_subs", "i136mwi_subs")] == "negative"
    relations = set(pairs["relation"])
    assert relations == {"with parent", "with index", "within parent"}
    uc = pairs.loc[(pairs["node"] == "UC") & (pairs["other"] == "IDI"), "r"].iloc[0]
    scores = audit.score_matrix(bundle, EDITION)
    assert uc == pytest.approx(np.corrcoef(scores["UC"], scores["IDI"])[0, 1])


def test_audit_sheets_and_charts_are_published(bundle) -> None:
    names = [t.name for t in audit_tables(bundle)]
    assert names == [f"{EDITION}_audit_{k}" for k in ("stats", "correlations", "weights", "ranks")]
    charts = audit_charts(bundle)
    assert set(charts) == {
        f"{EDITION}_audit_{k}.png" for k in ("framework", "correlations", "rank_intervals")
    }
    for png, alt in charts.values():
        assert png.startswith(b"\x89PNG") and not alt.endswith(".png") and len(alt) > 80
    assert "collinear" in charts[f"{EDITION}_audit_correlations.png"][1]
