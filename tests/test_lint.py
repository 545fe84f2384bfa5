"""The same linter inside notebooks as in the package (ruff), so style does not drift between them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).with_name("ruff")


def test_ruff_finds_nothing_in_the_toolkit_tests_benchmarks_and_notebooks() -> None:
    proc = subprocess.run([str(RUFF), "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_python_sources_are_formatted() -> None:
    proc = subprocess.run(
        [str(RUFF), "format", "--check", "--no-cache", "immunokit", "tooling", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_finds_nothing_in_the_toolkit() -> None:
    """``mypy`` (strict, configured in pyproject.toml) over ``immunokit/``: types are a promise kept."""
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", "/dev/null"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
