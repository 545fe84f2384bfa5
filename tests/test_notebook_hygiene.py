"""Notebooks are stored clean: valid nbformat 4, the python3 kernelspec, no outputs, no execution counts."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from immunokit_build.notebooks import DEFAULT_FOLDERS, find_notebooks, main, problems, strip

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = find_notebooks(ROOT / folder for folder in DEFAULT_FOLDERS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_committed_notebook_is_clean(path: Path) -> None:
    assert problems(path) == []


def _notebook(tmp_path: Path, *, outputs: bool = False, kernel: str = "python3") -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1")
    if outputs:
        cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=1)]
        cell.execution_count = 1
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), cell]
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_stored_output_is_reported_with_the_file_name(tmp_path: Path) -> None:
    path = _notebook(tmp_path, outputs=True)
    found = problems(path)
    assert any(str(path) in msg and "stored outputs" in msg for msg in found)
    assert any("execution count" in msg for msg in found)


def test_a_wrong_kernelspec_is_reported(tmp_path: Path) -> None:
    found = problems(_notebook(tmp_path, kernel="ir"))
    assert any("kernelspec is 'ir'" in msg for msg in found)


@pytest.mark.filterwarnings(
    "ignore::nbformat.validator.MissingIDFieldWarning"
)  # the test notebook is invalid on purpose
def test_invalid_json_and_invalid_nbformat_are_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    assert "not a readable JSON notebook" in problems(broken)[0]
    invalid = tmp_path / "invalid.ipynb"
    invalid.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "bogus"}]}))
    assert "not valid nbformat" in problems(invalid)[0]


def test_strip_cleans_a_notebook_and_check_then_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _notebook(tmp_path, outputs=True, kernel="python")
    assert main(["check", str(tmp_path)]) == 1
    assert strip(path) is True
    assert problems(path) == []
    assert strip(path) is False  # idempotent
    assert main(["check", str(tmp_path)]) == 0
    assert "1 notebooks, 0 problems" in capsys.readouterr().out
