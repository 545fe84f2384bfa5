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
:func:`to_gift`, :func:`answer_key`
    Export for instructors (Moodle GIFT, printable answer key).

Command line: ``python -m immunokit.quiz validate BANK...`` and
``python -m immunokit.quiz export BANK --gift OUT.gift --key OUT.md``.
"""

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
from .core import Quiz, ResultsTable
from .export import answer_key, to_gift
from .grading import QuizVerdict, format_score, grade, parse_number

__all__ = [
    "Bank",
    "BankError",
    "Option",
    "Quiz",
    "QuizMistake",
    "QuizQuestion",
    "QuizVerdict",
    "ResultsTable",
    "answer_key",
    "check_bank",
    "check_banks",
    "format_score",
    "grade",
    "load_bank",
    "parse_number",
    "schema",
    "to_gift",
]
