"""Grade a folder: each submission run in its own sandbox, verdicts computed here, rows in a fixed order.

For one submission (:func:`grade_submission`):

1. read and identify it (:mod:`.submissions`) — nothing runs for an unusable file;
2. run its cells in a fresh sandbox (:mod:`.kernel` inside :mod:`.sandbox`), skipping the released
   check cells, and read back the answers it recorded after each cell (:func:`read_log`): only the
   exercise's answer variables, only plain values (:mod:`immunokit.exercises.answers`);
3. for a function answer, run its test cases in a fresh sandbox, each in its own time-limited process
   (:mod:`.case`): the visible cases of the notebook and the *hidden cases* the grader generates here
   from the catalogue (:meth:`Function.hidden_cases <immunokit.exercises.checks.Function.hidden_cases>`,
   at most :attr:`Limits.hidden_cases <.sandbox.Limits.hidden_cases>` per question, the same for every
   submission of a run: drawn with the run's seed). The sandbox receives their inputs only;
4. judge every answer here, in the grader's process, with the catalogue's own questions and points
   (:meth:`Question.judge <immunokit.exercises.catalog.Question.judge>`), the hidden cases' expected
   values included. Rows the sandbox did not
   produce cannot exist: there is one row per catalogue question, whatever the sandbox wrote.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bootstrap import TAG as BOOTSTRAP_TAG
from ..exercises.answers import BadAnswer, FunctionAnswer, decode
from ..exercises.catalog import Exercise, Question
from ..exercises.checks import Case, CaseResult, Function
from ..exercises.student import assigned_names
from ..exercises.verdict import Status
from .report import SUBMISSION, Row
from .sandbox import Limits, Sandbox, limits_for_child
from .submissions import Submission, cell_source, choose, find_submissions, grade_id, read, released

#: Cell errors reported one row each; more are summed up in one extra row.
MAX_ERROR_ROWS = 5
#: After this many test cases of one function ran out of time, the rest are not run (they fail).
MAX_CASE_TIMEOUTS = 3
#: The most of a sandbox's log the grader reads.
MAX_LOG_BYTES = 8 * 1024 * 1024


@dataclass
class Log:
    """What a sandboxed run recorded (claims, read with type checks)."""

    answers: dict[str, Any] = field(default_factory=dict)
    answered_after: int = -1
    events: list[tuple[int, str, str]] = field(default_factory=list)
    last_started: int = -1
    done: bool = False
    malformed: int = 0
    #: The answers recorded after each cell, in order: ``(cell index, answers)``.
    history: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def answers_before(self, cell: int) -> tuple[dict[str, Any], int]:
        """The answers as they stood when the cell at ``cell`` was about to run, and the cell after which
        they were recorded (-1 when none had been)."""
        found: tuple[dict[str, Any], int] = ({}, -1)
        for index, answers in self.history:
            if index < cell:
                found = (answers, index)
        return found


def read_log(text: str | None, variables: Sequence[str]) -> Log:
    """Parse what the sandbox reported: only known variables, only well-formed answers; anything else is counted."""
    log = Log()
    for line in (text or "").splitlines():
        try:
            item = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            log.malformed += 1
            continue
        if not isinstance(item, dict):
            log.malformed += 1
            continue
        kind = item.get("type")
        cell = item.get("cell")
        cell = cell if isinstance(cell, int) and not isinstance(cell, bool) else -1
        if kind == "start":
            log.last_started = cell
        elif kind == "event" and isinstance(item.get("kind"), str):
            detail = item.get("detail")
            log.events.append((cell, item["kind"][:40], detail[:300] if isinstance(detail, str) else ""))
        elif kind == "answers" and isinstance(item.get("answers"), dict):
            answers = {}
            for name in variables:
                if name in item["answers"]:
                    try:
                        answers[name] = decode(item["answers"][name])
                    except (BadAnswer, RecursionError, ValueError, TypeError, OverflowError):
                        log.malformed += 1
            log.answers = answers
            log.answered_after = cell
            log.history.append((cell, answers))
        elif kind == "done":
            log.done = True
        else:
            log.malformed += 1
    return log


def cell_name(cells: Sequence[dict[str, Any]], index: int) -> str:
    """A cell as a student and an instructor can find it: its grade id, or the graded cell above it."""
    if not 0 <= index < len(cells):
        return "an unknown cell"
    own = grade_id(cells[index])
    if own:
        return f"cell {own}"
    for above in range(index - 1, -1, -1):
        gid = grade_id(cells[above])
        if gid:
            return f"the cell after {gid}"
    return "a cell before the set-up cell"


@dataclass(frozen=True)
class Grading:
    """Everything :func:`grade_submission` needs besides the submission."""

    limits: Limits
    sandbox: Sandbox
    #: Seeds the hidden cases of function questions (one seed per run: every submission gets the same cases).
    seed: str = "0"

    def hidden_cases(self, question: Question) -> list[Case]:
        """The hidden cases of a function question in this run (none for other questions)."""
        checker = question.checker
        if not isinstance(checker, Function):
            return []
        return checker.hidden_cases(f"{self.seed}:{question.id}", self.limits.hidden_cases)


def _rlimits(limits: Limits, cpu_s: float) -> dict[str, int]:
    return limits_for_child(limits, cpu_s)


def _is_bootstrap(cell: dict[str, Any], source: str) -> bool:
    """The notebook's toolkit-installing first cell (:mod:`immunokit.bootstrap`): the grader provides the
    toolkit itself, and a cell naming an older release would otherwise try to install it in the sandbox."""
    tags = cell.get("metadata", {}).get("tags", []) if isinstance(cell.get("metadata"), dict) else []
    return BOOTSTRAP_TAG in (tags if isinstance(tags, list) else []) or source.startswith(
        "# Course toolkit: nothing to do when immunokit"
    )


def _job_cells(sub: Submission, limits: Limits) -> list[dict[str, Any]]:
    assert sub.notebook is not None and sub.exercise is not None
    known = released(sub.exercise.id)
    checks, trusted = known.check_sources, known.trusted_sources
    cells = []
    for index, cell in enumerate(sub.notebook["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell_source(cell)
        if source.strip() in checks or not source.strip() or _is_bootstrap(cell, source):
            continue
        timeout = limits.notebook_timeout_s if source.strip() in trusted else limits.cell_timeout_s
        cells.append({"index": index, "source": source, "timeout": timeout})
    return cells


def run_function_cases(
    question: Question,
    cells: Sequence[dict[str, Any]],
    upto: int,
    grading: Grading,
    hidden: Sequence[Case] = (),
) -> list[CaseResult]:
    """Each test case of a function question in its own process, in a fresh sandbox (:mod:`.case`).

    The visible cases first, in notebook order, then ``hidden``; the results in the same order. The
    sandbox gets each case's inputs and nothing else (not which are hidden, not what is expected). All
    the cases together have at most the notebook time limit, and after :data:`MAX_CASE_TIMEOUTS` cases
    ran out of time the rest are not run (and fail).
    """
    from IPython.core.inputtransformer2 import TransformerManager

    checker = question.checker
    assert isinstance(checker, Function)
    cases = [*checker.cases, *hidden]
    defining = [c for c in cells if c["index"] <= upto and question.variable in assigned_names(c["source"])]
    if not defining:
        return [CaseResult(raised=f"NameError: {question.variable} is not defined")] * len(cases)
    last = defining[-1]["index"]
    transform = TransformerManager()  # type: ignore[no-untyped-call]
    prefix = []
    for c in cells:
        if c["index"] <= last:
            try:
                prefix.append(transform.transform_cell(c["source"]))
            except Exception:  # a cell IPython cannot read is skipped, as it would fail anyway
                continue
    job = {
        "cells": prefix,
        "name": question.variable,
        "cases": [{"args": list(c.args), "kwargs": dict(c.kwargs)} for c in cases],
        "cell_timeout": grading.limits.cell_timeout_s,
        "case_timeout": grading.limits.case_timeout_s,
        "max_timeouts": MAX_CASE_TIMEOUTS,
        "blocked_modules": list(checker.blocked),
        "rlimits": _rlimits(grading.limits, grading.limits.notebook_timeout_s),
    }
    budget = grading.limits.cell_timeout_s * (len(prefix) + 1) + min(
        (grading.limits.case_timeout_s + 1) * len(cases), grading.limits.notebook_timeout_s
    )
    run = grading.sandbox.run(
        "immunokit.grader.case",
        job,
        budget,
        hide_files=checker.blocked_files(),
        scratch_mb=grading.limits.scratch_mb,
    )
    found: dict[int, dict[str, Any]] = {}
    for line in run.output.splitlines():
        try:
            item = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            continue
        number = item.get("case") if isinstance(item, dict) else None
        if isinstance(number, int) and not isinstance(number, bool) and 0 <= number < len(cases):
            found[number] = item  # the last word on a case: its own process writes after anything earlier
    return [_case_result(found.get(n)) for n in range(len(cases))]


def _case_result(data: dict[str, Any] | None) -> CaseResult:
    if isinstance(data, dict) and data.get("timed_out") is True:
        return CaseResult(timed_out=True)
    if isinstance(data, dict) and data.get("skipped") is True:
        return CaseResult(raised=f"not run: {MAX_CASE_TIMEOUTS} earlier cases ran out of time")
    if isinstance(data, dict) and isinstance(data.get("raised"), str):
        return CaseResult(raised=data["raised"][:300])
    if isinstance(data, dict) and "returned" in data:
        try:
            return CaseResult(returned=decode(data["returned"]))
        except (BadAnswer, RecursionError, ValueError, TypeError, OverflowError):
            return CaseResult(raised="an unreadable return value")
    return CaseResult(raised="the test process stopped without a result (it crashed or exhausted its limits)")


def _stop_reason(
    log: Log, run: Any, cells: Sequence[dict[str, Any]], limits: Limits
) -> tuple[str, str] | None:
    """Why the run ended early, as (status, message), or None when it ran to the end."""
    where = cell_name(cells, log.last_started)
    memory = next((e for e in log.events if e[1] == "memory-exhausted"), None)
    if memory is not None:
        return (
            "memory-exhausted",
            f"{cell_name(cells, memory[0])} exhausted the memory limit ({limits.memory_mb} MB); the run "
            "stopped there: answers completed before it are graded, nothing after it",
        )
    if run.timed_out:
        return (
            "notebook-timeout",
            f"the notebook ran longer than {limits.notebook_timeout_s:g} s (stopped in {where}); answers "
            "completed before that cell are graded",
        )
    if not log.done:
        if log.last_started < 0:
            return (
                "grader-error",
                f"the sandbox did not start the notebook ({run.stderr_tail or run.returncode})",
            )
        how = f"killed by signal {run.signal}" if run.signal else f"exit code {run.returncode}"
        return (
            "kernel-died",
            f"the notebook's process ended in {where} ({how}: os._exit, a crash or a resource limit); answers "
            "completed before that cell are graded",
        )
    return None


def grade_run(sub: Submission, grading: Grading) -> list[Row]:
    """Run one identified submission in the sandbox and judge its answers."""
    assert sub.notebook is not None and sub.exercise is not None
    exercise: Exercise = sub.exercise
    limits = grading.limits
    cells_all = sub.notebook["cells"]
    rows: list[Row] = []

    def note(status: str, feedback: str) -> None:
        rows.append(Row(sub.student, exercise.id, SUBMISSION, 0.0, 0.0, status, feedback))

    known = released(exercise.id)
    present = {grade_id(c) for c in cells_all if isinstance(c, dict)} - {None}
    sources = {cell_source(c).strip() for c in cells_all if isinstance(c, dict)}
    # A released cell is there if its grade id or (for a locked cell) its exact source is; answer cells
    # can only be traced by grade id, so they are not counted when the notebook has lost all metadata.
    missing = [
        gid
        for gid, cell in ((grade_id(c), c) for c in known.cells)
        if gid
        and gid not in present
        and not (cell_source(cell).strip() in sources and cell_source(cell).strip())
        and (present or cell.get("metadata", {}).get("nbgrader", {}).get("locked"))
    ]
    if missing:
        note(
            "cells-deleted",
            f"{len(missing)} cell(s) of the released notebook are missing: {', '.join(missing)}; graded what remains",
        )
    job_cells = _job_cells(sub, limits)
    variables = [q.variable for q in exercise.questions]
    job = {
        "cells": job_cells,
        "variables": variables,
        "max_output_bytes": limits.max_output_bytes,
        "rlimits": _rlimits(limits, limits.notebook_timeout_s),
    }
    run = grading.sandbox.run(
        "immunokit.grader.kernel",
        job,
        limits.notebook_timeout_s,
        scratch_mb=limits.scratch_mb,
        max_output_bytes=MAX_LOG_BYTES,
        processes=limits.processes,
    )
    log = read_log(run.output, variables)
    errors = [e for e in log.events if e[1] == "cell-error"]
    for cell, _, detail in errors[:MAX_ERROR_ROWS]:
        note("cell-error", f"{cell_name(cells_all, cell)} raised {detail}")
    if len(errors) > MAX_ERROR_ROWS:
        note(
            "cell-error",
            f"{len(errors) - MAX_ERROR_ROWS} more cell(s) raised, probably because of the errors above",
        )
    for cell, _, _ in (e for e in log.events if e[1] == "cell-timeout"):
        note(
            "cell-timeout",
            f"{cell_name(cells_all, cell)} ran longer than {limits.cell_timeout_s:g} s and was interrupted",
        )
    for cell, _, _ in (e for e in log.events if e[1] == "output-truncated"):
        note(
            "output-truncated",
            f"{cell_name(cells_all, cell)} printed more than {limits.max_output_bytes:,} bytes; none of it was kept",
        )
    stopped = _stop_reason(log, run, cells_all, limits)
    if stopped:
        note(*stopped)
    for question in exercise.questions:
        rows.append(_question_row(sub, question, log, stopped, job_cells, grading))
    return rows


def _missing_message(sub: Submission, question: Question, log: Log) -> str:
    """Why a variable does not exist: its answer cell raised (named), or the cell is gone or renamed."""
    assert sub.notebook is not None
    answer_cell = next(
        (i for i, c in enumerate(sub.notebook["cells"]) if grade_id(c) == f"{question.id}-answer"), None
    )
    failure = next(
        (
            (kind, detail)
            for cell, kind, detail in log.events
            if cell == answer_cell and kind in ("cell-error", "cell-timeout")
        ),
        None,
    )
    if failure is not None:
        what = (
            f"raised {failure[1]}"
            if failure[0] == "cell-error"
            else "ran past the time limit and was interrupted"
        )
        return f"Your answer cell ({question.id}-answer) {what}, so `{question.variable}` was never defined."
    if answer_cell is None:
        return (
            f"No variable `{question.variable}` was defined, and the answer cell {question.id}-answer is not in "
            "the notebook (deleted, or its metadata removed)."
        )
    return (
        f"No variable `{question.variable}` was defined: the answer cell {question.id}-answer does not assign it "
        "(renamed?), or a cell before it failed (see the * rows)."
    )


def _question_row(
    sub: Submission,
    question: Question,
    log: Log,
    stopped: tuple[str, str] | None,
    job_cells: Sequence[dict[str, Any]],
    grading: Grading,
) -> Row:
    assert sub.exercise is not None
    # Judged as it stood where the notebook checks it (its check cell), as the student's check and
    # nbgrader see it: a value changed further down does not count. Without that cell, the final value.
    assert sub.notebook is not None
    at = next(
        (
            i
            for i, c in enumerate(sub.notebook["cells"])
            if grade_id(c) == question.id and c.get("cell_type") == "code"
        ),
        None,
    )
    if at is not None:
        answers, answered_after = log.answers_before(at)
        log = Log(answers, answered_after, log.events, log.last_started, log.done, log.malformed)
    if question.variable not in log.answers:
        if stopped:
            status, message = (
                "not-reached",
                f"The run stopped ({stopped[0]}) before `{question.variable}` was defined.",
            )
        else:
            status, message = "missing", _missing_message(sub, question, log)
        return Row(sub.student, sub.exercise.id, question.id, 0.0, question.points, status, message)
    answer = log.answers[question.variable]
    if isinstance(question.checker, Function) and isinstance(answer, FunctionAnswer):
        hidden = grading.hidden_cases(question)
        results = run_function_cases(question, job_cells, log.answered_after, grading, hidden)
        visible = len(question.checker.cases)
        status_, message_, fraction = question.checker.judge(results[:visible], hidden, results[visible:])
        verdict = question.verdict(status_, message_, fraction)
    else:
        verdict = question.judge(answer)
    status = verdict.status.value if isinstance(verdict.status, Status) else str(verdict.status)
    return Row(
        sub.student,
        sub.exercise.id,
        question.id,
        verdict.points,
        question.points,
        status,
        verdict.to_dict()["message"],
    )


def unusable_rows(sub: Submission) -> list[Row]:
    """One ``*`` row saying why; ``not-graded`` rows for the exercise's questions (not for duplicates)."""
    assert sub.problem is not None
    exercise = sub.exercise
    rows = [
        Row(
            sub.student,
            exercise.id if exercise else "?",
            SUBMISSION,
            0.0,
            0.0,
            sub.problem.status,
            sub.problem.message,
        )
    ]
    if exercise is not None and sub.problem.status != "duplicate":
        reason = f"not graded: {sub.problem.status} (see the * row)"
        rows += [
            Row(sub.student, exercise.id, q.id, 0.0, q.points, "not-graded", reason)
            for q in exercise.questions
        ]
    return rows


def grade_submission(sub: Submission, grading: Grading) -> list[Row]:
    """Every row for one submission; never raises."""
    try:
        if sub.problem is not None or sub.notebook is None or sub.exercise is None:
            return unusable_rows(sub)
        return grade_run(sub, grading)
    except Exception as err:  # one bad submission never stops the others
        exercise = sub.exercise.id if sub.exercise else "?"
        return [
            Row(sub.student, exercise, SUBMISSION, 0.0, 0.0, "grader-error", f"{type(err).__name__}: {err}")
        ]


@dataclass
class Run:
    """The result of grading a folder."""

    rows: list[Row]
    notebooks: int
    seconds: float
    contained: bool
    #: The seed of the hidden cases (``--hidden-seed`` reproduces them).
    seed: str = "0"


def new_seed() -> str:
    """A fresh seed for a run's hidden cases, unknown to any submission before the run."""
    return str(secrets.randbelow(10**9))


def grade_folder(
    folder: Path,
    *,
    exercise: str | None = None,
    limits: Limits | None = None,
    jobs: int | None = None,
    sandbox: Sandbox | None = None,
    seed: str | None = None,
) -> Run:
    """Grade every notebook under ``folder``: in parallel, rows in the order of the notebooks' paths."""
    start = time.monotonic()
    limits = limits or Limits()
    sandbox = sandbox or Sandbox()
    subs = choose([read(student, path, exercise) for student, path in find_submissions(folder)])
    seed = new_seed() if seed is None else seed
    grading = Grading(limits, sandbox, seed)
    with ThreadPoolExecutor(max_workers=max(1, jobs or os.cpu_count() or 1)) as pool:
        per_sub = list(pool.map(lambda s: grade_submission(s, grading), subs))
    rows = [row for group in per_sub for row in group]
    return Run(rows, len(subs), time.monotonic() - start, sandbox.contained, seed)
