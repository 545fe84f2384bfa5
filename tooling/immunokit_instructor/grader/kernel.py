"""Runs *inside* the sandbox: executes a submission's cells one by one and records the answers.

``python -I -m immunokit_instructor.grader.kernel``, with the job as JSON on standard input: the cells to run with
their time limits, the names of the answer variables and the rlimits. This program:

1. applies the rlimits to itself (inherited by everything the student's code starts);
2. runs each cell in an IPython shell (magics work; output is counted and discarded), interrupting a
   cell after its time limit;
3. after each cell, writes to its original standard output (a pipe the grader reads; the cells' own
   output goes to ``/dev/null``) one JSON line with every answer variable that exists, encoded by
   :func:`immunokit.exercises.answers.encode` (plain JSON values only), and one line per event (a cell
   raised, ran out of time, printed too much, exhausted memory);
4. stops at the first memory exhaustion: answers recorded before it stand, nothing after it is recorded.

Everything this program writes is a *claim* by code the student controls (the student's code runs in
this very process and may rewrite any of it). The grader therefore reads only answer values from it,
checks their type and size, and computes every verdict itself from its own catalogue.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


class _CellTimeout(KeyboardInterrupt):
    """Raised in the main thread when a cell runs past its time limit."""


class _CountingSink:
    """Replaces stdout/stderr: counts what a cell prints, keeps none of it."""

    def __init__(self) -> None:
        self.count = 0
        self.encoding = "utf-8"

    def write(self, text: Any) -> int:
        try:
            self.count += len(text)
        except TypeError:
            pass
        return len(text) if isinstance(text, (str, bytes)) else 0

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("no file descriptor")


def main() -> int:
    from immunokit_instructor.grader.inside import start_inside

    job, output = start_inside()
    record = output.record
    from IPython.core.interactiveshell import InteractiveShell

    from immunokit.exercises.answers import encode

    sink = _CountingSink()
    sys.stdout = sink
    sys.stderr = sink
    shell = InteractiveShell.instance(colors="NoColor")
    # What a cell displays is discarded here: compute its plain text only. A figure's HTML (its SVG
    # renderings, wide and phone) was most of a plotting cell's time, spent on pictures nobody sees.
    formatter = shell.display_formatter
    assert formatter is not None
    formatter.active_types = ["text/plain"]
    formatter.mimebundle_formatter.enabled = False
    formatter.ipython_display_formatter.enabled = False
    variables: list[str] = list(job["variables"])
    max_output = int(job["max_output_bytes"])
    state = {"timed_out": False}

    def on_alarm(signum: int, frame: Any) -> None:
        state["timed_out"] = True
        raise _CellTimeout

    signal.signal(signal.SIGALRM, on_alarm)
    for cell in job["cells"]:
        index = cell["index"]
        state["timed_out"] = False
        sink.count = 0
        record({"type": "start", "cell": index})
        signal.setitimer(signal.ITIMER_REAL, float(cell["timeout"]))
        try:
            result = shell.run_cell(cell["source"], store_history=True)  # type: ignore[no-untyped-call]
            error = result.error_before_exec or result.error_in_exec
        except BaseException as err:  # raised outside IPython's own handling (e.g. the alarm in a hook)
            error = err
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if sink.count > max_output:
            record({"type": "event", "cell": index, "kind": "output-truncated", "detail": str(sink.count)})
        if isinstance(error, MemoryError) or _memory_error(error):
            record({"type": "event", "cell": index, "kind": "memory-exhausted", "detail": ""})
            break
        if state["timed_out"]:
            record({"type": "event", "cell": index, "kind": "cell-timeout", "detail": ""})
        elif error is not None:
            detail = f"{type(error).__name__}: {str(error)[:200]}"
            record({"type": "event", "cell": index, "kind": "cell-error", "detail": detail})
        namespace = shell.user_ns
        answers = {name: encode(namespace[name]) for name in variables if name in namespace}
        record({"type": "answers", "cell": index, "answers": answers})
    record({"type": "done"})
    output.close()
    sys.stdout.flush()
    os._exit(0)  # no interpreter shutdown: nothing the student registered (atexit, __del__) runs after this


def _memory_error(error: BaseException | None) -> bool:
    """A NumPy or other allocation failure that is not a ``MemoryError`` subclass but says so."""
    if error is None:
        return False
    return type(error).__name__ in ("MemoryError", "_ArrayMemoryError") or "Unable to allocate" in str(error)


if __name__ == "__main__":
    raise SystemExit(main())
