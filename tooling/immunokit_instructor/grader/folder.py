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
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from immunokit.exercises.answers import BadAnswer, FunctionAnswer, decode
from immunokit.exercises.catalog import Exercise, Question
from immunokit.exercises.checks import Case, CaseResult, Function
from immunokit.exercises.verdict import Status
from immunokit_build.bootstrap import TAG as BOOTSTRAP_TAG
from immunokit_build.bootstrap import TITLE as BOOTSTRAP_TITLE
from immunokit_instructor.grader.report import SUBMISSION, Row
from immunokit_instructor.grader.sandbox import Limits, Sandbox, limits_for_child
from immunokit_instructor.grader.submissions import (
    Store,
    Submission,
    cell_source,
    choose,
    find_submissions,
    grade_id,
    read,
    released,
)

#: Cell errors reported one row each; more are summed up in one extra row.
MAX_ERROR_ROWS = 5
#: After this many test cases of one function ran out of time, the rest are not run (they fail).
MAX_CASE_TIMEOUTS = 3
#: The most of a sandbox's log the grader reads.
MAX_LOG_BYTES = 8 * 1024 * 1024


#: The kinds of event a kernel reports, and the most of each kind a submission's row counts.
EVENT_KINDS = ("cell-error", "cell-timeout", "output-truncated", "memory-exhausted")
MAX_EVENTS = 1000


class _BigInt:
    """What a JSON integer of more than 400 digits decodes to: an answer :func:`decode` refuses."""


def _int(text: str) -> Any:
    return int(text) if len(text) <= 400 else _BigInt()


def loads(line: str) -> Any:
    """``json.loads`` of one line from a sandbox, never raising: a huge integer is not converted, any
    malformed line is None."""
    try:
        return json.loads(line, parse_int=_int)
    except (ValueError, RecursionError, TypeError):
        return None


@dataclass
class Log:
    """What a sandboxed run recorded (claims, read with type checks)."""

    answers: dict[str, Any] = field(default_factory=dict)
    answered_after: int = -1
    events: list[tuple[int, str, str]] = field(default_factory=list)
    last_started: int = -1
    done: bool = False
    malformed: int = 0
    #: Variables whose last recorded value could not be read (only their questions are affected).
    unreadable: set[str] = field(default_factory=set)
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


def read_log(text: str | None, variables: Sequence[str], cells: Sequence[int] | None = None) -> Log:
    """Parse what the sandbox reported: only known variables, only well-formed answers; anything else is counted.

    Events count once per (cell, kind), only for the cell that is running (the last ``start``), only
    for the ``cells`` the job ran (when given), only of the kinds a kernel reports, and at most
    :data:`MAX_EVENTS` in all; a memory exhaustion followed by another cell's start is dropped (the
    kernel stops there). Code that writes forged events can only accuse its own cell, once per kind:
    it cannot make rows or statuses multiply.
    """
    log = Log()
    ran = set(cells) if cells is not None else None
    seen: set[tuple[int, str]] = set()
    for line in (text or "").splitlines():
        item = loads(line)
        if item is None:
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
            # the kernel stops at a memory exhaustion: one followed by another cell was forged
            log.events = [e for e in log.events if e[1] != "memory-exhausted"]
        elif kind == "event" and item.get("kind") in EVENT_KINDS:
            # the kernel reports a cell's events while that cell is the last one started
            if (
                cell != log.last_started
                or (ran is not None and cell not in ran)
                or (cell, item["kind"]) in seen
            ):
                continue
            if len(log.events) >= MAX_EVENTS:
                continue
            seen.add((cell, item["kind"]))
            detail = item.get("detail")
            log.events.append((cell, item["kind"], detail[:300] if isinstance(detail, str) else ""))
        elif kind == "answers" and isinstance(item.get("answers"), dict):
            answers = {}
            unreadable = set()
            for name in variables:
                if name in item["answers"]:
                    try:
                        answers[name] = decode(item["answers"][name])
                    except (BadAnswer, RecursionError, ValueError, TypeError, OverflowError, AttributeError):
                        log.malformed += 1
                        unreadable.add(name)
            log.answers = answers
            log.unreadable = unreadable
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
    #: Host folders whose paths never appear in feedback (the submissions folder, the output folder).
    private: tuple[Path, ...] = ()

    def scrub(self, text: str) -> str:
        """``text`` without host paths: the toolkit, the Python installation, the submissions and output
        folders and the home folder are replaced by short names."""
        import sys

        from immunokit_instructor.grader.sandbox import toolkit_dir

        places = [
            (str(toolkit_dir().parent), "<course>"),
            (str(Path(sys.prefix).resolve()), "<python>"),
            (sys.prefix, "<python>"),
            (str(Path(sys.base_prefix).resolve()), "<python>"),
            (sys.base_prefix, "<python>"),
            *((str(p), "<submissions>") for p in self.private),
            (str(Path.home()), "<home>"),
        ]
        for place, name in sorted(places, key=lambda item: -len(item[0])):
            if len(place) > 1:
                text = text.replace(place, name)
        return text

    def hidden_cases(self, question: Question) -> list[Case]:
        """The hidden cases of a function question in this run (none for other questions)."""
        checker = question.checker
        if not isinstance(checker, Function):
            return []
        return checker.hidden_cases(f"{self.seed}:{question.id}", self.limits.hidden_cases)


def _rlimits(limits: Limits, cpu_s: float) -> dict[str, int]:
    return limits_for_child(limits, cpu_s)


def _is_bootstrap(cell: dict[str, Any], source: str) -> bool:
    """The notebook's toolkit-installing first cell (:mod:`immunokit_build.bootstrap`): the grader provides the
    toolkit itself, and a cell naming an older release would otherwise try to install it in the sandbox."""
    tags = cell.get("metadata", {}).get("tags", []) if isinstance(cell.get("metadata"), dict) else []
    return BOOTSTRAP_TAG in (tags if isinstance(tags, list) else []) or source.startswith(
        (BOOTSTRAP_TITLE, "# Course toolkit: nothing to do when immunokit")  # the cell now, and before 0.3
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
    budget_s: float | None = None,
) -> list[CaseResult]:
    """The results of :func:`function_cases` (without whether the budget ran out)."""
    return function_cases(question, cells, upto, grading, hidden, budget_s)[0]


def function_cases(
    question: Question,
    cells: Sequence[dict[str, Any]],
    upto: int,
    grading: Grading,
    hidden: Sequence[Case] = (),
    budget_s: float | None = None,
) -> tuple[list[CaseResult], bool]:
    """Each test case of a function question in its own process, in a fresh sandbox (:mod:`.case`).

    The visible cases first, in notebook order, then ``hidden``; the results in the same order. The
    sandbox gets the student's cells (it finds the ones that define the function itself, under its
    limits), then each case's inputs, one at a time, and nothing else (not which are hidden, not what is
    expected). The whole sandbox has ``budget_s`` (by default :attr:`Limits.tests_timeout_s`), fixed
    whatever the number of cells; after :data:`MAX_CASE_TIMEOUTS` cases ran out of time the rest are not
    run (and fail). A case without a result when the budget ran out fails as timed out.
    """
    checker = question.checker
    assert isinstance(checker, Function)
    cases = [*checker.cases, *hidden]
    limits = grading.limits
    budget = limits.tests_timeout_s if budget_s is None else budget_s
    if budget <= 0:
        return [CaseResult(timed_out=True)] * len(cases), True
    job = {
        "cells": [{"index": c["index"], "source": c["source"]} for c in cells if c["index"] <= upto],
        "name": question.variable,
        "upto": upto,
        "count": len(cases),
        "cell_timeout": limits.cell_timeout_s,
        "case_timeout": limits.case_timeout_s,
        "max_timeouts": MAX_CASE_TIMEOUTS,
        "blocked_modules": list(checker.blocked),
        "rlimits": _rlimits(limits, budget),
    }
    lines = b"".join(
        json.dumps({"args": list(c.args), "kwargs": dict(c.kwargs)}).encode("utf-8") + b"\n" for c in cases
    )
    from immunokit_instructor.grader.case import CELLS_DONE

    run = grading.sandbox.run(
        "immunokit_instructor.grader.case",
        job,
        budget,
        hide_files=checker.blocked_files(),
        scratch_mb=limits.scratch_mb,
        processes=limits.processes,
        memory_mb=limits.memory_mb,
        respond=(CELLS_DONE, lines),
    )
    found: dict[int, dict[str, Any]] = {}
    undefined = False
    for line in run.output.splitlines():
        item = loads(line)
        if isinstance(item, dict) and item.get("undefined") is True:
            undefined = True
        number = item.get("case") if isinstance(item, dict) else None
        if isinstance(number, int) and not isinstance(number, bool) and 0 <= number < len(cases):
            found[number] = item  # the last word on a case: its own process writes after anything earlier
    if undefined and not found:
        return [CaseResult(raised=f"NameError: {question.variable} is not defined")] * len(cases), False
    if run.timed_out:
        return [
            _case_result(found[n]) if n in found else CaseResult(timed_out=True) for n in range(len(cases))
        ], True
    return [_case_result(found.get(n)) for n in range(len(cases))], False


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


#: The status of a submission's ``*`` row: the first of these that happened.
SEVERITY = (
    "grader-error",
    "memory-exhausted",
    "notebook-timeout",
    "tests-timeout",
    "kernel-died",
    "log-overflow",
    "cell-timeout",
    "cell-error",
    "output-truncated",
    "cells-deleted",
)


def _stop_reason(
    log: Log, run: Any, cells: Sequence[dict[str, Any]], limits: Limits
) -> tuple[str, str] | None:
    """Why the run ended early, as (status, message), or None when it ran to the end."""
    where = cell_name(cells, log.last_started)
    memory = next((e for e in log.events if e[1] == "memory-exhausted"), None)
    if memory is not None or getattr(run, "oom_killed", False):
        place = cell_name(cells, memory[0]) if memory is not None else where
        return (
            "memory-exhausted",
            f"{place} exhausted the memory limit ({limits.memory_mb} MB for the whole submission); the run "
            "stopped there: answers completed before it are graded, nothing after it",
        )
    if run.timed_out:
        return (
            "notebook-timeout",
            f"the notebook ran longer than {limits.notebook_timeout_s:g} s (stopped in {where}); answers "
            "completed before that cell are graded",
        )
    if not log.done and len(run.output.encode("utf-8", "replace")) >= MAX_LOG_BYTES - 1024:
        return (
            "log-overflow",
            f"the notebook wrote more than {MAX_LOG_BYTES // 2**20} MB of records to the grader (stopped reading "
            f"in {where}); answers recorded before that are graded",
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


def _count(n: int) -> str:
    return f"{n}" if n < MAX_EVENTS else f"{MAX_EVENTS} or more"


def _notes(
    log: Log, cells_all: Sequence[dict[str, Any]], limits: Limits, missing: Sequence[str]
) -> list[tuple[str, str]]:
    """(status, message) of everything that happened besides the answers, one entry per kind, counted."""
    notes: list[tuple[str, str]] = []
    if missing:
        notes.append(
            (
                "cells-deleted",
                f"{len(missing)} cell(s) of the released notebook are missing: {', '.join(missing[:20])}"
                f"{' …' if len(missing) > 20 else ''}; graded what remains",
            )
        )
    errors = [e for e in log.events if e[1] == "cell-error"]
    if errors:
        first = "; ".join(f"{cell_name(cells_all, c)} raised {d}" for c, _, d in errors[:3])
        more = (
            f"; {_count(len(errors) - 3)} more cell(s) raised, probably because of those"
            if len(errors) > 3
            else ""
        )
        notes.append(("cell-error", first + more))
    kinds = (
        ("cell-timeout", f"ran longer than {limits.cell_timeout_s:g} s and", "interrupted"),
        ("output-truncated", f"printed more than {limits.max_output_bytes:,} bytes; none of it", "kept"),
    )
    for kind, what, ending in kinds:
        found = [e for e in log.events if e[1] == kind]
        if len(found) == 1:
            notes.append((kind, f"{cell_name(cells_all, found[0][0])} {what} was {ending}"))
        elif found:
            where = ", ".join(cell_name(cells_all, c) for c, _, _ in found[:3])
            notes.append(
                (
                    kind,
                    f"{_count(len(found))} cells {what} were {ending} ({where}{' …' if len(found) > 3 else ''})",
                )
            )
    return notes


def submission_row(sub: Submission, notes: Sequence[tuple[str, str]]) -> list[Row]:
    """At most one ``*`` row: the most severe status, every note in its feedback."""
    if not notes:
        return []
    assert sub.exercise is not None
    ordered = sorted(notes, key=lambda n: SEVERITY.index(n[0]) if n[0] in SEVERITY else len(SEVERITY))
    feedback = " | ".join(message for _, message in ordered)
    return [Row(sub.student, sub.exercise.id, SUBMISSION, 0.0, 0.0, ordered[0][0], feedback)]


def grade_run(sub: Submission, grading: Grading, deadline: float | None = None) -> list[Row]:
    """Run one identified submission in the sandbox and judge its answers.

    ``deadline`` (``time.monotonic()``) bounds the whole submission: the notebook run gets at most
    :attr:`Limits.notebook_timeout_s`, the function tests together at most
    :attr:`Limits.tests_timeout_s`, and neither runs past the deadline.
    """
    assert sub.notebook is not None and sub.exercise is not None
    exercise: Exercise = sub.exercise
    limits = grading.limits
    deadline = deadline if deadline is not None else time.monotonic() + limits.submission_budget_s
    cells_all = sub.notebook["cells"]
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
    job_cells = _job_cells(sub, limits)
    variables = [q.variable for q in exercise.questions]
    notebook_s = max(0.0, min(limits.notebook_timeout_s, deadline - time.monotonic()))
    job = {
        "cells": job_cells,
        "variables": variables,
        "max_output_bytes": limits.max_output_bytes,
        "rlimits": _rlimits(limits, notebook_s),
    }
    run = grading.sandbox.run(
        "immunokit_instructor.grader.kernel",
        job,
        notebook_s,
        scratch_mb=limits.scratch_mb,
        max_output_bytes=MAX_LOG_BYTES,
        processes=limits.processes,
        memory_mb=limits.memory_mb,
    )
    log = read_log(run.output, variables, [c["index"] for c in job_cells])
    notes = _notes(log, cells_all, limits, missing)
    stopped = _stop_reason(log, run, cells_all, limits)
    if stopped:
        notes.append(stopped)
    tests_deadline = min(deadline, time.monotonic() + limits.tests_timeout_s)
    question_rows = []
    tests_ran_out = False
    for question in exercise.questions:
        try:
            row = _question_row(sub, question, log, stopped, job_cells, grading, tests_deadline)
        except Exception as err:  # one question's failure costs that question only
            row = Row(
                sub.student,
                exercise.id,
                question.id,
                0.0,
                question.points,
                "grader-error",
                f"this question could not be graded ({type(err).__name__}: {str(err)[:200]})",
            )
        if row.status == "tests-timeout":
            tests_ran_out = True
        question_rows.append(row)
    if tests_ran_out:
        notes.append(
            (
                "tests-timeout",
                f"the function tests of this submission ran out of their {limits.tests_timeout_s:g} s "
                "budget; cases without a result failed",
            )
        )
    rows = submission_row(sub, notes) + question_rows
    return [_scrubbed(row, grading) for row in rows]


def _scrubbed(row: Row, grading: Grading) -> Row:
    feedback = grading.scrub(row.feedback)
    if feedback == row.feedback:
        return row
    return Row(row.student, row.exercise, row.question, row.points, row.max_points, row.status, feedback)


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
    tests_deadline: float | None = None,
) -> Row:
    assert sub.exercise is not None
    if question.variable in log.unreadable:
        return Row(
            sub.student,
            sub.exercise.id,
            question.id,
            0.0,
            question.points,
            "wrong-type",
            f"`{question.variable}` holds a value the grader cannot read back (too large or malformed).",
        )
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
        left = None if tests_deadline is None else tests_deadline - time.monotonic()
        results, ran_out = function_cases(question, job_cells, log.answered_after, grading, hidden, left)
        if ran_out:
            return Row(
                sub.student,
                sub.exercise.id,
                question.id,
                0.0,
                question.points,
                "tests-timeout",
                f"The tests of `{question.variable}` did not finish within the submission's budget for "
                f"function tests ({grading.limits.tests_timeout_s:g} s): a cell before the function, or "
                "the function itself, ran too long.",
            )
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


def grade_submission(sub: Submission, grading: Grading, deadline: float | None = None) -> list[Row]:
    """Every row for one submission; never raises. The stored cells are loaded here and dropped after."""
    try:
        sub.load()
        if sub.problem is not None or sub.notebook is None or sub.exercise is None:
            return unusable_rows(sub)
        return grade_run(sub, grading, deadline)
    except Exception as err:  # one bad submission never stops the others
        exercise = sub.exercise.id if sub.exercise else "?"
        return [
            Row(
                sub.student,
                exercise,
                SUBMISSION,
                0.0,
                0.0,
                "grader-error",
                grading.scrub(f"{type(err).__name__}: {err}"),
            )
        ]
    finally:
        sub.unload()


@dataclass
class Run:
    """The result of grading a folder."""

    rows: list[Row]
    notebooks: int
    seconds: float
    contained: bool
    #: The seed of the hidden cases (``--hidden-seed`` reproduces them).
    seed: str = "0"
    #: Whether memory and processes were bounded per submission by a cgroup (else the rlimit fallback).
    cgroups: bool = False
    #: The unprivileged uid student code ran as (None: the grader's own, an ordinary user).
    uid: int | None = None


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
    on_rows: Callable[[list[Row]], None] | None = None,
    private: Sequence[Path] = (),
    only: Callable[[str], bool] | None = None,
) -> Run:
    """Grade every notebook under ``folder``: in parallel, rows in the order of the notebooks' paths.

    First every file is opened, checked and read in its own sandbox (:func:`.submissions.read`; what is
    kept of it waits on disk), then duplicates are settled, then each submission is graded within
    :attr:`Limits.submission_budget_s`; ``on_rows`` receives each submission's rows as it finishes
    (the grader saves them at once: see :mod:`.journal`). ``only`` grades just the students it accepts
    (one shard of a class: :mod:`.shards`).
    """
    start = time.monotonic()
    limits = limits or Limits()
    sandbox = sandbox or Sandbox()
    root = folder.resolve()
    seed = new_seed() if seed is None else seed
    grading = Grading(limits, sandbox, seed, (root, *(Path(p).resolve() for p in private)))
    store = Store()
    workers = max(1, jobs or os.cpu_count() or 1)
    try:

        def read_one(item: tuple[str, Path]) -> Submission:
            begun = time.monotonic()
            sub = read(item[0], Path(item[1]), exercise, sandbox, limits, folder)
            sub.seconds = time.monotonic() - begun
            store.put(sub)
            return sub

        with ThreadPoolExecutor(max_workers=workers) as pool:
            found = [(s, p) for s, p in find_submissions(folder) if only is None or only(s)]
            subs = choose(list(pool.map(read_one, found)))

        def grade_one(sub: Submission) -> list[Row]:
            deadline = time.monotonic() + limits.submission_budget_s - sub.seconds
            rows = grade_submission(sub, grading, deadline)
            if on_rows is not None:
                on_rows(rows)
            return rows

        with ThreadPoolExecutor(max_workers=workers) as pool:
            per_sub = list(pool.map(grade_one, subs))
    finally:
        store.close()
    rows = [row for group in per_sub for row in group]
    return Run(
        rows,
        len(subs),
        time.monotonic() - start,
        sandbox.contained,
        seed,
        sandbox.cgroups,
        sandbox.user[0] if sandbox.user else None,
    )
