"""Messages in the focal point's language, and the English fallbacks
(pipeline/validate/messages.py)."""

from __future__ import annotations

from pipeline.validate.messages import (
    LANGUAGES,
    MESSAGES_DIR,
    translate_finding,
    translations,
    ui,
)

ENGLISH = "AAA_2024.xlsx could not be opened as an .xlsx workbook: not a zip file"


def test_each_language_has_a_message_file() -> None:
    assert set(LANGUAGES) == {path.stem for path in MESSAGES_DIR.glob("*.toml")}
    assert LANGUAGES[0] == "en"


def test_interface_words_fall_back_to_english_then_to_the_key() -> None:
    assert ui("Summary", "fr") == "Résumé"
    assert ui("Summary", "en") == "Summary"
    assert ui("Summary", "de") == "Summary", "a language without a file reads English"
    assert ui("No such word", "fr") == "No such word"
    assert translations("de") == {"ui": {}, "rules": {}, "codes": {}}


def test_a_catalogue_finding_is_read_back_and_translated() -> None:
    french = translate_finding("ING-NOT-WORKBOOK", ENGLISH, "fr")
    assert french == "AAA_2024.xlsx n'a pas pu être ouvert comme classeur .xlsx : not a zip file"


def test_untranslatable_findings_keep_their_english() -> None:
    assert "ING-UNREADABLE" not in translations("fr")["codes"]
    assert translate_finding("ING-UNREADABLE", ENGLISH, "fr") == ENGLISH, "no French template"
    assert translate_finding("NO-SUCH-CODE", ENGLISH, "fr") == ENGLISH
    assert translate_finding("ING-NOT-WORKBOOK", ENGLISH, "en") == ENGLISH
    assert translate_finding("ING-NOT-WORKBOOK", None, "fr") is None  # type: ignore[arg-type]
    assert translate_finding("ING-NOT-WORKBOOK", "something else", "fr") == "something else"


def test_a_field_used_twice_must_read_back_the_same_text() -> None:
    from pipeline.validate.messages import _pattern

    pattern = _pattern("{a} then {b!r} then {a}")
    assert pattern.match("x then 'y' then x").groupdict() == {"a": "x", "b": "'y'"}
    assert pattern.match("x then 'y' then z") is None
    assert pattern.match("x then 'y' then x and more") is None, "the whole text"
