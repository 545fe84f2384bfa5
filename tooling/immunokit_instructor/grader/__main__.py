"""``python -m immunokit_instructor.grader SUBMISSIONS/ --out grades.csv`` (see :mod:`immunokit_instructor.grader.cli`)."""

from immunokit_instructor.grader.cli import main

raise SystemExit(main())
