"""``python -m immunokit.grader SUBMISSIONS/ --out grades.csv`` (see :mod:`immunokit.grader.cli`)."""

from .cli import main

raise SystemExit(main())
