"""Report language per economy (English, French or Spanish, per economy or by flag)."""

from __future__ import annotations

from pipeline.reference import economies
from pipeline.validate.cli import languages


def test_language_comes_from_the_economy_reference() -> None:
    chosen = languages(["SEN", "MEX", "KEN", "ZZZ"], None)
    assert chosen == {"SEN": "fr", "MEX": "es", "KEN": "en", "ZZZ": "en"}


def test_flag_overrides_every_economy() -> None:
    assert set(languages(["SEN", "MEX", "KEN"], "es").values()) == {"es"}


def test_reference_languages_are_supported_ones() -> None:
    assert set(economies()["language"]) <= {"en", "fr", "es"}
