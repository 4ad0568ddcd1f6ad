"""Which economies belong to which region and development group, as a long table.

Regions are ITU regions and the development groups are the UN M49 LDC/LLDC/SIDS lists and the
World Bank income groups, all from ``schemas/reference/economies.csv``. The ``order`` column
keeps the printed order of ITU's reports: World, regions, then development and income groups.
"""

from __future__ import annotations

import pandas as pd

from pipeline.publish.layout import text

MEMBERSHIP_COLUMNS = ("order", "group_type", "group", "economy")


def _flag(column: pd.Series) -> pd.Series:
    """True for the spellings of a yes in the reference file."""
    return column.astype(str).str.strip().str.lower().isin({"true", "1", "yes", "x"})


def of_year(economies: pd.DataFrame, year: int, history: pd.DataFrame) -> pd.DataFrame:
    """The economy table with each economy's World Bank income group on ``year``'s GNI (the
    classification an edition of that reference year uses: ITU's IDI 2024, reference year
    2022, agrees with the FY24 classification for all 169 classified economies); an economy
    not classified that year keeps its latest group."""
    that_year = history[history["year"] == year].set_index("economy")["income_group"]
    own = that_year.reindex(economies["economy"]).to_numpy()
    latest = economies["income_group"].to_numpy()
    return economies.assign(income_group=pd.Series(own).fillna(pd.Series(latest)).to_numpy())


def membership(economies: pd.DataFrame) -> pd.DataFrame:
    """order, group_type, group, economy: World, ITU regions, LDC/LLDC/SIDS, income groups."""
    codes = economies["economy"]
    parts = [pd.DataFrame({"order": 0, "group_type": "World", "group": "World", "economy": codes})]
    regions = economies.dropna(subset=["itu_region"])
    regions = regions[regions["itu_region"].astype(str).str.len() > 0]
    parts.append(
        pd.DataFrame(
            {
                "order": 1,
                "group_type": "ITU region",
                "group": regions["itu_region"],
                "economy": regions["economy"],
            }
        )
    )
    for rank, flag in enumerate(("ldc", "lldc", "sids"), start=2):
        chosen = codes[_flag(economies[flag])]
        parts.append(
            pd.DataFrame(
                {
                    "order": rank,
                    "group_type": "Development",
                    "group": flag.upper(),
                    "economy": chosen,
                }
            )
        )
    labels = text()["groups"]["income"]
    income = economies[economies["income_group"].isin(list(labels))]
    order = income["income_group"].map({code: 5 + i for i, code in enumerate(labels)})
    parts.append(
        pd.DataFrame(
            {
                "order": order,
                "group_type": "Income",
                "group": income["income_group"].map(labels),
                "economy": income["economy"],
            }
        )
    )
    return pd.concat(parts, ignore_index=True).loc[:, list(MEMBERSHIP_COLUMNS)]
