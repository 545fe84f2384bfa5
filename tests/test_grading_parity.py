"""One verdict everywhere: the student's own check, the course grader, nbgrader and Gradescope, on the same code.

Every exercise is graded on a correct notebook (the solution), a blank one (the released exercise) and a
half-right one (every other answer replaced by a wrong one), and chapter 8 on a set of tricky answers (a
wrapper of the toolkit's reference shown a cell below; the set-up cell's lists; a helper defined after
the check; an answer changed after its check; imports). Each is graded four ways, with two exceptions
that keep the file's kernels to about seventy: the blank notebooks, which every way scores 0, only by the
course grader and nbgrader (the release the issue asks about); the tricky answers not by Gradescope,
whose zip runs the course grader's own code (the correct and half-right notebooks of every exercise
prove the zip complete), so the tricky answers would test that code twice:

* **the notebook's own check**: the notebook run top to bottom in a Jupyter kernel (nbclient), the
  points read from what each check cell displays;
* **the course grader**: :func:`immunokit_instructor.grader.folder.grade_folder`, in its sandbox;
* **nbgrader 0.9.6 as released**: the instructor guide's recipe (``book/instructors/nbgrader.md``: its
  ``# recipe: release`` and ``# recipe: grade`` blocks, run as written with bash), the points read
  from nbgrader's gradebook and from its ``grades.csv``; nbgrader must log no warning about the checks'
  output;
* **Gradescope**: the autograder zip of ``python -m immunokit_instructor.grader gradescope``, extracted to
  ``<root>/autograder/source``, its ``run_autograder`` run on ``<root>/autograder/submission`` (Gradescope's
  documented layout under a temporary root), ``results.json`` validated and read.

nbgrader is needed (``pip install nbgrader==0.9.6``): without it these tests fail in CI (``CI`` set) and
are skipped elsewhere, saying so.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import nbformat
import pytest

from immunokit.exercises.catalog import Exercise, exercises
from immunokit.exercises.checks import Function
from immunokit_instructor.grader import nbgrader as nbg
from immunokit_instructor.grader.folder import grade_folder
from immunokit_instructor.grader.gradescope import VISIBILITIES, build_zip
from immunokit_instructor.grader.report import SUBMISSION, Row
from immunokit_instructor.grader.sandbox import Limits

ROOT = Path(__file__).resolve().parents[1]
#: Over a minute on two cores (each exercise graded four ways): `make test` runs it, `make check` does not.
pytestmark = pytest.mark.slow
GUIDE = ROOT / "book" / "instructors" / "nbgrader.md"
LIMITS = Limits(cell_timeout_s=60, notebook_timeout_s=300, case_timeout_s=5)
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"

# chapter 8's tricky answers: (name, {answer cell grade id: new source} or extra cells, expected points)
CRS_RULE = """def my_crs_grade(fever, hypotension, oxygen, treated=False):
    if not fever and not treated:
        return 0
    worst = max([0, 2, 3, 4][HYPOTENSION.index(hypotension)], [0, 2, 3, 4][OXYGEN.index(oxygen)])
    return worst if worst else (1 if fever else 0)
"""
TRICKY: dict[str, dict[str, Any]] = {
    # wraps the reference the notebook shows a cell below: the rule is not the student's
    "wrapper": {
        "answers": {
            "crs-01": "def my_crs_grade(fever, hypotension, oxygen, treated=False):\n"
            "    return toxicity.crs_grade(fever, hypotension, oxygen, antipyretics_or_anticytokine=treated).grade\n"
        },
        "expect": {"crs-01": 0},
    },
    # the same, imported under another name before the function
    "import-alias": {
        "answers": {
            "crs-01": "from immunokit.toxicity import crs_grade as _ref\n\n"
            "def my_crs_grade(fever, hypotension, oxygen, treated=False):\n"
            "    return _ref(fever, hypotension, oxygen, antipyretics_or_anticytokine=treated).grade\n"
        },
        "expect": {"crs-01": 0},
    },
    # an honest rule that uses the set-up cell's lists (and an import in another answer)
    "setup-names": {
        "answers": {
            "crs-01": CRS_RULE,
            "crs-04": "import math\nice_points = int(math.fsum([2, 3, 1, 0, 1]))\n",
        },
        "expect": {"crs-01": 4, "crs-02": 1, "crs-03": 1, "crs-04": 1},
    },
    # a helper defined only after the check cell: the check (and nbgrader) run before it exists
    "helper-later": {
        "answers": {
            "crs-01": "def my_crs_grade(fever, hypotension, oxygen, treated=False):\n"
            "    return _rule(fever, hypotension, oxygen, treated)\n"
        },
        "after": {"crs-01": CRS_RULE.replace("def my_crs_grade", "def _rule")},
        "expect": {"crs-01": 0, "crs-02": 1},
    },
    # a wrong answer corrected after its check: the check cell's verdict stands
    "changed-later": {
        "answers": {"crs-06": "tocilizumab_mg = 8 * 110\n"},
        "after": {"crs-06": "tocilizumab_mg = 800\n"},
        "expect": {"crs-06": 0, "crs-05": 2},
    },
}


def _nbgrader_or_skip() -> str:
    program = nbg.find_nbgrader()
    if program is None:
        message = "nbgrader is not installed: pip install nbgrader==0.9.6 (or set $IMMUNOKIT_NBGRADER)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return program


def _source(cell: dict[str, Any]) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _gid(cell: dict[str, Any]) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _replace_region(source: str, code: str) -> str:
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == BEGIN)
    end = next(i for i, line in enumerate(lines) if line.strip() == END)
    return "\n".join([*lines[:start], code.rstrip("\n"), *lines[end + 1 :]])


def _wrong(exercise: Exercise, qid: str) -> str:
    question = next(q for q in exercise.questions if q.id == qid)
    if isinstance(question.checker, Function):
        return f"def {question.variable}(*args, **kwargs):\n    return -1\n"
    return f"{question.variable} = -1\n"


def _edited(
    exercise: Exercise, answers: dict[str, str], after: dict[str, str] | None = None
) -> dict[str, Any]:
    nb = json.loads((ROOT / "solutions" / exercise.notebook).read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        gid = _gid(cell) or ""
        if gid.endswith("-answer") and gid[: -len("-answer")] in answers:
            cell = copy.deepcopy(cell)
            cell["source"] = _replace_region(_source(cell), answers[gid[: -len("-answer")]])
        cells.append(cell)
        if gid in (after or {}):  # a cell of the student's own right after a check cell
            cells.append(nbformat.v4.new_code_cell((after or {})[gid]))
    nb["cells"] = cells
    return nb


def submissions() -> dict[str, dict[str, dict[str, Any]]]:
    """student → exercise id → notebook (as JSON)."""
    found: dict[str, dict[str, dict[str, Any]]] = {"correct": {}, "blank": {}, "half": {}}
    for exercise in exercises():
        found["correct"][exercise.id] = _edited(exercise, {})
        found["blank"][exercise.id] = json.loads(
            (ROOT / "exercises" / exercise.notebook).read_text(encoding="utf-8")
        )
        order = [
            _gid(c)[: -len("-answer")]
            for c in found["correct"][exercise.id]["cells"]
            if (_gid(c) or "").endswith("-answer")
        ]
        found["half"][exercise.id] = _edited(exercise, {qid: _wrong(exercise, qid) for qid in order[1::2]})
    ch08 = next(e for e in exercises() if e.id == "ch08-crs-grading")
    for name, spec in TRICKY.items():
        found[name] = {ch08.id: _edited(ch08, spec["answers"], spec.get("after"))}
    return found


Scores = dict[tuple[str, str], dict[str, float]]  # (student, exercise) → question → points


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    _nbgrader_or_skip()
    base = tmp_path_factory.mktemp("parity")
    subs = submissions()
    by_exercise = {e.id: e for e in exercises()}
    folder = base / "handed-in"
    for student, per in subs.items():
        for exercise_id, nb in per.items():
            path = folder / f"{student}--{exercise_id}" / by_exercise[exercise_id].notebook
            path.parent.mkdir(parents=True)
            path.write_text(json.dumps(nb), encoding="utf-8")
    return {"base": base, "subs": subs, "folder": folder, "exercises": by_exercise}


def _points_of_checks(executed: Any, exercise: Exercise) -> dict[str, float]:
    points = {q.id: 0.0 for q in exercise.questions}
    for cell in executed.cells:
        gid = _gid(cell)
        if gid not in points or cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            text = (
                output.get("data", {}).get("text/plain", "") if output.get("output_type") != "error" else ""
            )
            match = re.search(r"\[([\d.]+)/[\d.]+ points\]", text)
            if match:
                points[gid] = float(match.group(1))
    return points


#: Graded by the course grader and nbgrader only (see the module docstring).
COURSE_GRADER_AND_NBGRADER_ONLY = ("blank",)


#: Graded by Gradescope's zip too (see the module docstring).
ON_GRADESCOPE = ("correct", "half")


def _four_ways(work: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    return {s: per for s, per in work["subs"].items() if s not in COURSE_GRADER_AND_NBGRADER_ONLY}


@pytest.fixture(scope="module")
def notebook_checks(work: dict[str, Any]) -> Scores:
    """Each notebook run top to bottom in a kernel, as a student runs it: what its checks display."""
    from nbclient import NotebookClient

    found: Scores = {}
    for student, per in _four_ways(work).items():
        for exercise_id, nb in per.items():
            exercise = work["exercises"][exercise_id]
            node = nbformat.reads(json.dumps(nb), as_version=4)
            run_dir = work["base"] / "kernels" / f"{student}--{exercise_id}"
            run_dir.mkdir(parents=True)
            NotebookClient(
                node, timeout=300, allow_errors=True, resources={"metadata": {"path": str(run_dir)}}
            ).execute()
            found[(student, exercise_id)] = _points_of_checks(node, exercise)
    return found


@pytest.fixture(scope="module")
def course_grader_rows(work: dict[str, Any]) -> dict[tuple[str, str], list[Row]]:
    """(student, exercise) → every row the course grader wrote for that hand-in."""
    run = grade_folder(work["folder"], limits=LIMITS, jobs=2, seed="0")
    found: dict[tuple[str, str], list[Row]] = {}
    for row in run.rows:
        student, exercise_id = row.student.split("--")
        found.setdefault((student, exercise_id), []).append(row)
    return found


@pytest.fixture(scope="module")
def course_grader(course_grader_rows: dict[tuple[str, str], list[Row]]) -> Scores:
    found: Scores = {}
    for key, rows in course_grader_rows.items():
        for row in rows:
            assert row.status != "grader-error", row
            if row.question != SUBMISSION:
                found.setdefault(key, {})[row.question] = row.points
    return found


def _recipe(name: str) -> str:
    text = GUIDE.read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    chosen = [b for b in blocks if b.startswith(f"# recipe: {name}\n")]
    assert len(chosen) == 1, f"the guide has no single '# recipe: {name}' block"
    return chosen[0]


def _bash(script: str, course: Path) -> subprocess.CompletedProcess[str]:
    env = nbg.environment()
    env["COURSE"] = str(course)
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert done.returncode == 0, f"the recipe failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return done


@pytest.fixture(scope="module")
def nbgrader_run(work: dict[str, Any]) -> dict[str, Any]:
    """The guide's recipe, as written: release every exercise, then autograde and export."""
    course = work["base"] / "nbgrader-course"
    released = _bash(_recipe("release"), course)
    for student, per in work["subs"].items():
        for exercise_id, nb in per.items():
            assignment = Path(work["exercises"][exercise_id].notebook).stem
            path = work["base"] / "to-submit" / student / f"{assignment}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(nb), encoding="utf-8")
            nbg.submit(course, assignment, student, path)
    graded = _bash(_recipe("grade"), course)
    found: Scores = {}
    for exercise_id, exercise in work["exercises"].items():
        assignment = Path(exercise.notebook).stem
        students = [s for s, per in work["subs"].items() if exercise_id in per]
        for student, cells in nbg.scores(course, assignment, students).items():
            found[(student, exercise_id)] = {q.id: cells[q.id] for q in exercise.questions}
    with (course / "grades.csv").open(encoding="utf-8", newline="") as handle:
        export = list(csv.DictReader(handle))
    return {"course": course, "scores": found, "log": released.stderr + graded.stderr, "export": export}


@pytest.fixture(scope="module")
def gradescope(work: dict[str, Any]) -> dict[str, Any]:
    """Each exercise's autograder zip, run as Gradescope runs it, on each submission of that exercise."""
    found: Scores = {}
    results: dict[tuple[str, str], dict[str, Any]] = {}
    for exercise_id in work["exercises"]:
        archive = build_zip(exercise_id, work["base"] / "zips" / f"{exercise_id}.zip")
        # the assignment's image: the zip unpacked once (Gradescope builds one image per autograder and
        # starts every submission's container from it)
        image = work["base"] / "gradescope-images" / exercise_id
        with zipfile.ZipFile(archive) as opened:
            opened.extractall(image)
        (image / "run_autograder").chmod(0o755)
        for student in ON_GRADESCOPE:
            per = work["subs"][student]
            root = work["base"] / "gradescope" / f"{student}--{exercise_id}"
            source = root / "autograder" / "source"
            source.parent.mkdir(parents=True)
            source.symlink_to(image, target_is_directory=True)
            (root / "autograder" / "submission").mkdir(parents=True)
            (root / "autograder" / "results").mkdir(parents=True)
            notebook = root / "autograder" / "submission" / work["exercises"][exercise_id].notebook
            notebook.write_text(json.dumps(per[exercise_id]), encoding="utf-8")
            env = dict(
                os.environ,
                IMMUNOKIT_AUTOGRADER_ROOT=str(root / "autograder"),
                IMMUNOKIT_AUTOGRADER_PYTHON=sys.executable,
            )
            env.pop("PYTHONPATH", None)  # the zip's own toolkit, as on Gradescope
            done = subprocess.run(
                [str(source / "run_autograder")],
                cwd=root / "autograder",
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            assert done.returncode == 0, done.stderr[-3000:]
            data = json.loads((root / "autograder" / "results" / "results.json").read_text(encoding="utf-8"))
            results[(student, exercise_id)] = data
            found[(student, exercise_id)] = {t["number"]: t["score"] for t in data["tests"]}
    return {"scores": found, "results": results}


# --------------------------------------------------------------------------------------------------


def test_the_solutions_pass_nbgrader_and_no_solution_note_reaches_its_release(work, nbgrader_run):
    for exercise in work["exercises"].values():
        name = Path(exercise.notebook).stem
        release = (nbgrader_run["course"] / "release" / name / exercise.notebook).read_text(encoding="utf-8")
        solution = (ROOT / "solutions" / exercise.notebook).read_text(encoding="utf-8")
        assert "Solution note" in solution and "Solution note" not in release, name
        assert "Model answer" in solution and "Model answer" not in release, name
        assert "BEGIN SOLUTION" not in release, name
        # nothing of any solution region survives, apart from function signatures and docstrings
        nb = json.loads(solution)
        for cell in nb["cells"]:
            inside = False
            for line in _source(cell).splitlines():
                if line.strip() in (BEGIN, END, "BEGIN SOLUTION", "END SOLUTION"):
                    inside = line.strip().startswith("### BEGIN") or line.strip() == "BEGIN SOLUTION"
                    continue
                secret = line.strip()
                if inside and len(secret) >= 12 and not secret.startswith(("def ", '"""')):
                    assert secret not in release, f"{name}: {secret!r} is in nbgrader's release"


def test_nbgrader_reads_every_check_without_a_warning(nbgrader_run):
    log = nbgrader_run["log"]
    assert "cannot be converted to" not in log
    assert "future releases may treat as error" not in log
    warnings = [line for line in log.splitlines() if "| WARNING]" in line]
    assert not warnings, warnings[:5]


def test_nbgrader_export_totals_are_the_course_graders(work, nbgrader_run, course_grader):
    by_name = {Path(e.notebook).stem: e.id for e in work["exercises"].values()}
    assert nbgrader_run["export"], "nbgrader export wrote no grades"
    for line in nbgrader_run["export"]:
        key = (line["student_id"], by_name[line["assignment"]])
        if key not in course_grader:
            continue  # nbgrader lists every student under every assignment
        assert float(line["raw_score"]) == pytest.approx(sum(course_grader[key].values())), key
        assert float(line["max_score"]) == pytest.approx(work["exercises"][key[1]].points), key


def test_correct_blank_and_half_right_score_full_none_and_in_between(work, course_grader):
    for exercise in work["exercises"].values():
        full = float(exercise.points)
        assert sum(course_grader[("correct", exercise.id)].values()) == full, exercise.id
        assert sum(course_grader[("blank", exercise.id)].values()) == 0, exercise.id
        half = sum(course_grader[("half", exercise.id)].values())
        assert 0 < half < full, (exercise.id, half)


def test_every_solution_is_correct_on_every_question_and_every_exercise_not_attempted(
    work, course_grader_rows
):
    """``solutions/`` graded as handed in: every question correct, full points; ``exercises/`` (the release):
    runs top to bottom and every question is "not attempted" (not "incorrect", not an error)."""
    for exercise in work["exercises"].values():
        solved = course_grader_rows[("correct", exercise.id)]
        assert [r.question for r in solved] == [q.id for q in exercise.questions], solved
        assert all(r.status == "correct" and r.points == r.max_points for r in solved), solved
        blank = course_grader_rows[("blank", exercise.id)]
        assert [r.question for r in blank] == [q.id for q in exercise.questions], blank
        assert all(r.status == "not-attempted" for r in blank), blank


def test_tricky_answers_score_what_they_earn(course_grader):
    for name, spec in TRICKY.items():
        got = course_grader[(name, "ch08-crs-grading")]
        for qid, points in spec["expect"].items():
            assert got[qid] == points, (name, qid, got)


def test_the_notebook_the_course_grader_nbgrader_and_gradescope_agree_on_every_question(
    notebook_checks, course_grader, nbgrader_run, gradescope
):
    assert set(course_grader) == set(nbgrader_run["scores"])
    assert set(notebook_checks) == {
        key for key in course_grader if key[0] not in COURSE_GRADER_AND_NBGRADER_ONLY
    }
    assert set(gradescope["scores"]) == {key for key in course_grader if key[0] in ON_GRADESCOPE}
    disagreements = []
    for key in sorted(course_grader):
        for qid, points in course_grader[key].items():
            others = {"nbgrader": nbgrader_run["scores"][key][qid]}
            if key in notebook_checks:
                others["notebook"] = notebook_checks[key][qid]
            if key in gradescope["scores"]:
                others["gradescope"] = gradescope["scores"][key][qid]
            if any(value != points for value in others.values()):
                disagreements.append((key, qid, {"grader": points, **others}))
    assert not disagreements, disagreements


def test_gradescope_results_follow_the_specification(work, gradescope):
    for (_, exercise_id), data in gradescope["results"].items():
        exercise = work["exercises"][exercise_id]
        assert isinstance(data["score"], (int, float)) and data["visibility"] in VISIBILITIES
        assert isinstance(data["output"], str) and isinstance(data["execution_time"], int)
        assert [t["number"] for t in data["tests"]] == [q.id for q in exercise.questions]
        for test, question in zip(data["tests"], exercise.questions, strict=True):
            assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
            assert test["max_score"] == question.points and 0 <= test["score"] <= test["max_score"]
            assert test["status"] in ("passed", "failed") and test["visibility"] in VISIBILITIES
            assert question.id in test["name"] and test["output"]
        assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"]))


def test_the_gradescope_zip_has_setup_and_run_autograder_at_its_root(tmp_path):
    archive = build_zip("ch08-crs-grading", tmp_path / "ag.zip")
    with zipfile.ZipFile(archive) as opened:
        names = set(opened.namelist())
        assert {"setup.sh", "run_autograder", "requirements.txt", "autograder.json"} <= names
        assert (
            "tooling/immunokit_instructor/grader/folder.py" in names
            and "exercises/ch08_crs_grading.ipynb" in names
        )
        assert not any(n.startswith("solutions/") or "__pycache__" in n for n in names)
        mode = opened.getinfo("run_autograder").external_attr >> 16
        assert mode & 0o111, "run_autograder must be executable"
        assert opened.read("run_autograder").startswith(b"#!/")
        requirements = opened.read("requirements.txt").decode()
        assert re.search(r"^numpy==\d", requirements, re.M) and re.search(
            r"^ipython==\d", requirements, re.M | re.I
        )
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "immunokit_instructor.grader",
            "gradescope",
            "ch99-nothing",
            "--out",
            str(tmp_path / "x.zip"),
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert bad.returncode == 2 and "unknown exercise 'ch99-nothing'" in bad.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("tag", "would reach nbgrader's release"),
        ("markdown-solution", "nbgrader refuses a markdown solution cell that is not a grade cell"),
    ],
)
def test_the_generator_refuses_what_nbgrader_would_release_or_reject(tmp_path, change, message):
    from immunokit_build import generate_exercises as generate

    nb = json.loads((ROOT / "solutions" / "ch04_blinatumomab.ipynb").read_text(encoding="utf-8"))
    if change == "tag":
        nb["cells"].insert(
            5, nbformat.v4.new_markdown_cell("**Solution note.** 42", metadata={"tags": ["solution-only"]})
        )
    else:
        reflection = next(c for c in nb["cells"] if _gid(c) == "reflection")
        reflection["metadata"]["nbgrader"]["grade"] = False
    (tmp_path / "solutions").mkdir()
    path = tmp_path / "solutions" / "ch04_blinatumomab.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(generate.GenerationError, match=message):
        generate.generate_notebook(path)
