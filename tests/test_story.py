"""One consistent patient story (issue 23): the course's texts agree with the case file's facts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from immunokit.story import Facts, Passage, check_passage, check_story, load_facts

ROOT = Path(__file__).resolve().parents[1]


def test_every_text_of_the_course_agrees_with_the_case_file() -> None:
    assert check_story(ROOT) == []


def test_the_case_file_holds_the_facts_of_every_patient() -> None:
    facts, problems = load_facts(ROOT / "book" / "cases.yml")
    assert problems == []
    by_name = {f.name: f for f in facts}
    assert set(by_name) >= {"Leo", "Grace", "Maya"}
    assert by_name["Maya"].age == 34 and by_name["Maya"].grades == {"CRS": 3, "ICANS": 0}
    assert "refractory" in str(by_name["Grace"].raw["history"])


def _copy(tmp_path: Path) -> Path:
    """A copy of what the story check reads: book (notebooks, banks, pages, case file) and solutions."""
    shutil.copytree(ROOT / "book", tmp_path / "book", ignore=shutil.ignore_patterns("data", "*.bib"))
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    return tmp_path


def _plant(root: Path, notebook: str, old: str, new: str) -> None:
    path = root / "book" / notebook
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if old in text:
            cell["source"] = text.replace(old, new)
            break
    else:
        raise AssertionError(f"{old!r} not in {notebook}")
    path.write_text(json.dumps(nb), encoding="utf-8")


@pytest.mark.parametrize(
    ("notebook", "old", "new", "expected"),
    [
        ("ch09_combination_therapy.ipynb", "Maya, 34,", "Maya, now 35,", "gives the age 35"),
        ("ch09_combination_therapy.ipynb", "reached grade 3", "reached grade 2", "CRS grade 2"),
        (
            "ch06_checkpoint_inhibitors.ipynb",
            "did not respond to induction or to a second line of treatment",
            "relapsed after two lines of treatment",
            "primary refractory",
        ),
        (
            "ch11_supportive_care.ipynb",
            "the treatment that put her leukemia into remission",
            "the treatment that cured her leukemia",
            "calls the leukemia cured",
        ),
        ("ch10_road_ahead.ipynb", "is eleven", "is twelve", "gives the age 12"),
    ],
)
def test_a_planted_contradiction_is_named(
    tmp_path: Path, notebook: str, old: str, new: str, expected: str
) -> None:
    root = _copy(tmp_path)
    _plant(root, notebook, old, new)
    problems = check_story(root)
    assert len(problems) == 1 and notebook in problems[0] and expected in problems[0], problems


def test_a_contradiction_in_a_quiz_item_or_the_case_file_is_named(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    bank = root / "book" / "ch09_combination_therapy.quiz.yml"
    text = bank.read_text(encoding="utf-8")
    bank.write_text(
        text.replace("Write the recommendation for Maya", "Write the recommendation for Maya, 36,", 1)
    )
    cases = root / "book" / "cases.yml"
    cases.write_text(
        cases.read_text(encoding="utf-8").replace("refractory to a second line", "relapsed after two lines")
    )
    problems = check_story(root)
    assert any("ch09-capstone-maya" in p and "age 36" in p for p in problems), problems
    assert any("cases.yml (grace, ch06)" in p and "primary refractory" in p for p in problems), problems


def test_quoted_or_negated_cure_and_distractors_are_not_claims() -> None:
    (maya,) = [f for f in load_facts(ROOT / "book" / "cases.yml")[0] if f.name == "Maya"]
    ok = [
        'Maya read that CAR T cells "cure leukemia".',
        "Maya is in remission, which is not cure.",
        "Maya cannot yet be called cured.",
    ]
    assert all(check_passage(Passage("x", "ch11", t), maya) == [] for t in ok)
    assert check_passage(Passage("x", "ch11", "Maya is cured."), maya)
    assert check_passage(Passage("x", "ch08", "Maya had no neurotoxicity and no ICANS."), maya) == []
    assert check_passage(Passage("x", "ch08", "Maya had no CRS."), maya)
    assert isinstance(maya, Facts)
