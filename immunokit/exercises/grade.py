"""``python -m immunokit.exercises.grade SUBMISSIONS_DIR --out grades.csv`` — see :mod:`.grader`."""

from .grader import main

if __name__ == "__main__":
    raise SystemExit(main())
