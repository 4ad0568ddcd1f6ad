"""Profiles and the overview page: definitions, alt texts, names, one regional method."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline import reference
from pipeline.publish import charts, profiles
from pipeline.publish.publication import publish
from pipeline.reference import population_of

sys.path.insert(0, str(Path(__file__).parent / "data" / "publish"))
import synthetic


@pytest.fixture(scope="module")
def bundle():
    return synthetic.bundle()


def test_profiles_give_definitions_and_sources(bundle) -> None:
    page = profiles.render_profiles(bundle)["KEN"]
    assert "Definitions and sources" in page
    assert "ITU ICT Household questionnaire" in page
    assert "collection round not recorded" in page, "the source line names the round"


def test_chart_alt_texts_say_what_the_chart_shows(bundle) -> None:
    page = profiles.render_profiles(bundle)["KEN"]
    alt = re.search(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', page).group(1)
    assert alt.startswith("Bar chart of Kenya") and re.search(r"\d+\.\d", alt)
    overview = publish(bundle).overview
    alts = re.findall(r'<img src="charts/([^"]+)" alt="([^"]+)"', overview)
    assert alts and all(not alt.endswith(".png") and len(alt) > 40 for _, alt in alts)


def test_overview_lists_economies_by_name_within_region(bundle) -> None:
    overview = publish(bundle).overview
    europe = re.search(r"<h3>Europe</h3><p>(.*?)</p>", overview).group(1)
    names = re.findall(r">([^<]+)</a>", europe)
    assert names == ["France", "Germany"], "by name (FRA after DEU by code)"


def test_regional_trend_is_population_weighted(bundle) -> None:
    means = charts.weighted_regional_means(bundle, "HH7")
    obs = bundle.observations
    rows = obs[(obs["indicator"] == "HH7") & (obs["year"] == 2024)]
    africa = rows[rows["economy"].isin(["KEN", "NGA", "EGY"])]
    africa = africa[
        africa["economy"].map(bundle.economies.set_index("economy")["itu_region"]).eq("Africa")
    ]
    weight = population_of(africa, reference.population())
    expected = np.average(africa["value"], weights=weight)
    assert means.loc[2024, "Africa"] == pytest.approx(expected)
    assert means.loc[2024, "Africa"] != pytest.approx(africa["value"].mean())
