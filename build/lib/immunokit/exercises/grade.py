"""``python -m immunokit.exercises.grade`` — the former name of ``python -m immunokit.grader``."""

from ..grader.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
