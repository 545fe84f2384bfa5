"""nbgrader, as released, on the course's notebooks: a course folder from ``solutions/``, its commands, its scores.

The solution notebooks are nbgrader *source* notebooks as they stand (see the instructor guide's
nbgrader page, ``book/instructors/nbgrader.md``, whose commands the tests run): every answer cell is a
solution cell whose ``### BEGIN SOLUTION`` region holds the answer and its solution note; each check is
a locked, autograded test cell with the question's points; the reflection is a manually graded answer
worth 0 points. Under nbgrader (``NBGRADER_EXECUTION``) a check raises on an answer that is not correct
and displays the points of a correct one as a number, which nbgrader reads as the cell's score.

This module only prepares folders and reads nbgrader's gradebook; the grading is nbgrader's own
(``nbgrader generate_assignment``, ``nbgrader autograde``, ``nbgrader export``), run as commands.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

#: Environment variable naming the ``nbgrader`` program to use (default: the one beside this Python).
NBGRADER_ENV = "IMMUNOKIT_NBGRADER"

CONFIG = '''"""nbgrader configuration of the course (written by immunokit.grader.nbgrader)."""

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "immunokit"
# A check cell of chapter 8 runs its function on 64 cases; a notebook's model cells take a few seconds.
c.ExecutePreprocessor.timeout = 120
'''


def find_nbgrader() -> str | None:
    """The ``nbgrader`` program: ``$IMMUNOKIT_NBGRADER``, else beside this Python, else on ``PATH``."""
    named = os.environ.get(NBGRADER_ENV)
    if named:
        return named if Path(named).is_file() else None
    beside = Path(sys.executable).parent / "nbgrader"
    if beside.is_file():
        return str(beside)
    return shutil.which("nbgrader")


def assignment_name(notebook: Path) -> str:
    """The nbgrader assignment of an exercise notebook: its file name without ``.ipynb``."""
    return notebook.stem


def prepare_course(course: Path, solutions: Iterable[Path]) -> list[str]:
    """Make ``course`` an nbgrader course folder with each solution notebook as an assignment's source.

    ``source/<name>/<name>.ipynb`` per notebook, and ``nbgrader_config.py`` when there is none. Returns
    the assignment names.
    """
    course.mkdir(parents=True, exist_ok=True)
    config = course / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG, encoding="utf-8")
    names = []
    for notebook in solutions:
        name = assignment_name(notebook)
        folder = course / "source" / name
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(notebook, folder / notebook.name)
        names.append(name)
    return names


def environment() -> dict[str, str]:
    """The environment for nbgrader: this Python's programs first on ``PATH`` (nbgrader calls ``alembic``)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(course: Path, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    """``nbgrader ARGS`` in ``course``; raises :class:`RuntimeError` naming the command when it fails."""
    program = find_nbgrader()
    if program is None:
        raise RuntimeError(f"nbgrader is not installed (pip install nbgrader, or set ${NBGRADER_ENV})")
    done = subprocess.run(
        [program, *args],
        cwd=course,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done


def submit(course: Path, assignment: str, student: str, notebook: Path) -> Path:
    """Put ``notebook`` where ``nbgrader autograde`` looks for ``student``'s submission."""
    target = course / "submitted" / student / assignment / f"{assignment}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(notebook, target)
    return target


def scores(course: Path, assignment: str, students: Sequence[str]) -> dict[str, dict[str, float]]:
    """Points per autograded test cell (by ``grade_id``) of each student's autograded submission.

    Read from nbgrader's own gradebook (``gradebook.db``); a manually graded cell not yet graded counts 0.
    """
    from nbgrader.api import Gradebook  # type: ignore[import-untyped]

    found: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in students:
            submission = gradebook.find_submission(assignment, student)
            cells: dict[str, float] = {}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    cells[grade.name] = float(grade.score or 0.0)
            found[student] = cells
    return found
