"""Runs *inside* a fresh sandbox: one test case of a function answer.

``python -I -m immunokit.grader.case /scratch/job.json``. The job holds the sources of the student's
cells up to the one that defines the function (each run in turn; a cell that raises is skipped), the
function's name and the case's arguments. The result, encoded by
:func:`immunokit.exercises.answers.encode`, is written to ``/scratch/result.json``:
``{"returned": <encoded value>}`` or ``{"raised": "ValueError: ..."}``. The grader kills the sandbox
after the case's time limit, so an endless loop costs this case only.

The toolkit's ``toxicity.py`` (the reference implementation of the CRS grading function) is an empty
file inside these sandboxes, so a function that only wraps it fails every case.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

RESULT = "result.json"


def main(job_path: str) -> int:
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    from .sandbox import apply_limits

    apply_limits(job["rlimits"])
    out = os.path.join(os.path.dirname(job_path), RESULT)
    from ..exercises.answers import encode

    devnull = open(os.devnull, "w")  # noqa: SIM115  (kept open until os._exit)
    sys.stdout = devnull
    sys.stderr = devnull
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for source in job["cells"]:
        try:
            exec(compile(source, "<cell>", "exec"), namespace)
        except BaseException:  # noqa: S110  (a failing earlier cell does not stop the case)
            pass
    function = namespace.get(job["name"])
    try:
        if not callable(function):
            raise NameError(f"{job['name']} is not defined as a function")
        result: dict[str, Any] = {"returned": encode(function(*job["args"], **job["kwargs"]))}
    except BaseException as err:
        result = {"raised": f"{type(err).__name__}: {str(err)[:200]}"}
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(result))
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
