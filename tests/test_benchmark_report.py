"""The README shows the latest benchmark report, copied by ``benchmarks/run.py``, not typed by hand."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _run_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_run", ROOT / "benchmarks" / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark_run"] = module
    spec.loader.exec_module(module)
    return module


def test_readme_summary_is_the_latest_report() -> None:
    run = _run_module()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    report = json.loads((ROOT / "benchmarks" / "report.json").read_text(encoding="utf-8"))
    expected = run.with_readme_summary(readme, run.readme_summary(report))
    assert readme == expected, (
        "README.md's benchmark summary differs from benchmarks/report.json: "
        "run `.venv/bin/python benchmarks/run.py --readme-only`"
    )
    for row in report["summary"]:
        assert f"| {row['measure']} |" in readme


def test_a_readme_without_the_markers_is_named_in_the_error() -> None:
    run = _run_module()
    try:
        run.with_readme_summary("# A README\n", "table")
    except SystemExit as error:
        assert "README.md" in str(error) and "benchmark summary" in str(error)
    else:
        raise AssertionError("a README without markers was accepted")
