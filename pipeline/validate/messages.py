"""Messages in the focal point's language: English, French or Spanish.

English texts sit in the rule catalogue itself; ``schemas/messages/<lang>.toml`` holds the
translations of each rule's label and message template (keyed by rule id) and of the report's
interface words, so a translator edits one data file per language. A missing translation
falls back to English rather than failing.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pipeline.findings import render_message
from pipeline.paths import SCHEMAS

LANGUAGES = ("en", "fr", "es")
DEFAULT_LANGUAGE = "en"
MESSAGES_DIR = SCHEMAS / "messages"


@cache
def translations(lang: str, directory: Path = MESSAGES_DIR) -> dict:
    """The translation file of ``lang`` (``{"ui": {...}, "rules": {id: {...}}}``)."""
    path = directory / f"{lang}.toml"
    if not path.exists():
        return {"ui": {}, "rules": {}}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {"ui": data.get("ui", {}), "rules": data.get("rules", {})}


def rule_text(rule_id: str, key: str, english: str, lang: str) -> str:
    """A rule's ``label`` / ``message`` / ``why`` in ``lang``, English when not translated."""
    return translations(lang)["rules"].get(rule_id, {}).get(key, english)


def ui(key: str, lang: str) -> str:
    """An interface word of the reports (sheet names, column headings) in ``lang``."""
    return translations(lang)["ui"].get(key) or translations(DEFAULT_LANGUAGE)["ui"].get(key, key)


#: Message templates are filled the same way for rules and for catalogue findings.
render = render_message
