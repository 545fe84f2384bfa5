"""The patient journey (book/cases.yml): every case opened in a chapter is closed somewhere."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from immunokit.cases import check_cases, journey, load_cases

ROOT = Path(__file__).resolve().parents[1]


def test_the_book_journey_is_consistent_and_every_case_is_closed() -> None:
    assert check_cases() == []
    cases, problems = load_cases()
    assert problems == [] and {c.name for c in cases} >= {"Leo", "Grace", "Maya"}
    for case in cases:
        assert case.appearances[0].role == "opens" and case.appearances[-1].role == "closes"
    maya = next(c for c in cases if c.name == "Maya")
    assert "ch09" in [a.chapter for a in maya.appearances]  # the capstone


def _copy_book(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    book.mkdir()
    for p in (ROOT / "book").glob("ch[0-9][0-9]_*.ipynb"):
        shutil.copy(p, book / p.name)
    shutil.copy(ROOT / "book" / "cases.yml", book / "cases.yml")
    return book


def test_a_case_that_is_never_closed_is_reported(tmp_path: Path) -> None:
    book = _copy_book(tmp_path)
    text = (book / "cases.yml").read_text(encoding="utf-8")
    (book / "cases.yml").write_text(text.replace("role: closes", "role: continues", 1), encoding="utf-8")
    assert (
        "cases.yml: case 'leo': is opened but never closed (the last appearance must close it)"
        in check_cases(tmp_path)
    )


def test_an_unregistered_case_in_a_chapter_is_reported(tmp_path: Path) -> None:
    book = _copy_book(tmp_path)
    path = next(book.glob("ch07_*.ipynb"))
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].insert(
        2,
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": ["## Sam\n", "\n", "*A composite, fictional case.* Sam is 50."],
        },
    )
    path.write_text(json.dumps(nb), encoding="utf-8")
    problems = check_cases(tmp_path)
    assert problems == [f"{path.name}: the cell '## Sam' introduces a case that is not in cases.yml"]


def test_a_patient_named_in_an_unlisted_chapter_is_reported(tmp_path: Path) -> None:
    book = _copy_book(tmp_path)
    path = next(book.glob("ch07_*.ipynb"))
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": ["Maya reads a trial report."]})
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert check_cases(tmp_path) == [
        f"cases.yml: case 'maya': {path.name} names Maya but is not listed in the registry"
    ]


def test_the_instructor_table_lists_every_appearance_with_chapter_titles() -> None:
    table = journey()._repr_html_()
    cases, _ = load_cases()
    assert table.count("<tr>") == 1 + sum(len(c.appearances) for c in cases)
    assert "9. Combining immunotherapy" in table and "capstone" in table
    with pytest.raises(ValueError, match="inconsistent"):
        journey(Path("/nonexistent"))
