"""Messages in the focal point's language: English, French or Spanish.

English texts sit in the rule catalogue itself; ``schemas/messages/<lang>.toml`` holds the
translations of each rule's label and message template (keyed by rule id) and of the report's
interface words, so a translator edits one data file per language. A missing translation
falls back to English rather than failing.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from string import Formatter

from pipeline.findings import catalogue, render_message
from pipeline.paths import SCHEMAS

LANGUAGES = ("en", "fr", "es")
DEFAULT_LANGUAGE = "en"
MESSAGES_DIR = SCHEMAS / "messages"


@cache
def translations(lang: str, directory: Path = MESSAGES_DIR) -> dict:
    """The translation file of ``lang`` (``{"ui": {...}, "rules": {id: {...}}}``)."""
    path = directory / f"{lang}.toml"
    if not path.exists():
        return {"ui": {}, "rules": {}, "codes": {}}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {key: data.get(key, {}) for key in ("ui", "rules", "codes")}


def rule_text(rule_id: str, key: str, english: str, lang: str) -> str:
    """A rule's ``label`` / ``message`` / ``why`` in ``lang``, English when not translated."""
    return translations(lang)["rules"].get(rule_id, {}).get(key, english)


def ui(key: str, lang: str) -> str:
    """An interface word of the reports (sheet names, column headings) in ``lang``."""
    return translations(lang)["ui"].get(key) or translations(DEFAULT_LANGUAGE)["ui"].get(key, key)


@cache
def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression that reads a rendered English template back into its fields."""
    parts, seen = [], set()
    for literal, field, _, _ in Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            name = field.split("!")[0]
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
            seen.add(name)
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


def translate_finding(code: str, message: str, lang: str) -> str:
    """A catalogue finding's English ``message`` in ``lang``: its fields are read back with the
    English template and put into the translated one (the ingest stage wrote English)."""
    target = translations(lang)["codes"].get(code, {}).get("template")
    entry = catalogue().get(code)
    if not target or entry is None or not isinstance(message, str):
        return message
    match = _pattern(entry.template).match(message)
    return render_message(target, match.groupdict()) if match else message


#: Message templates are filled the same way for rules and for catalogue findings.
render = render_message
