"""Exercises, student side: the catalogue of questions, checks that teach, hints, the generator.

In an exercise notebook::

    from immunokit.exercises import check, hint
    hint("pk-01")              # shows one more rung of the hint ladder per call
    check("pk-01", css_pg_ml)  # a Verdict: correct / incorrect (with a targeted message) /
                               # not-attempted / wrong-type — never a traceback

Modules: :mod:`.catalog` (exercises and questions, with their points and checkers), :mod:`.checks`
(the checkers), :mod:`.mistakes` (detectors of common numerical slips), :mod:`.verdict` (what a check
returns), :mod:`.answers` (the one format in which answers leave the grader's sandbox),
:mod:`.student` (what runs in the student's kernel), :mod:`.generate` (``exercises/`` from
``solutions/``). The instructor's grader is :mod:`immunokit.grader`.

Commands::

    python -m immunokit.exercises.generate [--check]      # exercises/ from solutions/
    python -m immunokit.grader SUBMISSIONS --out grades.csv
    python -m immunokit.exercises.course_map [--check]    # the instructor guide's course map

Public API
----------
:func:`check`, :func:`hint`, :func:`next_hint`, :func:`reset_hints`, :class:`Verdict`, :class:`Status`,
:func:`exercises`, :func:`find_exercise`, :func:`find_question`, :class:`Exercise`, :class:`Question`
"""

from .catalog import Exercise, Question, exercises, find_exercise, find_question
from .student import check, hint, next_hint, reset_hints
from .verdict import Status, Verdict

__all__ = [
    "Exercise",
    "Question",
    "Status",
    "Verdict",
    "check",
    "exercises",
    "find_exercise",
    "find_question",
    "hint",
    "next_hint",
    "reset_hints",
]
