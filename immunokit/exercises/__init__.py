"""Exercises: checks that teach, hint ladders, the generator of student notebooks, and the grader.

In an exercise notebook::

    from immunokit.exercises import check, hint
    hint("pk-01")              # one more rung of the hint ladder per call
    check("pk-01", css_pg_ml)  # a Verdict: correct / incorrect (with a targeted message) /
                               # not-attempted / wrong-type — never a traceback

Commands (see each module's docstring)::

    python -m immunokit.exercises.generate [--check]      # exercises/ from solutions/
    python -m immunokit.exercises.grade SUBMISSIONS --out grades.csv
    python -m immunokit.exercises.course_map [--check]    # the instructor guide's course map

Public API
----------
:func:`check`, :func:`hint`, :func:`reset_hints`, :class:`Verdict`, :class:`Status`,
:func:`exercises`, :func:`find_exercise`, :func:`find_question`, :class:`Exercise`, :class:`Question`
"""

from .catalog import Exercise, Question, exercises, find_exercise, find_question
from .checks import check, hint, reset_hints
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
    "reset_hints",
]
