"""Finding submissions, reading them without running anything, and deciding which exercise each one is.

Layout: ``SUBMISSIONS/<student>/<anything>.ipynb`` (one folder per student, as nbgrader and most LMS
exports lay it out) or ``SUBMISSIONS/<student>.ipynb``. ``.ipynb_checkpoints`` folders are skipped.

**Which exercise a notebook is** is decided from its cells: the locked cells of every released
exercise notebook (prompts, set-up, check cells) are compared with the submission's cells, by nbgrader
``grade_id`` and by exact source; the exercise with the most matches wins. The notebook's metadata and
file name are used only when no cell matches. A notebook whose cells are another exercise's is reported
as ``wrong-exercise``, whatever its metadata or file name say.

**Duplicates.** When one student hands in several notebooks of the same exercise (two files in their
folder, or a flat ``alice.ipynb`` beside a folder ``alice/``), exactly one is graded, chosen by these
rules in turn: the one with more answer cells attempted (changed from the released notebook); the one
inside the student's folder rather than a flat file; the one named as released
(``ch04_blinatumomab.ipynb``); the first in path order. The others get a ``duplicate`` row naming the
one that counted — never a zero for the one that counted.

**Reading a file.** The grader opens a submission itself only to check what it is
(:func:`open_submission`: ``O_NOFOLLOW | O_NONBLOCK``, a regular file with one link, not larger than
:data:`MAX_NOTEBOOK_BYTES`); its bytes are then decoded and checked in a sandbox (:mod:`.reader`),
which returns the cells as plain strings. What the grader keeps of a read notebook waits on disk in
the run's private folder (:class:`Store`), not in memory, until it is graded.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from immunokit.exercises.catalog import Exercise, exercises, find_exercise
from immunokit_build import ROOT
from immunokit_instructor.grader.gradebook import lms_student
from immunokit_instructor.grader.names import shown

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
                # an LMS bulk download's names (Canvas, Moodle, Blackboard) map to the one student
                found.append((lms_student(rel.parts[0] if len(rel.parts) > 1 else name)[0], path))
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
    exercise = find_exercise(exercise_id)
    if exercise is None:
        raise KeyError(exercise_id)
    path = ROOT / "exercises" / exercise.notebook
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
    """One notebook, read and identified (nothing run yet).

    ``notebook`` is ``{"cells": [...]}`` with the plain cells the sandboxed reader returned (type,
    source, ``metadata.nbgrader.grade_id``, the bootstrap tag); between reading and grading it is kept
    on disk by a :class:`Store` (``stored``), not in memory.
    """

    student: str
    path: Path
    notebook: dict[str, Any] | None = None
    exercise: Exercise | None = None
    problem: Unusable | None = None
    #: Answer cells changed from the released notebook (which of a student's duplicates counts).
    attempted: int = 0
    #: Whether the notebook lies inside the student's own folder (not a flat ``student.ipynb``).
    in_folder: bool = True
    stored: Path | None = None
    #: The path as shown to people: relative to the submissions folder, control characters escaped.
    label: str = ""
    seconds: float = 0.0

    def load(self) -> None:
        """Bring the stored cells back into memory (just before grading)."""
        if self.notebook is None and self.stored is not None:
            self.notebook = {"cells": json.loads(self.stored.read_text(encoding="utf-8"))}

    def unload(self) -> None:
        """Drop the cells from memory, and their file."""
        self.notebook = None
        if self.stored is not None:
            self.stored.unlink(missing_ok=True)
            self.stored = None


class Store:
    """A private folder (mode 700) where the cells of read notebooks wait to be graded."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="immunokit-grader-cells-")
        self.path = Path(self._dir.name)
        self._count = 0

    def put(self, sub: Submission) -> None:
        if sub.notebook is None:
            return
        self._count += 1
        target = self.path / f"{self._count}.json"
        target.write_text(json.dumps(sub.notebook["cells"]), encoding="utf-8")
        sub.stored, sub.notebook = target, None

    def close(self) -> None:
        self._dir.cleanup()


def open_submission(path: Path, label: str) -> int:
    """A read-only file descriptor of ``path``, checked before one byte is read; raises :class:`Unusable`.

    Opened with ``O_NOFOLLOW | O_NONBLOCK`` (a symbolic link is refused, a FIFO does not block); it must
    be a regular file (not a FIFO, device or socket), with exactly one link (a hard link to a file
    elsewhere, such as the instructor's solution, is refused), and at most :data:`MAX_NOTEBOOK_BYTES`.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if path.is_symlink():
            raise Unusable(
                "symlink",
                f"{label} is a symbolic link, not a file handed in; it was not followed",
            ) from None
        raise Unusable(
            "not-a-file", f"{label} cannot be opened as a file ({err.strerror}); it was not read"
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = (
                "a FIFO"
                if stat.S_ISFIFO(info.st_mode)
                else "a device"
                if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                else "a socket"
                if stat.S_ISSOCK(info.st_mode)
                else "not a regular file"
            )
            raise Unusable("not-a-file", f"{label} is {kind}, not a notebook file; it was not read")
        if info.st_nlink != 1:
            raise Unusable(
                "hard-link",
                f"{label} has {info.st_nlink} hard links (a file also stored elsewhere, e.g. extracted from "
                "an archive that links it to another file); it was not read — ask for the file itself",
            )
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise Unusable(
                "too-large", f"{label} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB; it was not read"
            )
        if info.st_size == 0:
            raise Unusable("empty-file", f"{label} is empty (0 bytes)")
        os.set_blocking(fd, True)
        return fd
    except BaseException:
        os.close(fd)
        raise


def read(
    student: str,
    path: Path,
    expected: str | None,
    sandbox: Any = None,
    limits: Any = None,
    root: Path | None = None,
) -> Submission:
    """Open ``path`` safely, read it in a sandbox and decide its exercise; a problem is recorded, never raised."""
    expected_ex = find_exercise(expected) if expected else None
    by_name = find_exercise(path.stem)
    rel = path.relative_to(root) if root is not None and path.is_relative_to(root) else Path(path.name)
    sub = Submission(student, path, in_folder=len(rel.parts) > 1, label=shown(str(rel)))
    try:
        cells, declared_id = _read_sandboxed(path, sub.label, sandbox, limits)
        sub.notebook, sub.exercise = _identify(cells, declared_id, sub.label, expected_ex or by_name)
        sub.attempted = attempted(sub.notebook["cells"], sub.exercise)
    except Unusable as problem:
        sub.problem = problem
        sub.exercise = problem.exercise or expected_ex or by_name
    return sub


def _read_sandboxed(
    path: Path, label: str, sandbox: Any, limits: Any
) -> tuple[list[dict[str, Any]], str | None]:
    from immunokit_build.bootstrap import TAG as BOOTSTRAP_TAG
    from immunokit_instructor.grader.sandbox import Limits, Sandbox, limits_for_child

    sandbox = sandbox if sandbox is not None else Sandbox()
    limits = limits if limits is not None else Limits()
    fd = open_submission(path, label)
    try:
        job = {
            "max_bytes": MAX_NOTEBOOK_BYTES,
            "bootstrap_tag": BOOTSTRAP_TAG,
            "rlimits": limits_for_child(limits, limits.read_timeout_s, limits.read_memory_mb),
        }
        run = sandbox.run(
            "immunokit_instructor.grader.reader",
            job,
            limits.read_timeout_s,
            scratch_mb=1,
            max_output_bytes=3 * MAX_NOTEBOOK_BYTES,
            processes=8,
            memory_mb=limits.read_memory_mb,
            payload=fd,
            payload_cap=MAX_NOTEBOOK_BYTES + 1,
        )
    finally:
        os.close(fd)
    lines = run.output.splitlines()
    try:
        head = json.loads(lines[0]) if lines else None
    except ValueError:
        head = None
    if not isinstance(head, dict):
        why = (
            f"took longer than {limits.read_timeout_s:g} s"
            if run.timed_out
            else f"exhausted the reader's {limits.read_memory_mb} MB"
            if run.oom_killed or run.signal == 9
            else "stopped the reader"
        )
        raise Unusable("unreadable", f"{label} could not be read: decoding it {why}")
    if "problem" in head:
        status, detail = str(head.get("problem"))[:40], str(head.get("detail", ""))[:300]
        message = {
            "empty-file": f"{label} is empty ({detail})",
            "invalid-json": f"{label} is not valid JSON ({detail}); ask for the .ipynb file again",
            "invalid-notebook": f"{label} is JSON but not a valid notebook: {detail}",
            "too-large": f"{label} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB; it was not read",
        }.get(status, f"{label}: {detail}")
        raise Unusable(
            status
            if status in ("empty-file", "invalid-json", "invalid-notebook", "too-large")
            else "unreadable",
            message,
        )
    count = head.get("cells")
    cells: list[dict[str, Any]] = []
    for line in lines[1:]:
        try:
            item = json.loads(line)
        except ValueError:
            break
        if not isinstance(item, dict) or "end" in item:
            break
        source, kind, gid = item.get("source"), item.get("cell_type"), item.get("grade_id")
        if not isinstance(source, str) or not isinstance(kind, str):
            break
        cell: dict[str, Any] = {"cell_type": kind, "source": source, "metadata": {}}
        if isinstance(gid, str):
            cell["metadata"]["nbgrader"] = {"grade_id": gid}
        if item.get("bootstrap") is True:
            from immunokit_build.bootstrap import TAG

            cell["metadata"]["tags"] = [TAG]
        cells.append(cell)
    if not isinstance(count, int) or len(cells) != count:
        raise Unusable("unreadable", f"{label} could not be read whole (its reader stopped early)")
    declared = head.get("declared")
    return cells, declared if isinstance(declared, str) else None


def _identify(
    cells: list[dict[str, Any]], declared_id: str | None, label: str, expected: Exercise | None
) -> tuple[dict[str, Any], Exercise]:
    by_cells, _ = identify(cells)
    declared = find_exercise(declared_id) if declared_id else None
    actual = by_cells or declared or expected
    if actual is None:
        raise Unusable(
            "unknown-exercise",
            f"{label}: none of its cells is a cell of a released exercise, and neither --exercise, its "
            "file name nor its metadata names one",
        )
    if expected is not None and actual.id != expected.id:
        how = "its cells are" if by_cells else "its metadata says it is"
        raise Unusable(
            "wrong-exercise",
            f"{label} is the notebook of {actual.id} ({how}), not {expected.id}; nothing of it was graded",
            expected,
        )
    return {"cells": cells}, actual


def attempted(cells: list[dict[str, Any]], exercise: Exercise) -> int:
    """How many of the exercise's answer cells the notebook has changed from the released notebook."""
    known = {grade_id(c): cell_source(c).strip() for c in released(exercise.id).cells if grade_id(c)}
    count = 0
    for cell in cells:
        gid = grade_id(cell)
        if gid and gid.endswith("-answer") and gid in known:
            source = cell_source(cell).strip()
            if source and source != known[gid]:
                count += 1
    return count


def choose(subs: list[Submission]) -> list[Submission]:
    """Mark duplicates: per (student, exercise) one submission counts (see the module docstring)."""
    groups: dict[tuple[str, str], list[Submission]] = {}
    for sub in subs:
        if sub.problem is None and sub.exercise is not None:
            groups.setdefault((sub.student, sub.exercise.id), []).append(sub)
    for (_, _), group in groups.items():
        if len(group) < 2:
            continue
        notebook = group[0].exercise.notebook  # type: ignore[union-attr]
        counted = min(
            group,
            key=lambda s: (-s.attempted, not s.in_folder, s.path.name != notebook, str(s.path)),
        )
        for other in group:
            if other is counted:
                continue
            other.problem = Unusable(
                "duplicate",
                f"{other.label or other.path.name} was not graded: {counted.label or counted.path.name} counts "
                f"for this exercise ({counted.attempted} answer cells attempted, this one {other.attempted}; "
                "rule: more answers attempted, then a notebook in the student's folder, then the name as "
                "released, then path order)",
            )
            other.unload()
    return subs
