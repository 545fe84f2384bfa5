"""Gradescope: an autograder zip that runs the course grader, and the program it runs for every submission.

``python -m immunokit_instructor.grader gradescope EXERCISE [--out autograder.zip] [--visibility V]`` writes a zip
that follows Gradescope's autograder specification: at its root ``setup.sh`` (run once, as root, when
Gradescope builds the image: installs Python, bubblewrap and the toolkit's pinned dependencies) and
``run_autograder`` (run for every submission, in ``/autograder``), with the toolkit's source, the course
files it reads and the released exercise notebooks. Extracted, that is ``/autograder/source``.

For a submission, ``run_autograder`` grades the notebooks Gradescope put in ``/autograder/submission``
with the course grader (:func:`immunokit_instructor.grader.folder.grade_folder`: the same sandbox, the same
catalogue, the same hidden cases and points as ``python -m immunokit_instructor.grader``) and writes
``/autograder/results/results.json``: one test per question (``name``, ``number``, ``score``,
``max_score``, ``status``, ``output`` — the grader's feedback, which never shows a hidden case's
expected value — and ``visibility``), a top-level ``output`` naming any problem with the whole
notebook, and ``score``, their sum. ``IMMUNOKIT_AUTOGRADER_ROOT`` replaces ``/autograder`` (the tests
run the zip under a temporary folder that way).
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from immunokit_build import ROOT
from immunokit_instructor.grader.report import SUBMISSION, Row

ROOT_ENV = "IMMUNOKIT_AUTOGRADER_ROOT"
#: Gradescope's visibility values for a test or the whole result.
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
#: The toolkit's run-time dependencies, pinned as in the course's requirements.txt (plus IPython, which
#: runs the cells in the grader's sandbox).
RUNTIME = (
    "numpy",
    "scipy",
    "matplotlib",
    "ipywidgets",
    "PyYAML",
    "jsonschema",
    "nbformat",
    "nbclient",
    "latex2mathml",
    "pybtex",
    "text2qti",
    "bespon",
    "Markdown",
    "ipython",
)

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (written by
# python -m immunokit_instructor.grader gradescope). Choose a base image with Python 3.11 or newer (Ubuntu 24.04).
set -euo pipefail
apt-get install -y python3 python3-venv python3-pip bubblewrap
python3 -c 'import sys; assert sys.version_info >= (3, 11), "the course toolkit needs Python 3.11 or newer: choose the Ubuntu 24.04 base image"'
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --no-cache-dir -r /autograder/source/requirements.txt
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission (written by python -m immunokit_instructor.grader gradescope):
# the course grader on /autograder/submission, results in /autograder/results/results.json.
ROOT="${IMMUNOKIT_AUTOGRADER_ROOT:-/autograder}"
PYTHON="${IMMUNOKIT_AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
cd "$ROOT/source" || exit 1
export PYTHONPATH="$ROOT/source:$ROOT/source/tooling"  # the toolkit and grader shipped in this zip
exec "$PYTHON" -m immunokit_instructor.grader.gradescope --root "$ROOT"
"""


def _pins(root: Path) -> list[str]:
    wanted = {name.lower() for name in RUNTIME}
    pins = []
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name = line.split("==", 1)[0].strip()
        if "==" in line and name.lower() in wanted:
            pins.append(line.strip())
    return pins


def _files(root: Path) -> list[Path]:
    """What the autograder needs of the checkout: the toolkit, the course files it reads, the exercises."""
    found = [
        p
        for package in ("immunokit", "tooling/immunokit_instructor", "tooling/immunokit_build")
        for p in sorted((root / package).rglob("*"))
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix not in (".pyc", ".pyo")
        and "sphinx" not in p.relative_to(root / package).parts  # the book's build, not the grader's
    ]
    found.append(root / "pyproject.toml")  # the toolkit's version, read by the bootstrap-cell check
    book = root / "book"
    found += [p for p in sorted((book / "data").rglob("*")) if p.is_file()]
    found += [book / "references.bib", *sorted(book.glob("*.quiz.yml"))]
    found += sorted((root / "exercises").glob("*.ipynb"))
    return [p for p in found if p.is_file()]


def build_zip(exercise_id: str, out: Path, visibility: str = "visible", root: Path | None = None) -> Path:
    """Write the autograder zip of ``exercise_id`` to ``out`` (see the module docstring)."""
    from immunokit.exercises.catalog import find_exercise

    exercise = find_exercise(exercise_id)
    if exercise is None:
        raise ValueError(f"unknown exercise {exercise_id!r}")
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
    root = root or ROOT
    out.parent.mkdir(parents=True, exist_ok=True)
    settings = {"exercise": exercise.id, "notebook": exercise.notebook, "visibility": visibility}
    fixed = (2020, 1, 1, 0, 0, 0)  # the same bytes for the same sources

    def add(archive: zipfile.ZipFile, name: str, text: str | bytes, executable: bool = False) -> None:
        info = zipfile.ZipInfo(name, fixed)
        info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, text)

    with zipfile.ZipFile(out, "w") as archive:
        add(archive, "setup.sh", SETUP_SH, executable=True)
        add(archive, "run_autograder", RUN_AUTOGRADER, executable=True)
        add(archive, "requirements.txt", "\n".join(_pins(root)) + "\n")
        add(archive, "autograder.json", json.dumps(settings, indent=1) + "\n")
        for path in _files(root):
            add(archive, path.relative_to(root).as_posix(), path.read_bytes())
    return out


def results(
    rows: Sequence[Row], visibility: str, seconds: float, notebooks: int, expected: str
) -> dict[str, Any]:
    """Gradescope's ``results.json`` from the grader's rows for one submission."""
    from immunokit.exercises.catalog import find_exercise

    exercise = find_exercise(expected)
    titles = {q.id: q.title for q in exercise.questions} if exercise else {}
    tests: list[dict[str, Any]] = []
    notes = []
    for row in rows:
        if row.question == SUBMISSION:
            notes.append(f"{row.status}: {row.feedback}")
            continue
        tests.append(
            {
                "name": f"{row.question} · {titles.get(row.question, row.question)}",
                "number": row.question,
                "score": row.points,
                "max_score": row.max_points,
                "status": "passed" if row.points >= row.max_points > 0 else "failed",
                "output": f"{row.status}: {row.feedback}",
                "visibility": visibility,
            }
        )
    if not notebooks:
        notes.append(
            f"no notebook was found in your submission: upload {exercise.notebook if exercise else 'the .ipynb file'}"
        )
    if not tests and exercise is not None:  # nothing graded: every question is still listed, at 0
        tests = [
            {
                "name": f"{q.id} · {q.title}",
                "number": q.id,
                "score": 0.0,
                "max_score": float(q.points),
                "status": "failed",
                "output": "not graded (see the message above)",
                "visibility": visibility,
            }
            for q in exercise.questions
        ]
    return {
        "score": sum(float(t["score"]) for t in tests),
        "execution_time": round(seconds),
        "output": "\n".join(notes) if notes else "Graded by the course grader: one test per question.",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def run_autograder(root: Path) -> int:
    """Grade ``root/submission`` as the zip's settings say; write ``root/results/results.json``."""
    from immunokit_instructor.grader.folder import grade_folder
    from immunokit_instructor.grader.sandbox import Sandbox

    settings = json.loads((root / "source" / "autograder.json").read_text(encoding="utf-8"))
    start = time.monotonic()
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    sandbox = Sandbox(hide=(out.parent, (root / "submission").resolve()))
    run = grade_folder(root / "submission", exercise=settings["exercise"], jobs=1, sandbox=sandbox, seed="0")
    data = results(
        run.rows, settings["visibility"], time.monotonic() - start, run.notebooks, settings["exercise"]
    )
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}: {data['score']:g} of {sum(t['max_score'] for t in data['tests']):g} points")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m immunokit_instructor.grader gradescope EXERCISE`` (build) or ``python -m immunokit_instructor.grader.gradescope``
    (run, inside Gradescope)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] == "--root":
        parser = argparse.ArgumentParser(prog="run_autograder")
        parser.add_argument("--root", type=Path, default=Path(os.environ.get(ROOT_ENV, "/autograder")))
        return run_autograder(parser.parse_args(args_list).root)
    parser = argparse.ArgumentParser(
        prog="python -m immunokit_instructor.grader gradescope",
        description="Build a Gradescope autograder zip that runs the course grader on one exercise.",
    )
    parser.add_argument("exercise", help="exercise id, e.g. ch08-crs-grading")
    parser.add_argument(
        "--out", type=Path, default=None, help="zip to write (default <exercise>-autograder.zip)"
    )
    parser.add_argument(
        "--visibility",
        default="visible",
        choices=VISIBILITIES,
        help="when students see each question's result (Gradescope's values; default visible)",
    )
    args = parser.parse_args(args_list)
    try:
        out = build_zip(args.exercise, args.out or Path(f"{args.exercise}-autograder.zip"), args.visibility)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(
        f"wrote {out}: upload it as the assignment's autograder (Gradescope: Configure Autograder → Zip file)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
