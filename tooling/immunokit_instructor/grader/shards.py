"""One folder graded in pieces: ``--shard I/N`` on many machines, then ``merge``: the CSV of a single run.

:func:`grade_handins` is what ``python -m immunokit_instructor.grader`` runs: every hand-in of the folder
(:func:`immunokit_instructor.grader.gradebook.handins`, notebooks or not), students mapped from LMS download
names, each notebook graded by :func:`immunokit_instructor.grader.folder.grade_submission`, rows in the order of the
files' paths. With a shard ``(I, N)`` it grades only the students whose position in the folder's sorted
list of students is ``I - 1`` modulo ``N`` (all hand-ins of a student are in the same shard, so the
duplicate rule sees them together), and numbers every row with its place in the whole folder.

A shard's CSV is the grade CSV with one more column first, ``order``; ``merge`` reads the N shard CSVs
of one folder, checks that each shard is there exactly once and that they were graded with the same
hidden-case seed, sorts the rows by ``order`` and writes the CSV a single run would have written (and
its summary and totals). Any batch scheduler can run the shards: a Kubernetes indexed Job
(``--shard $((JOB_COMPLETION_INDEX+1))/N``), a Slurm array (``--shard $SLURM_ARRAY_TASK_ID/N`` with
``--array=1-N``), a CI matrix.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from immunokit_instructor.grader.folder import grade_folder
from immunokit_instructor.grader.gradebook import handins, not_a_notebook
from immunokit_instructor.grader.report import COLUMNS, Row, safe_cell
from immunokit_instructor.grader.sandbox import Limits, Sandbox

SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class ShardError(ValueError):
    """A shard specification or a set of shard files that cannot be used (the message says which)."""


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/3"`` → ``(2, 3)``; I from 1 to N."""
    match = SHARD.match(text or "")
    if not match:
        raise ShardError(f"--shard must look like I/N (for example 2/3), not {text!r}")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise ShardError(f"--shard {text}: I must be between 1 and N (N at least 1)")
    return index, count


@dataclass
class Graded:
    """Rows with their place in the whole folder, and what the run saw."""

    rows: list[Row]
    order: list[int]
    notebooks: int
    seconds: float
    contained: bool
    lms_ids: dict[str, str]


def grade_handins(
    folder: Path,
    *,
    exercise: str | None,
    limits: Limits,
    sandbox: Sandbox,
    seed: str,
    jobs: int | None = None,
    shard: tuple[int, int] = (1, 1),
) -> Graded:
    """Grade one shard of the students of ``folder`` exactly as a single run grades them (the same
    :func:`.folder.grade_folder`, restricted to the shard's students), plus their other hand-ins."""
    start = time.monotonic()
    everything = handins(folder)
    students = sorted({h.student for h in everything})
    index, count = shard
    mine = {s for k, s in enumerate(students) if k % count == index - 1}
    run = grade_folder(
        folder,
        exercise=exercise,
        limits=limits,
        jobs=jobs,
        sandbox=sandbox,
        seed=seed,
        only=mine.__contains__,
    )
    others = [h for h in everything if not h.notebook and h.student in mine]
    rows = in_student_order([*run.rows, *(r for h in others for r in not_a_notebook(h, exercise))])
    lms_ids = {h.student: h.lms_id for h in everything if h.lms_id}
    return Graded(
        rows, list(range(len(rows))), run.notebooks, time.monotonic() - start, run.contained, lms_ids
    )


def in_student_order(rows: Sequence[Row]) -> list[Row]:
    """Rows grouped by student (stable: each student's rows keep their order), the order of every CSV."""
    return sorted(rows, key=lambda row: row.student)


def shard_csv(graded: Graded, shard: tuple[int, int], seed: str) -> str:
    """A shard's CSV: ``order`` then the grade CSV's columns; its first line names the shard and seed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f"order (shard {shard[0]}/{shard[1]}, seed {seed})", *COLUMNS])
    for position, row in zip(graded.order, graded.rows, strict=True):
        writer.writerow([str(position), *row.cells()])
    return buffer.getvalue()


_HEADER = re.compile(r"^order \(shard (\d+)/(\d+), seed (.*)\)$")


def _unsafe(cell: str) -> str:
    """A CSV cell as the grader produced it, before :func:`safe_cell` added an apostrophe."""
    return cell[1:] if cell.startswith("'") and safe_cell(cell[1:]) == cell else cell


def merge(paths: Sequence[Path]) -> tuple[list[Row], str]:
    """The rows of a whole folder from its shard CSVs (in the single run's order), and the run's seed."""
    seen: dict[int, Path] = {}
    counts: set[int] = set()
    seeds: set[str] = set()
    found: list[tuple[int, Row]] = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            raise ShardError(f"{path}: cannot be read ({err})") from None
        reader = csv.reader(io.StringIO(text))
        header = next(reader, [])
        match = _HEADER.match(header[0]) if header else None
        if match is None or tuple(header[1:]) != COLUMNS:
            raise ShardError(
                f"{path}: not a shard CSV (written by python -m immunokit_instructor.grader --shard I/N)"
            )
        index, count, seed = int(match.group(1)), int(match.group(2)), match.group(3)
        if index in seen:
            raise ShardError(f"{path}: shard {index}/{count} is also {seen[index]}")
        seen[index] = path
        counts.add(count)
        seeds.add(seed)
        for number, cells in enumerate(reader, start=2):
            if len(cells) != len(COLUMNS) + 1:
                raise ShardError(f"{path}: line {number} has {len(cells)} cells, not {len(COLUMNS) + 1}")
            student, exercise, question, points, max_points, status, feedback = map(_unsafe, cells[1:])
            found.append(
                (
                    int(cells[0]),
                    Row(student, exercise, question, float(points), float(max_points), status, feedback),
                )
            )
    if len(counts) != 1:
        raise ShardError(f"the shard files come from runs split in different ways: N = {sorted(counts)}")
    count = counts.pop()
    missing = sorted(set(range(1, count + 1)) - set(seen))
    if missing:
        raise ShardError(
            f"shard(s) {', '.join(f'{m}/{count}' for m in missing)} missing: merge needs all {count}"
        )
    if len(seeds) != 1:
        raise ShardError(
            f"the shards were graded with different hidden-case seeds ({', '.join(sorted(seeds))}): "
            "give every shard the same --hidden-seed"
        )
    found.sort(key=lambda item: item[0])
    return in_student_order([row for _, row in found]), seeds.pop()
