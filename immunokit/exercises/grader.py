"""Grade a folder of submitted exercise notebooks into a CSV, surviving broken and hostile submissions.

Usage::

    python -m immunokit.exercises.grade SUBMISSIONS_DIR --out grades.csv
        [--exercise ch04-blinatumomab] [--cell-timeout 30] [--notebook-timeout 300] [--jobs 1]

Layout: ``SUBMISSIONS_DIR/<student>/<notebook>.ipynb`` (one folder per student, as nbgrader and most
LMS exports lay it out) or ``SUBMISSIONS_DIR/<student>.ipynb``. The exercise is the one named by
``--exercise``, else by the file name (``ch04_blinatumomab.ipynb``), else by the notebook's metadata.

**This runs student code.** Each submission runs in its own fresh kernel, started by its own grader
process in a temporary working folder, with a time limit per cell (an infinite loop is interrupted and
the rest of the notebook still runs) and per notebook (the whole process group is killed). It is not a
sandbox: for a class you do not trust, run the grader in a container per submission (see the
instructor guide).

After the student's cells the grader appends its own cell, which imports the checks afresh and
applies them to the student's variables (:mod:`immunokit.exercises.grading`); what the notebook
printed is never trusted, so redefining ``check`` gains nothing.

CSV columns: ``student, exercise, question, points, max_points, status, feedback``. Each question gets
a row; problems with a whole submission get a row whose question is ``*``:

=================  ====================================================================
status             meaning
=================  ====================================================================
correct ...        a question's verdict (``correct``, ``incorrect``, ``not-attempted``,
                   ``wrong-type``, ``missing`` = its variable does not exist)
not-graded         the question could not be graded (see the ``*`` row of the submission)
empty-file         the file is empty
invalid-json       the file is not JSON (truncated upload, wrong file renamed .ipynb)
invalid-notebook   JSON, but not a valid notebook
unknown-exercise   no exercise could be identified
wrong-exercise     the notebook belongs to another exercise than the one expected
cells-deleted      graded cells of the released notebook are missing (grading continues)
cell-error         a cell raised an exception (grading continues)
cell-timeout       a cell ran past the per-cell limit and was interrupted (grading continues)
output-truncated   a cell printed more than the output limit; the rest was discarded
notebook-timeout   the notebook ran past the per-notebook limit; the process was killed
kernel-died        the kernel died (e.g. the code exhausted memory or called os._exit)
grader-error       the grader itself failed on this submission (the message says why)
=================  ====================================================================

Rows are written to the CSV as each submission finishes, so nothing is lost if the run stops.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

COLUMNS = ("student", "exercise", "question", "points", "max_points", "status", "feedback")
SUBMISSION = "*"
DEFAULT_CELL_TIMEOUT = 30
DEFAULT_NOTEBOOK_TIMEOUT = 300
DEFAULT_MAX_OUTPUT_BYTES = 1_000_000
#: Cell errors reported one row each; more are summed up in one extra row.
MAX_ERROR_ROWS = 5


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


@dataclass(frozen=True)
class Limits:
    """Time and output limits for one submission."""

    cell_timeout_s: int = DEFAULT_CELL_TIMEOUT
    notebook_timeout_s: int = DEFAULT_NOTEBOOK_TIMEOUT
    max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES


# --------------------------------------------------------------------------------------------------
# Finding submissions and what they are


def find_submissions(folder: Path) -> list[tuple[str, Path]]:
    """``(student, path)`` for every ``.ipynb`` under ``folder`` (checkpoints skipped), sorted."""
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        rel = path.relative_to(folder)
        if ".ipynb_checkpoints" in rel.parts:
            continue
        student = rel.parts[0] if len(rel.parts) > 1 else path.stem
        found.append((student, path))
    return found


@dataclass
class Preflight:
    """What the grader learnt about a submission before running it."""

    notebook: dict[str, Any] | None
    exercise_id: str | None
    rows: list[Row]
    fatal: bool
    #: Sources of the released notebook's locked cells (setup, figures, checks): trusted to finish, so
    #: they run under the notebook limit only; every other cell gets the per-cell limit.
    trusted_sources: list[str] = field(default_factory=list)


def _released_cells(notebook_name: str) -> list[dict[str, Any]]:
    """The cells of the released exercise notebook (empty if it cannot be read)."""
    from .generate import repo_root

    released = repo_root() / "exercises" / notebook_name
    try:
        cells = json.loads(released.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, json.JSONDecodeError, AttributeError):
        return []
    return [c for c in cells if isinstance(c, dict)]


def _grade_id(cell: dict[str, Any]) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta.get("grade_id") if isinstance(meta, dict) else None


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def not_graded_rows(student: str, exercise_id: str | None, reason: str) -> list[Row]:
    """A ``not-graded`` row for each question of the exercise (none when it is unknown)."""
    from .catalog import find_exercise

    exercise = find_exercise(exercise_id) if exercise_id else None
    if exercise is None:
        return []
    return [Row(student, exercise.id, q.id, 0.0, q.points, "not-graded", reason) for q in exercise.questions]


def preflight(student: str, path: Path, expected: str | None) -> Preflight:
    """Read and validate a submission and identify its exercise, without running anything."""
    import nbformat

    from .catalog import find_exercise

    expected_ex = find_exercise(expected) if expected else find_exercise(path.stem)

    def fatal(status: str, feedback: str, exercise: str | None = None) -> Preflight:
        ex = exercise or (expected_ex.id if expected_ex else None)
        rows = [Row(student, ex or "?", SUBMISSION, 0.0, 0.0, status, feedback)]
        rows += not_graded_rows(student, ex, f"not graded: {status} (see the * row)")
        return Preflight(None, ex, rows, True)

    try:
        raw = path.read_bytes()
    except OSError as err:
        return fatal("invalid-notebook", f"{path.name}: cannot be read ({err})")
    if not raw.strip():
        return fatal("empty-file", f"{path.name} is empty ({len(raw)} bytes)")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return fatal("invalid-json", f"{path.name} is not valid JSON ({err}); ask for the .ipynb file again")
    try:
        nb = nbformat.from_dict(data)
        if not isinstance(data, dict) or "cells" not in data:
            raise ValueError("no 'cells' list")
        nbformat.validate(nb)
    except Exception as err:  # nbformat raises several kinds
        message = getattr(err, "message", None) or str(err)
        return fatal("invalid-notebook", f"{path.name} is JSON but not a valid notebook: {message[:300]}")
    meta = data.get("metadata", {}).get("immunokit", {})
    declared = (
        find_exercise(meta.get("exercise", "")) if isinstance(meta, dict) and meta.get("exercise") else None
    )
    if expected_ex and declared and declared.id != expected_ex.id:
        return fatal(
            "wrong-exercise",
            f"{path.name} is the notebook of {declared.id}, not {expected_ex.id}; nothing of it was graded",
            expected_ex.id,
        )
    exercise = expected_ex or declared
    if exercise is None:
        return fatal(
            "unknown-exercise", f"{path.name}: no exercise named by --exercise, the file name or metadata"
        )
    rows = []
    released = _released_cells(exercise.notebook)
    present = {_grade_id(c) for c in data.get("cells", []) if isinstance(c, dict)}
    missing = [g for g in (_grade_id(c) for c in released) if g and g not in present]
    if missing:
        rows.append(
            Row(
                student,
                exercise.id,
                SUBMISSION,
                0.0,
                0.0,
                "cells-deleted",
                f"{len(missing)} cell(s) of the released notebook are missing: {', '.join(missing)}; "
                "graded what remains",
            )
        )
    trusted = [
        _source(c)
        for c in released
        if c.get("cell_type") == "code"
        and c.get("metadata", {}).get("nbgrader", {}).get("locked")
        and not c.get("metadata", {}).get("nbgrader", {}).get("grade")  # check cells run student code
    ]
    return Preflight(data, exercise.id, rows, False, trusted)


# --------------------------------------------------------------------------------------------------
# Running one submission (in a child process)


def execute_submission(
    notebook: dict[str, Any],
    exercise_id: str,
    limits: Limits,
    workdir: Path,
    trusted_sources: Sequence[str] = (),
) -> dict[str, Any]:
    """Run the notebook and the grading cell in a fresh kernel; return what happened (JSON-ready).

    Cells whose source is one of ``trusted_sources`` (the released notebook's locked cells, unchanged)
    and the grader's own cell are limited only by the notebook limit; every other cell by the per-cell
    limit, after which the kernel is interrupted and the next cell runs.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    from .grading import grading_cell, parse_marked

    nb = nbformat.reads(json.dumps(notebook), as_version=4)  # joins multi-line sources
    for cell in nb.cells:  # students' stored outputs are never trusted or kept
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    marker = f"@@IMMUNOKIT-GRADE-{secrets.token_hex(16)}@@"
    nb.cells.append(nbformat.v4.new_code_cell(grading_cell(exercise_id, marker)))
    grading_index = len(nb.cells) - 1
    report: dict[str, Any] = {"cell_errors": [], "cell_timeouts": [], "truncated": [], "verdicts": None}

    budget: dict[int, int] = {}  # output bytes seen per cell

    class Client(NotebookClient):
        async def _async_handle_timeout(self, timeout: int, cell: Any = None) -> Any:
            index = nb.cells.index(cell) if cell is not None and cell in nb.cells else -1
            if index not in report["cell_timeouts"]:
                report["cell_timeouts"].append(index)
            return await super()._async_handle_timeout(timeout, cell)

        def output(self, outs: list[Any], msg: dict[str, Any], display_id: Any, cell_index: int) -> Any:
            size = len(json.dumps(msg.get("content", {}), default=str))
            used = budget.get(cell_index, 0) + size
            budget[cell_index] = used
            if used > limits.max_output_bytes and cell_index != grading_index:
                if cell_index not in report["truncated"]:
                    report["truncated"].append(cell_index)
                return None
            return super().output(outs, msg, display_id, cell_index)

    os.environ.pop("NBGRADER_EXECUTION", None)  # verdicts, not nbgrader's raising mode
    trusted = set(trusted_sources)
    grading_cell_obj = nb.cells[grading_index]

    def cell_timeout(cell: Any) -> int:
        if cell is grading_cell_obj or cell.source in trusted:
            return limits.notebook_timeout_s
        return limits.cell_timeout_s

    client = Client(
        nb,
        timeout=limits.cell_timeout_s,
        timeout_func=cell_timeout,
        interrupt_on_timeout=True,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
        record_timing=False,
    )
    try:
        client.execute()
    except DeadKernelError as err:
        report["problem"] = ("kernel-died", f"the kernel died ({err})")
    except Exception as err:  # nbclient may raise on a broken kernel
        report["problem"] = ("grader-error", f"execution stopped: {type(err).__name__}: {err}")
    for index, cell in enumerate(nb.cells[:grading_index]):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                if out.get("ename") == "KeyboardInterrupt" and index in report["cell_timeouts"]:
                    continue
                report["cell_errors"].append([index, str(out.get("ename")), str(out.get("evalue"))[:200]])
                break
    if "problem" not in report:
        text = "".join(
            o.get("text", "")
            for o in nb.cells[grading_index].get("outputs", [])
            if o.get("output_type") == "stream"
        )
        parsed = parse_marked(text, marker)
        if isinstance(parsed, str):
            error = [o for o in nb.cells[grading_index].get("outputs", []) if o.get("output_type") == "error"]
            detail = f" ({error[0].get('ename')}: {str(error[0].get('evalue'))[:200]})" if error else ""
            if grading_index in report["cell_timeouts"]:
                detail = " (it ran past the time limit, probably inside a function of the student's)"
            report["problem"] = ("grader-error", parsed + detail)
        else:
            report["verdicts"] = parsed
    return report


def _child_main(args: argparse.Namespace) -> int:
    """Entry point of the per-submission process: read the job, run it, write the report."""
    job = json.loads(Path(args.job).read_text(encoding="utf-8"))
    limits = Limits(**job["limits"])
    with tempfile.TemporaryDirectory(prefix="ik-grade-") as workdir:
        report = execute_submission(
            job["notebook"], job["exercise"], limits, Path(workdir), job.get("trusted", [])
        )
    Path(args.result).write_text(json.dumps(report), encoding="utf-8")
    return 0


def run_isolated(
    notebook: dict[str, Any], exercise_id: str, limits: Limits, trusted_sources: Sequence[str] = ()
) -> dict[str, Any]:
    """Run one submission in its own process group, killed after the notebook time limit."""
    with tempfile.TemporaryDirectory(prefix="ik-job-") as tmp:
        job = Path(tmp) / "job.json"
        result = Path(tmp) / "result.json"
        job.write_text(
            json.dumps(
                {
                    "notebook": notebook,
                    "exercise": exercise_id,
                    "limits": asdict(limits),
                    "trusted": list(trusted_sources),
                }
            )
        )
        env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION"}
        env.setdefault("MPLBACKEND", "Agg")
        command = [sys.executable, "-m", "immunokit.exercises.grader", "--child", str(job), str(result)]
        proc = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env=env,
            cwd=tmp,
        )
        try:
            _, stderr = proc.communicate(timeout=limits.notebook_timeout_s)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            return {
                "problem": ["notebook-timeout", f"the notebook ran longer than {limits.notebook_timeout_s} s"]
            }
        if not result.exists():
            tail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            return {
                "problem": [
                    "grader-error",
                    f"the grading process exited with {proc.returncode}: {' | '.join(tail)}",
                ]
            }
        try:
            return json.loads(result.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            return {"problem": ["grader-error", f"unreadable report ({err})"]}


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the process group we started for one submission (the grading process and its kernel)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def report_rows(student: str, exercise_id: str, report: dict[str, Any], limits: Limits) -> list[Row]:
    """CSV rows from a child's report."""
    rows: list[Row] = []
    for index in report.get("cell_timeouts", []):
        if index >= 0:
            rows.append(
                Row(
                    student,
                    exercise_id,
                    SUBMISSION,
                    0.0,
                    0.0,
                    "cell-timeout",
                    f"cell {index} ran longer than {limits.cell_timeout_s} s and was interrupted",
                )
            )
    errors = report.get("cell_errors", [])
    for index, ename, evalue in errors[:MAX_ERROR_ROWS]:
        rows.append(
            Row(
                student,
                exercise_id,
                SUBMISSION,
                0.0,
                0.0,
                "cell-error",
                f"cell {index} raised {ename}: {evalue}",
            )
        )
    if len(errors) > MAX_ERROR_ROWS:
        rows.append(
            Row(
                student,
                exercise_id,
                SUBMISSION,
                0.0,
                0.0,
                "cell-error",
                f"{len(errors) - MAX_ERROR_ROWS} more cell(s) raised, probably because of the errors above",
            )
        )
    for index in report.get("truncated", []):
        rows.append(
            Row(
                student,
                exercise_id,
                SUBMISSION,
                0.0,
                0.0,
                "output-truncated",
                f"cell {index} printed more than {limits.max_output_bytes:,} bytes; the rest was discarded",
            )
        )
    problem = report.get("problem")
    if problem:
        status, feedback = problem
        rows.append(Row(student, exercise_id, SUBMISSION, 0.0, 0.0, status, feedback))
        rows += not_graded_rows(student, exercise_id, f"not graded: {status} (see the * row)")
        return rows
    for verdict in report.get("verdicts") or []:
        rows.append(
            Row(
                student,
                exercise_id,
                str(verdict.get("question")),
                float(verdict.get("points", 0.0)),
                float(verdict.get("max_points", 0.0)),
                str(verdict.get("status")),
                str(verdict.get("message", "")),
            )
        )
    return rows


def grade_submission(student: str, path: Path, expected: str | None, limits: Limits) -> list[Row]:
    """Every row for one submission; never raises."""
    try:
        pre = preflight(student, path, expected)
        if pre.fatal or pre.notebook is None or pre.exercise_id is None:
            return pre.rows
        report = run_isolated(pre.notebook, pre.exercise_id, limits, pre.trusted_sources)
        return pre.rows + report_rows(student, pre.exercise_id, report, limits)
    except Exception as err:  # one bad submission never stops the others
        return [
            Row(
                student, expected or "?", SUBMISSION, 0.0, 0.0, "grader-error", f"{type(err).__name__}: {err}"
            )
        ]


# --------------------------------------------------------------------------------------------------
# The whole folder


class CsvSink:
    """Appends rows to the CSV as they come (thread-safe), flushing after each submission."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(COLUMNS)
        self._handle.flush()

    def write(self, rows: Iterable[Row]) -> None:
        with self._lock:
            for row in rows:
                self._writer.writerow(
                    [
                        getattr(row, c) if c not in ("points", "max_points") else f"{getattr(row, c):g}"
                        for c in COLUMNS
                    ]
                )
            self._handle.flush()

    def close(self) -> None:
        self._handle.close()


def grade_folder(
    folder: Path, out: Path, *, exercise: str | None = None, limits: Limits | None = None, jobs: int = 1
) -> list[Row]:
    """Grade every submission under ``folder`` into the CSV ``out``; return all rows."""
    limits = limits or Limits()
    submissions = find_submissions(folder)
    sink = CsvSink(out)
    everything: list[Row] = []
    try:

        def one(item: tuple[str, Path]) -> list[Row]:
            rows = grade_submission(item[0], item[1], exercise, limits)
            if not rows:
                rows = [
                    Row(item[0], exercise or "?", SUBMISSION, 0.0, 0.0, "grader-error", "no rows produced")
                ]
            sink.write(rows)
            return rows

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for rows in pool.map(one, submissions):
                everything.extend(rows)
    finally:
        sink.close()
    return everything


def summary(rows: Sequence[Row]) -> str:
    """A short text summary: submissions, mean score per exercise, statuses, problem submissions."""
    by_submission: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        by_submission[(row.student, row.exercise)].append(row)
    lines = [f"{len(by_submission)} submission(s) graded"]
    per_exercise: dict[str, list[float]] = defaultdict(list)
    for (_, exercise), items in by_submission.items():
        got = sum(r.points for r in items if r.question != SUBMISSION)
        total = sum(r.max_points for r in items if r.question != SUBMISSION)
        if total:
            per_exercise[exercise].append(100.0 * got / total)
    for exercise, scores in sorted(per_exercise.items()):
        lines.append(f"  {exercise}: {len(scores)} submission(s), mean {sum(scores) / len(scores):.0f}%")
    counts = Counter(r.status for r in rows)
    lines.append("statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    problems = sorted({f"{r.student} ({r.status})" for r in rows if r.question == SUBMISSION})
    if problems:
        lines.append("look at: " + "; ".join(problems))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        return _child_main(argparse.Namespace(job=argv[1], result=argv[2]))
    parser = argparse.ArgumentParser(
        prog="python -m immunokit.exercises.grade", description=__doc__.splitlines()[0]
    )
    parser.add_argument("submissions", type=Path, help="folder of submitted notebooks")
    parser.add_argument(
        "--out", type=Path, default=Path("grades.csv"), help="CSV to write (default grades.csv)"
    )
    parser.add_argument(
        "--exercise", default=None, help="exercise id every submission should be (e.g. ch04-blinatumomab)"
    )
    parser.add_argument("--cell-timeout", type=int, default=DEFAULT_CELL_TIMEOUT, help="seconds per cell")
    parser.add_argument(
        "--notebook-timeout", type=int, default=DEFAULT_NOTEBOOK_TIMEOUT, help="seconds per notebook"
    )
    parser.add_argument(
        "--max-output", type=int, default=DEFAULT_MAX_OUTPUT_BYTES, help="bytes of output kept per cell"
    )
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded in parallel")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        print(f"error: {args.submissions} is not a folder", file=sys.stderr)
        return 2
    if args.exercise:
        from .catalog import find_exercise

        if find_exercise(args.exercise) is None:
            print(f"error: unknown exercise {args.exercise!r}", file=sys.stderr)
            return 2
    limits = Limits(args.cell_timeout, args.notebook_timeout, args.max_output)
    start = time.monotonic()
    rows = grade_folder(args.submissions, args.out, exercise=args.exercise, limits=limits, jobs=args.jobs)
    print(summary(rows))
    print(f"wrote {len(rows)} row(s) to {args.out} in {time.monotonic() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
