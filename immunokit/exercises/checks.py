"""Checkers that teach: each turns a student's answer into a status, a message and a share of the points.

Each exercise question owns a :class:`Checker` (:mod:`immunokit.exercises.catalog`); the student's
``check`` (:mod:`immunokit.exercises.student`) and the grader (:mod:`immunokit.grader`) both judge an
answer with :meth:`Question.judge <immunokit.exercises.catalog.Question.judge>`, which asks the checker:

* ``...`` (the stub the exercise notebook ships with) or ``None`` → *not attempted yet*;
* a value of the wrong kind → *wrong type*, explained (``expected a number in µg/L, got the string '5'``);
* a wrong value → *incorrect*, with a targeted message when the answer matches a common mistake
  (:mod:`immunokit.exercises.mistakes`: µg vs mg, hours vs days, a fraction for a percentage, ln 2
  forgotten, a rate confused with a half-life, …);
* the right value → *correct*, with a sentence that says why it matters.

Expected answers are computed from the toolkit's models (``immunokit.models``, ``immunokit.toxicity``)
when the check runs, so the checks and the book always agree.

This module imports nothing else of the exercise package except the mistake detectors and the
answer format, so the catalogue can import it without a cycle.
"""

from __future__ import annotations

import math
import numbers
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .answers import Opaque
from .mistakes import Mistake, close, diagnose
from .verdict import Status

Outcome = tuple[Status, str, float]
"""What a checker returns: status, message, and the fraction of the points earned (0–1)."""


def is_unattempted(answer: object) -> bool:
    """True for the stub value ``...`` and for ``None``."""
    return answer is Ellipsis or answer is None


def describe_value(value: object) -> str:
    """A short, friendly description of what the student gave (``the string '5'``, ``a list of 3 items``)."""
    if isinstance(value, Opaque):
        return value.description
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, numbers.Number):
        return f"the number {value!r}"
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape}"
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}"
    if callable(value):
        return f"the function {getattr(value, '__name__', '?')}"
    return f"a value of type {type(value).__name__}"


def as_real(value: object) -> float | None:
    """``value`` as a Python float when it is one real number (int, float, NumPy scalar or 0-d/1-element array)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray) and value.size == 1 and np.issubdtype(value.dtype, np.number):
        if np.iscomplexobj(value):
            return None
        return float(value.reshape(-1)[0])
    return None


class Checker(ABC):
    """Turns one answer into an :data:`Outcome`. Subclasses never raise on student input."""

    @abstractmethod
    def evaluate(self, answer: Any) -> Outcome:
        """Judge ``answer`` (already known not to be ``...`` or ``None``)."""

    @abstractmethod
    def expects(self) -> str:
        """What the answer should be, for stubs and messages (e.g. ``"a number in pg/mL"``)."""

    def reference_answer(self) -> Any:
        """A correct answer (used by tests and the answer key). Override where one exists."""
        raise NotImplementedError


@dataclass
class Numeric(Checker):
    """A single number with units.

    Parameters
    ----------
    expected
        The right value, or a function that computes it from the toolkit's models (called at check time).
    units
        Units of the answer as the student should give it (``"pg/mL"``, ``"h"``, ``"%"``); ``""`` for a
        pure number.
    rtol
        Relative tolerance (0.02 = within 2 %).
    atol
        Absolute tolerance in ``units``, used when it is larger than ``rtol × expected``.
    mistakes
        Detectors of common wrong answers, tried in order.
    correct_message
        Shown when the answer is right; may use ``{value}`` (the expected value, 3 significant figures).
    incorrect_message
        Shown when the answer is wrong and matches no mistake.
    """

    expected: float | Callable[[], float]
    units: str = ""
    rtol: float = 0.02
    atol: float = 0.0
    mistakes: Sequence[Mistake] = ()
    correct_message: str = "Right: {value} {units}."
    incorrect_message: str = "Not quite. Recheck each step of the calculation and the units."
    #: What to write, when "a number in <units>" does not say it (e.g. "a whole-number grade, 0–5").
    describe: str = ""

    def value(self) -> float:
        """The expected value, computed now."""
        return float(self.expected() if callable(self.expected) else self.expected)

    def reference_answer(self) -> float:
        return self.value()

    def expects(self) -> str:
        if self.describe:
            return self.describe
        return f"a number in {self.units}" if self.units else "a number"

    def evaluate(self, answer: Any) -> Outcome:
        number = as_real(answer)
        if number is None:
            extra = ""
            if isinstance(answer, str):
                try:
                    float(answer.strip())
                    extra = f" Remove the quotes: write {answer.strip()}, not {answer!r}."
                except ValueError:
                    extra = " Assign the number itself, not text."
            elif isinstance(answer, (np.ndarray, list, tuple)):
                extra = (
                    " Pick the single value the question asks for (for example one element, or the last one)."
                )
            elif isinstance(answer, complex):
                extra = " A complex number cannot be a concentration or a time; check for a square root of a negative."
            return Status.WRONG_TYPE, f"Expected {self.expects()}, got {describe_value(answer)}.{extra}", 0.0
        expected = self.value()
        if math.isnan(number) or math.isinf(number):
            return (
                Status.INCORRECT,
                f"Your answer is {number}: usually a division by zero or a log of zero somewhere in the "
                "calculation. Print the intermediate values.",
                0.0,
            )
        tolerance = max(self.rtol * abs(expected), self.atol)
        units = f" {self.units}" if self.units and self.units != "%" else self.units
        if abs(number - expected) <= tolerance:
            message = self.correct_message.format(value=f"{expected:.3g}", units=self.units)
            return Status.CORRECT, re.sub(r" +([.,;:])", r"\1", message), 1.0
        # Mistakes are recognised with the same tolerance as the right answer (absolute tolerances too).
        mistake_rtol = max(self.rtol, tolerance / abs(expected)) if expected else self.rtol
        hint = diagnose(number, expected, mistake_rtol, self.mistakes, self.units)
        if hint is not None:
            return Status.INCORRECT, hint, 0.0
        return Status.INCORRECT, f"{self.incorrect_message} (Your answer: {number:.4g}{units}.)", 0.0


@dataclass
class Choice(Checker):
    """A single or multiple choice between lettered options shown in the notebook.

    Parameters
    ----------
    options
        Letter → feedback for that option (why it is right or wrong).
    correct
        The correct letter(s).
    multiple
        True when the student must pick every correct option (all-or-nothing: the exact set earns the
        points); the answer is then a string of letters (``"AC"``) or a list/set of letters.
    """

    options: Mapping[str, str]
    correct: str | frozenset[str]
    multiple: bool = False
    correct_message: str = ""

    def _correct_set(self) -> frozenset[str]:
        return frozenset(self.correct.upper()) if isinstance(self.correct, str) else frozenset(self.correct)

    def reference_answer(self) -> str:
        return "".join(sorted(self._correct_set()))

    def expects(self) -> str:
        letters = ", ".join(f"'{k}'" for k in sorted(self.options))
        if self.multiple:
            return f"a string of every correct letter, e.g. 'AC' (options {letters})"
        return f"one letter as a string, one of {letters}"

    def _parse(self, answer: Any) -> frozenset[str] | str:
        """The chosen letters, or an explanation of why the answer cannot be read."""
        if isinstance(answer, str):
            letters = [c for c in answer.upper() if not c.isspace() and c not in ",;"]
        elif isinstance(answer, (list, tuple, set, frozenset)) and all(isinstance(a, str) for a in answer):
            letters = [a.strip().upper() for a in answer]
        else:
            extra = ""
            if isinstance(answer, numbers.Integral) and not isinstance(answer, bool):
                letter = chr(ord("A") + int(answer) - 1) if 1 <= int(answer) <= 26 else "B"
                extra = f" Write the letter in quotes, e.g. {letter!r}."
            return f"Expected {self.expects()}, got {describe_value(answer)}.{extra}"
        unknown = sorted({c for c in letters if c not in self.options})
        if unknown or not letters:
            shown = ", ".join(repr(u) for u in unknown) if unknown else "nothing"
            return f"Expected {self.expects()}; {shown} is not one of the options."
        if not self.multiple and len(letters) > 1:
            return f"Pick one option only ({self.expects()}); you gave {''.join(letters)!r}."
        return frozenset(letters)

    def evaluate(self, answer: Any) -> Outcome:
        parsed = self._parse(answer)
        if isinstance(parsed, str):
            return Status.WRONG_TYPE, parsed, 0.0
        right = self._correct_set()
        if parsed == right:
            feedback = " ".join(self.options[k] for k in sorted(parsed))
            return Status.CORRECT, (self.correct_message or feedback), 1.0
        wrong = sorted(parsed - right)
        if wrong:
            return Status.INCORRECT, " ".join(f"{k}: {self.options[k]}" for k in wrong), 0.0
        missing = len(right - parsed)
        return (
            Status.INCORRECT,
            "Everything you picked is right, but "
            f"{missing} correct option{' is' if missing == 1 else 's are'} missing.",
            0.0,
        )


@dataclass
class Case:
    """One test case of a :class:`Function` check: arguments and a description a student can read."""

    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    #: Shown when the student's function fails this case (the rule the case is about).
    lesson: str = ""


@dataclass(frozen=True)
class CaseResult:
    """What a student's function did on one case: returned a value, raised, or ran out of time."""

    returned: Any = None
    raised: str = ""
    timed_out: bool = False


@dataclass
class Function(Checker):
    """A function the student writes, compared case by case with a reference implementation.

    The answer must be callable. Every case is run; the first failing case is reported with the
    arguments, what came back and what was expected, plus the case's lesson. All-or-nothing: the
    points need every case to pass. A case that raises counts as failed (the error is named).
    """

    reference: Callable[..., Any]
    cases: Sequence[Case]
    signature: str
    returns: str = "a value"
    rtol: float = 1e-9
    correct_message: str = "All cases agree with the reference implementation."

    def reference_answer(self) -> Callable[..., Any]:
        return self.reference

    def expects(self) -> str:
        return f"a function {self.signature} that returns {self.returns}"

    def _same(self, got: Any, want: Any) -> bool:
        if isinstance(want, (bool, np.bool_)):
            return isinstance(got, (bool, np.bool_)) and bool(got) == bool(want)
        if isinstance(want, str) or want is None:
            return bool(got == want)
        if isinstance(want, numbers.Real):
            number = as_real(got)
            return number is not None and close(number, float(want), self.rtol)
        try:
            return bool(np.allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=1e-6))
        except (TypeError, ValueError):
            return False

    def run_case(self, answer: Callable[..., Any], case: Case) -> CaseResult:
        """Call ``answer`` on one case, here, in this process (the student's own ``check``)."""
        try:
            return CaseResult(returned=answer(*case.args, **case.kwargs))
        except Exception as err:  # the student's code may raise anything
            return CaseResult(raised=f"{type(err).__name__}: {err}")

    def evaluate(self, answer: Any) -> Outcome:
        if not callable(answer):
            return Status.WRONG_TYPE, f"Expected {self.expects()}, got {describe_value(answer)}.", 0.0
        return self.judge([self.run_case(answer, case) for case in self.cases])

    def judge(self, results: Sequence[CaseResult]) -> Outcome:
        """The outcome from what the student's function did on each case (in the order of :attr:`cases`).

        The grader calls this with results it obtained from fresh sandboxed processes, one per case.
        """
        passed = 0
        first_failure = ""
        nothing_returned = 0
        for case, result in zip(self.cases, results, strict=True):
            want = self.reference(*case.args, **case.kwargs)
            if result.timed_out or result.raised:
                if not first_failure:
                    what = (
                        "did not finish within the time limit (an endless loop?)"
                        if result.timed_out
                        else f"raised {result.raised}"
                    )
                    first_failure = f"For {case.description}, your function {what}. {case.lesson}"
                continue
            got = result.returned
            if is_unattempted(got):
                nothing_returned += 1
                if not first_failure:
                    first_failure = f"For {case.description}, your function returned {got!r}. {case.lesson}"
                continue
            if self._same(got, want):
                passed += 1
            elif not first_failure:
                first_failure = f"For {case.description}, your function returned {got!r}; expected {want!r}. {case.lesson}"
        if nothing_returned == len(self.cases):
            return Status.NOT_ATTEMPTED, "Your function does not return anything yet: write its body.", 0.0
        if passed == len(self.cases):
            return Status.CORRECT, f"{self.correct_message} ({passed} of {passed} cases.)", 1.0
        return Status.INCORRECT, f"{passed} of {len(self.cases)} cases pass. {first_failure.strip()}", 0.0


@dataclass
class Values(Checker):
    """A sequence of numbers (e.g. a survival curve at given times), compared element by element."""

    expected: Sequence[float] | Callable[[], Sequence[float]]
    units: str = ""
    what: str = "values"
    rtol: float = 0.01
    atol: float = 1e-6
    #: Recognisable wrong answers: (function computing the wrong values, message).
    alternatives: Sequence[tuple[Callable[[], Sequence[float]], str]] = ()
    correct_message: str = "All values agree."

    def value(self) -> np.ndarray:
        """The expected values, computed now."""
        return np.asarray(self.expected() if callable(self.expected) else self.expected, dtype=float)

    def reference_answer(self) -> list[float]:
        return [float(v) for v in self.value()]

    def expects(self) -> str:
        n = len(self.value())
        return f"a list or array of {n} numbers ({self.what}{', in ' + self.units if self.units else ''})"

    def evaluate(self, answer: Any) -> Outcome:
        want = self.value()
        if isinstance(answer, (str, bytes, dict)) or (
            as_real(answer) is not None and not isinstance(answer, np.ndarray)
        ):
            return Status.WRONG_TYPE, f"Expected {self.expects()}, got {describe_value(answer)}.", 0.0
        try:
            got = np.asarray(
                list(answer) if not isinstance(answer, np.ndarray) else answer, dtype=float
            ).reshape(-1)
        except (TypeError, ValueError):
            return Status.WRONG_TYPE, f"Expected {self.expects()}, got {describe_value(answer)}.", 0.0
        if got.shape != want.shape:
            return Status.INCORRECT, f"Expected {len(want)} {self.what}, got {len(got)}.", 0.0
        bad = np.flatnonzero(~np.isclose(got, want, rtol=self.rtol, atol=self.atol))
        if bad.size == 0:
            return Status.CORRECT, self.correct_message, 1.0
        for wrong, message in self.alternatives:
            if np.allclose(got, np.asarray(wrong(), dtype=float), rtol=self.rtol, atol=self.atol):
                return Status.INCORRECT, message, 0.0
        i = int(bad[0])
        percent = ""
        if want[i] != 0 and np.isclose(got[i], want[i] * 100, rtol=self.rtol):
            percent = " It looks like a percentage; give fractions between 0 and 1."
        return (
            Status.INCORRECT,
            f"{bad.size} of {len(want)} {self.what} differ; the first is element {i}: "
            f"yours {got[i]:.4g}, expected {want[i]:.4g}.{percent}",
            0.0,
        )
