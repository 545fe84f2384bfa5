"""Gradebook-ready output: every hand-in listed, LMS download names, per-student totals, Canvas and Moodle CSVs.

**Every hand-in.** :func:`handins` lists every file under the submissions folder (hidden files,
checkpoints and Blackboard's submission receipts aside), notebooks or not: a ``.html`` or ``.pdf``
handed in instead of the notebook gets a ``not-a-notebook`` row instead of silence.

**LMS bulk-download names** (:func:`lms_student`) map to one student, whatever the LMS added:

* Canvas: ``smithjane_12345_678901_ch08_crs_grading.ipynb`` and ``smithjane_LATE_12345_678902_ch08_crs_grading-1.ipynb``
  (login-derived name, ``LATE``, the Canvas user id, the submission id, the file's own name) → ``smithjane``
  with Canvas id ``12345``;
* Moodle: ``Jane Smith_1234567_assignsubmission_file_`` (a folder) or ``Jane Smith_1234567_assignsubmission_file_ch08.ipynb``
  → ``Jane Smith`` (Moodle's participant id ``1234567``);
* Blackboard: ``Exercise 8_jsmith_attempt_2026-03-02-10-15-00_ch08_crs_grading.ipynb`` → ``jsmith``.

**Totals** (:func:`totals`): one row per student and exercise (points, maximum, percent, and what
happened to the hand-in), written beside the per-question CSV as ``grades.totals.csv``.

**Roster → LMS import files** (:func:`read_roster`, :func:`canvas_csv`, :func:`moodle_csv`). The roster
is a CSV with a ``student`` column (the name the grader shows: the folder or the LMS download name) and
any of ``name``, ``canvas_id``, ``sis_user_id``, ``sis_login_id``, ``section``, ``email``, ``id_number``.
A Canvas gradebook export (``Student, ID, SIS User ID, SIS Login ID, Section, …``) is read as a roster
too. The Canvas file has Canvas's gradebook-import columns (``Student, ID, SIS User ID, SIS Login ID,
Section`` then one column per assignment); the Moodle file has ``Email address`` (or ``ID number``) to
identify the user, then the grade and its feedback, to map to a grade item in Moodle's *Import → CSV
file*. A roster student with no hand-in gets 0 (and says so); a hand-in whose student is not in the
roster is reported and left out of the LMS files.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from immunokit_instructor.grader.report import (
    SUBMISSION,
    TOTAL_COLUMNS,
    Row,
    Total,
    safe_cell,
    totals,
)

#: Not hand-ins: Blackboard's submission receipts, operating-system litter.
_IGNORED = re.compile(r"(^\.|^Thumbs\.db$|^desktop\.ini$|_attempt_\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.txt$)")
_CANVAS = re.compile(r"^(?P<name>[a-z0-9-]+?)_(?:LATE_)?(?P<id>\d+)_\d+_.+$")
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_[a-z]+_(?:.*)$")
_BLACKBOARD = re.compile(r"^.+?_(?P<name>[^_]+)_attempt_\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d(?:_.*)?$")


def lms_student(name: str) -> tuple[str, str]:
    """``(student, lms id)`` for a folder or file name as an LMS bulk download writes it.

    Without an LMS pattern the name itself is the student (and the id is empty).
    """
    stem = name[: -len(".ipynb")] if name.endswith(".ipynb") else name
    for pattern in (_MOODLE, _BLACKBOARD, _CANVAS):
        match = pattern.match(stem if pattern is not _MOODLE else name)
        if match:
            return match.group("name"), match.groupdict().get("id") or ""
    return stem, ""


@dataclass(frozen=True)
class Handin:
    """One file handed in: whose, where, and whether it is a notebook."""

    student: str
    path: Path
    lms_id: str = ""

    @property
    def notebook(self) -> bool:
        return self.path.name.endswith(".ipynb")


def handins(folder: Path) -> list[Handin]:
    """Every file handed in under ``folder``, sorted by path; the student from the first path part.

    A file directly in ``folder`` is its own student (``alice.ipynb`` → ``alice``); a file in a sub-folder
    belongs to that folder (``alice/…``). LMS download names are mapped to their student
    (:func:`lms_student`). Symbolic links are listed (the grader reports them) but folders behind them
    are not entered.
    """
    found = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d != ".ipynb_checkpoints" and not d.startswith("."))
        for name in files:
            if _IGNORED.search(name):
                continue
            path = Path(top) / name
            first = path.relative_to(folder).parts[0]
            student, lms_id = lms_student(first)
            found.append(Handin(student, path, lms_id))
    return sorted(found, key=lambda h: str(h.path))


def not_a_notebook(handin: Handin, exercise: str | None) -> list[Row]:
    """The rows of a file that is not a notebook: a ``*`` row, and ``not-graded`` question rows when the
    exercise is known (``--exercise``), so the student's total has its maximum."""
    from immunokit.exercises.catalog import find_exercise

    kind = handin.path.suffix.lower() or "a file without extension"
    known = find_exercise(exercise) if exercise else None
    rows = [
        Row(
            handin.student,
            known.id if known else "?",
            SUBMISSION,
            0.0,
            0.0,
            "not-a-notebook",
            f"{handin.path.name} is not a notebook ({kind}, not .ipynb); it was not graded: ask for the .ipynb file",
        )
    ]
    if known is not None:
        reason = "not graded: not-a-notebook (see the * row)"
        rows += [
            Row(handin.student, known.id, q.id, 0.0, q.points, "not-graded", reason) for q in known.questions
        ]
    return rows


# --------------------------------------------------------------------------------------------------
# Totals


#: Statuses of a ``*`` row after which nothing of the hand-in was graded.
def totals_csv(rows: Sequence[Row]) -> str:
    """``grades.totals.csv``: one line per student and exercise."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TOTAL_COLUMNS)
    for t in totals(rows):
        writer.writerow(
            [
                safe_cell(t.student),
                safe_cell(t.exercise),
                f"{t.points:g}",
                f"{t.max_points:g}",
                f"{t.percent:.1f}",
                safe_cell(t.status),
                safe_cell(t.notes),
            ]
        )
    return buffer.getvalue()


def totals_path(out: Path) -> Path:
    """``grades.csv`` → ``grades.totals.csv``."""
    return out.with_name(out.stem + ".totals.csv")


# --------------------------------------------------------------------------------------------------
# Roster and LMS import files

ROSTER_FIELDS = (
    "student",
    "name",
    "canvas_id",
    "sis_user_id",
    "sis_login_id",
    "section",
    "email",
    "id_number",
)
_CANVAS_EXPORT = {
    "Student": "name",
    "ID": "canvas_id",
    "SIS User ID": "sis_user_id",
    "SIS Login ID": "sis_login_id",
    "Section": "section",
}
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


class RosterError(ValueError):
    """A roster that cannot be used (the message names the file, line and column)."""


@dataclass(frozen=True)
class Person:
    student: str
    name: str = ""
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    email: str = ""
    id_number: str = ""


def read_roster(path: Path) -> list[Person]:
    """The students of a roster CSV (our columns, or a Canvas gradebook export)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise RosterError(f"{path}: cannot be read as UTF-8 text ({err})") from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    canvas = "Student" in header and "ID" in header
    if not canvas and "student" not in header:
        raise RosterError(
            f"{path}: line 1 has no 'student' column (columns: {', '.join(header) or 'none'}); give "
            f"{', '.join(ROSTER_FIELDS)} or a Canvas gradebook export"
        )
    people = []
    for number, record in enumerate(reader, start=2):
        if canvas:
            if (record.get("Student") or "").strip() in ("", "Points Possible", "Student, Test"):
                continue
            values = {ours: (record.get(theirs) or "").strip() for theirs, ours in _CANVAS_EXPORT.items()}
            login = values["sis_login_id"] or values["name"]
            values["student"] = (
                re.sub(r"[^a-z0-9-]", "", login.lower()) if not values["sis_login_id"] else login
            )
            people.append(Person(**values))
            continue
        student = (record.get("student") or "").strip()
        if not student:
            raise RosterError(f"{path}: line {number}: the 'student' column is empty")
        people.append(Person(**{f: (record.get(f) or "").strip() for f in ROSTER_FIELDS}))
    return people


def _match(
    people: Sequence[Person], totals_: Sequence[Total], lms_ids: dict[str, str]
) -> dict[str, Total | None]:
    by_key: dict[str, Total] = {t.student: t for t in totals_}
    found: dict[str, Total | None] = {}
    for person in people:
        hit = by_key.get(person.student)
        if hit is None and person.canvas_id:
            hit = next((t for t in totals_ if lms_ids.get(t.student) == person.canvas_id), None)
        if hit is None and person.name:
            folded = re.sub(r"[^a-z0-9]", "", person.name.lower())
            hit = next((t for t in totals_ if re.sub(r"[^a-z0-9]", "", t.student.lower()) == folded), None)
        found[person.student] = hit
    return found


def unmatched(
    people: Sequence[Person], rows: Sequence[Row], lms_ids: dict[str, str] | None = None
) -> list[str]:
    """Students who handed something in but are not in the roster."""
    totals_ = totals(rows)
    matched = {t.student for t in _match(people, totals_, lms_ids or {}).values() if t is not None}
    return sorted({t.student for t in totals_} - matched)


def canvas_csv(
    people: Sequence[Person], rows: Sequence[Row], column: str, lms_ids: dict[str, str] | None = None
) -> str:
    """Canvas's gradebook import file: the five identity columns, then ``column`` with the points."""
    totals_ = totals(rows)
    matched = _match(people, totals_, lms_ids or {})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CANVAS_COLUMNS, column])
    maximum = max((t.max_points for t in totals_), default=0.0)
    writer.writerow(["Points Possible", "", "", "", "", f"{maximum:g}"])
    for person in people:
        total = matched[person.student]
        writer.writerow(
            [
                safe_cell(person.name or person.student),
                person.canvas_id,
                safe_cell(person.sis_user_id),
                safe_cell(person.sis_login_id),
                safe_cell(person.section),
                f"{total.points:g}" if total else "0",
            ]
        )
    return buffer.getvalue()


def moodle_csv(
    people: Sequence[Person], rows: Sequence[Row], column: str, lms_ids: dict[str, str] | None = None
) -> str:
    """Moodle's CSV grade import file: the user's e-mail address and ID number, the grade, its feedback."""
    totals_ = totals(rows)
    matched = _match(people, totals_, lms_ids or {})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Email address", "ID number", "Full name", column, f"{column} (feedback)"])
    for person in people:
        total = matched[person.student]
        if total is None:
            feedback = "no notebook handed in"
        elif total.status == "graded":
            feedback = f"{total.points:g} of {total.max_points:g} points"
        else:
            feedback = f"not graded: {total.status} (see the grader's feedback)"
        writer.writerow(
            [
                safe_cell(person.email),
                safe_cell(person.id_number),
                safe_cell(person.name or person.student),
                f"{total.points:g}" if total else "0",
                safe_cell(feedback),
            ]
        )
    return buffer.getvalue()
