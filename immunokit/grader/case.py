"""Runs *inside* a fresh sandbox: the test cases of one function answer, each in its own process.

``python -I -m immunokit.grader.case``, with the job as JSON on standard input: the sources of the
student's cells up to the one that defines the function, the function's name, the cases' arguments and
the time limit of one case. This program runs those cells (each under the per-cell time limit; a cell
that raises is skipped), then, for each case, forks a child process that calls the function once and
writes one JSON line to the original standard output (``{"case": n, "returned": <encoded value>}`` or
``{"case": n, "raised": "ValueError: ..."}``); a child still running after the case's time limit is
killed with its process group and the case is recorded as ``{"case": n, "timed_out": true}``. So an
endless loop costs that case only, and no case sees what an earlier case changed. After
``max_timeouts`` cases ran out of time, the remaining ones are not run (``{"case": n, "skipped": true}``,
a failed case): a function that loops on every hidden case costs a few case limits, not one per case.

The cases' inputs are the only thing this program learns about them (the grader keeps the expected
values, and which cases are hidden); each child process drops every other case's inputs before it calls
the student's function.

Inside these sandboxes the toolkit's modules that the question blocks (``toxicity.py``, the reference
implementation of the CRS grading function) are empty files, and importing them gives an empty module
(``job["blocked_modules"]``), as the student's own check does: the set-up cell that imports them still
defines its other names, and a function that only wraps the reference fails every case.
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


def main() -> int:
    from .sandbox import start_inside

    job, output = start_inside()
    record = output.record
    from ..exercises.answers import encode

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
    for source in job["cells"]:
        signal.setitimer(signal.ITIMER_REAL, float(job["cell_timeout"]))
        try:
            exec(compile(source, "<cell>", "exec"), namespace)
        except BaseException:
            pass
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    function = namespace.get(job["name"])
    timeout = float(job["case_timeout"])
    max_timeouts = int(job.get("max_timeouts", 0)) or len(job["cases"]) + 1
    timeouts = 0
    cases = job["cases"]
    for number in range(len(cases)):
        if timeouts >= max_timeouts:
            record({"case": number, "skipped": True})
            continue
        pid = os.fork()
        if pid == 0:
            os.setpgid(0, 0)
            args, kwargs = cases[number]["args"], cases[number]["kwargs"]
            cases.clear()  # this process's copy: the function sees its own inputs, not the other cases'
            job.clear()
            try:
                if not callable(function):
                    raise NameError(f"{job_name} is not defined as a function")
                result: dict[str, Any] = {"case": number, "returned": encode(function(*args, **kwargs))}
            except BaseException as err:
                result = {"case": number, "raised": f"{type(err).__name__}: {str(err)[:200]}"}
            record(result)
            os._exit(0)
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
