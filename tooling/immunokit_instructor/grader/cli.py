"""``python -m immunokit_instructor.grader SUBMISSIONS/ --out grades.csv`` — grade a folder of exercise notebooks.

Options: ``--exercise ID`` (every notebook should be this exercise), ``--cell-timeout S``,
``--notebook-timeout S``, ``--case-timeout S`` (one test case of a function answer), ``--tests-timeout S``
(all the function tests of one submission), ``--memory-mb N`` (one submission's whole process tree),
``--max-output BYTES``, ``--jobs N`` (submissions in parallel; default: every core), ``--hidden-cases N``
(hidden test cases per function question, at most; 0 for none), ``--hidden-seed S`` (reproduce a run's
hidden cases; by default a fresh seed, written in the summary), ``--shard I/N`` (grade one shard of the
students; see :mod:`.shards`), ``--roster CSV`` with ``--lms-column NAME`` (Canvas and Moodle grade-import
files, see :mod:`.gradebook`). Besides the CSV: its summary and ``grades.totals.csv`` (per student).

Other commands: ``python -m immunokit_instructor.grader merge SHARD.csv… --out grades.csv`` (the shards of one
folder into the CSV of a single run), ``python -m immunokit_instructor.grader gradescope EXERCISE`` (a Gradescope
autograder zip, :mod:`.gradescope`).

Exit status: 0 when every hand-in was graded or reported; 1 when the grader itself failed on at least
one (``grader-error`` rows: a broken environment, a sandbox that does not start), the CSV written all
the same; 2 on a usage error. See :mod:`immunokit_instructor.grader` and the instructor guide.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from immunokit_instructor.grader.folder import grade_folder, new_seed
from immunokit_instructor.grader.gradebook import (
    Person,
    RosterError,
    canvas_csv,
    handins,
    moodle_csv,
    not_a_notebook,
    read_roster,
    totals_csv,
    totals_path,
    unmatched,
)
from immunokit_instructor.grader.journal import Journal
from immunokit_instructor.grader.names import shown
from immunokit_instructor.grader.report import Row, csv_text, summary, summary_path, write_atomically
from immunokit_instructor.grader.sandbox import UNCONTAINED, Limits, Sandbox
from immunokit_instructor.grader.shards import (
    ShardError,
    grade_handins,
    in_student_order,
    merge,
    parse_shard,
    shard_csv,
)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["gradescope"]:
        from immunokit_instructor.grader.gradescope import main as gradescope_main

        return gradescope_main(args_list[1:])
    if args_list[:1] == ["merge"]:
        return merge_main(args_list[1:])
    return grade_main(args_list)


def grade_main(argv: Sequence[str]) -> int:
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
    parser.add_argument("--shard", default=None, help="grade one shard of the students, I/N (then: merge)")
    parser.add_argument(
        "--roster", type=Path, default=None, help="roster CSV: writes Canvas and Moodle files"
    )
    parser.add_argument(
        "--lms-column",
        default=None,
        help="the grade column's name in Canvas and Moodle (default: the exercise)",
    )
    args = parser.parse_args(argv)
    shard = (1, 1)
    if args.shard is not None:
        try:
            shard = parse_shard(args.shard)
        except ShardError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        if args.hidden_seed is None:
            print(
                "error: --shard needs --hidden-seed S (the same for every shard, so all test the same hidden cases)",
                file=sys.stderr,
            )
            return 2
    people = None
    if args.roster is not None:
        try:
            people = read_roster(args.roster)
        except RosterError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
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
    seed = new_seed() if args.hidden_seed is None else args.hidden_seed
    if shard != (1, 1):
        return _grade_shard(args, limits, sandbox, seed, shard, out)
    journal = Journal(out)  # each finished submission's rows, saved at once (a crash keeps them)
    run = grade_folder(
        args.submissions,
        exercise=args.exercise,
        limits=limits,
        jobs=args.jobs,
        sandbox=sandbox,
        seed=seed,
        on_rows=journal.add,
        private=(out.parent,),
    )
    # every hand-in gets a row: files that are not notebooks (a .html, a .pdf) are reported too
    others = [h for h in handins(args.submissions) if not h.notebook]
    rows = in_student_order([*run.rows, *(r for h in others for r in not_a_notebook(h, args.exercise))])
    lms_ids = {h.student: h.lms_id for h in handins(args.submissions) if h.lms_id}
    text = summary(rows, run.seconds, run.notebooks)
    text += f"\nhidden cases: at most {limits.hidden_cases} per function question, seed {run.seed}"
    text += "\n" + _containment(run.contained, run.uid, run.cgroups, limits)
    if not run.contained:
        text += "\nNOT SANDBOXED: " + UNCONTAINED
    status = _write_outputs(out, rows, text, people, args.lms_column or args.exercise, lms_ids)
    journal.close()
    return status


def _grade_shard(
    args: argparse.Namespace, limits: Limits, sandbox: Sandbox, seed: str, shard: tuple[int, int], out: Path
) -> int:
    """One shard of the students (``--shard I/N``): its rows, to be merged with the others."""
    run = grade_handins(
        args.submissions,
        exercise=args.exercise,
        limits=limits,
        jobs=args.jobs,
        sandbox=sandbox,
        seed=seed,
        shard=shard,
    )
    text = summary(run.rows, run.seconds, run.notebooks)
    text += f"\nhidden cases: at most {limits.hidden_cases} per function question, seed {seed}"
    text += f"\nshard {shard[0]}/{shard[1]}: merge all {shard[1]} with python -m immunokit_instructor.grader merge"
    if not run.contained:
        text += "\nNOT SANDBOXED: " + UNCONTAINED
    write_atomically(out, shard_csv(run, shard, seed))
    write_atomically(summary_path(out), text + "\n")
    print(text)
    print(f"wrote {shown(str(out))} and {shown(str(summary_path(out)))}")
    return _status(run.rows)


def _write_outputs(
    out: Path,
    rows: Sequence[Row],
    text: str,
    people: Sequence[Person] | None,
    column: str | None,
    lms_ids: dict[str, str],
) -> int:
    written = [out, summary_path(out), totals_path(out)]
    if people is not None:
        column = column or (rows[0].exercise if rows else "grade")
        for suffix, make in ((".canvas.csv", canvas_csv), (".moodle.csv", moodle_csv)):
            path = out.with_name(out.stem + suffix)
            write_atomically(path, make(people, rows, column, lms_ids))
            written.append(path)
        strangers = unmatched(people, rows, lms_ids)
        if strangers:
            text += "\nnot in the roster (left out of the LMS files): " + ", ".join(strangers)
    write_atomically(out, csv_text(rows))
    write_atomically(totals_path(out), totals_csv(rows))
    write_atomically(summary_path(out), text + "\n")
    print(text)
    print("wrote " + ", ".join(shown(str(p)) for p in written))
    return _status(rows)


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


def _status(rows: Sequence[Row]) -> int:
    failed = sorted({r.student for r in rows if r.status == "grader-error"})
    if failed:
        print(
            f"ERROR: the grader itself failed on {len(failed)} hand-in(s) ({', '.join(failed[:5])}"
            f"{', …' if len(failed) > 5 else ''}): see their grader-error rows; exit status 1",
            file=sys.stderr,
        )
        return 1
    return 0


def merge_main(argv: Sequence[str]) -> int:
    """``python -m immunokit_instructor.grader merge SHARD.csv… --out grades.csv``."""
    parser = argparse.ArgumentParser(
        prog="python -m immunokit_instructor.grader merge",
        description="Merge the shard CSVs of one folder into the CSV a single run writes.",
    )
    parser.add_argument("shards", type=Path, nargs="+", help="every shard's CSV (from --shard I/N)")
    parser.add_argument(
        "--out", type=Path, default=Path("grades.csv"), help="CSV to write (default grades.csv)"
    )
    parser.add_argument(
        "--roster", type=Path, default=None, help="roster CSV: writes Canvas and Moodle files"
    )
    parser.add_argument("--lms-column", default=None, help="the grade column's name in Canvas and Moodle")
    args = parser.parse_args(argv)
    try:
        rows, seed = merge(args.shards)
        people = read_roster(args.roster) if args.roster is not None else None
    except (ShardError, RosterError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    text = summary(rows)
    text += f"\nmerged {len(args.shards)} shards; hidden-case seed {seed}"
    return _write_outputs(args.out.resolve(), rows, text, people, args.lms_column, {})
