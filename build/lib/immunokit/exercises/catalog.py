"""The catalogue of exercises: ids, objectives, time, points and the check of every question.

An :class:`Exercise` is one notebook in ``solutions/`` (and its generated twin in ``exercises/``); its
questions are :class:`Question` objects with a stable id (``occ-01``), the variable the student's
answer is stored in, the points, the checker and a hint ladder. Each exercise is defined in its own
module under :mod:`immunokit.exercises.questions`; :data:`MODULES` lists them in course order.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .checks import Checker, is_unattempted
from .verdict import Status, Verdict

#: Exercise modules in course order (one per exercise notebook).
MODULES: tuple[str, ...] = (
    "ch03_occupancy",
    "ch04_blinatumomab",
    "ch05_cart",
    "ch06_checkpoint",
    "ch07_kaplan_meier",
    "ch08_crs_grading",
    "ch09_schedules",
)

_QUESTION_ID = re.compile(r"^[a-z]+-\d{2}$")
_EXERCISE_ID = re.compile(r"^ch\d{2}-[a-z0-9-]+$")
_OBJECTIVE_ID = re.compile(r"^ch\d{2}-o\d+$")


@dataclass(frozen=True)
class Question:
    """One checked question of an exercise.

    Parameters
    ----------
    id
        Stable id, ``<prefix>-NN`` (e.g. ``pk-01``); never a content hash.
    variable
        Name of the variable that holds the student's answer in the notebook.
    points
        Points the question is worth.
    checker
        How the answer is judged.
    objective
        The chapter objective id it tests (``ch04-o2``).
    title
        A few words saying what the question asks (for the course map and the grade report).
    hints
        The hint ladder, gentlest first; the last rung stops short of the answer.
    """

    id: str
    variable: str
    points: float
    checker: Checker
    objective: str
    title: str
    hints: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _QUESTION_ID.match(self.id):
            raise ValueError(f"question id {self.id!r} must look like 'pk-01'")
        if not self.variable.isidentifier():
            raise ValueError(f"question {self.id}: variable {self.variable!r} is not a Python name")
        if not _OBJECTIVE_ID.match(self.objective):
            raise ValueError(f"question {self.id}: objective {self.objective!r} must look like 'ch04-o2'")
        if self.points <= 0:
            raise ValueError(f"question {self.id}: points must be positive, got {self.points}")

    def judge(self, answer: Any) -> Verdict:
        """The verdict on ``answer``; never raises. Points come from this question only, at most :attr:`points`."""
        if is_unattempted(answer):
            return Verdict(
                self.id,
                Status.NOT_ATTEMPTED,
                f"Not attempted yet: replace the `...` with {self.checker.expects()}.",
                0.0,
                self.points,
            )
        try:
            status, message, fraction = self.checker.evaluate(answer)
        except Exception as err:  # a checker must never show a student a traceback
            status, message, fraction = (
                Status.INCORRECT,
                f"The check could not evaluate this answer ({type(err).__name__}: {err}). "
                f"Expected {self.checker.expects()}.",
                0.0,
            )
        return self.verdict(status, message, fraction)

    def verdict(self, status: Status, message: str, fraction: float) -> Verdict:
        """A verdict for this question: points only when correct, never above :attr:`points`."""
        points = round(self.points * max(0.0, min(1.0, fraction)), 2) if status is Status.CORRECT else 0.0
        return Verdict(self.id, status, message, points, self.points)


@dataclass(frozen=True)
class Exercise:
    """One exercise notebook.

    Parameters
    ----------
    id
        Stable id ``chNN-<slug>`` (e.g. ``ch04-blinatumomab``), stored in the notebook's metadata.
    notebook
        File name in ``solutions/`` and ``exercises/`` (e.g. ``ch04_blinatumomab.ipynb``).
    title
        Title shown in the notebook and the course map.
    minutes
        Estimated time for a student, in minutes.
    questions
        The checked questions, in notebook order.
    """

    id: str
    notebook: str
    title: str
    minutes: int
    questions: tuple[Question, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not _EXERCISE_ID.match(self.id):
            raise ValueError(f"exercise id {self.id!r} must look like 'ch04-blinatumomab'")
        if not 3 <= len(self.questions) <= 6:
            raise ValueError(f"exercise {self.id} has {len(self.questions)} questions; 3–6 expected")

    @property
    def chapter(self) -> str:
        """The chapter id, ``chNN``."""
        return self.id[:4]

    @property
    def points(self) -> float:
        """Total points."""
        return sum(q.points for q in self.questions)

    @property
    def objectives(self) -> tuple[str, ...]:
        """The objective ids the questions test, in first-appearance order."""
        return tuple(dict.fromkeys(q.objective for q in self.questions))

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        return next((q for q in self.questions if q.id == question_id), None)


@cache
def exercises() -> tuple[Exercise, ...]:
    """Every exercise, in course order (ids and question ids checked unique)."""
    found: list[Exercise] = []
    for name in MODULES:
        module = importlib.import_module(f"{__package__}.questions.{name}")
        found.append(module.EXERCISE)
    seen: dict[str, str] = {}
    for exercise in found:
        for q in exercise.questions:
            if q.id in seen:
                raise ValueError(f"question id {q.id!r} is used by both {seen[q.id]} and {exercise.id}")
            seen[q.id] = exercise.id
    ids = [e.id for e in found]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate exercise ids in {ids}")
    return tuple(found)


def find_exercise(exercise_id: str) -> Exercise | None:
    """The exercise with this id (or notebook file name), or None."""
    for exercise in exercises():
        if exercise_id in (exercise.id, exercise.notebook, exercise.notebook.removesuffix(".ipynb")):
            return exercise
    return None


def find_question(question_id: str) -> Question | None:
    """The question with this id in any exercise, or None."""
    for exercise in exercises():
        found = exercise.question(question_id)
        if found is not None:
            return found
    return None


def question_ids() -> list[str]:
    """Every question id, in course order."""
    return [q.id for e in exercises() for q in e.questions]
