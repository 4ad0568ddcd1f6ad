"""README tables are generated from schemas/ and must be current."""

from __future__ import annotations

from pipeline.cli import main
from pipeline.readme import indicator_table, render


def test_readme_tables_are_current() -> None:
    assert main(["docs", "--check"]) == 0


def test_indicator_table_lists_every_dictionary_code() -> None:
    table = indicator_table()
    for code in ("i271", "HH7", "i992b", "HH15"):
        assert f"| {code} |" in table


def test_render_replaces_only_marked_blocks() -> None:
    text = "intro\n<!-- BEGIN:indicators -->\nSTALE-CONTENT\n<!-- END:indicators -->\noutro"
    out = render(text)
    assert out.startswith("intro\n<!-- BEGIN:indicators -->\n| code |")
    assert out.endswith("<!-- END:indicators -->\noutro")
    assert "STALE-CONTENT" not in out
