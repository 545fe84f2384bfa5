"""What the grader runs *inside* a submission's kernel, after the student's cells.

The grader appends one cell of its own that deletes every ``immunokit`` module from ``sys.modules``,
imports this module afresh and calls :func:`collect`. So a student who redefines ``check``, or
monkeypatches the toolkit, gains nothing: the verdicts come from freshly imported checks applied to
the student's variables. :func:`grading_cell` writes that cell.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .catalog import find_exercise
from .checks import run_check

MISSING = "missing"


def collect(exercise_id: str, namespace: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The verdict of every question of ``exercise_id``, reading answers from ``namespace``.

    A question whose variable does not exist gets status ``missing`` (its answer cell was probably
    deleted or never run).
    """
    exercise = find_exercise(exercise_id)
    if exercise is None:
        return []
    rows: list[dict[str, Any]] = []
    for question in exercise.questions:
        if question.variable not in namespace:
            rows.append(
                {
                    "question": question.id,
                    "status": MISSING,
                    "message": f"No variable `{question.variable}` was defined: the answer cell was deleted, "
                    "renamed, or stopped by an error before it.",
                    "points": 0.0,
                    "max_points": question.points,
                }
            )
            continue
        rows.append(run_check(question.id, namespace[question.variable]).to_dict())
    return rows


def grading_cell(exercise_id: str, marker: str) -> str:
    """Source of the cell the grader appends: fresh import, collect, print one marked JSON line."""
    return (
        "def _immunokit_grade():\n"
        "    import importlib, json, sys\n"
        "    for name in [m for m in list(sys.modules) if m == 'immunokit' or m.startswith('immunokit.')]:\n"
        "        del sys.modules[name]\n"
        "    grading = importlib.import_module('immunokit.exercises.grading')\n"
        f"    rows = grading.collect({exercise_id!r}, globals())\n"
        f"    sys.__stdout__.flush()\n"
        f"    sys.stdout.write({marker!r} + json.dumps(rows) + '\\n')\n"
        "    sys.stdout.flush()\n"
        "_immunokit_grade()\n"
    )


def parse_marked(text: str, marker: str) -> list[dict[str, Any]] | str:
    """The rows printed after ``marker`` in ``text``, or a string saying what went wrong."""
    lines = [line for line in text.splitlines() if line.startswith(marker)]
    if not lines:
        return "the grading cell printed no results"
    if len(lines) > 1:
        return f"the grading cell's output contains {len(lines)} result lines instead of one (tampering?)"
    try:
        rows = json.loads(lines[0][len(marker) :])
    except json.JSONDecodeError as err:
        return f"the grading cell's results are not valid JSON ({err})"
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return "the grading cell's results have the wrong shape"
    return rows
