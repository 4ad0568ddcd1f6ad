"""World Internet use with estimates for every non-reporting member, against ITU's published
world figures, on the shipped returns (ingest raw/ → validate → estimate → sdg, as a user runs).

ITU's figures (percentage of individuals using the Internet, World):

- 2021: 62.2 % — ITU's revised World figure for 2021, as the World Bank republishes it
  (WDI IT.NET.USER.ZS, World row, source ITU; `data/sources/wdi_internet_users/`); *Facts
  and Figures 2022* revised the 2021 first estimate of *Facts and Figures 2021* (63 per cent,
  4.9 billion: itu.int/itu-d/reports/statistics/facts-figures-2021/) to about 62 per cent.
  On the shipped data 2021 is 1.06 points below the first estimate.
- 2022: 66 % — ITU, *Facts and Figures 2022* (itu.int/en/ITU-D/Statistics/Pages/facts/,
  "an estimated 5.3 billion people ... or roughly 66 per cent of the world's population").
- 2023: 67.4 % — ITU, *Facts and Figures 2023* (itu.int/en/ITU-D/Statistics/Pages/stat/: "5.4
  billion people – or 67 per cent"; the regional table gives World 67.4). ITU's later
  revision (*Facts and Figures 2025*, itu.int/itu-d/reports/statistics/2025/10/15/
  ff25-internet-use: 71 % in 2024 after growth of 2.9 per cent in users) puts 2023 near 70 %,
  after China's 2023 survey value (90.6 %) that the shipped December 2025 DataHub vintage holds.

Each is a first estimate for its year; the shipped data are a later vintage.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.paths import RAW
from pipeline.store import read_table

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (RAW / "2025-12").is_dir(), reason="raw/ rounds not shipped"),
]

#: year -> (ITU's published World figure, tolerance met on the shipped data)
FACTS_AND_FIGURES = {2021: (62.2, 1.0), 2022: (66.0, 1.0)}
#: 2023 against Facts and Figures 2023 is 3.2 points off (the China revision above); against
#: the 2025 edition's implied 69.6–70.4 % (5.8 billion in 2024 ÷ 1.029, rounding) it is in range.
FF2025_2023 = (69.6 - 1.0, 70.4 + 1.0)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    processed = tmp_path_factory.mktemp("sdg_estimates") / "processed"
    assert main(["-q", "ingest", str(RAW), "--output", str(processed)]) in (0, 1)
    assert main(["-q", "validate", "--processed", str(processed), "--raw", str(RAW)]) in (0, 1)
    assert main(["-q", "estimate", "--processed", str(processed)]) == 0
    assert main(["-q", "sdg", "--processed", str(processed)]) == 0
    aggregates = read_table(processed / "sdg", "aggregates")
    total = (aggregates[["sex", "age", "area", "speed", "skill"]] == "_T").all(axis=1)
    rows = aggregates[
        total & aggregates["series"].eq("IT_USE_II99") & aggregates["group"].eq("World")
    ]
    return rows.set_index("year")


@pytest.mark.parametrize("year", sorted(FACTS_AND_FIGURES))
def test_world_internet_use_matches_facts_and_figures(world, year) -> None:
    published, tolerance = FACTS_AND_FIGURES[year]
    row = world.loc[year]
    assert bool(row["published"])
    assert abs(row["value"] - published) <= tolerance
    assert row["low"] <= row["value"] <= row["high"]
    shares = row[["share_reported", "share_interpolated", "share_extrapolated", "share_modelled"]]
    assert shares.sum() == pytest.approx(row["coverage"], abs=1e-9)


def test_world_internet_use_2023_within_the_revised_series(world) -> None:
    low, high = FF2025_2023
    assert low <= world.loc[2023, "value"] <= high


def test_every_member_is_estimated_or_reported_in_2022(world) -> None:
    """India's 2021 value is interpolated between its 2016 and 2022 surveys, so 2021 no
    longer covers only 80 % of the world's population."""
    assert world.loc[2021, "coverage"] > 0.99
    assert world.loc[2021, "share_interpolated"] > 0.15
