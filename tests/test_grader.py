"""The grader on a folder of real-looking submissions: good, wrong and broken (hostile ones: test_grader_hostile).

Fixtures: ``tests/fixtures/submissions/ch04/<student>/ch04_blinatumomab.ipynb`` (rebuilt by
``make_submissions.py`` beside them). The folder is graded once per module, both cores, every
submission in its own sandbox (or without one, with a warning, where bubblewrap is missing).
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from immunokit_instructor.grader import cli, report
from immunokit_instructor.grader.folder import grade_folder
from immunokit_instructor.grader.report import COLUMNS, SUBMISSION, Row
from immunokit_instructor.grader.sandbox import Limits
from immunokit_instructor.grader.submissions import find_submissions

FIXTURES = Path(__file__).parent / "fixtures" / "submissions"
QUESTIONS = ["pk-01", "pk-02", "pk-03", "pk-04", "pk-05"]
# A short per-cell limit (the loops), a generous notebook limit (kernels start slowly on a busy machine).
LIMITS = Limits(cell_timeout_s=4, notebook_timeout_s=150, case_timeout_s=3, max_output_bytes=1_000_000)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Row], list[dict[str, str]]]:
    out = tmp_path_factory.mktemp("grades") / "grades.csv"
    rows = grade_folder(FIXTURES / "ch04", exercise="ch04-blinatumomab", limits=LIMITS, jobs=2).rows
    out.write_text(report.csv_text(rows), encoding="utf-8")
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
    # dave defines his own check(); trent patches immunokit.exercises.student.run_check. Both answered wrongly.
    assert statuses(graded, student) == dict.fromkeys(QUESTIONS, "incorrect")
    assert sum(r.points for r in graded[0] if r.student == student) == 0


@pytest.mark.parametrize(
    ("student", "status", "words"),
    [
        ("erin", "invalid-json", "not valid JSON"),
        ("frank", "empty-file", "is empty"),
        ("oscar", "invalid-notebook", "not a valid notebook"),
        ("judy", "wrong-exercise", "ch03-occupancy (its cells are), not ch04-blinatumomab"),
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


def test_a_crash_after_the_answers_keeps_the_answers(graded):
    assert [s for s, _ in problems(graded, "peggy")] == ["kernel-died"]
    assert "the cell after pk-05" in problems(graded, "peggy")[0][1]
    assert statuses(graded, "peggy") == dict.fromkeys(QUESTIONS, "correct")


def test_an_infinite_loop_costs_only_its_own_question(graded):
    assert ("cell-timeout", "cell pk-03-answer ran longer than 4 s and was interrupted") in problems(
        graded, "grace"
    )
    assert statuses(graded, "grace") == {
        "pk-01": "correct",
        "pk-02": "correct",
        "pk-03": "missing",
        "pk-04": "correct",
        "pk-05": "correct",
    }


def test_a_cell_that_raises_is_reported_and_the_rest_is_graded(graded):
    reported = problems(graded, "heidi")
    assert ("cell-error", "cell pk-02-answer raised ZeroDivisionError: float division by zero") in reported
    assert {s for s, _ in reported} == {"cell-error"}
    assert statuses(graded, "heidi") == {
        "pk-01": "correct",
        "pk-02": "missing",
        "pk-03": "correct",
        "pk-04": "correct",
        "pk-05": "correct",
    }
    missing = rows_of(graded, "heidi")["pk-02"][0]
    assert missing.feedback == (
        "Your answer cell (pk-02-answer) raised ZeroDivisionError: float division by zero, so `half_life_h` was "
        "never defined."
    )
    assert rows_of(graded, "grace")["pk-03"][0].feedback.startswith(
        "Your answer cell (pk-03-answer) ran past the time limit and was interrupted"
    )


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
    text = report.summary(graded[0], 12.5, 14)
    assert text.splitlines()[:3] == ["notebooks: 14", "students: 14", f"rows: {len(graded[0])}"]
    assert report.parse_statuses(text) == dict(Counter(r.status for r in graded[0]))
    assert text.splitlines()[-1] == "time: 12.5 s"
    for student in ("erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy"):
        assert student in text
    counts = Counter(r.status for r in graded[0])
    assert f"correct {counts['correct']}" in text


def test_a_loop_that_ignores_interrupts_is_killed_at_the_notebook_limit():
    rows = grade_folder(
        FIXTURES / "timeout",
        exercise="ch04-blinatumomab",
        limits=Limits(2, 12, 2, max_output_bytes=1000),
        jobs=1,
    ).rows
    by_status = Counter(r.status for r in rows)
    assert by_status["notebook-timeout"] == 1  # one * row: the most severe status, every note in its feedback
    assert by_status["not-reached"] == len(QUESTIONS)
    feedback = next(r.feedback for r in rows if r.status == "notebook-timeout")
    assert "ran longer than 12 s" in feedback and "cell(s) of the released notebook are missing" in feedback


def test_spreadsheet_formulas_are_neutralised_and_the_csv_is_replaced_whole(tmp_path):
    rows = [
        Row("=1+1", "ch04-blinatumomab", "pk-01", 2, 2, "correct", "@SUM(A1)"),
        Row("\tx", "-2", "+3", 0, 0, "a", "ok"),
        # every variant a spreadsheet also evaluates: leading space, NBSP, fullwidth, pipe (DDE), %0A
        Row(" =1+1", "\u00a0=1+1", "\uff1d1+1", 0, 0, "|calc!A1", "%0A=1+1"),
        Row("\uff0b1", "\uff0d1", "\uff201", 0, 0, "\u3000@x", "plain"),
    ]
    target = tmp_path / "g.csv"
    target.write_text("old", encoding="utf-8")
    report.write_atomically(target, report.csv_text(rows))
    written = list(csv.reader(target.open(encoding="utf-8", newline="")))
    assert written[1] == ["'=1+1", "ch04-blinatumomab", "pk-01", "2", "2", "correct", "'@SUM(A1)"]
    assert written[2][:3] == ["\\x09x", "'-2", "'+3"]  # a tab is shown escaped, never written as one
    assert written[3] == ["' =1+1", "'\u00a0=1+1", "'\uff1d1+1", "0", "0", "'|calc!A1", "'%0A=1+1"]
    assert written[4] == ["'\uff0b1", "'\uff0d1", "'\uff201", "0", "0", "'\u3000@x", "plain"]
    assert [p.name for p in tmp_path.iterdir()] == ["g.csv"]  # no temporary file left behind


def test_flat_layout_and_exercise_from_the_file_name(tmp_path):
    folder = tmp_path / "flat"
    folder.mkdir()
    shutil.copy(FIXTURES / "ch04" / "frank" / "ch04_blinatumomab.ipynb", folder / "frank.ipynb")
    shutil.copy(FIXTURES / "ch04" / "frank" / "ch04_blinatumomab.ipynb", folder / "ch04_blinatumomab.ipynb")
    found = find_submissions(folder)
    assert [s for s, _ in found] == ["ch04_blinatumomab", "frank"]
    rows = grade_folder(folder, limits=LIMITS).rows
    # Without --exercise, the file name identifies the exercise; "frank.ipynb" names none.
    assert {(r.student, r.status) for r in rows if r.question == SUBMISSION} == {
        ("ch04_blinatumomab", "empty-file"),
        ("frank", "empty-file"),
    }
    assert sum(1 for r in rows if r.status == "not-graded") == len(QUESTIONS)


def test_command_line_usage_errors(tmp_path, capsys):
    assert cli.main([str(tmp_path / "nowhere"), "--out", str(tmp_path / "g.csv")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert cli.main([str(tmp_path), "--exercise", "ch99-nothing"]) == 2
    assert "unknown exercise" in capsys.readouterr().err


def test_command_line_grades_and_prints_a_summary(tmp_path, capsys):
    folder = tmp_path / "subs" / "erin"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "ch04" / "erin" / "ch04_blinatumomab.ipynb", folder)
    out = tmp_path / "grades.csv"
    assert cli.main([str(tmp_path / "subs"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "notebooks: 1" in printed and "erin (invalid-json)" in printed
    assert out.read_text(encoding="utf-8").count("\n") == 1 + 1 + len(QUESTIONS)
    assert (tmp_path / "grades.summary.txt").read_text(encoding="utf-8") in printed


def test_the_fixture_submissions_are_current_with_the_ch04_solution(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_submissions", FIXTURES / "make_submissions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for made in sorted(tmp_path.rglob("*.ipynb")):
        stored = FIXTURES / made.relative_to(tmp_path)
        if made.is_symlink():
            assert stored.is_symlink() and stored.readlink() == made.readlink(), stored
            continue
        assert stored.read_text(encoding="utf-8") == made.read_text(encoding="utf-8"), (
            f"{stored} is stale: run python tests/fixtures/submissions/make_submissions.py"
        )


def test_without_bubblewrap_the_grader_says_what_is_not_contained(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "subs" / "alice"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "ch04" / "alice" / "ch04_blinatumomab.ipynb", folder)
    monkeypatch.setenv("IMMUNOKIT_NO_SANDBOX", "1")
    out = tmp_path / "grades.csv"
    assert cli.main([str(tmp_path / "subs"), "--out", str(out), "--jobs", "1"]) == 0
    warning = capsys.readouterr().err
    assert "WARNING: bubblewrap (bwrap) is not installed: submissions run WITHOUT a sandbox" in warning
    assert "use the network" in warning
    assert "NOT SANDBOXED" in (tmp_path / "grades.summary.txt").read_text(encoding="utf-8")
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert sum(float(r["points"]) for r in rows) == 10


def test_answers_leave_the_sandbox_as_plain_values_and_nothing_else():
    import math

    import numpy as np

    from immunokit.exercises.answers import BadAnswer, FunctionAnswer, Opaque, decode, encode

    class Liar(float):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = float.__hash__

    assert decode(encode(Liar(3.0))) == 3.0 and type(decode(encode(Liar(3.0)))) is float
    assert decode(encode(np.float64(2.5))) == 2.5
    assert decode(encode(...)) is Ellipsis and decode(encode(None)) is None
    assert decode(encode("B")) == "B" and decode(encode(["A", "C"])) == ["A", "C"]
    assert math.isnan(decode(encode(float("nan"))))
    assert decode(encode(np.array([[1.0, 2.0]]))).shape == (1, 2)
    assert isinstance(decode(encode(lambda x: x)), FunctionAnswer)
    assert isinstance(decode(encode({"a": 1})), Opaque) and "dict of 1 items" in repr(
        decode(encode({"a": 1}))
    )
    for bad in (
        [],
        {"kind": "eval", "value": "__import__('os')"},
        {"kind": "number", "value": "1e9"},
        {"kind": "number", "value": True},
        {"kind": "str", "value": "x" * 100_000},
        {"kind": "array", "shape": [3], "value": [1.0]},
        {"kind": "list", "value": [[1.0]]},
    ):
        with pytest.raises(BadAnswer):
            decode(bad)


def test_rows_come_in_the_order_of_the_notebooks_whatever_finished_first(graded):
    order = [student for student, _ in find_submissions(FIXTURES / "ch04")]
    seen = list(dict.fromkeys(r.student for r in graded[0]))
    assert seen == order == sorted(order)
    for student in order:  # within a submission: problems first, then questions in catalogue order
        questions = [r.question for r in graded[0] if r.student == student and r.question != SUBMISSION]
        assert questions == QUESTIONS, student


class _Recorder:
    """A stand-in sandbox that keeps the job it is given and answers every case with 1."""

    contained = True

    def __init__(self) -> None:
        self.jobs: list[dict] = []

    def run(self, module: str, job: dict, timeout_s: float, **kwargs: object):
        import json

        from immunokit.exercises.answers import encode
        from immunokit_instructor.grader.sandbox import RunResult

        sent = kwargs["respond"][1]  # type: ignore[index]
        self.jobs.append({**json.loads(json.dumps(job)), "sent": [json.loads(x) for x in sent.splitlines()]})
        lines = [json.dumps({"case": n, "returned": encode(1)}) for n in range(job["count"])]
        return RunResult(0, False, 0.0, "", "\n".join(lines))


def _case_job(sources: list[str], name: str, cases: list, case_timeout: float) -> tuple[dict, tuple]:
    """A job for the case runner, and the cases it receives after its cells ran."""
    import json

    from immunokit_instructor.grader.case import CELLS_DONE
    from immunokit_instructor.grader.sandbox import limits_for_child

    job = {
        "cells": [{"index": i, "source": s} for i, s in enumerate(sources)],
        "name": name,
        "upto": len(sources) - 1,
        "count": len(cases),
        "cell_timeout": 5,
        "case_timeout": case_timeout,
        "max_timeouts": 3,
        "rlimits": limits_for_child(Limits(), 30),
    }
    return job, (CELLS_DONE, b"".join(json.dumps(c).encode() + b"\n" for c in cases))


def test_hidden_cases_reach_the_sandbox_as_inputs_only_and_are_judged_here():
    import json

    from immunokit.exercises.catalog import find_question
    from immunokit_instructor.grader.folder import Grading, run_function_cases

    question = find_question("crs-01")
    recorder = _Recorder()
    grading = Grading(LIMITS, recorder, seed="42")  # type: ignore[arg-type]
    hidden = grading.hidden_cases(question)
    assert len(hidden) == 50 and grading.hidden_cases(question) == hidden  # same cases for every submission
    assert [c.args for c in Grading(LIMITS, recorder, "43").hidden_cases(question)] != [
        c.args for c in hidden
    ]
    cells = [{"index": 0, "source": "def my_crs_grade(*a):\n    return 1", "timeout": 4}]
    results = run_function_cases(question, cells, 0, grading, hidden)
    job = recorder.jobs[-1]
    assert set(job) == {
        "cells",
        "name",
        "upto",
        "count",
        "cell_timeout",
        "case_timeout",
        "max_timeouts",
        "rlimits",
        "sent",
        "blocked_modules",
    }
    assert job["blocked_modules"] == ["immunokit.toxicity"]
    # the cases go separately, after the cells ran (never in the job the student's cells could read)
    assert "args" not in json.dumps({k: v for k, v in job.items() if k != "sent"})
    assert job["count"] == len(job["sent"]) == 14 + 50
    assert all(set(c) == {"args", "kwargs"} for c in job["sent"])
    text = str(job)
    for word in ("hidden", "expected", "lesson", "description", "ASTCT"):
        assert word not in text
    assert [c["args"] for c in job["sent"]] == [list(c.args) for c in (*question.checker.cases, *hidden)]
    visible = len(question.checker.cases)
    status, message, _ = question.checker.judge(results[:visible], hidden, results[visible:])
    assert status.value == "incorrect" and "hidden cases (inputs not shown in the notebook) pass" in message
    assert Grading(Limits(hidden_cases=0), recorder).hidden_cases(question) == []
    assert len(Grading(Limits(hidden_cases=5), recorder).hidden_cases(question)) == 5


def test_after_three_cases_run_out_of_time_the_rest_are_not_run():
    import json
    import time

    from immunokit_instructor.grader.folder import _case_result
    from immunokit_instructor.grader.sandbox import Sandbox

    job, respond = _case_job(
        ["def f(x):\n    while True:\n        pass"],
        "f",
        [{"args": [n], "kwargs": {}} for n in range(10)],
        0.5,
    )
    start = time.monotonic()
    run = Sandbox().run(
        "immunokit_instructor.grader.case", job, 30, hide_files=("toxicity.py",), respond=respond
    )
    seconds = time.monotonic() - start
    items = {item["case"]: item for item in map(json.loads, run.output.splitlines()) if "case" in item}
    assert [n for n, i in items.items() if i.get("timed_out")] == [0, 1, 2]
    assert [n for n, i in items.items() if i.get("skipped")] == list(range(3, 10))
    assert "not run: 3 earlier cases ran out of time" in _case_result(items[5]).raised
    assert seconds < 10, seconds


def test_command_line_rejects_a_negative_number_of_hidden_cases(tmp_path, capsys):
    assert cli.main([str(tmp_path), "--hidden-cases", "-1"]) == 2
    assert "--hidden-cases must be 0 or more" in capsys.readouterr().err


def test_a_hidden_reference_cannot_be_loaded_from_its_compiled_copy():
    import json
    import py_compile
    import sys

    from immunokit_instructor.grader.sandbox import Sandbox, find_bwrap, toolkit_dir

    if find_bwrap() is None:
        pytest.skip("bubblewrap (bwrap) is not installed")
    source = toolkit_dir() / "toxicity.py"
    tag = sys.implementation.cache_tag
    compiled = source.parent / "__pycache__" / f"toxicity.{tag}.pyc"
    made = not compiled.exists()
    py_compile.compile(str(source), cfile=str(compiled))  # what any import on the grader's machine leaves
    try:
        loader = (
            "import glob, marshal, sys, types\n"
            "def f(x):\n"
            f"    for path in glob.glob('{source.parent}/**/toxicity*.pyc', recursive=True):\n"
            "        module = types.ModuleType('immunokit.stolen')\n"
            "        module.__package__ = 'immunokit'\n"
            "        sys.modules[module.__name__] = module\n"
            "        try:\n"
            "            exec(marshal.loads(open(path, 'rb').read()[16:]), module.__dict__)\n"
            "            return module.crs_grade(True, 'none', 'low-flow').grade\n"
            "        except Exception:\n"
            "            continue\n"
            "    import immunokit.toxicity as t\n"
            "    return t.crs_grade(True, 'none', 'low-flow').grade\n"
        )
        job, respond = _case_job([loader], "f", [{"args": [0], "kwargs": {}}], 20)
        run = Sandbox().run(
            "immunokit_instructor.grader.case", job, 60, hide_files=("toxicity.py",), respond=respond
        )
        item = json.loads(run.output.splitlines()[1])  # after the runner's "cells-done" line
        assert "raised" in item and "returned" not in item, item  # without the fix: returned 2
    finally:
        if made:
            compiled.unlink()


# --- issue 27: files are checked before they are read, names cannot speak, a crash keeps the rows ---


def test_only_a_regular_file_with_one_link_is_opened(tmp_path):
    import os
    import socket
    import stat

    from immunokit_instructor.grader.submissions import MAX_NOTEBOOK_BYTES, Unusable, open_submission

    good = tmp_path / "good.ipynb"
    shutil.copy(FIXTURES / "ch04" / "alice" / "ch04_blinatumomab.ipynb", good)
    os.close(open_submission(good, "good.ipynb"))
    fifo = tmp_path / "fifo.ipynb"
    os.mkfifo(fifo)
    linked = tmp_path / "linked.ipynb"
    os.link(good, linked)  # now both have two links
    symlink = tmp_path / "symlink.ipynb"
    symlink.symlink_to(tmp_path / "fifo.ipynb")
    big = tmp_path / "big.ipynb"
    with big.open("wb") as handle:
        handle.truncate(MAX_NOTEBOOK_BYTES + 1)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "socket.ipynb"))
    cases = {
        fifo: ("not-a-file", "is a FIFO"),
        linked: ("hard-link", "2 hard links"),
        good: ("hard-link", "2 hard links"),
        symlink: ("symlink", "symbolic link"),
        big: ("too-large", "larger than 20 MB"),
        tmp_path / "socket.ipynb": ("not-a-file", "cannot be opened"),
    }
    if os.geteuid() == 0:
        device = tmp_path / "zero.ipynb"
        os.mknod(device, 0o644 | stat.S_IFCHR, os.makedev(1, 5))
        cases[device] = ("not-a-file", "is a device")
    for path, (status, words) in cases.items():
        with pytest.raises(Unusable) as caught:
            open_submission(path, path.name)  # returns at once: nothing blocks, nothing is read
        assert caught.value.status == status and words in caught.value.message, (path, caught.value.message)
    server.close()


def test_names_are_shown_escaped():
    from immunokit_instructor.grader.names import neutral, shown

    assert shown("alice") == "alice" and shown("Zoë Ångström") == "Zoë Ångström"
    assert shown("a\x1b[2J\nb\u202e\\c") == "a\\x1b[2J\\x0ab\\u202e\\\\c"
    assert shown("\u200bx\x7f\x85") == "\\u200bx\\x7f\\x85"
    assert [neutral(t) for t in ("ok", "-", " x", "\u00a0\u00a0", "\uff20a", "%0A=1")] == [
        "ok",
        "'-",
        " x",
        "\u00a0\u00a0",
        "'\uff20a",
        "'%0A=1",
    ]


def test_a_crash_of_the_grader_keeps_the_rows_already_graded(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from immunokit_instructor.grader.journal import partial_path

    folder = tmp_path / "subs"
    for student in ("alice", "bob", "carol", "dave"):
        shutil.copytree(FIXTURES / "ch04" / student, folder / student)
    out = tmp_path / "out" / "grades.csv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "immunokit_instructor.grader", str(folder), "--out", str(out), "--jobs", "1"],
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    partial = partial_path(out)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if partial.exists() and partial.read_text(encoding="utf-8").count("\n") >= 1 + 5:
            break
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)  # the grader dies mid-run
    proc.wait()
    assert not out.exists()
    rows = list(csv.DictReader(partial.open(encoding="utf-8", newline="")))
    assert list(rows[0]) == list(COLUMNS)
    graded = {r["student"] for r in rows}
    assert graded and graded <= {"alice", "bob", "carol", "dave"}
    alice = [r for r in rows if r["student"] == "alice"]
    if alice:
        assert all(r["status"] == "correct" for r in alice) and len(alice) == len(QUESTIONS)


def test_a_sandbox_reads_the_graders_font_list_and_checked_data_instead_of_building_its_own():
    """matplotlib in a sandbox finds the font list the grader built once (read-only) and does not scan
    the system's fonts again, and the toolkit finds the data layer already checked: each cost every
    submission's kernel about half a second."""
    import json

    from immunokit_instructor.grader.sandbox import MPL_DIR, Sandbox, find_bwrap, warm_caches

    if find_bwrap() is None:
        pytest.skip("bubblewrap (bwrap) is not installed")
    warm = warm_caches()
    assert warm.fonts is not None and warm.toolkit is not None
    probe = (
        "import json, logging, os\n"
        "def f(x):\n"
        "    seen = []\n"
        "    class Keep(logging.Handler):\n"
        "        def emit(self, record):\n"
        "            seen.append(record.getMessage())\n"
        "    logging.getLogger('matplotlib').addHandler(Keep())\n"
        "    logging.getLogger('matplotlib').setLevel(logging.INFO)\n"
        "    import matplotlib.font_manager as fm\n"
        f"    files = sorted(os.listdir({MPL_DIR!r}))\n"
        f"    writable = [n for n in files if os.access(os.path.join({MPL_DIR!r}, n), os.W_OK)]\n"
        "    import immunokit.facts as facts\n"
        "    def again(*args):\n"
        "        raise RuntimeError('the data layer was checked again')\n"
        "    facts._check_file = again\n"
        "    return json.dumps([files, writable, len(fm.fontManager.ttflist) > 0, seen, len(facts.current())])\n"
    )
    job, respond = _case_job([probe], "f", [{"args": [0], "kwargs": {}}], 20)
    run = Sandbox().run("immunokit_instructor.grader.case", job, 60, respond=respond)
    item = json.loads(run.output.splitlines()[1])
    assert "returned" in item, item
    files, writable, has_fonts, logged, facts = json.loads(item["returned"]["value"])
    assert files == [warm.fonts.name] and writable == [] and has_fonts, item
    assert not any("generated new fontManager" in line for line in logged), logged
    assert facts > 100
