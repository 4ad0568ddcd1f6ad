"""The wheel is the product: built, installed into a fresh virtual environment outside the
repository, ``ictstats example`` + ``ictstats run`` there give every output of a repository run,
with byte-identical tables."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "data" / "publish"))
from runner import shipped_run

pytestmark = pytest.mark.slow

REPOSITORY = Path(__file__).resolve().parents[1]
#: Outputs compared byte for byte (the manifest and logs name folders, so they differ).
COMPARED = ("publication/tables", "sdg", "index", "validate", "ingest")


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> int:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode not in (0, 1):
        raise AssertionError(f"{command} → {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done.returncode


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv (outside the repository) with the wheel of this checkout installed."""
    root = tmp_path_factory.mktemp("wheel")
    wheels = root / "dist"
    # Built from a clean copy: setuptools reuses build/lib, which may hold stale modules, and
    # building in place would leave build/ and *.egg-info in the checkout.
    source = root / "source"
    skip = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "processed", "store")
    shutil.copytree(REPOSITORY, source, ignore=skip)
    pip = [sys.executable, "-m", "pip"]
    _run([*pip, "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)], cwd=root)
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=root)
    (wheel,) = wheels.glob("ictstats-*.whl")
    _run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], cwd=root)
    return wheel


def test_the_wheel_carries_methodology_templates_and_sample_returns(installed: Path) -> None:
    names = set(zipfile.ZipFile(installed).namelist())
    assert "pipeline/schemas/indicators.csv" in names
    assert "pipeline/schemas/indices/idi_2025.toml" in names
    assert "pipeline/publish/profile.html" in names
    assert "pipeline/publish/tables.toml" in names
    shipped = {
        p.relative_to(REPOSITORY / "raw").as_posix() for p in (REPOSITORY / "raw").rglob("*")
    }
    packaged = {n.removeprefix("pipeline/sample_raw/") for n in names if "sample_raw/" in n}
    assert {s for s in shipped if "." in Path(s).name} <= packaged


def test_example_and_run_from_the_wheel_match_a_repository_run(installed: Path) -> None:
    bin_dir = installed.parents[1] / "venv" / "bin"
    elsewhere = installed.parents[1] / "elsewhere"
    elsewhere.mkdir()
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(elsewhere)}
    assert _run([str(bin_dir / "ictstats"), "--version"], cwd=elsewhere, env=env) == 0
    assert _run([str(bin_dir / "ictstats"), "example", "w"], cwd=elsewhere, env=env) == 0
    work = elsewhere / "w"
    code = _run([str(bin_dir / "ictstats"), "run", "-q"], cwd=work, env=env)
    reference, reference_code, _ = shipped_run()
    assert code == reference_code == 1
    for folder in COMPARED:
        ours = sorted(
            p.relative_to(work / "processed") for p in (work / "processed" / folder).rglob("*.csv")
        )
        theirs = sorted(p.relative_to(reference) for p in (reference / folder).rglob("*.csv"))
        assert ours == theirs and ours, folder
        _, mismatch, errors = filecmp.cmpfiles(
            work / "processed", reference, [str(p) for p in ours], shallow=False
        )
        assert (mismatch, errors) == ([], []), folder
