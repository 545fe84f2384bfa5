"""``python -m immunokit_instructor.grader SUBMISSIONS/ --out grades.csv`` — grade a folder of exercise notebooks.

Options: ``--exercise ID`` (every notebook should be this exercise), ``--cell-timeout S``,
``--notebook-timeout S``, ``--case-timeout S`` (one test case of a function answer), ``--tests-timeout S``
(all the function tests of one submission), ``--memory-mb N`` (one submission's whole process tree),
``--max-output BYTES``, ``--jobs N`` (submissions in parallel; default: every core), ``--hidden-cases N``
(hidden test cases per function question, at most; 0 for none), ``--hidden-seed S`` (reproduce a run's
hidden cases; by default a fresh seed, written in the summary). Exit status 0 when
the CSV was written, 2 on a usage error. See :mod:`immunokit_instructor.grader` and the instructor guide.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from immunokit_instructor.grader.folder import grade_folder
from immunokit_instructor.grader.journal import Journal
from immunokit_instructor.grader.names import shown
from immunokit_instructor.grader.report import csv_text, summary, summary_path, write_atomically
from immunokit_instructor.grader.sandbox import UNCONTAINED, Limits, Sandbox


def main(argv: Sequence[str] | None = None) -> int:
    defaults = Limits()
    parser = argparse.ArgumentParser(
        prog="python -m immunokit_instructor.grader",
        description="Grade a folder of exercise notebooks into a CSV.",
    )
    parser.add_argument("submissions", type=Path, help="folder of submitted notebooks")
    parser.add_argument(
        "--out", type=Path, default=Path("grades.csv"), help="CSV to write (default grades.csv)"
    )
    parser.add_argument(
        "--exercise", default=None, help="exercise every notebook should be (e.g. ch04-blinatumomab)"
    )
    parser.add_argument(
        "--cell-timeout", type=float, default=defaults.cell_timeout_s, help="seconds per student cell"
    )
    parser.add_argument(
        "--notebook-timeout", type=float, default=defaults.notebook_timeout_s, help="seconds per notebook"
    )
    parser.add_argument(
        "--case-timeout", type=float, default=defaults.case_timeout_s, help="seconds per function test case"
    )
    parser.add_argument(
        "--tests-timeout",
        type=float,
        default=defaults.tests_timeout_s,
        help="seconds for all the function tests of one submission together",
    )
    parser.add_argument(
        "--memory-mb",
        type=int,
        default=defaults.memory_mb,
        help="memory of one submission's whole process tree (MB; per process where no cgroup is available)",
    )
    parser.add_argument(
        "--max-output", type=int, default=defaults.max_output_bytes, help="bytes a cell may print"
    )
    parser.add_argument(
        "--jobs", type=int, default=None, help="submissions graded in parallel (default: cores)"
    )
    parser.add_argument(
        "--hidden-cases",
        type=int,
        default=defaults.hidden_cases,
        help=f"hidden test cases per function question, at most (default {defaults.hidden_cases}; 0: none)",
    )
    parser.add_argument(
        "--hidden-seed", default=None, help="seed of the hidden cases (default: a fresh one, in the summary)"
    )
    args = parser.parse_args(argv)
    if args.hidden_cases < 0:
        print(f"error: --hidden-cases must be 0 or more, got {args.hidden_cases}", file=sys.stderr)
        return 2
    if not args.submissions.is_dir():
        print(f"error: {args.submissions} is not a folder", file=sys.stderr)
        return 2
    if args.exercise:
        from immunokit.exercises.catalog import find_exercise

        if find_exercise(args.exercise) is None:
            print(f"error: unknown exercise {args.exercise!r}", file=sys.stderr)
            return 2
    out = args.out.resolve()
    sandbox = Sandbox(hide=(out.parent, args.submissions.resolve()))
    if not sandbox.contained:
        print(f"WARNING: {UNCONTAINED}", file=sys.stderr)
    limits = Limits(
        cell_timeout_s=args.cell_timeout,
        notebook_timeout_s=args.notebook_timeout,
        case_timeout_s=args.case_timeout,
        tests_timeout_s=args.tests_timeout,
        memory_mb=args.memory_mb,
        max_output_bytes=args.max_output,
        hidden_cases=args.hidden_cases,
    )
    journal = Journal(out)  # each finished submission's rows, saved at once (a crash keeps them)
    run = grade_folder(
        args.submissions,
        exercise=args.exercise,
        limits=limits,
        jobs=args.jobs,
        sandbox=sandbox,
        seed=args.hidden_seed,
        on_rows=journal.add,
        private=(out.parent,),
    )
    text = summary(run.rows, run.seconds, run.notebooks)
    text += f"\nhidden cases: at most {limits.hidden_cases} per function question, seed {run.seed}"
    text += "\n" + _containment(run.contained, run.uid, run.cgroups, limits)
    if not run.contained:
        text += "\nNOT SANDBOXED: " + UNCONTAINED
    write_atomically(out, csv_text(run.rows))
    write_atomically(summary_path(out), text + "\n")
    journal.close()
    print(text)
    print(f"wrote {shown(str(out))} and {shown(str(summary_path(out)))}")
    return 0


def _containment(contained: bool, uid: int | None, cgroups: bool, limits: Limits) -> str:
    """One line of the summary: who student code ran as, and how memory and processes were bounded."""
    who = f"uid {uid} (the grader runs as root)" if uid is not None else "the grader's own user"
    if cgroups:
        budget = (
            f"a cgroup per run: {limits.memory_mb} MB and {limits.processes} processes for the whole tree"
        )
    else:
        budget = (
            f"no cgroup could be created, rlimits only: {limits.memory_mb} MB per process, "
            f"{limits.processes} processes, {limits.open_files} open files of at most "
            f"{limits.file_size_mb} MB each"
        )
    return (
        f"sandbox: student code ran as {who}; {budget}; at most {limits.submission_budget_s:g} s per "
        "submission"
    )
