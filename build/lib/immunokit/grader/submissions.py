"""Finding submissions, reading them without running anything, and deciding which exercise each one is.

Layout: ``SUBMISSIONS/<student>/<anything>.ipynb`` (one folder per student, as nbgrader and most LMS
exports lay it out) or ``SUBMISSIONS/<student>.ipynb``. ``.ipynb_checkpoints`` folders are skipped.

**Which exercise a notebook is** is decided from its cells: the locked cells of every released
exercise notebook (prompts, set-up, check cells) are compared with the submission's cells, by nbgrader
``grade_id`` and by exact source; the exercise with the most matches wins. The notebook's metadata and
file name are used only when no cell matches. A notebook whose cells are another exercise's is reported
as ``wrong-exercise``, whatever its metadata or file name say.

**Duplicates.** When one student's folder holds several notebooks of the same exercise, exactly one is
graded: the one whose file name is the released notebook's name (``ch04_blinatumomab.ipynb``); if none
or several are, the first in path order. The others get a ``duplicate`` row naming the one that counted.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..exercises.catalog import Exercise, exercises, find_exercise

#: A notebook larger than this is not read (``too-large``).
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


def find_submissions(folder: Path) -> list[tuple[str, Path]]:
    """``(student, path)`` for every ``.ipynb`` under ``folder``, sorted by path.

    Checkpoint folders are skipped; symbolic links are listed but never followed (see :func:`read`),
    and linked folders are not entered.
    """
    found = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if d != ".ipynb_checkpoints"]
        for name in files:
            if name.endswith(".ipynb"):
                path = Path(top) / name
                rel = path.relative_to(folder)
                found.append((rel.parts[0] if len(rel.parts) > 1 else path.stem, path))
    return sorted(found, key=lambda item: str(item[1]))


def cell_source(cell: dict[str, Any]) -> str:
    """A cell's source as one string."""
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def grade_id(cell: dict[str, Any]) -> str | None:
    """The nbgrader ``grade_id`` of a cell, or None."""
    meta = cell.get("metadata", {})
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    value = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    return value if isinstance(value, str) else None


def _nbgrader(cell: dict[str, Any]) -> dict[str, Any]:
    meta = cell.get("metadata", {})
    value = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Released:
    """What the grader knows of a released exercise notebook."""

    exercise: Exercise
    cells: tuple[dict[str, Any], ...]

    @property
    def grade_ids(self) -> list[str]:
        return [g for g in (grade_id(c) for c in self.cells) if g]

    @property
    def locked_sources(self) -> set[str]:
        """Sources of the locked cells (prompts, set-up, figures, checks)."""
        return {
            cell_source(c).strip()
            for c in self.cells
            if _nbgrader(c).get("locked") and cell_source(c).strip()
        }

    @property
    def check_sources(self) -> set[str]:
        """Sources of the check cells (``grade: true``): the grader never runs them."""
        return {
            cell_source(c).strip()
            for c in self.cells
            if _nbgrader(c).get("grade") and c.get("cell_type") == "code"
        }

    @property
    def trusted_sources(self) -> set[str]:
        """Locked code cells other than checks (set-up, figures): they get the notebook's time limit."""
        return {
            cell_source(c).strip()
            for c in self.cells
            if c.get("cell_type") == "code" and _nbgrader(c).get("locked") and not _nbgrader(c).get("grade")
        }


@cache
def released(exercise_id: str) -> Released:
    """The released notebook of an exercise, read from ``exercises/`` beside the toolkit."""
    from ..exercises.generate import repo_root

    exercise = find_exercise(exercise_id)
    if exercise is None:
        raise KeyError(exercise_id)
    path = repo_root() / "exercises" / exercise.notebook
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, json.JSONDecodeError, AttributeError):
        cells = []
    return Released(exercise, tuple(c for c in cells if isinstance(c, dict)))


def identify(cells: list[dict[str, Any]]) -> tuple[Exercise | None, int]:
    """The exercise whose released locked cells the submission's cells match best, and how many match."""
    ids = {grade_id(c) for c in cells} - {None}
    sources = {cell_source(c).strip() for c in cells}
    best: tuple[Exercise | None, int] = (None, 0)
    for exercise in exercises():
        known = released(exercise.id)
        score = len(ids & set(known.grade_ids)) + len(sources & known.locked_sources)
        if score > best[1]:
            best = (exercise, score)
    return best


class Unusable(Exception):
    """A submission that cannot be graded at all: ``status`` and a message naming the file."""

    def __init__(self, status: str, message: str, exercise: Exercise | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.exercise = exercise


@dataclass
class Submission:
    """One notebook, read and identified (nothing run yet)."""

    student: str
    path: Path
    notebook: dict[str, Any] | None = None
    exercise: Exercise | None = None
    problem: Unusable | None = None


def read(student: str, path: Path, expected: str | None) -> Submission:
    """Read and validate ``path`` and decide its exercise; a problem is recorded, never raised."""
    expected_ex = find_exercise(expected) if expected else None
    by_name = find_exercise(path.stem)
    sub = Submission(student, path)
    try:
        sub.notebook, sub.exercise = _read(path, expected_ex or by_name)
    except Unusable as problem:
        sub.problem = problem
        sub.exercise = problem.exercise or expected_ex or by_name
    return sub


def _read(path: Path, expected: Exercise | None) -> tuple[dict[str, Any], Exercise]:
    import nbformat

    if path.is_symlink():
        raise Unusable(
            "symlink",
            f"{path.name} is a symbolic link (to {os.readlink(path)}), not a file handed in; it was not followed",
            expected,
        )
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise Unusable(
                "too-large",
                f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB; it was not read",
                expected,
            )
        raw = path.read_bytes()
    except OSError as err:
        raise Unusable("invalid-notebook", f"{path.name}: cannot be read ({err})", expected) from None
    if not raw.strip():
        raise Unusable("empty-file", f"{path.name} is empty ({len(raw)} bytes)", expected)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise Unusable(
            "invalid-json", f"{path.name} is not valid JSON ({err}); ask for the .ipynb file again", expected
        ) from None
    try:
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            raise ValueError("no 'cells' list")
        nbformat.validate(nbformat.from_dict(data))
    except Exception as err:  # nbformat raises several kinds
        message = getattr(err, "message", None) or str(err)
        raise Unusable(
            "invalid-notebook",
            f"{path.name} is JSON but not a valid notebook: {str(message)[:300]}",
            expected,
        ) from None
    cells = [c for c in data["cells"] if isinstance(c, dict)]
    by_cells, _ = identify(cells)
    meta = data.get("metadata", {}).get("immunokit", {})
    declared = (
        find_exercise(meta.get("exercise", ""))
        if isinstance(meta, dict) and isinstance(meta.get("exercise"), str)
        else None
    )
    actual = by_cells or declared or expected
    if actual is None:
        raise Unusable(
            "unknown-exercise",
            f"{path.name}: none of its cells is a cell of a released exercise, and neither --exercise, its "
            "file name nor its metadata names one",
        )
    if expected is not None and actual.id != expected.id:
        how = "its cells are" if by_cells else "its metadata says it is"
        raise Unusable(
            "wrong-exercise",
            f"{path.name} is the notebook of {actual.id} ({how}), not {expected.id}; nothing of it was graded",
            expected,
        )
    return data, actual


def choose(subs: list[Submission]) -> list[Submission]:
    """Mark duplicates: per (student, exercise) one submission counts (see the module docstring)."""
    groups: dict[tuple[str, str], list[Submission]] = {}
    for sub in subs:
        if sub.problem is None and sub.exercise is not None:
            groups.setdefault((sub.student, sub.exercise.id), []).append(sub)
    for (_, _), group in groups.items():
        if len(group) < 2:
            continue
        named = [s for s in group if s.path.name == group[0].exercise.notebook]  # type: ignore[union-attr]
        counted = named[0] if len(named) == 1 else group[0]
        others = [s for s in group if s is not counted]
        for other in others:
            other.problem = Unusable(
                "duplicate",
                f"{other.path.name} was not graded: {counted.path.name} counts for this exercise (rule: the "
                "notebook named as released, else the first in path order)",
            )
    return subs
