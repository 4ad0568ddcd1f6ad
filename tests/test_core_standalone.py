"""The product stands alone: no reference outside the repository, methodology found through the
package, working folders that belong to the user, and a command line that behaves like one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import paths
from pipeline.cli import main
from pipeline.example import write_example

REPOSITORY = Path(__file__).resolve().parents[1]
#: Folders of a checkout that are not part of the project's text (built or installed things).
NOT_PROJECT = {".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache", ".ruff_cache"}
#: The sibling folder of reference material the project must never depend on, spelt in pieces
#: so that this file does not match itself.
OUTSIDE = ("..", "/", "shared")


def _project_files() -> list[Path]:
    files = []
    for path in REPOSITORY.rglob("*"):
        parts = set(path.relative_to(REPOSITORY).parts)
        if path.is_file() and not parts & NOT_PROJECT and not path.name.endswith(".egg-info"):
            files.append(path)
    return files


def test_no_file_refers_to_the_reference_folder_outside_the_repository() -> None:
    needles = ["".join(OUTSIDE).encode(), b"/work/" + OUTSIDE[2].encode()]
    offenders = []
    for path in _project_files():
        if path.stat().st_size > 50_000_000:
            continue
        data = path.read_bytes()
        if any(needle in data for needle in needles):
            offenders.append(str(path.relative_to(REPOSITORY)))
    assert offenders == []


def test_every_source_folder_says_where_its_files_come_from() -> None:
    sources = REPOSITORY / "data" / "sources"
    folders = [p for p in sources.iterdir() if p.is_dir()]
    assert len(folders) >= 10
    missing = [p.name for p in folders if not (p / "SOURCES.md").is_file()]
    assert missing == []


def test_methodology_is_found_through_the_package() -> None:
    assert (paths.SCHEMAS / "indicators.csv").is_file()
    assert (paths.INDICES / "idi_2025.toml").is_file()
    assert (paths.SCHEMAS / "examples" / "coinr_asem" / "asem_idata.csv").is_file()
    assert any(paths.SAMPLE_RAW.rglob("*.xlsx"))


def _paths_in(cwd: Path, home: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != paths.HOME_VARIABLE}
    if home is not None:
        env[paths.HOME_VARIABLE] = home
    names = ("RAW", "PROCESSED", "STORE", "SCHEMAS")
    code = (
        "import json; from pipeline import paths; "
        f"print(json.dumps({{k: str(getattr(paths, k)) for k in {names!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_working_folders_follow_the_current_directory(tmp_path: Path) -> None:
    found = _paths_in(tmp_path, None)
    assert found["RAW"] == str(tmp_path / "raw")
    assert found["PROCESSED"] == str(tmp_path / "processed")
    assert found["STORE"] == str(tmp_path / "store")
    assert found["SCHEMAS"] == str(paths.SCHEMAS)


def test_working_folders_follow_the_environment_variable(tmp_path: Path) -> None:
    home = tmp_path / "work"
    found = _paths_in(tmp_path, str(home))
    assert found["RAW"] == str(home / "raw")
    assert found["PROCESSED"] == str(home / "processed")


def test_example_writes_a_working_folder_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "w"
    assert main(["example", str(target)]) == 0
    shipped = sorted(p.relative_to(paths.SAMPLE_RAW) for p in paths.SAMPLE_RAW.rglob("*.xlsx"))
    copied = sorted(p.relative_to(target / "raw") for p in (target / "raw").rglob("*.xlsx"))
    assert copied == shipped
    assert "ictstats run" in (target / "README.md").read_text(encoding="utf-8")
    assert main(["example", str(target)]) == 2


def test_example_into_an_existing_empty_raw_folder(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    raw = write_example(tmp_path)
    assert any(raw.rglob("*.xlsx"))


def test_unknown_edition_is_a_usage_error_listing_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["index", "--edition", "idi_2099"]) == 2
    message = capsys.readouterr().err
    assert "unknown edition 'idi_2099'" in message
    assert "idi_2024" in message and "idi_2017" in message


def test_edition_and_economy_codes_match_regardless_of_case(tmp_path: Path) -> None:
    from pipeline import choices

    assert choices.edition("IDI_2024") == "idi_2024"
    assert choices.edition_or("coinr_asem")("COINR_ASEM") == "coinr_asem"
    assert choices.economy(" ken") == "KEN"


def test_unknown_economy_is_a_usage_error_with_close_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", "--economy", "KNE"]) == 2
    message = capsys.readouterr().err
    assert "unknown economy 'KNE'" in message and "KEN" in message
    assert "economies.csv" in message


def test_a_missing_input_names_the_command_that_writes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", "--edition", "idi_2024", "--processed", str(tmp_path)]) == 2
    message = capsys.readouterr().err
    assert "ictstats ingest" in message
    assert "Errno" not in message


def test_a_crash_is_exit_2_in_one_line_and_a_traceback_only_when_verbose(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import pipeline.example

    def broken(target: Path) -> Path:
        raise ValueError("a fault nobody foresaw")

    monkeypatch.setattr(pipeline.example, "write_example", broken)
    assert main(["example", str(tmp_path / "x")]) == 2
    quiet = capsys.readouterr().err
    assert quiet.strip().count("\n") == 0
    assert "crashed: ValueError: a fault nobody foresaw" in quiet
    assert main(["-v", "example", str(tmp_path / "y")]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_quiet_silences_notes_and_either_position_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["example", str(tmp_path / "a"), "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["-q", "example", str(tmp_path / "b")]) == 0
    assert capsys.readouterr().err == ""
    assert main(["example", str(tmp_path / "c")]) == 0
    assert "example:" in capsys.readouterr().err


def test_progress_into_a_file_is_plain_lines(capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.progress import PROGRESS_LINE, progress

    assert list(progress(range(40), 40, "read")) == list(range(40))
    lines = capsys.readouterr().err.splitlines()
    assert "\r" not in "".join(lines)
    assert 1 <= len(lines) <= 4
    assert all(PROGRESS_LINE.match(line) for line in lines)


@pytest.mark.slow
def test_run_json_summary_on_a_small_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    for economy in ("KEN", "BRA", "DEU", "THA", "PER", "NOR"):
        for path in paths.RAW.rglob(f"{economy}_*.xlsx"):
            target = raw / path.relative_to(paths.RAW)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    processed = tmp_path / "processed"
    code = main(["run", "--json", "-q", "--raw", str(raw), "--processed", str(processed)])
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["exit_code"] == code
    stages = [stage["stage"] for stage in summary["stages"]]
    assert stages[:2] == ["ingest", "validate"] and stages[-1] == "publish"
    assert summary["stages"][0]["counts"]["economies"] == 6
    assert summary["outputs"]["files"] > 10
    logged = (processed / "logs" / "ingest.txt").read_text(encoding="utf-8")
    assert "\r" not in logged and "wrote" in logged
