"""Unit tests of the publication builders on a small synthetic bundle."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.index.rank import round_half_up
from pipeline.publish import charts, profiles, tables
from pipeline.publish.cli import write_publication
from pipeline.publish.indicators import indicator_table
from pipeline.publish.layout import marker
from pipeline.publish.publication import publish

sys.path.insert(0, str(Path(__file__).parent / "data" / "publish"))
import synthetic

#: Published precision of scores (IDI reports print one decimal).
SCORE_DECIMALS = 1


#: The real edition setting (IDI 2024 publishes no ranks), before the fixture below.
EDITION_RANKS = tables.ranks_published


@pytest.fixture(scope="module", autouse=True)
def ranks_shown():
    """The synthetic scores use the idi_2024 name to exercise the ranking columns; the shipped
    edition publishes no ranks (tested in test_ranks_not_published_drop_the_rank_columns)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tables, "ranks_published", lambda edition: True)
        yield


@pytest.fixture(scope="module")
def bundle():
    return synthetic.bundle()


def test_ranks_not_published_drop_the_rank_columns(bundle, monkeypatch):
    monkeypatch.setattr(tables, "ranks_published", EDITION_RANKS)
    assert not EDITION_RANKS("idi_2024") and EDITION_RANKS("idi_2017")
    table = tables.ranking(bundle, "idi_2024")
    assert not {"Rank", "Previous rank", "Change in rank"} & set(table.frame.columns)
    assert any("without ranks" in note for note in table.notes)
    assert list(table.frame["Score"]) == sorted(table.frame["Score"], reverse=True)


@pytest.fixture(scope="module")
def publication(bundle):
    return publish(bundle)


def test_ranking_equals_scores_rounded_as_published(bundle):
    table = tables.ranking(bundle, "idi_2024").frame
    top = bundle.scores.query("edition == 'idi_2024' and node == 'IDI'").set_index("economy")
    got = table.set_index("ISO3")
    assert list(table["Rank"]) == sorted(table["Rank"])
    assert set(got.index) == set(synthetic.ECONOMIES)
    expected = pd.Series(round_half_up(top["score"], SCORE_DECIMALS), index=top.index)
    expected = expected.reindex(got.index)
    assert np.array_equal(got["Score"].to_numpy(), expected.to_numpy())
    assert (got["Rank"] == top["rank"].reindex(got.index)).all()
    assert (got["Change in rank"] == top["rank_change"].reindex(got.index)).all()


def test_ranking_markers_follow_the_input_flags(bundle):
    table = tables.ranking(bundle, "idi_2024")
    notes = table.markers["Score"].set_axis(table.frame["ISO3"])
    assert notes["KEN"] == marker("estimate")
    assert notes["NGA"] == marker("imputed")
    assert notes["EGY"] == marker("earlier_year")
    assert notes["DEU"] == ""
    assert any(line.startswith(marker("imputed")) for line in table.all_notes())


def test_group_means_are_simple_means(bundle):
    frame = tables.groups(bundle, "idi_2024").frame.set_index("Group")
    top = tables.headline(bundle, "idi_2024")
    assert frame.loc["World", "n"] == len(synthetic.ECONOMIES)
    assert frame.loc["World", "ICT Development Index"] == round_half_up(top["score"].mean(), 1)
    africa = top[top["economy"].isin(["KEN", "NGA"])]["score"].mean()
    assert frame.loc["Africa", "ICT Development Index"] == round_half_up(africa, 1)
    assert frame.loc["Africa", "n"] == 2


def test_pillar_table_has_one_column_per_node(bundle):
    frame = tables.pillars(bundle, "idi_2024").frame
    names = [name for _, name, _ in synthetic.NODES]
    assert list(frame.columns[:3]) == ["Economy", "ISO3", names[0]]
    assert set(frame.columns[2:]) == set(names)
    assert list(frame["Economy"]) == sorted(frame["Economy"])


def test_indicator_table_takes_latest_value_with_its_year_and_marks_flags(bundle):
    table = indicator_table(bundle, "household", 2024)
    frame = table.frame.set_index(["ISO3", "Indicator code"])
    notes = table.markers.set_axis(frame.index)
    obs = bundle.observations.set_index(["economy", "year", "indicator"])["value"]
    assert frame.loc[("NGA", "HH6"), "Value"] == obs[("NGA", 2023, "HH6")]
    assert frame.loc[("NGA", "HH6"), "Year"] == 2023, "the year is a column, not a marker"
    assert frame.loc[("DEU", "HH6"), "Value"] == obs[("DEU", 2024, "HH6")]
    assert frame.loc[("NGA", "HH6"), "Indicator"] == "Households with Internet access at home"
    assert notes.loc[("NGA", "HH6"), "Value"] == ""
    assert marker("break") in notes.loc[("BRA", "HH6"), "Value"]
    assert marker("estimate") in notes.loc[("KEN", "HH7"), "Value"]


def test_notes_columns_sit_beside_their_values(bundle):
    out = tables.ranking(bundle, "idi_2024").with_notes_columns()
    position = list(out.columns).index("Score")
    assert out.columns[position + 1] == "Score note"
    labels = {"", "estimate", "earlier year", "imputed"}
    assert out["Score note"].str.split("; ").explode().isin(labels).all()


def test_profiles_show_scores_flags_and_chart(bundle):
    pages = profiles.render_profiles(bundle)
    assert set(pages) == set(synthetic.ECONOMIES)
    nigeria = pages["NGA"]
    assert "<h1>Nigeria</h1>" in nigeria
    assert "data:image/png;base64,iVBOR" in nigeria
    assert "imputed in IDI 2024" in nigeria
    assert "estimate used in IDI 2024" in pages["KEN"]
    assert "Africa" in nigeria


def test_charts_are_png_and_identical_on_rerun(bundle):
    first, second = charts.overview_charts(bundle), charts.overview_charts(bundle)
    assert {"idi_2024_by_region.png", "idi_2024_by_income.png", "trend_HH7.png"} <= set(first)
    assert all(png.startswith(b"\x89PNG") for png in first.values())
    assert first == second


def test_publication_files_written(publication, tmp_path):
    write_publication(publication, tmp_path)
    assert (tmp_path / "ictstats_tables.xlsx").stat().st_size > 0
    ranking = pd.read_csv(tmp_path / "tables" / "idi_2024_ranking.csv", keep_default_na=False)
    parquet = pd.read_parquet(tmp_path / "tables" / "idi_2024_ranking.parquet")
    assert list(ranking["ISO3"]) == list(parquet["ISO3"])
    assert len(list((tmp_path / "profiles").glob("*.html"))) == len(synthetic.ECONOMIES)
    overview = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="profiles/KEN.html"' in overview and 'src="charts/trend_HH7.png"' in overview


@settings(max_examples=25, deadline=None)
@given(
    scores=st.lists(
        st.floats(0, 100, allow_nan=False),
        min_size=len(synthetic.ECONOMIES),
        max_size=len(synthetic.ECONOMIES),
    )
)
def test_ranking_and_world_mean_for_any_scores(bundle, scores):
    frame = bundle.scores[bundle.scores["edition"] == "idi_2024"].copy()
    top = frame["node"] == "IDI"
    frame.loc[top, "score"] = scores
    frame.loc[top, "rank"] = frame.loc[top, "score"].rank(ascending=False, method="min")
    other = replace(bundle, scores=frame)
    table = tables.ranking(other, "idi_2024").frame
    assert list(table["Rank"]) == sorted(table["Rank"])
    assert table["Score"].is_monotonic_decreasing
    world = tables.groups(other, "idi_2024").frame.set_index("Group").loc["World"]
    assert world["ICT Development Index"] == round_half_up(np.mean(scores), 1)


def test_profile_values_table_shows_labels_once_and_plain_years(bundle):
    page = profiles.render_profiles(bundle)["BRA"]
    label = "Individuals using the Internet (% of individuals)"
    assert page.count(label) == 1
    assert "2,024" not in page and "<td>2024</td>" in page
    assert "§" in page


def test_rank_interval_columns_when_uncertainty_ran(bundle):
    ranks = pd.DataFrame(
        {
            "edition": "idi_2024",
            "economy": list(synthetic.ECONOMIES),
            "p05_rank": 1.4,
            "p95_rank": 3.2,
        }
    )
    table = tables.ranking(replace(bundle, ranks=ranks), "idi_2024")
    assert (table.frame["Rank, 5th percentile"] == 1).all()
    assert (table.frame["Rank, 95th percentile"] == 4).all()
    assert any("5th and 95th percentiles" in note for note in table.notes)
    assert "Rank, 5th percentile" not in tables.ranking(bundle, "idi_2024").frame


def test_indicators_reported_only_by_breakdown_are_not_data_gaps() -> None:
    """ICT skills (HH15) have no national total; the profile must not call them unreported."""
    from types import SimpleNamespace

    import pandas as pd

    from pipeline.publish.profile_data import reported_codes
    from pipeline.publish.profiles import gap_lines

    observations = pd.DataFrame(
        {"economy": ["KEN", "KEN", "KEN"], "indicator": ["HH15", "HH15", "HH7"]}
    )
    reported = reported_codes(SimpleNamespace(observations=observations))
    assert reported == {"KEN": {"HH15", "HH7"}}
    gaps = " ".join(gap_lines(None, reported["KEN"], ""))
    assert "Individuals with ICT skills" not in gaps
    assert "Individuals owning a mobile phone" in gaps
