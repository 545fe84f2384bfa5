"""nbgrader, as released, on the course's notebooks: a course folder from ``solutions/``, its commands, its scores.

The solution notebooks are nbgrader *source* notebooks as they stand (see the instructor guide's
nbgrader page, ``book/instructors/nbgrader.md``, whose commands the tests run): every answer cell is a
solution cell whose ``### BEGIN SOLUTION`` region holds the answer and its solution note; each check is
a locked, autograded test cell with the question's points; the reflection is a manually graded answer
worth 0 points. Under nbgrader (``NBGRADER_EXECUTION``) a check raises on an answer that is not correct
and displays the points of a correct one as a number, which nbgrader reads as the cell's score.

This module only finds nbgrader, places submissions and reads nbgrader's gradebook; the release and the
grading are nbgrader's own commands, as the guide's recipe gives them (``nbgrader generate_assignment``,
``nbgrader autograde``, ``nbgrader export``).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

#: Environment variable naming the ``nbgrader`` program to use (default: the one beside this Python).
NBGRADER_ENV = "IMMUNOKIT_NBGRADER"


def find_nbgrader() -> str | None:
    """The ``nbgrader`` program: ``$IMMUNOKIT_NBGRADER``, else beside this Python, else on ``PATH``."""
    named = os.environ.get(NBGRADER_ENV)
    if named:
        return named if Path(named).is_file() else None
    beside = Path(sys.executable).parent / "nbgrader"
    if beside.is_file():
        return str(beside)
    return shutil.which("nbgrader")


def environment() -> dict[str, str]:
    """The environment for nbgrader: this Python's programs first on ``PATH`` (nbgrader calls ``alembic``)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


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
