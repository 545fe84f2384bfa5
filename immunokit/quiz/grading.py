"""Verdicts: pure functions that grade one answer to one question.

These rules are the single definition of "right"; the live widgets call them, and the book's script
(``immunokit/static/immunokit.js``, section ``quiz``) implements the same rules, which
``tests/test_quiz_browser.py`` checks answer by answer against this module.

Answers (indices are positions *in the bank*, not on screen):

==========  ================================================  ===========================================
type        answer                                            score
==========  ================================================  ===========================================
single      option index, or ``None``                         1 if the option is correct, else 0
multiple    iterable of option indices                        all-or-nothing: 1 only for exactly the
                                                              correct set. partial:
                                                              ``max(0, (right − wrong) / n_correct)``
                                                              where right/wrong count the chosen correct
                                                              and incorrect options
numeric     number, or the text typed (``"525"``,              1 if ``|x − answer| ≤ tolerance`` (edges
            ``"5.25e2 pg/mL"``, ``"5.25×10^2"``)              included), else 0
ordering    bank indices in the order the reader put them     1 only if every item is in place, else 0
==========  ================================================  ===========================================

An answer that cannot be graded (nothing chosen, text that is not a number) gets the status
``"invalid"``, a message saying what to fix, and is not counted as an attempt.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .bank import TOLERANCE_SLACK, QuizQuestion

Status = Literal["correct", "partial", "incorrect", "invalid"]

#: Headline of each verdict; the icon is shown beside it, so no verdict relies on colour.
HEADLINES: dict[str, str] = {
    "correct": "Correct.",
    "partial": "Partly right.",
    "incorrect": "Not quite.",
    "invalid": "Not checked yet.",
}
ICONS: dict[str, str] = {"correct": "\u2713", "partial": "\u25d0", "incorrect": "\u2717", "invalid": "!"}


@dataclass(frozen=True)
class QuizVerdict:
    """The outcome of grading one answer.

    Attributes
    ----------
    status
        ``"correct"``, ``"partial"``, ``"incorrect"`` or ``"invalid"`` (not gradable).
    score
        Between 0 and 1.
    message
        Plain-text summary beyond the headline (what to fix, how many picks were right, how many
        items are in place); may be empty.
    chosen
        Bank indices of the chosen options whose feedback is shown (single/multiple).
    mistake
        Index of the matched targeted mistake (numeric), else ``None``.
    value
        The number read from the answer (numeric), else ``None``.
    in_place
        Items in the right position (ordering).
    """

    status: Status
    score: float
    message: str = ""
    chosen: tuple[int, ...] = ()
    mistake: int | None = None
    value: float | None = None
    in_place: int = 0

    @property
    def correct(self) -> bool:
        """Whether the answer earns the full score."""
        return self.status == "correct"

    @property
    def headline(self) -> str:
        """``"✓ Correct."`` and the like: icon and word, never colour alone."""
        return f"{ICONS[self.status]} {HEADLINES[self.status]}"

    def as_dict(self) -> dict[str, Any]:
        """The fields the browser script also computes (for parity tests)."""
        return {
            "status": self.status,
            "score": self.score,
            "message": self.message,
            "chosen": sorted(self.chosen),
            "mistake": -1 if self.mistake is None else self.mistake,
            "in_place": self.in_place,
        }


def format_score(x: float) -> str:
    """Score for display: at most two decimals, no trailing zeros (``2.5``, ``0.33``, ``3``)."""
    rounded = math.floor(x * 100 + 0.5) / 100
    return f"{rounded:.2f}".rstrip("0").rstrip(".")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --------------------------------------------------------------------------------------------
# Numbers typed by the reader
# --------------------------------------------------------------------------------------------

_SPACES = re.compile("[ \t\n\r\f\v\u00a0\u2009\u202f]+")
_NUMBER = re.compile(
    r"^([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))(?:[eE]([+-]?[0-9]+)|[x\u00d7*]10\^([+-]?[0-9]+))?$"
)

MSG_EMPTY = "Enter a number."
MSG_COMMA = "Use a point as the decimal separator (1.5, not 1,5) and no thousands separators."
MSG_HUGE = "That number is too large."


def parse_number(text: str | float | int, units: str = "") -> float | str:
    """Read the number a reader typed; return it, or a message (``str``) saying what to fix.

    Accepted: ``525``, ``-0.5``, ``.5``, ``5.25e2``, ``5.25×10^2`` (also ``x10^``, ``*10^``), spaces
    anywhere (``1 500``), a minus sign ``−``, and the question's units at the end (``525 pg/mL``,
    compared after Unicode NFKC normalisation and case-folding, so µ and μ match). A comma is
    refused with a message rather than guessed (``1,500`` could be 1.5 or 1500).
    """
    if isinstance(text, bool):
        return MSG_EMPTY
    if isinstance(text, (int, float)):
        return float(text) if math.isfinite(text) else MSG_HUGE
    s = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
    unit = unicodedata.normalize("NFKC", units).strip().lower()
    if unit and s.lower().endswith(unit):
        s = s[: len(s) - len(unit)]
    s = _SPACES.sub("", s)
    if s == "":
        return MSG_EMPTY
    if "," in s:
        return MSG_COMMA
    match = _NUMBER.match(s)
    if match is None:
        return f"\u201c{text.strip()}\u201d is not a number. Write digits such as 525, 0.5 or 2.5e-4."
    exponent = match.group(2) if match.group(2) is not None else match.group(3)
    value = float(match.group(1) + ("e" + exponent if exponent is not None else ""))
    if not math.isfinite(value):
        return MSG_HUGE
    return value


def within(value: float, target: float, tolerance: float) -> bool:
    """``|value − target| ≤ tolerance``, edges included (with :data:`TOLERANCE_SLACK`)."""
    return abs(value - target) <= tolerance + TOLERANCE_SLACK * max(1.0, abs(target), tolerance)


# --------------------------------------------------------------------------------------------
# One function per type
# --------------------------------------------------------------------------------------------


def grade_single(q: QuizQuestion, answer: int | None) -> QuizVerdict:
    """Single choice: ``answer`` is the bank index of the chosen option."""
    if answer is None:
        return QuizVerdict("invalid", 0.0, "Choose an option.")
    _check_index(q, answer)
    ok = q.options[answer].correct
    return QuizVerdict("correct" if ok else "incorrect", 1.0 if ok else 0.0, "", (answer,))


def grade_multiple(q: QuizQuestion, answer: Iterable[int]) -> QuizVerdict:
    """Multiple select, scored by ``q.scoring`` (see the module docstring)."""
    chosen = tuple(sorted(set(answer)))
    if not chosen:
        return QuizVerdict("invalid", 0.0, "Choose at least one option.")
    for i in chosen:
        _check_index(q, i)
    n_correct = sum(1 for o in q.options if o.correct)
    right = sum(1 for i in chosen if q.options[i].correct)
    wrong = len(chosen) - right
    if right == n_correct and wrong == 0:
        return QuizVerdict("correct", 1.0, "", chosen)
    summary = (
        f"You chose {right} of the {n_correct} correct options and {_plural(wrong, 'incorrect option')}."
    )
    if q.scoring == "partial":
        score = max(0.0, (right - wrong) / n_correct)
        status: Status = "partial" if score > 0 else "incorrect"
        rule = (
            f" Score {format_score(score)} of 1: correct picks minus incorrect picks, "
            f"divided by {n_correct}, and never below 0."
        )
        return QuizVerdict(status, score, summary + rule, chosen)
    return QuizVerdict("incorrect", 0.0, summary + " Only the exact set of correct options scores.", chosen)


def grade_numeric(q: QuizQuestion, answer: str | float | int | None) -> QuizVerdict:
    """Numeric: correct within the tolerance (inclusive); else the first matching mistake, if any."""
    if answer is None:
        return QuizVerdict("invalid", 0.0, MSG_EMPTY)
    value = parse_number(answer, q.units)
    if isinstance(value, str):
        return QuizVerdict("invalid", 0.0, value)
    if within(value, q.answer, q.absolute_tolerance):
        return QuizVerdict("correct", 1.0, "", value=value)
    for i, m in enumerate(q.mistakes):
        if within(value, m.value, m.tolerance):
            return QuizVerdict("incorrect", 0.0, "", mistake=i, value=value)
    return QuizVerdict("incorrect", 0.0, "", value=value)


def grade_ordering(q: QuizQuestion, answer: Sequence[int]) -> QuizVerdict:
    """Ordering: ``answer`` lists bank indices in the reader's order; correct is ``0, 1, …, n−1``."""
    order = list(answer)
    n = len(q.items)
    if sorted(order) != list(range(n)):
        raise ValueError(
            f"question {q.id!r}: an ordering answer must list each of the {n} item indices "
            f"0..{n - 1} once, got {order}"
        )
    in_place = sum(1 for pos, item in enumerate(order) if pos == item)
    if in_place == n:
        return QuizVerdict("correct", 1.0, "", in_place=n)
    verb = "item is" if in_place == 1 else "items are"
    return QuizVerdict("incorrect", 0.0, f"{in_place} of {n} {verb} in the right place.", in_place=in_place)


def grade(q: QuizQuestion, answer: Any) -> QuizVerdict:
    """Grade ``answer`` to ``q`` with the rule of its type."""
    if q.type == "single":
        return grade_single(q, answer)
    if q.type == "multiple":
        return grade_multiple(q, [] if answer is None else answer)
    if q.type == "numeric":
        return grade_numeric(q, answer)
    if q.type == "ordering":
        return grade_ordering(q, answer)
    if q.type == "written":
        raise ValueError(
            f"question {q.id!r} is a written answer: it is not auto-scored; compare the answer with its "
            "model answer and rubric"
        )
    raise ValueError(f"question {q.id!r}: unknown type {q.type!r}")  # pragma: no cover - validated


def _check_index(q: QuizQuestion, i: Any) -> None:
    if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(q.options):
        raise ValueError(f"question {q.id!r}: option index {i!r} is not one of 0..{len(q.options) - 1}")


def format_value(q: QuizQuestion, value: float) -> str:
    """A number with the question's units for display (``525 pg/mL``; ``%`` without a space)."""
    number = f"{value:g}"
    if not q.units:
        return number
    return f"{number}{q.units}" if q.units in ("%", "\u00b0") else f"{number} {q.units}"


def answer_text(q: QuizQuestion) -> str:
    """The expected numeric answer with its tolerance and units (``525 ± 25 pg/mL``)."""
    tol = f"{q.tolerance:g}" if q.tolerance is not None else f"{q.tolerance_percent:g}%"
    unit = "" if not q.units else (q.units if q.units in ("%",) else " " + q.units)
    if q.tolerance_percent is not None:
        return f"{q.answer:g}{unit} (± {tol})"
    return f"{q.answer:g} ± {tol}{unit}"
