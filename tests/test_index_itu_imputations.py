"""What ITU's published IDI tables say about its unpublished traffic imputations: how far an
estimator could get even with ITU's own earlier imputations (the ceiling behind #13's note).

ITU shows an imputed traffic input as "n.a." with score "n.p.", but publishes the Meaningful
connectivity pillar, the mean of six components (IDI 2023 Fig. A1.2: coverage, the two traffic
scores, the two baskets, ownership). Where traffic is the only unknown, the sum of the two
traffic scores ITU used is 6 × MC − the four published scores (MC has 1 decimal: ±0.3).
Carrying that sum from one edition to the next is a best case no estimator on the returns can
have; the IDI error it leaves is the change in the sum over 12 (IDI = (UC + MC) / 2).
Published tables: tests/data/index/ (PROVENANCE.md). No code of pipeline/ is exercised here:
these are facts about ITU's data that README "Estimates" cites.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parent / "data" / "index"
OTHERS = ("score_coverage_3g4g", "score_mobile_basket", "score_fbb_basket", "score_mobile_owners")
TRAFFIC = ("score_mbb_traffic", "score_fbb_traffic")
#: (previous, next edition) → (cases, within 1 IDI point, within 2) when the previous edition's
#: traffic sum is used unchanged in the next one.
CEILING = {("idi_2023", "idi_2024"): (42, 32, 36), ("idi_2024", "idi_2025"): (36, 29, 31)}


def _numbers(column: pd.Series) -> pd.Series:
    """Published cells as numbers: markers († ‡) dropped, "n.a." / "n.p." missing."""
    return pd.to_numeric(column.str.replace(r"[^0-9.\-]", "", regex=True), errors="coerce")


def _traffic_sum(edition: str) -> pd.DataFrame:
    table = pd.read_csv(DATA / f"{edition}_data.csv", dtype=str, keep_default_na=False)
    table = table.set_index("iso3")
    others = pd.concat([_numbers(table[c]) for c in OTHERS], axis=1)
    implied = 6 * _numbers(table["mc_pillar"]) - others.sum(axis=1)
    hidden = table[["mbb_traffic_gb_per_sub", "fbb_traffic_gb_per_sub"]].apply(
        lambda c: c.str.strip().eq("n.a.")
    )
    published = pd.concat([_numbers(table[c]) for c in TRAFFIC], axis=1).sum(axis=1, min_count=2)
    return pd.DataFrame(
        {
            "implied": implied.where(others.notna().all(axis=1)),
            "published": published,
            "hidden": hidden.any(axis=1),
        }
    )


@pytest.mark.parametrize("edition", ["idi_2023", "idi_2024", "idi_2025"])
def test_the_back_solved_traffic_sum_matches_where_both_scores_are_published(edition) -> None:
    """The formula holds where it can be checked: within the ±0.3 that MC's rounding allows."""
    sums = _traffic_sum(edition)
    both = sums.dropna(subset=["implied", "published"])
    assert len(both) > 100
    # MC to 1 decimal (6 × 0.05) and the six scores to 2 decimals (6 × 0.005)
    assert (both["implied"] - both["published"]).abs().max() <= 0.3 + 0.03 + 1e-9


@pytest.mark.parametrize(("previous", "following"), sorted(CEILING))
def test_itu_revises_its_own_imputations_between_editions(previous, following) -> None:
    """ITU's previous-edition traffic, used unchanged, leaves a quarter of the next edition's
    cases more than 1 point off: Guatemala +5.0 (2024), Congo −8.7 (2025)."""
    before, after = _traffic_sum(previous), _traffic_sum(following)
    cases = after.index[after["hidden"] & after["implied"].notna()]
    cases = cases[before["implied"].reindex(cases).notna()]
    error = (before["implied"].reindex(cases) - after["implied"].reindex(cases)) / 12
    n, within_1, within_2 = CEILING[(previous, following)]
    assert len(cases) == n
    assert int((error.abs() <= 1).sum()) == within_1
    assert int((error.abs() <= 2).sum()) == within_2
    worst = {("idi_2023", "idi_2024"): ("GTM", 5.0), ("idi_2024", "idi_2025"): ("COG", -8.7)}
    economy, change = worst[(previous, following)]
    assert error[economy] == pytest.approx(change, abs=0.05)
