"""Hostile submissions through the sandboxed grader: no cheat scores above its honest score, nothing
outside the sandbox changes, the CSV equals the run summary, every submission says what happened.

Fixtures: ``tests/fixtures/submissions/hostile/`` (rebuilt by ``make_submissions.py``; each one is
described there). The folder is graded once, by the command line in a subprocess (so that a surviving
process could find ``--out`` in ``/proc``), with short limits. Without bubblewrap these tests are
skipped (the hostile notebooks would then really delete and kill things), and under ``CI=true`` they fail.
"""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from immunokit.exercises.catalog import find_exercise
from immunokit_instructor.grader.report import COLUMNS, SUBMISSION, parse_statuses
from immunokit_instructor.grader.sandbox import find_bwrap
from immunokit_instructor.grader.submissions import find_submissions

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "fixtures" / "submissions" / "hostile"
MARK = "IMMUNOKIT-HOSTILE-SURVIVOR"
#: What each submission's answers honestly earn (answers computed after a fatal failure earn nothing).
HONEST = {
    "builtins": 0,  # patches abs/float/isinstance/round/max
    "jsonpatch": 0,  # patches json.dumps and sys.meta_path, prints forged verdict rows
    "frames": 0,  # walks the call stack and the garbage collector, imports the catalogue
    "reference": 0,  # calls checker.reference_answer(), reads solutions/ and the catalogue's files
    "forger": 0,  # writes answers for unknown ids, huge points, formulas and a JSON bomb to every open fd
    '=HYPERLINK("x","click")': 0,  # a formula as the student's name
    "@SUM(1+1)": 0,
    "-2+3": 0,
    "survivor": 0,  # setsid + double fork to rewrite the CSV through /proc; a fork flood
    "vandal": 10,  # writes and deletes outside its folder, opens a socket, kills every process it sees
    "hog": 4,  # allocates 20 GB after pk-02: pk-03 to pk-05 come after the failure
    "crasher": 10,  # os._exit(0) after five correct answers
    "twin": 0,  # two notebooks: the released name (all wrong) counts, not the copy (all right)
    "stripped": 0,  # ch03's notebook without any metadata, named as ch04's
    "bare": 10,  # ch04's notebook without any metadata, named homework.ipynb
    "wrapper": 6,  # crs-01 only wraps toxicity.crs_grade: 0 of 4; the other five questions right
    "looper": 6,  # crs-01 loops on one case (all-or-nothing: 0 of 4); the other five questions right
    "filler": 10,  # fills the scratch folder, /tmp and /dev/shm (each a small tmpfs of its own)
    "linker": 0,  # its notebook is a symbolic link to the solution
    "peeker": 0,  # searches the whole file system it can see for solutions and other notebooks
    "honest": 10,  # ch08 answered with the general rule: every visible and hidden case passes
    "lookup": 6,  # crs-01 is a table of the 14 cases the notebook shows: the hidden cases fail it
    # crs-01 a table that detects a hidden case (inputs not shown + environment, call stack, call count)
    # and refuses it: raises SystemExit, returns ..., calls os._exit, or kills the case runner and
    # forges results for the later cases on every open file descriptor
    "refuser": 6,
    "blanker": 6,
    "quitter": 6,
    "saboteur": 6,
}


def _tree_hash(*roots: Path) -> dict[str, str]:
    found = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _survivors() -> list[str]:
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if MARK.encode() in (entry / "cmdline").read_bytes():
                    alive.append(entry.name)
            except OSError:
                continue
    return alive


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if find_bwrap() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("bubblewrap (bwrap) is required under CI=true: apt-get install bubblewrap")
        pytest.skip("bubblewrap (bwrap) is not installed: hostile submissions are only run in the sandbox")
    out_dir = tmp_path_factory.mktemp("out")
    (out_dir / "keep.txt").write_text("an instructor's other file\n", encoding="utf-8")
    watched = (ROOT / "immunokit", ROOT / "exercises", ROOT / "solutions", HOSTILE.parent, out_dir)
    before = _tree_hash(*watched)
    out = out_dir / "grades.csv"
    start = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "immunokit_instructor.grader",
            str(HOSTILE),
            "--out",
            str(out),
            "--cell-timeout",
            "3",
            "--notebook-timeout",
            "90",
            "--case-timeout",
            "2",
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    seconds = time.monotonic() - start
    written = out.read_bytes()
    time.sleep(3)  # a survivor would rewrite the CSV within this time
    return {
        "proc": proc,
        "seconds": seconds,
        "rows": list(csv.DictReader(out.open(encoding="utf-8", newline=""))),
        "summary": (out_dir / "grades.summary.txt").read_text(encoding="utf-8"),
        "csv_changed_later": out.read_bytes() != written,
        "before": before,
        "after": _tree_hash(*watched),
        "out_dir": out_dir,
        "survivors": _survivors(),
    }


def name(row: dict) -> str:
    """The student's folder name (a name a spreadsheet would read as a formula is written with a ')."""
    student = row["student"]
    return student[1:] if student.startswith("'") else student


def points(run: dict, student: str) -> float:
    return sum(float(r["points"]) for r in run["rows"] if name(r) == student and r["question"] != SUBMISSION)


def statuses(run: dict, student: str) -> dict[str, str]:
    return {r["question"]: r["status"] for r in run["rows"] if name(r) == student}


def test_the_run_finishes_and_prints_its_summary(run):
    assert run["proc"].returncode == 0, run["proc"].stderr
    assert run["summary"].strip() in run["proc"].stdout
    assert "WARNING" not in run["proc"].stderr


@pytest.mark.parametrize("student", sorted(HONEST))
def test_no_submission_scores_above_its_honest_score(run, student):
    assert points(run, student) == HONEST[student], statuses(run, student)


def test_every_submission_has_rows_whose_status_says_what_happened(run):
    students = {s for s, _ in find_submissions(HOSTILE)}
    assert students == set(HONEST) == {name(r) for r in run["rows"]}
    known = {"correct", "incorrect", "not-attempted", "wrong-type", "missing", "not-reached", "not-graded"}
    for student in students:
        got = statuses(run, student)
        questions = {q for q in got if q != SUBMISSION}
        assert questions == {
            q.id
            for q in find_exercise(next(r["exercise"] for r in run["rows"] if name(r) == student)).questions
        }
        assert {got[q] for q in questions} <= known, (student, got)


def test_only_catalogue_questions_with_catalogue_points(run):
    assert list(run["rows"][0].keys()) == list(COLUMNS)
    for row in run["rows"]:
        if row["question"] == SUBMISSION:
            assert float(row["points"]) == 0 and float(row["max_points"]) == 0
            continue
        question = find_exercise(row["exercise"]).question(row["question"])
        assert question is not None, row
        assert float(row["max_points"]) == question.points and 0 <= float(row["points"]) <= question.points
    assert max(float(r["points"]) for r in run["rows"]) <= 4


def test_no_cell_can_be_read_as_a_formula(run):
    for row in run["rows"]:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert '\'=HYPERLINK("x","click")' in {r["student"] for r in run["rows"]}


def test_the_csv_matches_the_summary(run):
    summary = run["summary"]
    assert f"rows: {len(run['rows'])}" in summary.splitlines()
    assert f"students: {len(HONEST)}" in summary.splitlines()
    assert f"notebooks: {len(find_submissions(HOSTILE))}" in summary.splitlines()
    assert parse_statuses(summary) == dict(Counter(r["status"] for r in run["rows"]))


def test_nothing_outside_the_sandbox_changed(run):
    changed = {
        p for p in set(run["before"]) | set(run["after"]) if run["before"].get(p) != run["after"].get(p)
    }
    expected = {str(run["out_dir"] / "grades.csv"), str(run["out_dir"] / "grades.summary.txt")}
    assert changed == expected
    assert not Path("/tmp/immunokit-vandal").exists() and not Path("/etc/immunokit-vandal").exists()


def test_no_process_survives_and_nothing_rewrites_the_csv_afterwards(run):
    assert run["survivors"] == []
    assert not run["csv_changed_later"]


def test_memory_exhaustion_is_reported_and_later_answers_are_not_credited(run):
    got = statuses(run, "hog")
    assert got[SUBMISSION] == "memory-exhausted"
    assert (got["pk-01"], got["pk-02"]) == ("correct", "correct")
    assert {got[q] for q in ("pk-03", "pk-04", "pk-05")} == {"not-reached"}


def test_a_crash_after_correct_answers_keeps_them(run):
    assert statuses(run, "crasher") == {
        SUBMISSION: "kernel-died",
        **dict.fromkeys(["pk-01", "pk-02", "pk-03", "pk-04", "pk-05"], "correct"),
    }


def test_a_loop_in_one_function_case_costs_that_case_only(run):
    row = next(r for r in run["rows"] if r["student"] == "looper" and r["question"] == "crs-01")
    assert row["status"] == "incorrect" and row["feedback"].startswith("13 of 14 cases pass;")
    assert "did not finish within the time limit" in row["feedback"]
    assert all(s == "correct" for q, s in statuses(run, "looper").items() if q != "crs-01")


def test_wrapping_the_toolkits_reference_function_earns_nothing(run):
    row = next(r for r in run["rows"] if r["student"] == "wrapper" and r["question"] == "crs-01")
    assert row["status"] == "incorrect" and row["points"] == "0"


def test_two_notebooks_of_one_student_count_once_by_the_documented_rule(run):
    rows = [r for r in run["rows"] if r["student"] == "twin"]
    assert len(rows) == 6  # one duplicate row, five question rows
    duplicate = next(r for r in rows if r["status"] == "duplicate")
    assert (
        "ch04_blinatumomab-copy.ipynb was not graded: ch04_blinatumomab.ipynb counts" in duplicate["feedback"]
    )


def test_another_exercises_notebook_is_recognised_from_its_cells(run):
    assert statuses(run, "stripped")[SUBMISSION] == "wrong-exercise"
    assert "notebook of ch03-occupancy (its cells are)" in next(
        r["feedback"] for r in run["rows"] if r["student"] == "stripped" and r["question"] == SUBMISSION
    )
    assert SUBMISSION not in statuses(run, "bare")  # its own exercise without metadata: graded normally


def test_a_symbolic_link_is_never_followed(run):
    assert statuses(run, "linker")[SUBMISSION] == "symlink"
    assert (
        HOSTILE / "linker" / "ch04_blinatumomab.ipynb"
    ).resolve() == ROOT / "solutions" / "ch04_blinatumomab.ipynb"


def test_the_suite_is_fast_enough(run):
    assert run["seconds"] < 240, run["seconds"]


def test_a_fork_flood_stops_at_the_process_limit(run):  # `run`: only where the sandbox exists
    from immunokit_instructor.grader.sandbox import Limits, Sandbox, limits_for_child

    flood = (
        "import os, time\nn = 0\nfor _ in range(1000):\n    try:\n        pid = os.fork()\n    except OSError:\n"
        "        break\n    if pid == 0:\n        time.sleep(30)\n        os._exit(0)\n    n += 1\n"
    )
    job = {
        "cells": [{"index": 0, "source": flood, "timeout": 20}],
        "variables": ["n"],
        "max_output_bytes": 1000,
        "rlimits": limits_for_child(Limits(), 30),
    }
    result = Sandbox().run("immunokit_instructor.grader.kernel", job, 60, processes=64)
    answers = [line for line in result.output.splitlines() if '"answers"' in line]
    forked = float(answers[-1].split('"value": ')[1].split("}")[0])
    assert 10 < forked <= 64, forked
    leftovers = []
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and b"immunokit_instructor.grader.kernel" in (entry / "cmdline").read_bytes()
            ):
                leftovers.append(entry.name)
        except OSError:
            continue
    assert leftovers == []  # the sleeping children ended with their sandbox


def _crs_01(run: dict, student: str) -> dict:
    return next(r for r in run["rows"] if r["student"] == student and r["question"] == "crs-01")


def test_hidden_cases_give_an_honest_function_full_marks(run):
    row = _crs_01(run, "honest")
    assert (row["status"], row["points"]) == ("correct", "4")
    assert "14 of 14 cases and 50 hidden cases" in row["feedback"]


def test_a_table_of_the_shown_cases_fails_the_hidden_ones_without_learning_their_answers(run):
    row = _crs_01(run, "lookup")
    assert (row["status"], row["points"]) == ("incorrect", "0")
    assert row["feedback"].startswith("14 of 14 cases pass; 3 of 50 hidden cases")
    assert "(a hidden case) your function returned a wrong value" in row["feedback"]
    assert "expected" not in row["feedback"]  # a hidden case's answer is never shown


@pytest.mark.parametrize(
    ("student", "how"),
    [
        ("refuser", "raised SystemExit"),
        ("blanker", "returned nothing"),
        ("quitter", "stopped without a result"),
        ("saboteur", "unreadable return value"),  # its forged line; the case runner it killed wrote nothing
    ],
)
def test_refusing_a_detected_hidden_case_fails_it(run, student, how):
    row = _crs_01(run, student)
    assert (row["status"], row["points"]) == ("incorrect", "0"), row
    assert row["feedback"].startswith("14 of 14 cases pass;") and how in row["feedback"], row["feedback"]
    assert "expected" not in row["feedback"]


def test_a_function_that_loops_on_many_hidden_cases_costs_a_few_case_limits(run):
    row = _crs_01(run, "looper")
    # it loops on 1 visible and 7 hidden cases: after 3 time-outs the remaining cases are not run (and fail)
    hidden_passed = int(row["feedback"].split("; ")[1].split(" of ")[0])
    assert hidden_passed <= 50 - 7
