"""Exercises: one source, generated student notebooks, checks that teach, hints, and the course map.

The notebook-execution tests grade every solution and every generated exercise with the grader
(:mod:`immunokit_instructor.grader`): each runs in its own sandbox, and the verdicts are computed outside it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from immunokit.exercises import (
    Status,
    check,
    exercises,
    find_question,
    hint,
    mistakes,
    next_hint,
    reset_hints,
)
from immunokit.exercises.checks import Case, Function, Numeric
from immunokit.exercises.student import run_check
from immunokit_build import generate_exercises as generate
from immunokit_instructor.course_map import course_map, read_chapter, to_markdown

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def grade_id(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


# --------------------------------------------------------------------------------------------------
# One source


def test_every_chapter_from_3_to_9_has_an_exercise_of_3_to_6_questions():
    chapters = {e.chapter for e in exercises()}
    assert chapters >= {f"ch{n:02d}" for n in range(3, 10)}
    for exercise in exercises():
        assert 3 <= len(exercise.questions) <= 6, exercise.id
        assert (ROOT / "solutions" / exercise.notebook).exists(), exercise.notebook
    assert [p.name for p in SOLUTIONS] == sorted(e.notebook for e in exercises())


def test_question_ids_are_stable_names_not_hashes():
    for exercise in exercises():
        for q in exercise.questions:
            assert re.fullmatch(r"[a-z]+-\d{2}", q.id), q.id
            assert find_question(q.id) is q


def test_generated_exercises_are_current(capsys):
    assert generate.main(["--check"]) == 0, capsys.readouterr().err


def test_check_names_every_stale_missing_and_extra_file(tmp_path, capsys):
    for folder in ("solutions", "exercises"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    stale, missing = EXERCISES[0].name, EXERCISES[1].name
    (tmp_path / "exercises" / stale).write_text(
        (tmp_path / "exercises" / stale).read_text(encoding="utf-8").replace("...", "42", 1), encoding="utf-8"
    )
    (tmp_path / "exercises" / missing).unlink()
    shutil.copy(tmp_path / "exercises" / EXERCISES[2].name, tmp_path / "exercises" / "ch99_extra.ipynb")
    assert generate.main(["--check", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"stale: exercises/{stale}" in err
    assert f"missing: exercises/{missing}" in err
    assert "extra: exercises/ch99_extra.ipynb" in err
    # Generating repairs the stale and missing files.
    assert generate.main(["--root", str(tmp_path)]) == 1  # the extra file is still reported
    (tmp_path / "exercises" / "ch99_extra.ipynb").unlink()
    assert generate.main(["--check", "--root", str(tmp_path)]) == 0


def _solution_lines(nb: dict) -> tuple[set[str], set[str]]:
    """Lines inside solution regions / solution-only cells, and lines outside them."""
    inside: set[str] = set()
    outside: set[str] = set()
    for cell in nb["cells"]:
        only = "solution-only" in cell.get("metadata", {}).get("tags", [])
        region = False
        for line in source(cell).splitlines():
            stripped = line.strip()
            if stripped in (generate.BEGIN, "BEGIN SOLUTION"):
                region = True
                continue
            if stripped in (generate.END, "END SOLUTION"):
                region = False
                continue
            (inside if region or only else outside).add(stripped)
    return inside, outside


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_no_solution_text_output_or_metadata_leaks_into_the_exercise(solution):
    exercise_path = ROOT / "exercises" / solution.name
    text = exercise_path.read_text(encoding="utf-8")
    nb = load(exercise_path)
    inside, outside = _solution_lines(load(solution))
    # Function stubs keep their signature and docstring on purpose; everything else must go.
    kept = {line for line in inside if line.startswith(("def ", '"""', "'''"))}
    secret = {line for line in inside - outside - kept if len(line) >= 8}
    assert secret, "a solution notebook without solution text?"
    exercise_lines = {line.strip() for cell in nb["cells"] for line in source(cell).splitlines()}
    leaked = sorted(secret & exercise_lines)
    assert not leaked, f"solution lines in {exercise_path.name}: {leaked}"
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert "solution-only" not in text
    assert "solution" not in nb["metadata"].get("immunokit", {})
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
        # display keys (the bootstrap cell collapsed to its title line in JupyterLab and Colab) are kept
        assert set(cell["metadata"]) <= {"nbgrader", "tags", "editable", "deletable", "jupyter", "cellView"}


@pytest.mark.parametrize("exercise", exercises(), ids=lambda e: e.id)
def test_notebooks_carry_valid_nbgrader_metadata_for_every_question(exercise):
    for folder in ("solutions", "exercises"):
        nb = load(ROOT / folder / exercise.notebook)
        assert nb["metadata"]["kernelspec"]["name"] == "python3"
        assert nb["metadata"]["immunokit"]["exercise"] == exercise.id
        cells = {grade_id(c): c for c in nb["cells"] if grade_id(c)}
        ids = [grade_id(c) for c in nb["cells"] if grade_id(c)]
        assert len(ids) == len(set(ids)), f"duplicate grade_id in {folder}/{exercise.notebook}"
        for cell in cells.values():
            meta = cell["metadata"]["nbgrader"]
            assert set(meta) <= set(generate.NBGRADER_KEYS) and meta["schema_version"] == 3
            assert {"grade", "grade_id", "locked", "solution"} <= set(meta)
        for q in exercise.questions:
            answer, test = cells[f"{q.id}-answer"], cells[q.id]
            assert answer["metadata"]["nbgrader"]["solution"] and not answer["metadata"]["nbgrader"]["locked"]
            assert test["metadata"]["nbgrader"] | {} == {
                "grade": True,
                "grade_id": q.id,
                "locked": True,
                "points": q.points,
                "schema_version": 3,
                "solution": False,
                "task": False,
            }
            assert source(test) == f'check("{q.id}", {q.variable})'
            if folder == "exercises":
                assert test["metadata"].get("editable") is False
                stub = (
                    f"# YOUR CODE HERE: {q.checker.expects()}"
                    if f"def {q.variable}(" in source(answer)
                    else f"{q.variable} = ...  # YOUR ANSWER: {q.checker.expects()}"
                )
                assert stub in source(answer)
            else:
                assert generate.BEGIN in source(answer)


@pytest.mark.parametrize("exercise", exercises(), ids=lambda e: e.id)
def test_the_header_states_objectives_time_and_points(exercise):
    header = source(load(ROOT / "exercises" / exercise.notebook)["cells"][0])
    assert f"estimated time: {exercise.minutes} minutes" in header
    assert f"**{exercise.points:g} points**" in header
    for objective in exercise.objectives:
        assert f"`{objective}`" in header
    chapter = sorted((ROOT / "book").glob(f"{exercise.chapter}_*.ipynb"))
    if chapter:  # the objective ids must be the chapter's own
        ids = {oid for oid, _ in read_chapter(chapter[0]).objectives}
        assert set(exercise.objectives) <= ids, (
            f"{exercise.id}: {set(exercise.objectives) - ids} not in {chapter[0].name}"
        )


def test_stubs_of_functions_keep_signature_and_docstring():
    text = (ROOT / "exercises" / "ch08_crs_grading.ipynb").read_text(encoding="utf-8")
    assert "def my_crs_grade(fever, hypotension, oxygen, treated=False):" in text
    assert "ASTCT CRS grade (0 = criteria not met)" in text
    assert "hypotension_grade = {" not in text


def test_generation_refuses_an_unterminated_region():
    with pytest.raises(generate.GenerationError, match="has no"):
        generate.strip_code_solutions("### BEGIN SOLUTION\nx = 1\n", {})
    with pytest.raises(generate.GenerationError, match="does not parse"):
        generate.strip_code_solutions("### BEGIN SOLUTION\nx = (\n### END SOLUTION", {})


# --------------------------------------------------------------------------------------------------
# Every check on the solutions passes (the notebooks themselves, graded as handed in: see
# tests/test_grading_parity.py, whose course-grader run includes every solution and every exercise)


def test_reference_answers_of_every_question_are_correct():
    import dataclasses

    for exercise in exercises():
        for q in exercise.questions:
            if getattr(q.checker, "blocked", ()):
                # a reference that is the toolkit's (blocked while answers run): right when allowed to run,
                # refused as an answer, like a student's wrapper of it
                assert check(q.id, q.checker.reference_answer()).points == 0
                status = dataclasses.replace(q.checker, blocked=()).evaluate(q.checker.reference_answer())[0]
                assert status is Status.CORRECT, q.id
                continue
            verdict = check(q.id, q.checker.reference_answer())
            assert verdict.status is Status.CORRECT, verdict


# --------------------------------------------------------------------------------------------------
# Checks that teach


def css() -> float:
    return find_question("pk-01").checker.reference_answer()


@pytest.mark.parametrize(
    ("question", "answer", "status", "words"),
    [
        # units: µg/L given for pg/mL, µg/day not converted to µg/h
        ("pk-01", lambda: css() / 1000, Status.INCORRECT, "factor of 1000"),
        ("pk-01", lambda: css() * 24, Status.INCORRECT, "factor of 24"),
        ("pk-01", lambda: css() * 24 / 1000, Status.INCORRECT, "Two slips at once"),
        ("pk-01", lambda: css() * 1e-6, Status.INCORRECT, "factor of a million"),
        # a rate confused with a half-life; ln 2 forgotten; minutes for hours
        ("pk-02", lambda: 2.22 / 5.98, Status.INCORRECT, "rate constant k"),
        ("pk-02", lambda: 5.98 / 2.22, Status.INCORRECT, "ln 2"),
        ("pk-02", lambda: 60 * 0.6931 * 5.98 / 2.22, Status.INCORRECT, "factor of 60"),
        ("car-01", lambda: 1 / (np.log(3900) / 9.3), Status.INCORRECT, "ln 2"),
        # a percentage given as a fraction, and the reverse
        ("occ-01", lambda: 75, Status.INCORRECT, "Divide by 100"),
        ("km-04", lambda: 0.7067, Status.INCORRECT, "Multiply by 100"),
        ("km-02", lambda: [90, 80, 70, 58.33, 43.75, 21.875], Status.INCORRECT, "percentage"),
        # question-specific mistakes
        ("pk-03", lambda: 5 * 0.6931 * 5.98 / 2.22, Status.INCORRECT, "Five half-lives"),
        ("km-02", lambda: [0.9, 0.8, 0.7, 0.6, 0.5, 0.4], Status.INCORRECT, "still at risk"),
        ("km-01", lambda: 7, Status.INCORRECT, "censored"),
        ("crs-06", lambda: 880, Status.INCORRECT, "800 mg"),
        ("crs-05", lambda: 1, Status.INCORRECT, "most severe domain"),
        ("icp-02", lambda: 31.9 / 32.9, Status.INCORRECT, "Convert mg/L to nM"),
        ("car-03", lambda: 1194.0, Status.INCORRECT, "slow (persistent) phase"),
        # mistakes are recognised within an absolute tolerance too (reading a figure to ±0.5 month)
        ("km-06", lambda: 4.0, Status.INCORRECT, "chemotherapy arm"),
        ("km-06", lambda: 7.7, Status.INCORRECT, "published median"),
        # wrong types, explained
        ("pk-01", lambda: "525", Status.WRONG_TYPE, "got the string '525'. Remove the quotes"),
        ("pk-01", lambda: [525.0, 530.0], Status.WRONG_TYPE, "a list of 2 items"),
        ("pk-01", lambda: True, Status.WRONG_TYPE, "the boolean True"),
        ("pk-01", lambda: 1 + 2j, Status.WRONG_TYPE, "complex"),
        ("pk-05", lambda: 2, Status.WRONG_TYPE, "Write the letter in quotes, e.g. 'B'"),
        ("pk-05", lambda: "Z", Status.WRONG_TYPE, "not one of the options"),
        ("pk-05", lambda: "AB", Status.WRONG_TYPE, "Pick one option only"),
        ("km-02", lambda: "0.9, 0.8", Status.WRONG_TYPE, "list or array of 6 numbers"),
        ("km-02", lambda: [0.9, 0.8], Status.INCORRECT, "Expected 6"),
        ("crs-01", lambda: 3, Status.WRONG_TYPE, "a function my_crs_grade"),
        # wrong choices explain themselves; nan is explained
        ("pk-05", lambda: "A", Status.INCORRECT, "FcRn"),
        ("pk-01", lambda: float("nan"), Status.INCORRECT, "division by zero"),
        # not attempted
        ("pk-01", lambda: ..., Status.NOT_ATTEMPTED, "replace the `...` with a number in pg/mL"),
        ("pk-01", lambda: None, Status.NOT_ATTEMPTED, "Not attempted yet"),
        # right, in several spellings
        ("pk-01", lambda: np.float64(css()), Status.CORRECT, "Css"),
        ("pk-01", lambda: np.array([css()]), Status.CORRECT, "Css"),
        ("pk-05", lambda: " b ", Status.CORRECT, "two half-lives"),
        ("km-02", lambda: np.array([0.9, 0.8, 0.7, 0.58333, 0.4375, 0.21875]), Status.CORRECT, "scipy"),
    ],
)
def test_verdicts_name_the_mistake(question, answer, status, words):
    verdict = check(question, answer())
    assert verdict.status is status, verdict
    assert words in verdict.message, verdict.message
    assert verdict.points == (verdict.max_points if status is Status.CORRECT else 0)


def test_a_function_answer_is_tested_case_by_case():
    def no_masking_rule(fever, hypotension, oxygen, treated=False):
        grades = {
            "none": 0,
            "no-vasopressor": 2,
            "one-vasopressor": 3,
            "multiple-vasopressors": 4,
            "low-flow": 2,
            "high-flow": 3,
            "positive-pressure": 4,
        }
        if not fever:
            return 0
        return max(grades[hypotension], grades[oxygen]) or 1

    verdict = check("crs-01", no_masking_rule)
    assert verdict.status is Status.INCORRECT
    assert "12 of 14 cases pass" in verdict.message
    assert "treated=True" in verdict.message and "fever is no longer required" in verdict.message

    def stub(fever, hypotension, oxygen, treated=False): ...

    assert check("crs-01", stub).status is Status.NOT_ATTEMPTED

    def crashes(fever, hypotension, oxygen, treated=False):
        raise KeyError(oxygen)

    raised = check("crs-01", crashes)
    assert raised.status is Status.INCORRECT and "raised KeyError" in raised.message

    def returns_text(fever, hypotension, oxygen, treated=False):
        return "grade 1"

    assert check("crs-01", returns_text).status is Status.INCORRECT


def test_checks_never_raise_on_hostile_answers():
    class Evil(float):
        def __float__(self):
            raise RuntimeError("no")

        def __eq__(self, other):
            raise RuntimeError("no")

        __hash__ = float.__hash__

    class Weird:
        def __iter__(self):
            raise RuntimeError("no")

    for qid in ("pk-01", "pk-05", "km-02", "crs-01"):
        for answer in (Evil(3.0), Weird(), object(), {"a": 1}, b"525", np.array([]), np.array([[1.0, 2.0]])):
            verdict = check(qid, answer)
            assert verdict.status in (Status.INCORRECT, Status.WRONG_TYPE), (qid, answer, verdict)


def test_an_unknown_question_id_is_explained():
    verdict = check("pk-1", 3)
    assert verdict.status is Status.NOT_ATTEMPTED and "There is no question 'pk-1'" in verdict.message
    assert check(42, 3).status is Status.NOT_ATTEMPTED  # type: ignore[arg-type]


def test_hint_shows_itself_wherever_it_is_called(capsys):
    reset_hints()
    hint("pk-01")  # not the last line of a cell: it still shows
    assert capsys.readouterr().out.startswith("pk-01: hint 1 of 3")
    reset_hints()


def test_a_check_says_when_its_answer_cell_failed_or_never_ran(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    from immunokit.exercises import student

    shell = InteractiveShell.instance()
    student.install(shell)
    shell.run_cell("from immunokit.exercises import check")
    shell.run_cell('check("pk-03", washout_90_h)', store_history=True)
    assert "washout_90_h is not defined yet: run the cell above" in capsys.readouterr().out
    shell.run_cell("import math\nwashout_90_h = math.log(10) * 5.98 / 2.22", store_history=True)
    assert shell.run_cell('check("pk-03", washout_90_h)', store_history=True).result.correct
    shell.run_cell("washout_90_h = (", store_history=True)  # the answer cell now has a syntax error
    verdict = shell.run_cell('check("pk-03", washout_90_h)', store_history=True).result
    assert verdict.status is Status.NOT_ATTEMPTED and "Your answer cell raised SyntaxError" in verdict.message
    shell.run_cell("washout_90_h = 1 / 0", store_history=True)
    assert (
        "raised ZeroDivisionError"
        in shell.run_cell('check("pk-03", washout_90_h)', store_history=True).result.message
    )
    shell.run_cell("undefined_name_xyz", store_history=True)  # any other NameError keeps its traceback
    assert "NameError" in capsys.readouterr().out


def test_the_hint_ladder_reveals_one_rung_per_call():
    reset_hints()
    first, second, third, again = (next_hint("pk-01") for _ in range(4))
    assert (first.rung, second.rung, third.rung, first.total) == (1, 2, 3, 3)
    assert str(first).startswith("pk-01: hint 1 of 3")
    assert first.text != second.text != third.text
    assert "last hint" in again.text and again.rung == 3
    assert "hint 1 of 3" in first._repr_html_()
    reset_hints("pk-01")
    assert next_hint("pk-01").rung == 1
    assert "There is no question" in next_hint("zz-99").text
    # The ladder never gives the number away.
    value = f"{css():.0f}"
    assert all(value not in h for h in find_question("pk-01").hints)


def test_under_nbgrader_a_wrong_answer_raises_and_a_right_one_does_not(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError, match="factor of 1000"):
        check("pk-01", css() / 1000)
    assert check("pk-01", css()).correct
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert check("pk-01", css() / 1000).status is Status.INCORRECT  # no raise outside nbgrader


def test_a_verdict_renders_its_status_in_words_not_colour_alone():
    verdict = check("pk-01", css() / 1000)
    bundle = verdict._repr_mimebundle_()
    assert 'role="status"' in bundle["text/html"] and "Not yet" in bundle["text/html"]
    assert "0 / 2 points" in bundle["text/html"]
    assert bundle["text/plain"].startswith("✗ pk-01: Not yet [0/2 points]")
    assert verdict.to_dict() == {
        "question": "pk-01",
        "status": "incorrect",
        "message": verdict.message,
        "points": 0.0,
        "max_points": 2,
    }
    assert "<script" not in check("pk-05", "<script>").to_html()


DETECTORS = (
    mistakes.MICRO_VS_MILLI,
    mistakes.PICO_VS_MICRO,
    mistakes.HOURS_VS_DAYS,
    mistakes.MINUTES_VS_HOURS,
    mistakes.FRACTION_FOR_PERCENT,
    mistakes.PERCENT_FOR_FRACTION,
    mistakes.LN2_FORGOTTEN,
    mistakes.RATE_VS_HALF_LIFE,
)


@pytest.mark.parametrize("detector", DETECTORS, ids=lambda d: d.name)
def test_each_predefined_mistake_detector_matches_its_slip_and_not_the_right_answer(detector):
    name = detector.name
    expected = 12.5
    slips = {
        "micro-vs-milli": expected * 1000,
        "pico-vs-micro": expected * 1e6,
        "hours-vs-days": expected / 24,
        "minutes-vs-hours": expected * 60,
        "fraction-for-percent": expected / 100,
        "percent-for-fraction": expected * 100,
        "ln2-forgotten": expected / np.log(2),
        "rate-vs-half-life": np.log(2) / expected,
    }
    assert detector.matches(slips[name], expected, 0.01)
    assert not detector.matches(expected, expected, 0.01)
    assert not detector.matches(expected * 1.5, expected, 0.01)
    assert "{units}" not in detector.describe("mg")


def test_numeric_tolerance_edges():
    checker = Numeric(100.0, units="mg", rtol=0.02)
    assert checker.evaluate(102.0)[0] is Status.CORRECT
    assert checker.evaluate(97.9)[0] is Status.INCORRECT
    assert Numeric(0.0, atol=0.5).evaluate(0.4)[0] is Status.CORRECT
    assert (
        Function(lambda x: x, [Case((1,), description="x=1")], signature="f(x)").evaluate(lambda x: 1.0)[0]
        is Status.CORRECT
    )


def test_run_check_reports_points_from_the_catalogue():
    q = find_question("pk-01")
    assert run_check("pk-01", q.checker.reference_answer()).points == q.points == 2


# --------------------------------------------------------------------------------------------------
# Course map


def test_the_course_map_lists_every_exercise_and_objective():
    cmap = course_map()
    chapters = {row.chapter: row for row in cmap.rows}
    for exercise in exercises():
        if exercise.chapter in chapters:
            assert exercise.id in chapters[exercise.chapter].exercises
    markdown = to_markdown(cmap.rows)
    html = cmap._repr_html_()
    for row in cmap.rows:
        for oid, _ in row.objectives:
            assert f"`{oid}`" in markdown and f"<code>{oid}</code>" in html
    assert "<caption>" in html and 'scope="col"' in html
    for oid in cmap.unexamined():  # reported, not hidden
        assert re.fullmatch(r"ch\d{2}-o\d+", oid)


def test_the_instructor_guide_offers_every_exercise_for_download():
    page = (ROOT / "book" / "instructors" / "handing-out.md").read_text(encoding="utf-8")
    for exercise in exercises():
        assert f"<../../exercises/{exercise.notebook}>" in page, exercise.notebook


def _table_of_shown_cases():
    """A crs-01 answer that hard-codes the 14 cases the notebook shows (their grades from the check)."""
    checker = find_question("crs-01").checker
    table = {tuple(c.args): checker.reference(*c.args) for c in checker.cases}
    return lambda fever, hypotension, oxygen, treated=False: table.get(
        (fever, hypotension, oxygen, treated), 1
    )


def test_hidden_cases_are_every_other_valid_crs_combination_seeded_and_bounded():
    checker = find_question("crs-01").checker
    visible = {tuple(c.args) for c in checker.cases}
    hidden = checker.hidden_cases("run-1", 100)
    assert len(hidden) == 2 * 4 * 4 * 2 - len(visible) == 50
    assert not visible & {tuple(c.args) for c in hidden}
    assert len({tuple(c.args) for c in hidden}) == 50
    assert [c.args for c in checker.hidden_cases("run-1", 100)] == [c.args for c in hidden]
    assert [c.args for c in checker.hidden_cases("run-2", 100)] != [c.args for c in hidden]
    assert len(checker.hidden_cases("run-1", 7)) == 7 and checker.hidden_cases("run-1", 0) == []
    assert "hypotension='one-vasopressor'" in " ".join(c.description for c in hidden)


def test_seeded_inputs_cover_a_numeric_domain_and_drop_invalid_ones():
    import math

    from immunokit.exercises.checks import seeded_inputs

    def half_life(k):
        if k <= 0:
            raise ValueError("k must be positive")
        return math.log(2) / k

    checker = Function(
        half_life,
        [Case((0.1,), description="k=0.1")],
        signature="t_half(k)",
        hidden=seeded_inputs(30, (-0.5, 2.0), describe=lambda k: f"k={k:.3g}"),
    )
    hidden = checker.hidden_cases(7, 20)
    assert len(hidden) == 20 and all(0 < c.args[0] <= 2.0 for c in hidden)  # k ≤ 0: the reference raises
    assert [c.args for c in checker.hidden_cases(7, 20)] == [c.args for c in hidden]
    logged = seeded_inputs(50, (1e-3, 1e3), describe=str, log=True)(__import__("random").Random(1))
    assert min(c.args[0] for c in logged) < 0.1 and max(c.args[0] for c in logged) > 10


def test_hidden_cases_fail_a_table_of_the_shown_cases_and_never_reveal_their_answers():
    from immunokit.exercises.checks import CaseResult

    question = find_question("crs-01")
    checker = question.checker
    lookup = _table_of_shown_cases()
    # the student's own check runs the hidden cases too (their inputs only are shown): the same points as
    # the grader, never the expected value of a hidden case
    own = check("crs-01", lookup)
    assert own.status is Status.INCORRECT and own.points == 0, own
    assert (
        own.message.startswith("14 of 14 cases pass; 1 of 50 hidden cases") and "expected" not in own.message
    )
    hidden = checker.hidden_cases("seed", 64)

    def results(function, cases):
        return [checker.run_case(function, c) for c in cases]

    status, message, fraction = checker.judge(results(lookup, checker.cases), hidden, results(lookup, hidden))
    assert (status, fraction) == (Status.INCORRECT, 0.0)
    assert (
        message.startswith("14 of 14 cases pass; ")
        and "(a hidden case) your function returned a wrong value" in message
    )
    assert "expected" not in message
    honest = checker.reference
    status, message, fraction = checker.judge(results(honest, checker.cases), hidden, results(honest, hidden))
    assert (status, fraction) == (Status.CORRECT, 1.0) and "14 of 14 cases and 50 hidden cases" in message
    # refusing a hidden case (time-out, exception, nothing returned) is failing it
    for refusal in (
        CaseResult(timed_out=True),
        CaseResult(raised="SystemExit: 0"),
        CaseResult(returned=None),
    ):
        got = results(honest, hidden)
        got[-1] = refusal
        status, message, _ = checker.judge(results(honest, checker.cases), hidden, got)
        assert status is Status.INCORRECT and "49 of 50 hidden cases" in message, message
