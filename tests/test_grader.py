"""The grader on a folder of real-looking submissions: good, wrong, broken and hostile.

Fixtures: ``tests/fixtures/submissions/ch04/<student>/ch04_blinatumomab.ipynb`` (rebuilt by
``make_submissions.py`` beside them). The folder is graded once per test session (about a minute on a
busy 2-core machine: each submission starts its own kernel); every row of the CSV is then asserted.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from immunokit.exercises import grader
from immunokit.exercises.grader import COLUMNS, SUBMISSION, CsvSink, Limits, Row

FIXTURES = Path(__file__).parent / "fixtures" / "submissions"
QUESTIONS = ["pk-01", "pk-02", "pk-03", "pk-04", "pk-05"]
# A short per-cell limit (the loops), a generous notebook limit (kernels start slowly on a busy machine).
LIMITS = Limits(cell_timeout_s=4, notebook_timeout_s=150, max_output_bytes=1_000_000)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Row], list[dict[str, str]]]:
    out = tmp_path_factory.mktemp("grades") / "grades.csv"
    rows = grader.grade_folder(FIXTURES / "ch04", out, exercise="ch04-blinatumomab", limits=LIMITS, jobs=2)
    with out.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    return rows, written


def rows_of(graded: tuple[list[Row], list[dict[str, str]]], student: str) -> dict[str, list[Row]]:
    found: dict[str, list[Row]] = {}
    for row in graded[0]:
        if row.student == student:
            found.setdefault(row.question, []).append(row)
    return found


def statuses(graded: tuple[list[Row], list[dict[str, str]]], student: str) -> dict[str, str]:
    """question -> status for the per-question rows of one student."""
    return {q: rs[0].status for q, rs in rows_of(graded, student).items() if q != SUBMISSION}


def problems(graded: tuple[list[Row], list[dict[str, str]]], student: str) -> list[tuple[str, str]]:
    return [(r.status, r.feedback) for r in rows_of(graded, student).get(SUBMISSION, [])]


def test_every_submission_is_in_the_csv_with_the_agreed_columns(graded):
    rows, written = graded
    assert list(written[0].keys()) == list(COLUMNS)
    assert len(written) == len(rows)
    students = {p.name for p in (FIXTURES / "ch04").iterdir() if p.is_dir()}
    assert {r["student"] for r in written} == students
    assert len(students) >= 14
    for student in students:  # every submission has a row for every question, whatever happened
        assert set(statuses(graded, student)) == set(QUESTIONS), student


def test_a_correct_submission_gets_full_marks(graded):
    assert statuses(graded, "alice") == dict.fromkeys(QUESTIONS, "correct")
    assert sum(r.points for r in graded[0] if r.student == "alice") == 10
    assert problems(graded, "alice") == []


def test_an_untouched_exercise_is_not_attempted(graded):
    assert statuses(graded, "bob") == dict.fromkeys(QUESTIONS, "not-attempted")
    assert problems(graded, "bob") == []


def test_common_mistakes_get_targeted_feedback(graded):
    assert statuses(graded, "carol") == {
        "pk-01": "incorrect",
        "pk-02": "incorrect",
        "pk-03": "wrong-type",
        "pk-04": "correct",
        "pk-05": "incorrect",
    }
    feedback = {q: rs[0].feedback for q, rs in rows_of(graded, "carol").items()}
    assert "factor of 1000" in feedback["pk-01"]
    assert "rate constant" in feedback["pk-02"]
    assert "the string '6.2'" in feedback["pk-03"]
    assert "FcRn" in feedback["pk-05"]


@pytest.mark.parametrize("student", ["dave", "trent"])
def test_redefining_or_monkeypatching_check_gains_nothing(graded, student):
    # dave defines his own check(); trent patches immunokit.exercises.checks.run_check. Both answered wrongly.
    assert statuses(graded, student) == dict.fromkeys(QUESTIONS, "incorrect")
    assert sum(r.points for r in graded[0] if r.student == student) == 0


@pytest.mark.parametrize(
    ("student", "status", "words"),
    [
        ("erin", "invalid-json", "not valid JSON"),
        ("frank", "empty-file", "is empty"),
        ("oscar", "invalid-notebook", "not a valid notebook"),
        ("judy", "wrong-exercise", "ch03-occupancy, not ch04-blinatumomab"),
        ("peggy", "kernel-died", "kernel died"),
    ],
)
def test_unusable_submissions_get_one_clear_row_and_not_graded_questions(graded, student, status, words):
    assert [s for s, _ in problems(graded, student)] == [status]
    assert words in problems(graded, student)[0][1]
    assert statuses(graded, student) == dict.fromkeys(QUESTIONS, "not-graded")
    assert all(
        r.points == 0 and r.max_points == 2
        for r in graded[0]
        if r.student == student and r.question != SUBMISSION
    )


def test_an_infinite_loop_costs_only_its_own_question(graded):
    assert ("cell-timeout", "cell 10 ran longer than 4 s and was interrupted") in problems(graded, "grace")
    assert statuses(graded, "grace") == {
        "pk-01": "correct",
        "pk-02": "correct",
        "pk-03": "missing",
        "pk-04": "correct",
        "pk-05": "correct",
    }


def test_a_cell_that_raises_is_reported_and_the_rest_is_graded(graded):
    reported = problems(graded, "heidi")
    assert ("cell-error", "cell 7 raised ZeroDivisionError: float division by zero") in reported
    assert {s for s, _ in reported} == {"cell-error"}
    assert statuses(graded, "heidi") == {
        "pk-01": "correct",
        "pk-02": "missing",
        "pk-03": "correct",
        "pk-04": "correct",
        "pk-05": "correct",
    }
    missing = rows_of(graded, "heidi")["pk-02"][0]
    assert "half_life_h" in missing.feedback


def test_deleted_cells_are_named_and_the_missing_question_scores_zero(graded):
    reported = problems(graded, "ivan")
    assert [s for s, _ in reported] == ["cells-deleted"]
    assert "pk-05-prompt, pk-05-answer, pk-05" in reported[0][1]
    assert statuses(graded, "ivan") == {
        "pk-01": "correct",
        "pk-02": "correct",
        "pk-03": "correct",
        "pk-04": "correct",
        "pk-05": "missing",
    }


def test_a_huge_output_is_truncated_and_the_notebook_still_graded(graded):
    assert [s for s, _ in problems(graded, "mallory")] == ["output-truncated"]
    assert statuses(graded, "mallory") == dict.fromkeys(QUESTIONS, "correct")


def test_the_summary_counts_submissions_and_names_the_ones_to_look_at(graded):
    text = grader.summary(graded[0])
    assert text.splitlines()[0] == "14 submission(s) graded"
    for student in ("erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy"):
        assert student in text
    counts = Counter(r.status for r in graded[0])
    assert f"correct {counts['correct']}" in text


def test_a_loop_that_ignores_interrupts_is_killed_at_the_notebook_limit(tmp_path):
    out = tmp_path / "grades.csv"
    rows = grader.grade_folder(
        FIXTURES / "timeout", out, exercise="ch04-blinatumomab", limits=Limits(2, 12, 1000), jobs=1
    )
    by_status = Counter(r.status for r in rows)
    assert by_status["notebook-timeout"] == 1
    assert by_status["not-graded"] == len(QUESTIONS)
    assert by_status["cells-deleted"] == 1
    assert "ran longer than 12 s" in next(r.feedback for r in rows if r.status == "notebook-timeout")


def test_rows_are_on_disk_as_soon_as_they_are_written(tmp_path):
    sink = CsvSink(tmp_path / "g.csv")
    sink.write([Row("s", "ch04-blinatumomab", "pk-01", 2, 2, "correct", "ok")])
    on_disk = (tmp_path / "g.csv").read_text(encoding="utf-8")  # before close()
    sink.close()
    assert on_disk.splitlines() == [",".join(COLUMNS), "s,ch04-blinatumomab,pk-01,2,2,correct,ok"]


def test_flat_layout_and_exercise_from_the_file_name(tmp_path):
    folder = tmp_path / "flat"
    folder.mkdir()
    shutil.copy(FIXTURES / "ch04" / "frank" / "ch04_blinatumomab.ipynb", folder / "frank.ipynb")
    shutil.copy(FIXTURES / "ch04" / "frank" / "ch04_blinatumomab.ipynb", folder / "ch04_blinatumomab.ipynb")
    found = grader.find_submissions(folder)
    assert [s for s, _ in found] == ["ch04_blinatumomab", "frank"]
    rows = grader.grade_folder(folder, tmp_path / "g.csv", limits=LIMITS)
    # Without --exercise, the file name identifies the exercise; "frank.ipynb" names none.
    assert {(r.student, r.status) for r in rows if r.question == SUBMISSION} == {
        ("ch04_blinatumomab", "empty-file"),
        ("frank", "empty-file"),
    }
    assert sum(1 for r in rows if r.status == "not-graded") == len(QUESTIONS)


def test_command_line_usage_errors(tmp_path, capsys):
    assert grader.main([str(tmp_path / "nowhere"), "--out", str(tmp_path / "g.csv")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert grader.main([str(tmp_path), "--exercise", "ch99-nothing"]) == 2
    assert "unknown exercise" in capsys.readouterr().err


def test_command_line_grades_and_prints_a_summary(tmp_path, capsys):
    folder = tmp_path / "subs" / "erin"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "ch04" / "erin" / "ch04_blinatumomab.ipynb", folder)
    out = tmp_path / "grades.csv"
    assert grader.main([str(tmp_path / "subs"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 submission(s) graded" in printed and "erin (invalid-json)" in printed
    assert out.read_text(encoding="utf-8").count("\n") == 1 + 1 + len(QUESTIONS)


def test_the_fixture_submissions_are_current_with_the_ch04_solution(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_submissions", FIXTURES / "make_submissions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for made in sorted(tmp_path.rglob("*.ipynb")):
        stored = FIXTURES / made.relative_to(tmp_path)
        assert stored.read_text(encoding="utf-8") == made.read_text(encoding="utf-8"), (
            f"{stored} is stale: run python tests/fixtures/submissions/make_submissions.py"
        )
