"""Runs *inside* a fresh sandbox: the test cases of one function answer, each in its own process.

``python -I -m immunokit_instructor.grader.case``, with the job as one JSON line on standard input: the student's
code cells, the function's name, the cell after which it was recorded, the number of cases and the time
limit of one case. This program finds the cells up to the one that defines the function and applies
IPython's transforms to them (here, not in the grader), runs them (each under the per-cell time limit;
a cell that raises is skipped), prints that it is done, and only then receives the cases, one line per
case, reading each just before it runs it. For each case it forks a child process that calls the function once and
writes one JSON line to the original standard output (``{"case": n, "returned": <encoded value>}`` or
``{"case": n, "raised": "ValueError: ..."}``); a child still running after the case's time limit is
killed with its process group and the case is recorded as ``{"case": n, "timed_out": true}``. So an
endless loop costs that case only, and no case sees what an earlier case changed. After
``max_timeouts`` cases ran out of time, the remaining ones are not run (``{"case": n, "skipped": true}``,
a failed case): a function that loops on every hidden case costs a few case limits, not one per case.

The cases' inputs are the only thing this program learns about them (the grader keeps the expected
values, and which cases are hidden), and it learns them one at a time: while the student's cells run,
no case has been sent; later cases wait in the pipe, unread (the seccomp filter refuses ``tee``, the
one way to peek into a pipe), so a case's process holds its own inputs and those of earlier cases
only. A program that reads the pipe itself takes those cases away from the runner: they fail.

Inside these sandboxes the toolkit's ``toxicity.py`` (the reference implementation of the CRS grading
function) is an empty file, so a function that only wraps it fails every case.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import types
from typing import Any


class _CellTimeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _CellTimeout


#: The line the runner prints once the student's cells have run; only then does the grader send the cases.
CELLS_DONE = b'{"type": "cells-done"}'


def _defining_cells(cells: list[dict[str, Any]], name: str, upto: int) -> list[str]:
    """The cells up to the last one (at or before ``upto``) that assigns ``name``, as Python source.

    IPython's transforms (magics, ``!`` lines) and the parse that finds the assignment run here, in the
    sandbox, under its limits: never in the grader's process.
    """
    from IPython.core.inputtransformer2 import TransformerManager

    from immunokit.exercises.student import assigned_names

    def assigns(source: str) -> bool:
        if name not in source:  # cannot assign it: not parsed at all (a 6 MB data cell costs nothing)
            return False
        try:
            return name in assigned_names(source)
        except (MemoryError, RecursionError, ValueError):  # a cell too large or deep to parse here
            return False

    defining = [c for c in cells if c["index"] <= upto and assigns(c["source"])]
    if not defining:
        return []
    last = defining[-1]["index"]
    transform = TransformerManager()  # type: ignore[no-untyped-call]
    prefix = []
    for c in cells:
        if c["index"] <= last:
            try:
                prefix.append(transform.transform_cell(c["source"]))
            except (Exception, MemoryError, RecursionError):  # a cell IPython cannot read is skipped
                continue
    return prefix


def main() -> int:
    import json

    from immunokit_instructor.grader.inside import read_line, start_inside

    job, output = start_inside(keep_input=True)
    record = output.record
    from immunokit.exercises.answers import encode

    cases_fd = int(job.pop("input_fd"))
    job.pop("input_rest")  # nothing: the cases are sent only after the cells ran
    devnull = open(os.devnull, "w")
    sys.stdout = devnull
    sys.stderr = devnull
    signal.signal(signal.SIGALRM, _alarm)
    for blocked in job.get("blocked_modules", []):  # importable, and empty (as in the student's check)
        package, _, leaf = str(blocked).rpartition(".")
        sys.modules[blocked] = types.ModuleType(blocked)
        if package in sys.modules:
            setattr(sys.modules[package], leaf, sys.modules[blocked])
    namespace: dict[str, Any] = {"__name__": "__main__"}
    job_name = str(job["name"])
    cell_timeout = float(job["cell_timeout"])
    timeout = float(job["case_timeout"])
    max_timeouts = int(job.get("max_timeouts", 0)) or 10**9
    count = int(job["count"])
    sources = _defining_cells(job["cells"], job_name, int(job["upto"]))
    job.clear()
    if not sources:
        record({"undefined": True})
    for source in sources:
        signal.setitimer(signal.ITIMER_REAL, cell_timeout)
        try:
            exec(compile(source, "<cell>", "exec"), namespace)
        except BaseException:
            pass
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    del sources
    function = namespace.get(job_name)
    # Only now does the grader send the cases, one line each: read one at a time, never ahead, so no
    # process here holds a case's inputs before that case runs.
    output.raw(CELLS_DONE + b"\n")
    timeouts = 0
    for number in range(count):
        if timeouts >= max_timeouts:
            record({"case": number, "skipped": True})
            continue
        line = read_line(cases_fd)
        if not line:
            break
        pid = os.fork()
        if pid == 0:
            os.setpgid(0, 0)
            try:
                case = json.loads(line)
                args, kwargs = case["args"], case["kwargs"]
                del line, case
                if not callable(function):
                    raise NameError(f"{job_name} is not defined as a function")
                result: dict[str, Any] = {"case": number, "returned": encode(function(*args, **kwargs))}
            except BaseException as err:
                result = {"case": number, "raised": f"{type(err).__name__}: {str(err)[:200]}"}
            record(result)
            os._exit(0)
        del line
        deadline = time.monotonic() + timeout
        pause = 0.0005
        while True:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                for kill, target in ((os.killpg, pid), (os.kill, pid)):
                    try:
                        kill(target, signal.SIGKILL)
                    except OSError:
                        pass
                os.waitpid(pid, 0)
                record({"case": number, "timed_out": True})
                timeouts += 1
                break
            time.sleep(pause)
            pause = min(pause * 2, 0.01)
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
