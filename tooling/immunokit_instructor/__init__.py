"""Instructor tooling of the course: the sandboxed grader (verdicts, CSV, gradebooks) and the course map.

An instructor runs it on their own machine or a grading server; a student's kernel never imports it (the
student toolkit is :mod:`immunokit`; an import-linter contract in ``pyproject.toml`` holds the direction).
"""

from pathlib import Path

#: The repository root (``solutions/``, ``exercises/``, ``book/``).
ROOT = Path(__file__).resolve().parents[2]
