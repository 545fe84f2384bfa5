"""The grade CSV and the run summary: rows, spreadsheet-safe cells, atomic writes.

CSV columns: ``student, exercise, question, points, max_points, status, feedback``. Every question of
every graded submission gets a row; a problem with a whole submission gets a row whose question is
``*``. Every text cell is shown escaped (:func:`.names.shown`: no control character, newline or
terminal escape is written as it is), and a cell that a spreadsheet would read as a formula (see
:func:`.names.neutral`: ``= + - @ | %`` or a control character, after spaces of any kind, fullwidth
forms included) is prefixed with an apostrophe. The CSV and the summary are written at the end, each
to a temporary file beside the target and then renamed over it; rows of each finished submission are
saved before that (:mod:`.journal`), so a crash loses nothing already graded.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from immunokit_instructor.grader.names import neutral, shown

COLUMNS = ("student", "exercise", "question", "points", "max_points", "status", "feedback")
#: The ``question`` of a row about a whole submission.
SUBMISSION = "*"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    """One line of the grade CSV."""

    student: str
    exercise: str
    question: str
    points: float
    max_points: float
    status: str
    feedback: str

    def cells(self) -> list[str]:
        """The row's CSV cells, numbers formatted and every text neutralised."""
        return [
            safe_cell(self.student),
            safe_cell(self.exercise),
            safe_cell(self.question),
            f"{self.points:g}",
            f"{self.max_points:g}",
            safe_cell(self.status),
            safe_cell(self.feedback),
        ]


def safe_cell(text: str) -> str:
    """``text`` escaped (:func:`.names.shown`) and, if a spreadsheet would read it as a formula, with an apostrophe."""
    return neutral(shown(str(text)))


def csv_text(rows: Sequence[Row]) -> str:
    """The whole CSV as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(row.cells())
    return buffer.getvalue()


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


UNGRADED = frozenset(
    {
        "empty-file",
        "invalid-json",
        "invalid-notebook",
        "not-a-notebook",
        "symlink",
        "too-large",
        "wrong-exercise",
        "unknown-exercise",
        "grader-error",
    }
)
TOTAL_COLUMNS = ("student", "exercise", "points", "max_points", "percent", "status", "notes")


@dataclass(frozen=True)
class Total:
    """One student's result on one exercise."""

    student: str
    exercise: str
    points: float
    max_points: float
    status: str
    notes: str

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.max_points if self.max_points else 0.0


def totals(rows: Sequence[Row]) -> list[Total]:
    """Per student and exercise, in the order of the rows: the sum of the question rows and a status.

    The status is ``graded`` when the answers were graded (problems that did not stop grading, such as a
    cell error, are in ``notes``), else the problem that stopped it (``invalid-json``, ``not-a-notebook``,
    ``grader-error``, …). A ``duplicate`` hand-in does not make a total of its own.
    """
    order: list[tuple[str, str]] = []
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        key = (row.student, row.exercise)
        if key not in groups:
            order.append(key)
            groups[key] = []
        groups[key].append(row)
    out = []
    for key in order:
        items = groups[key]
        questions = [r for r in items if r.question != SUBMISSION]
        problems = [r for r in items if r.question == SUBMISSION and r.status != "duplicate"]
        stopped = next((r.status for r in problems if r.status in UNGRADED), None)
        if not questions and not problems:
            continue  # only a duplicate row: the graded hand-in has its own total
        notes = "; ".join(sorted({r.status for r in problems}))
        out.append(
            Total(
                key[0],
                key[1],
                sum(r.points for r in questions),
                sum(r.max_points for r in questions),
                stopped or ("graded" if questions else problems[0].status),
                notes,
            )
        )
    return out


def summary_path(out: Path) -> Path:
    """Where the summary of a run that wrote ``out`` goes: ``grades.csv`` → ``grades.summary.txt``."""
    return out.with_name(out.stem + ".summary.txt")


def summary(rows: Sequence[Row], seconds: float | None = None, notebooks: int | None = None) -> str:
    """The run summary: notebooks, students, rows, statuses, mean score per exercise, what to look at."""
    students = {row.student for row in rows}
    lines = []
    if notebooks is not None:
        lines.append(f"notebooks: {notebooks}")
    lines.append(f"students: {len(students)}")
    lines.append(f"rows: {len(rows)}")
    outcomes = totals(rows)
    per_exercise: dict[str, list[float]] = defaultdict(list)
    others: dict[str, Counter[str]] = defaultdict(Counter)
    for total in outcomes:
        if total.status == "graded" and total.max_points:
            per_exercise[total.exercise].append(total.percent)
        else:
            others[total.exercise][total.status] += 1
    for exercise in sorted(set(per_exercise) | set(others)):
        scores = per_exercise.get(exercise, [])
        line = f"exercise {shown(exercise)}: {len(scores)} graded"
        if scores:
            line += f", mean {sum(scores) / len(scores):.0f}%"
        line += "".join(f"; {n} {shown(status)}" for status, n in sorted(others[exercise].items()))
        lines.append(line)
    hand_ins = Counter(t.status for t in outcomes)
    lines.append("hand-ins: " + ", ".join(f"{shown(status)} {n}" for status, n in sorted(hand_ins.items())))
    counts = Counter(r.status for r in rows)
    lines.append("statuses: " + ", ".join(f"{shown(k)} {v}" for k, v in sorted(counts.items())))
    problems = sorted({f"{shown(r.student)} ({shown(r.status)})" for r in rows if r.question == SUBMISSION})
    if problems:
        lines.append("look at: " + "; ".join(problems))
    if seconds is not None:
        lines.append(f"time: {seconds:.1f} s")
    return "\n".join(lines)


def parse_statuses(summary_text: str) -> dict[str, int]:
    """The status counts of a summary (for checking it against the CSV)."""
    for line in summary_text.splitlines():
        if line.startswith("statuses: "):
            pairs = [p.rsplit(" ", 1) for p in line.removeprefix("statuses: ").split(", ") if p]
            return {k: int(v) for k, v in pairs}
    return {}
