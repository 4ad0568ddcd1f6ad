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
def flawed() -> pd.DataFrame:
    return pd.read_csv(RAW / "flawed.csv", keep_default_na=False)


def _totals(table: pd.DataFrame, build_raw) -> pd.Series:
    total = table[list(build_raw.DIMENSIONS)].eq("_T").all(axis=1)
    return table[total].set_index(["economy", "year", "indicator"])["value"]


@pytest.mark.parametrize("kind", ["admin", "household"])
def test_at_least_150_economies_per_questionnaire(kind: str, flawed: pd.DataFrame) -> None:
    misnamed = set(flawed.loc[flawed["defect"] == "economy-mismatch", "file"])
    names = [p.name for p in (RAW / kind).iterdir() if f"{kind}/{p.name}" not in misnamed]
    clean = [FILE_NAME.fullmatch(name) for name in names]
    economies = {match["economy"] for match in clean if match and match["kind"] == kind}
    assert len(economies) >= 150
    reference = pd.read_csv(REPO / "schemas/reference/economies.csv", keep_default_na=False)
    assert economies <= set(reference["economy"])


def test_flawed_list_matches_files_catalogue_and_readme(flawed: pd.DataFrame, build_raw) -> None:
    catalogue = tomllib.loads((REPO / "schemas/finding_codes.toml").read_text(encoding="utf-8"))
    readme = (RAW / "README.md").read_text(encoding="utf-8")
    assert list(flawed.columns[:3]) == ["file", "defect", "expected_codes"]
    assert 10 <= len(flawed) <= 20
    for row in flawed.itertuples():
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
        clean = RAW / row.kind / f"{row.economy}_2023_{row.kind}.xlsx"
        assert clean.exists() == (clean == RAW / row.file), row.file


def test_idi_inputs_as_published(table: pd.DataFrame, build_raw) -> None:
    totals = _totals(table, build_raw)
    idi = build_raw.idi_values()
    direct = idi[idi["column"].isin(["internet_users_pct", "cov_4g_pct", "fbb_basket_pct_gni"])]
    direct = direct.dropna(subset=["value"])
    code = direct["column"].map(lambda column: build_raw.IDI_COLUMNS[column][0])
    keys = pd.MultiIndex.from_arrays([direct["economy"], direct["year"], code])
    assert np.allclose(totals.reindex(keys).to_numpy(), direct["value"].to_numpy())
    # Albania, IDI 2025 (data year 2023): Internet use 83.1 %, fixed-broadband basket 2.1 %.
    assert totals[("ALB", 2023, "HH7")] == 83.1
    assert totals[("ALB", 2023, "i154_FBB5_GNI")] == 2.1


def test_not_published_stays_empty(table: pd.DataFrame, build_raw) -> None:
    idi = build_raw.idi_values()
    blocked = idi[idi["blocked"]]
    code = blocked["column"].map(lambda column: build_raw.IDI_COLUMNS[column][0])
    keys = set(zip(blocked["economy"], blocked["year"], code, strict=True))
    present = set(zip(table["economy"], table["year"], table["indicator"], strict=True))
    assert keys and not keys & present


def test_reconstructed_counts_give_back_published_rates(table: pd.DataFrame, build_raw) -> None:
    totals = _totals(table, build_raw)
    population = build_raw._population()
    idi = build_raw.idi_values().dropna(subset=["value"])
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
        found = ~np.isnan(ratio)
        assert found.mean() > 0.99
        published = rows["value"].to_numpy()[found]
        error = np.abs(ratio[found] - published) / np.maximum(published, 1)
        assert error.max() <= RATIO_TOLERANCE


def _parts(table: pd.DataFrame, indicator: str, dimension: str) -> pd.DataFrame:
    rows = table[table["indicator"] == indicator]
    others = [d for d in ("sex", "age", "area", "speed", "technology", "skill") if d != dimension]
    rows = rows[rows[others].eq("_T").all(axis=1) | (rows["indicator"] == "HH15")]
    return rows.pivot_table(index=["economy", "year", "skill"], columns=dimension, values="value")


@pytest.mark.parametrize("indicator", ["HH7", "HH18", "HH15"])
def test_synthetic_sex_values_bracket_the_total(table: pd.DataFrame, indicator: str) -> None:
    wide = _parts(table, indicator, "sex").dropna()
    assert len(wide) > 100
    assert (wide["F"] <= wide["_T"] + ROUNDING).all()
    assert (wide["M"] >= wide["_T"] - ROUNDING).all()
    assert wide.le(100).all().all() and wide.ge(0).all().all()


@pytest.mark.parametrize("indicator", ["HH7", "HH18"])
def test_synthetic_age_groups_order(table: pd.DataFrame, indicator: str) -> None:
    wide = _parts(table, indicator, "age").dropna()
    assert (wide["Y15T24"] >= wide["_T"] - ROUNDING).all()
    assert (wide["Y_GE75"] <= wide["_T"] + ROUNDING).all()
    assert wide.le(100).all().all() and wide.ge(0).all().all()


@pytest.mark.parametrize("dimension", ["speed", "technology"])
def test_synthetic_tiers_add_up_exactly(table: pd.DataFrame, dimension: str) -> None:
    wide = _parts(table, "i4213tfbb", dimension).dropna()
    assert len(wide) > 400
    parts = wide.drop(columns="_T").sum(axis=1)
    assert (parts == wide["_T"]).all()
    assert (wide >= 0).all().all()


def test_synthetic_area_values_bracket_the_total(table: pd.DataFrame) -> None:
    for indicator in ("HH4", "HH6", "HH7", "HH18"):
        wide = _parts(table, indicator, "area").dropna()
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


def test_clean_returns_ingest_to_the_source_values(build_raw, table: pd.DataFrame) -> None:
    """End to end: template → ingest gives back every value of the source table, flags too."""
    from pipeline.ingest import ingest_paths

    sample = ["ALB", "KOR", "MDV", "ZAF"]
    kinds = ("admin", "household")
    paths = [RAW / kind / f"{e}_2023_{kind}.xlsx" for e in sample for kind in kinds]
    result = ingest_paths(paths, RAW)
    assert result.findings.empty
    expected = table[table["economy"].isin(sample)]
    merged = expected.merge(result.observations, on=build_raw.KEY, how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert np.allclose(merged["value_x"], merged["value_y"], rtol=1e-12, atol=0)
    assert (merged["estimate_x"] == merged["estimate_y"]).all()


def test_rebuild_comparison_notices_an_edited_cell(build_raw, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    for side in ("shipped", "edited"):
        (tmp_path / side / "admin").mkdir(parents=True)
        source = RAW / "admin" / "ALB_2023_admin.xlsx"
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
