"""Build ``schemas/sdg/sdg_regions.csv``: each economy's SDG regional group (UN M49).

The UN SDG Global Database aggregates by eight mutually exclusive "SDG regions" built from M49
sub-regions (UN Statistics Division, "Regional groupings used in the SDG reports and
database"): Sub-Saharan Africa (202), Northern Africa and Western Asia (747), Central and
Southern Asia (62), Eastern and South-Eastern Asia (753), Latin America and the Caribbean
(419), Australia and New Zealand (53), Oceania excluding Australia and New Zealand (543) and
Europe and Northern America (513). All eight codes are in CL_AREA of the SDG DSD v1.4
(``data/sources/sdg_dsd/``). Sub-region of each economy: ``Sub-region Code`` and
``Region Code`` of ``data/sources/un_m49_codes/country-codes.csv``. Deterministic;
``--check`` exits 1 when the committed file is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
M49_FILE = REPO / "data" / "sources" / "un_m49_codes" / "country-codes.csv"
ECONOMIES = REPO / "schemas" / "reference" / "economies.csv"
OUT = REPO / "schemas" / "sdg" / "sdg_regions.csv"

#: SDG region (M49 code, name) by M49 sub-region code; Europe (region 150) is handled below.
BY_SUBREGION = {
    202: (202, "Sub-Saharan Africa"),
    15: (747, "Northern Africa and Western Asia"),
    145: (747, "Northern Africa and Western Asia"),
    143: (62, "Central and Southern Asia"),
    34: (62, "Central and Southern Asia"),
    30: (753, "Eastern and South-Eastern Asia"),
    35: (753, "Eastern and South-Eastern Asia"),
    419: (419, "Latin America and the Caribbean"),
    53: (53, "Australia and New Zealand"),
    54: (543, "Oceania (exc. Australia and New Zealand)"),
    57: (543, "Oceania (exc. Australia and New Zealand)"),
    61: (543, "Oceania (exc. Australia and New Zealand)"),
    21: (513, "Europe and Northern America"),
}
#: M49 region code of Europe: all of it is in "Europe and Northern America".
EUROPE_REGION = 21


def build() -> pd.DataFrame:
    """economy, sdg_region (name), m49 (the region's CL_AREA code), one row per economy."""
    codes = pd.read_csv(M49_FILE, keep_default_na=False, dtype=str)
    codes = codes.loc[codes["M49"].ne(""), ["M49", "Sub-region Code", "Region Code"]]
    codes = codes.assign(m49=codes["M49"].astype(int)).drop_duplicates("m49")
    sub = pd.to_numeric(codes["Sub-region Code"], errors="coerce").astype("Int64")
    sub = sub.where(codes["Region Code"].ne("150"), EUROPE_REGION)
    region = sub.map(BY_SUBREGION)
    codes = codes.assign(region=region).dropna(subset=["region"])
    economies = pd.read_csv(ECONOMIES, dtype={"m49": "Int64"})[["economy", "m49"]]
    joined = economies.merge(codes[["m49", "region"]], on="m49", how="inner")
    out = pd.DataFrame(
        {
            "economy": joined["economy"],
            "sdg_region": joined["region"].str[1],
            "m49": joined["region"].str[0].astype(int),
        }
    )
    return out.sort_values("economy").reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    text = build().to_csv(index=False, lineterminator="\n")
    if args.check:
        return 0 if OUT.exists() and OUT.read_text(encoding="utf-8") == text else 1
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
