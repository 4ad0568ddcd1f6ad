"""The shipped returns in raw/: coverage, consistency, provenance, rebuild."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "raw"
SCRIPTS = REPO / "scripts"
#: Per-100 figures are published to 1 decimal; counts are whole subscriptions, so the smallest
#: economies (about 10,000 people) move the per-100 value by up to 0.005.
PER100_TOLERANCE = 0.005
#: Traffic totals are exact products; only floating-point error remains.
RATIO_TOLERANCE = 1e-9
#: Synthetic percentage breakdowns are rounded to 1 decimal.
ROUNDING = 0.05 + 1e-9
#: The latest round (raw/README.md): questionnaires, synthetic breakdowns, flawed returns.
LATEST = "2025-12"
FILE_NAME = re.compile(r"(?P<economy>[A-Z]{3})_2023_(?P<kind>admin|household)\.xlsx")


def _load(name: str):
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build_raw():
    return _load("build_raw")


@pytest.fixture(scope="module")
def table(build_raw) -> pd.DataFrame:
    return build_raw.source_table()


@pytest.fixture(scope="module")
def latest(build_raw, table) -> pd.DataFrame:
    """The last round: the questionnaires with synthetic breakdowns and the flawed returns."""
    return table[table["round"] == build_raw.LATEST.id]


@pytest.fixture(scope="module")
def flawed() -> pd.DataFrame:
    return pd.read_csv(RAW / "flawed.csv", keep_default_na=False)


def _totals(table: pd.DataFrame, build_raw) -> pd.Series:
    total = table[list(build_raw.DIMENSIONS)].eq("_T").all(axis=1)
    return table[total].set_index(["economy", "year", "indicator"])["value"]


def _edition(table: pd.DataFrame, edition: int) -> pd.DataFrame:
    return table[table["round"] == str(edition)]


EDITIONS = (2023, 2024, 2025)


@pytest.mark.parametrize("kind", ["admin", "household"])
def test_at_least_150_economies_per_questionnaire(kind: str, flawed: pd.DataFrame) -> None:
    misnamed = set(flawed.loc[flawed["defect"] == "economy-mismatch", "file"])
    folder = RAW / LATEST / kind
    names = [p.name for p in folder.iterdir() if f"{LATEST}/{kind}/{p.name}" not in misnamed]
    clean = [FILE_NAME.fullmatch(name) for name in names]
    economies = {match["economy"] for match in clean if match and match["kind"] == kind}
    assert len(economies) >= 150
    reference = pd.read_csv(REPO / "schemas/reference/economies.csv", keep_default_na=False)
    assert economies <= set(reference["economy"])
    assert "IND" in economies  # every economy with data, not only the IDI economies


def test_every_round_folder_declares_its_round_and_closes_before_its_edition(build_raw) -> None:
    """Each edition's round closes before the edition's cutoff; the next round after it."""
    folders = sorted(p.name for p in RAW.iterdir() if p.is_dir())
    assert folders == sorted(r.id for r in build_raw.ROUNDS)
    closed = {}
    for folder in folders:
        meta = tomllib.loads((RAW / folder / "round.toml").read_text(encoding="utf-8"))
        assert meta["id"] == folder and meta["name"]
        closed[folder] = meta["closed"]
    for edition, data_round in ((2017, "2016"), *((e, str(e)) for e in EDITIONS)):
        text = (REPO / f"schemas/indices/idi_{edition}.toml").read_text(encoding="utf-8")
        cutoff = tomllib.loads(text)["edition"]["as_of"]
        later = [closed[r] for r in folders if r > data_round]
        assert closed[data_round] <= cutoff < min(later), edition


def test_flawed_list_matches_files_catalogue_and_readme(flawed: pd.DataFrame, build_raw) -> None:
    catalogue = tomllib.loads((REPO / "schemas/finding_codes.toml").read_text(encoding="utf-8"))
    readme = (RAW / "README.md").read_text(encoding="utf-8")
    assert list(flawed.columns[:3]) == ["file", "defect", "expected_codes"]
    assert 10 <= len(flawed) <= 20
    for row in flawed.itertuples():
        assert row.file.startswith(f"{LATEST}/"), row.file  # flaws live in the latest round
        assert (RAW / row.file).is_file(), row.file
        assert f"`{row.file}`" in readme
        codes = [code for code in row.expected_codes.split(";") if code]
        assert set(codes) <= set(catalogue), row.file
        flaws = _load("raw_flaws")
        known = {*flaws.VALUE_FLAWS, *flaws.BOOK_FLAWS, *flaws.FILE_FLAWS}
        assert row.defect in known


def test_one_return_per_economy_and_kind(flawed: pd.DataFrame) -> None:
    """A flawed return replaces the clean one; it never sits next to it."""
    for row in flawed.itertuples():
        clean = RAW / LATEST / row.kind / f"{row.economy}_2023_{row.kind}.xlsx"
        assert clean.exists() == (clean == RAW / row.file), row.file


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_edition_round_holds_its_inputs_as_published(table, build_raw, edition) -> None:
    totals = _totals(_edition(table, edition), build_raw)
    idi = build_raw.edition_values(edition)
    direct = idi[idi["column"].isin(["internet_users_pct", "cov_4g_pct", "fbb_basket_pct_gni"])]
    direct = direct.dropna(subset=["value"])
    keys = pd.MultiIndex.from_arrays([direct["economy"], direct["year"], direct["indicator"]])
    assert np.allclose(totals.reindex(keys).to_numpy(), direct["value"].to_numpy())
    flags = _edition(table, edition).set_index(["economy", "year", "indicator"])["estimate"]
    assert (flags.reindex(keys).to_numpy() == direct["estimate"].to_numpy()).all()


def test_estimates_marked_only_by_a_source_note_are_estimates(table, build_raw) -> None:
    """The 2023 sheet has no †: Algeria's 2021 Internet use (66.2) is "ITU estimate." only."""
    rows = _edition(table, 2023).set_index(["economy", "year", "indicator"])
    assert rows.loc[("DZA", 2021, "HH7"), "value"] == 66.2
    assert rows.loc[("DZA", 2021, "HH7"), "estimate"]
    assert rows.loc[("ALB", 2021, "HH7"), "estimate"] == False  # noqa: E712 (numpy bool)
    marked = build_raw.edition_values(2023)
    assert marked["estimate"].sum() > 200 and not marked["text"].str.contains("†").any()


def test_lagged_values_sit_in_their_own_year_and_round(table, build_raw) -> None:
    """IDI 2023's ‡ values are official 2020 figures: the 2023 round carries them for 2020."""
    idi = build_raw.edition_values(2023)
    lagged = idi[idi["lagged"]].dropna(subset=["value"])
    assert len(lagged) > 30 and set(lagged["year"]) == {2020} and not lagged["estimate"].any()
    totals = _totals(_edition(table, 2023), build_raw)
    direct = lagged[lagged["column"].isin(["internet_users_pct", "households_internet_pct"])]
    keys = pd.MultiIndex.from_arrays([direct["economy"], direct["year"], direct["indicator"]])
    assert np.allclose(totals.reindex(keys).to_numpy(), direct["value"].to_numpy())
    # Albania, IDI 2025 (data year 2023): Internet use 83.1 %, fixed-broadband basket 2.1 %.
    latest = _totals(_edition(table, 2025), build_raw)
    assert latest[("ALB", 2023, "HH7")] == 83.1 and latest[("ALB", 2023, "i154_FBB5_GNI")] == 2.1


@pytest.mark.parametrize("edition", EDITIONS)
def test_not_published_stays_empty_in_its_round(table, build_raw, edition) -> None:
    idi = build_raw.edition_values(edition)
    blocked = idi[idi["blocked"]]
    keys = set(zip(blocked["economy"], blocked["year"], blocked["indicator"], strict=True))
    rows = _edition(table, edition)
    present = set(zip(rows["economy"], rows["year"], rows["indicator"], strict=True))
    assert keys and not keys & present


def test_no_price_placeholder_zero_anywhere(table) -> None:
    """A 0 price basket (DataHub CUB 2022 fixed broadband) is not a price: dropped at build."""
    prices = table[table["indicator"].str.endswith("_GNI")]
    assert len(prices) > 1000 and (prices["value"] > 0).all()
    assert not ((prices["economy"] == "CUB") & (prices["year"] == 2022)
                & (prices["indicator"] == "i154_FBB5_GNI")).any()  # fmt: skip


def test_misr_2017_round_lags_what_has_no_2016_value(table) -> None:
    """Households with a computer and bandwidth exist only for 2014/2015 (and earlier)."""
    rows = table[table["round"] == "2016"]
    assert rows.loc[rows["indicator"].isin(["HH4", "i4214"]), "year"].max() == 2015
    assert rows.loc[rows["indicator"] == "HH4", "economy"].nunique() > 130
    for code in ("i112", "i271", "i4213tfbb", "i271mw", "HH6", "HH7", "mys", "ger_sec"):
        assert rows.loc[rows["indicator"] == code, "year"].max() == 2016, code


@pytest.mark.parametrize("edition", EDITIONS)
def test_reconstructed_counts_give_back_published_rates(table, build_raw, edition) -> None:
    totals = _totals(_edition(table, edition), build_raw)
    population = build_raw._population()
    idi = build_raw.edition_values(edition).dropna(subset=["value"])
    per100 = idi[idi["column"] == "mbb_subs_per100"]
    keys = list(zip(per100["economy"], per100["year"], strict=True))
    counts = totals.reindex([(e, y, "i271mw") for e, y in keys]).to_numpy()
    rates = counts / population.reindex(keys).to_numpy() * 100
    assert np.abs(rates - per100["value"].to_numpy()).max() <= PER100_TOLERANCE
    for column, numerator, denominator in (
        ("mbb_traffic_gb_per_sub", "i136mwi", "i271mw"),
        ("fbb_traffic_gb_per_sub", "i135tfb", "i4213tfbb"),
    ):
        rows = idi[idi["column"] == column]
        keys = list(zip(rows["economy"], rows["year"], strict=True))
        top = totals.reindex([(e, y, numerator) for e, y in keys]).to_numpy()
        bottom = totals.reindex([(e, y, denominator) for e, y in keys]).to_numpy()
        ratio = top / bottom
        assert not np.isnan(ratio).any()  # every published figure has its denominator
        error = np.abs(ratio - rows["value"].to_numpy()) / np.maximum(rows["value"], 1)
        assert error.max() <= RATIO_TOLERANCE


def _parts(table: pd.DataFrame, indicator: str, dimension: str) -> pd.DataFrame:
    rows = table[table["indicator"] == indicator]
    others = [d for d in ("sex", "age", "area", "speed", "technology", "skill") if d != dimension]
    rows = rows[rows[others].eq("_T").all(axis=1) | (rows["indicator"] == "HH15")]
    return rows.pivot_table(index=["economy", "year", "skill"], columns=dimension, values="value")


@pytest.mark.parametrize("indicator", ["HH7", "HH18", "HH15"])
def test_synthetic_sex_values_bracket_the_total(latest: pd.DataFrame, indicator: str) -> None:
    wide = _parts(latest, indicator, "sex").dropna()
    assert len(wide) > 100
    assert (wide["F"] <= wide["_T"] + ROUNDING).all()
    assert (wide["M"] >= wide["_T"] - ROUNDING).all()
    assert wide.le(100).all().all() and wide.ge(0).all().all()


@pytest.mark.parametrize("indicator", ["HH7", "HH18"])
def test_synthetic_age_groups_order(latest: pd.DataFrame, indicator: str) -> None:
    wide = _parts(latest, indicator, "age").dropna()
    assert (wide["Y15T24"] >= wide["_T"] - ROUNDING).all()
    assert (wide["Y_GE75"] <= wide["_T"] + ROUNDING).all()
    assert wide.le(100).all().all() and wide.ge(0).all().all()


@pytest.mark.parametrize("dimension", ["speed", "technology"])
def test_synthetic_tiers_add_up_exactly(latest: pd.DataFrame, dimension: str) -> None:
    wide = _parts(latest, "i4213tfbb", dimension).dropna()
    assert len(wide) > 400
    parts = wide.drop(columns="_T").sum(axis=1)
    assert (parts == wide["_T"]).all()
    assert (wide >= 0).all().all()


def test_synthetic_area_values_bracket_the_total(latest: pd.DataFrame) -> None:
    for indicator in ("HH4", "HH6", "HH7", "HH18"):
        wide = _parts(latest, indicator, "area").dropna()
        assert (wide["R"] <= wide["_T"] + ROUNDING).all(), indicator
        assert (wide["U"] >= wide["_T"] - ROUNDING).all(), indicator
        assert wide.le(100).all().all(), indicator


def test_sample_of_raw_is_reproducible(build_raw, table, flawed, tmp_path: Path) -> None:
    """Rebuild every flawed economy plus a few clean ones and compare cell values."""
    sample = sorted(set(flawed["economy"]) | {"ALB", "KOR", "MDV"})
    build_raw.write_raw(tmp_path, table, sample)
    for built in sorted(p for p in tmp_path.rglob("*") if p.is_file()):
        name = built.relative_to(tmp_path)
        expected = build_raw.workbook_content(built) if built.suffix != ".csv" else None
        if expected is None:
            assert built.read_bytes() == (RAW / name).read_bytes(), name
        else:
            assert expected == build_raw.workbook_content(RAW / name), name


@pytest.mark.slow
def test_whole_raw_is_reproducible(build_raw) -> None:
    assert build_raw.main(["--check"]) == 0


def test_flawed_returns_raise_exactly_the_expected_ingest_codes(flawed: pd.DataFrame) -> None:
    from pipeline.ingest import ingest_paths

    result = ingest_paths([RAW / name for name in flawed["file"]], RAW)
    for row in flawed.itertuples():
        found = set(result.findings.loc[result.findings["source_file"] == row.file, "rule_id"])
        expected = {code for code in row.expected_codes.split(";") if code}
        assert found == expected, row.file


@pytest.mark.parametrize("round_id", ["2016", "2024", LATEST])
def test_clean_returns_ingest_to_the_source_values(build_raw, table, round_id: str) -> None:
    """End to end: template or long CSV → ingest gives back every value of the source table."""
    from pipeline.ingest import ingest_paths

    sample = ["ALB", "KOR", "MDV", "ZAF"]
    kinds = ("admin", "household")
    paths = (
        [RAW / LATEST / kind / f"{e}_2023_{kind}.xlsx" for e in sample for kind in kinds]
        if round_id == LATEST
        else [RAW / round_id / f"{e}_{round_id}.csv" for e in sample]
    )
    result = ingest_paths(paths, RAW)
    assert result.findings.empty
    assert set(result.observations["round"]) == {round_id}
    expected = table[table["economy"].isin(sample) & (table["round"] == round_id)]
    merged = expected.merge(result.observations, on=build_raw.KEY, how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert np.allclose(merged["value_x"], merged["value_y"], rtol=1e-12, atol=0)
    assert (merged["estimate_x"] == merged["estimate_y"]).all()


def test_rebuild_comparison_notices_an_edited_cell(build_raw, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    for side in ("shipped", "edited"):
        (tmp_path / side / "admin").mkdir(parents=True)
        source = RAW / LATEST / "admin" / "ALB_2023_admin.xlsx"
        (tmp_path / side / "admin" / source.name).write_bytes(source.read_bytes())
    assert build_raw.differences(tmp_path / "shipped", tmp_path / "edited") == []
    edited = tmp_path / "edited" / "admin" / "ALB_2023_admin.xlsx"
    book = load_workbook(edited)
    book["Coverage"]["N9"] = 12.5
    book.save(edited)
    assert build_raw.differences(tmp_path / "shipped", tmp_path / "edited") == [
        "admin/ALB_2023_admin.xlsx: differs"
    ]


@cache
def _synthetic():
    return _load("raw_synthetic")


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=20),
    weight=st.floats(0.05, 0.95),
)
def test_two_way_split_brackets_and_averages_to_the_total(values: list[float], weight: float):
    totals = pd.DataFrame({"economy": [f"E{i:02d}" for i in range(len(values))], "value": values})
    split = _synthetic()._two_way(totals.assign(sex="_T"), "sex", "M", "F", weight)
    high = split[split["sex"] == "M"]["value"].to_numpy()
    low = split[split["sex"] == "F"]["value"].to_numpy()
    total = np.asarray(values)
    assert (low <= total + ROUNDING).all() and (high >= total - ROUNDING).all()
    assert (low >= 0).all() and (high <= 100).all()
    mean = weight * high + (1 - weight) * low
    assert np.abs(mean - total).max() <= ROUNDING


@settings(max_examples=60, deadline=None)
@given(counts=st.lists(st.integers(0, 10**9), min_size=1, max_size=20))
def test_count_split_adds_up_exactly(counts: list[int]) -> None:
    totals = pd.DataFrame({"economy": "E", "value": np.asarray(counts, dtype=float), "speed": "_T"})
    tiers = ("IS_256KT2M", "IS_2MT10M", "IS_GE10M")
    split = _synthetic()._count_split(totals, "speed", tiers, (0.5, 1.5, 6.0))
    parts = split["value"].to_numpy().reshape(len(tiers), len(counts))
    assert (parts >= 0).all()
    assert (parts.sum(axis=0) == np.asarray(counts)).all()
