"""Quizzes: one YAML question bank per chapter, live in Jupyter and working in the static book.

Public API
----------
:class:`Quiz`
    ``Quiz.from_bank(path, ids=None)``; show it as the last line of a cell. ``quiz.score``,
    ``quiz.results()``, ``quiz.check(qid, answer)``.
:func:`load_bank`, :func:`check_bank`, :func:`check_banks`, :class:`Bank`, :class:`QuizQuestion`, :class:`BankError`
    Loading and validating banks (``quiz.schema.json`` + semantic checks).
:func:`grade`, :class:`QuizVerdict`, :func:`parse_number`
    The grading rules, shared with the browser script.

Exports for instructors (Moodle GIFT, QTI, answer keys) are instructor tooling, not part of this package:
:mod:`immunokit_instructor.quiz` (``python -m immunokit_instructor.quiz validate BANK...``,
``python -m immunokit_instructor.quiz export BANK --gift OUT.gift --key OUT.md``).
"""

from typing import TYPE_CHECKING, Any

from .bank import (
    Bank,
    BankError,
    Option,
    QuizMistake,
    QuizQuestion,
    check_bank,
    check_banks,
    load_bank,
    schema,
)
from .grading import QuizVerdict, format_score, grade, parse_number

if TYPE_CHECKING:
    from .core import Quiz, ResultsTable


def __getattr__(name: str) -> Any:
    # The quiz's views (widgets, static HTML) load the plotting stack: only when a Quiz is asked for, so
    # checking a bank (``python -m immunokit_instructor.quiz validate``) stays fast.
    if name in {"Quiz", "ResultsTable"}:
        from . import core

        return getattr(core, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Bank",
    "BankError",
    "Option",
    "Quiz",
    "QuizMistake",
    "QuizQuestion",
    "QuizVerdict",
    "ResultsTable",
    "check_bank",
    "check_banks",
    "format_score",
    "grade",
    "load_bank",
    "parse_number",
    "schema",
]
