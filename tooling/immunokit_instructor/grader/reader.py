"""Runs *inside* a sandbox: decodes and checks one submitted notebook file, so the grader never parses one.

``python -I -m immunokit_instructor.grader.reader``: the job is the first line of standard input, the file's bytes
follow (the grader copies them from a file it opened itself; see :func:`.submissions.open_submission`).
This program decodes the JSON, validates the notebook format (``nbformat``) and prints one JSON line:

* ``{"problem": STATUS, "detail": TEXT}`` — ``empty-file``, ``invalid-json`` or ``invalid-notebook``;
* or ``{"declared": EXERCISE-ID-OR-NULL, "cells": N}`` followed by one line per cell,
  ``{"cell_type": ..., "source": ..., "grade_id": ..., "bootstrap": BOOL}``: all the grader keeps of a
  notebook (no outputs, no metadata besides the nbgrader ``grade_id``, the bootstrap tag and the
  exercise the notebook declares), then ``{"end": N}``.

Every string is plain, so the grader's reading of this output is a flat, bounded decode. The work that
can take memory or time (a deeply nested or huge JSON document, the format's schema) happens here,
under the reader's own memory, CPU and time limits.
"""

from __future__ import annotations

import json
import os
from typing import Any


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def _grade_id(cell: dict[str, Any]) -> str | None:
    meta = cell.get("metadata", {})
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    value = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    return value[:200] if isinstance(value, str) else None


def _bootstrap(cell: dict[str, Any], tag: str) -> bool:
    meta = cell.get("metadata", {})
    tags = meta.get("tags", []) if isinstance(meta, dict) else []
    return isinstance(tags, list) and tag in tags


def validate(data: Any) -> str | None:
    """What makes ``data`` not a notebook (the structure of the nbformat 4 schema that Jupyter needs to
    open a notebook), or None. Checked here by hand: importing ``nbformat`` and its schema validator
    costs more than the rest of reading a notebook together."""
    if not isinstance(data, dict):
        return "the document is not a JSON object"
    if not isinstance(data.get("cells"), list):
        return "no 'cells' list"
    if data.get("nbformat") != 4 or not isinstance(data.get("nbformat_minor"), int):
        return f"nbformat {str(data.get('nbformat'))[:20]!r} is not 4 (Jupyter 4.x notebooks only)"
    if not isinstance(data.get("metadata"), dict):
        return "no 'metadata' object"
    for number, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict):
            return f"cell {number} is not an object"
        kind = cell.get("cell_type")
        if kind not in ("code", "markdown", "raw"):
            return f"cell {number} has cell_type {str(kind)[:20]!r}"
        source = cell.get("source")
        if not (
            isinstance(source, str) or (isinstance(source, list) and all(isinstance(x, str) for x in source))
        ):
            return f"cell {number}: 'source' is not text or a list of text"
        if not isinstance(cell.get("metadata"), dict):
            return f"cell {number} has no 'metadata' object"
        if kind == "code":
            if not isinstance(cell.get("outputs"), list):
                return f"code cell {number} has no 'outputs' list"
            count = cell.get("execution_count")
            if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
                return f"code cell {number}: 'execution_count' is not a number"
    return None


def main() -> int:
    try:
        from immunokit_instructor.grader.inside import start_inside
    except ImportError:  # run as a file (see __main__ below): the toolkit package is not imported
        from inside import start_inside  # type: ignore[import-not-found,no-redef]

    job, output = start_inside(keep_input=True)
    fd = int(job["input_fd"])
    cap = int(job["max_bytes"])
    first: bytes = job["input_rest"]
    chunks, size = [first], len(first)
    while size <= cap:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    raw = b"".join(chunks)
    del chunks
    if size > cap:
        output.record({"problem": "too-large", "detail": f"more than {cap} bytes"})
        os._exit(0)
    if not raw.strip():
        output.record({"problem": "empty-file", "detail": f"{len(raw)} bytes"})
        os._exit(0)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        output.record({"problem": "invalid-json", "detail": str(err)[:300]})
        os._exit(0)
    del raw
    problem = validate(data)
    if problem:
        output.record({"problem": "invalid-notebook", "detail": problem[:300]})
        os._exit(0)
    meta = data.get("metadata", {})
    mine = meta.get("immunokit", {}) if isinstance(meta, dict) else {}
    declared = mine.get("exercise") if isinstance(mine, dict) else None
    cells = [c for c in data["cells"] if isinstance(c, dict)]
    tag = str(job["bootstrap_tag"])
    output.record({"declared": declared[:200] if isinstance(declared, str) else None, "cells": len(cells)})
    for cell in cells:
        kind = cell.get("cell_type")
        output.record(
            {
                "cell_type": kind if isinstance(kind, str) else "",
                "source": _source(cell),
                "grade_id": _grade_id(cell),
                "bootstrap": _bootstrap(cell, tag),
            }
        )
    output.record({"end": len(cells)})
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
