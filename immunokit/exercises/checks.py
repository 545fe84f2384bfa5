"""Checkers that teach: each turns a student's answer into a status, a message and a share of the points.

Each exercise question owns a :class:`Checker` (:mod:`immunokit.exercises.catalog`); the student's
``check`` (:mod:`immunokit.exercises.student`) and the grader (:mod:`immunokit_instructor.grader`) both judge an
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

import importlib
import itertools
import math
import numbers
import random
import re
import sys
import types
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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


#: Makes candidate hidden cases for a :class:`Function` check from a seeded random generator.
HiddenCases = Callable[[random.Random], Sequence[Case]]


def every_combination(
    *domains: Sequence[Any] | Callable[[], Sequence[Any]], describe: Callable[..., str]
) -> HiddenCases:
    """Hidden cases: every combination of the arguments' valid values (a finite domain, e.g. CRS levels).

    Each of ``domains`` is the sequence of one positional argument's valid values, or a function that
    returns it (so it can be read from the toolkit when the grader runs). ``describe(*args)`` writes the
    inputs as a student reads them. The grader drops the visible cases and, when more remain than its
    limit, takes a seeded sample.
    """

    def make(rng: random.Random) -> list[Case]:
        values = [list(d() if callable(d) else d) for d in domains]
        return [Case(args=args, description=describe(*args)) for args in itertools.product(*values)]

    return make


def seeded_inputs(
    count: int, *ranges: tuple[float, float] | Sequence[Any], describe: Callable[..., str], log: bool = False
) -> HiddenCases:
    """Hidden cases: ``count`` seeded inputs across the valid domain (numeric functions).

    Each of ``ranges`` is either ``(low, high)``, a real interval sampled uniformly (log-uniformly with
    ``log=True``, for doses and concentrations spanning decades), or a sequence of valid values to choose
    from.
    """

    def draw(rng: random.Random, spec: tuple[float, float] | Sequence[Any]) -> Any:
        if isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(v, (int, float)) for v in spec):
            low, high = float(spec[0]), float(spec[1])
            if log:
                return math.exp(rng.uniform(math.log(low), math.log(high)))
            return rng.uniform(low, high)
        return rng.choice(list(spec))

    def make(rng: random.Random) -> list[Case]:
        cases = []
        for _ in range(count):
            args = tuple(draw(rng, spec) for spec in ranges)
            cases.append(Case(args=args, description=describe(*args)))
        return cases

    return make


@dataclass
class Function(Checker):
    """A function the student writes, compared case by case with a reference implementation.

    The answer must be callable. Every case is run; the first failing case is reported with the
    arguments, what came back and what was expected, plus the case's lesson. All-or-nothing: the
    points need every case to pass. A case that raises counts as failed (the error is named).

    ``hidden`` makes the grader's *hidden cases* (:meth:`hidden_cases`): inputs the notebook never shows,
    generated in the grader's process at grading time and judged against :attr:`reference` there. The
    student's own ``check`` runs the visible :attr:`cases` only; the grader needs those and the hidden
    ones to pass, and its feedback on a hidden case names the inputs, never the expected value.
    """

    reference: Callable[..., Any]
    cases: Sequence[Case]
    signature: str
    returns: str = "a value"
    rtol: float = 1e-9
    correct_message: str = "All cases agree with the reference implementation."
    hidden: HiddenCases | None = None
    #: Toolkit modules the answer may not use (the reference implementation): while its cases run they
    #: are empty, in the student's ``check`` (:func:`unavailable`) as in the grader's sandbox, so a
    #: function that only wraps the reference fails everywhere alike.
    blocked: tuple[str, ...] = ()

    def reference_answer(self) -> Callable[..., Any]:
        return self.reference

    def expects(self) -> str:
        return f"a function {self.signature} that returns {self.returns}"

    def hidden_cases(self, seed: int | str, limit: int) -> list[Case]:
        """At most ``limit`` hidden cases, the same for every submission graded with ``seed``.

        The candidates of :attr:`hidden` minus the visible cases (same arguments) and duplicates, in an
        order drawn with ``seed``; when more remain than ``limit``, the first ``limit`` of them. Cases whose reference raises are dropped
        (they are outside the valid domain).
        """
        if self.hidden is None or limit <= 0:
            return []
        rng = random.Random(f"{seed}")
        seen = {_key(c) for c in self.cases}
        found: list[Case] = []
        for case in self.hidden(rng):
            key = _key(case)
            if key in seen:
                continue
            seen.add(key)
            try:
                self.reference(*case.args, **case.kwargs)
            except Exception:
                continue
            found.append(case)
        rng.shuffle(found)  # a seeded order, and the sample when there are more than ``limit``
        return found[:limit]

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

    def blocked_files(self) -> tuple[str, ...]:
        """The :attr:`blocked` modules as files relative to the ``immunokit`` package (``toxicity.py``)."""
        return tuple(
            name.removeprefix("immunokit.").replace(".", "/") + ".py"
            for name in self.blocked
            if name.startswith("immunokit.")
        )

    def evaluate(self, answer: Any) -> Outcome:
        """The student's own check: the visible cases and every hidden case, with :attr:`blocked` empty.

        The same cases and the same rules as the grader (which runs at most ``--hidden-cases`` of the
        hidden ones, all of them by default), so the notebook, nbgrader and the grader agree on the points.
        """
        if not callable(answer):
            return Status.WRONG_TYPE, f"Expected {self.expects()}, got {describe_value(answer)}.", 0.0
        hidden = self.hidden_cases("check", 10**6)
        with unavailable(self.blocked):
            results = [self.run_case(answer, case) for case in [*self.cases, *hidden]]
        visible = len(self.cases)
        return self.judge(results[:visible], hidden, results[visible:])

    def _passes(self, case: Case, result: CaseResult) -> bool:
        if result.timed_out or result.raised or is_unattempted(result.returned):
            return False
        return self._same(result.returned, self.reference(*case.args, **case.kwargs))

    def judge(
        self,
        results: Sequence[CaseResult],
        hidden: Sequence[Case] = (),
        hidden_results: Sequence[CaseResult] = (),
    ) -> Outcome:
        """The outcome from what the student's function did on each case (in the order of :attr:`cases`),
        and on each of the grader's ``hidden`` cases (``hidden_results``, in the same order).

        The grader calls this with results it obtained from fresh sandboxed processes, one per case. All
        or nothing: correct only when every visible and every hidden case passes. A hidden case that
        fails is named by its inputs and how it failed (raised, timed out, wrong value), never by its
        expected value.
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
        failed_hidden = [
            (case, result)
            for case, result in zip(hidden, hidden_results, strict=True)
            if not self._passes(case, result)
        ]
        hidden_note = ""
        if hidden:
            hidden_note = f"; {len(hidden) - len(failed_hidden)} of {len(hidden)} hidden cases (inputs not shown in the notebook) pass"
        if passed == len(self.cases) and not failed_hidden:
            extra = f" and {len(hidden)} hidden cases" if hidden else ""
            return Status.CORRECT, f"{self.correct_message} ({passed} of {passed} cases{extra}.)", 1.0
        if failed_hidden and not first_failure:
            case, result = failed_hidden[0]
            how = (
                "did not finish within the time limit"
                if result.timed_out
                else f"raised {result.raised}"
                if result.raised
                else "returned nothing"
                if is_unattempted(result.returned)
                else "returned a wrong value"
            )
            first_failure = (
                f"Every case shown in the notebook passes, but for {case.description} (a hidden case) your "
                f"function {how}: write the general rule rather than the cases shown."
            )
        return (
            Status.INCORRECT,
            f"{passed} of {len(self.cases)} cases pass{hidden_note}. {first_failure.strip()}{self._blocked_note(results, hidden_results)}",
            0.0,
        )

    def _blocked_note(self, *groups: Sequence[CaseResult]) -> str:
        """Why a case that used a :attr:`blocked` module failed (the error alone would not say)."""
        short = {name.rsplit(".", 1)[-1] for name in self.blocked}
        if not any(r.raised and any(n in r.raised for n in short) for g in groups for r in g):
            return ""
        names = ", ".join(f"`{n}`" for n in self.blocked)
        return (
            f" Your function uses {names}, the toolkit's reference for this rule, which is empty while your "
            "function is checked or graded: write the rule yourself."
        )


@contextmanager
def unavailable(modules: Sequence[str]) -> Iterator[None]:
    """While inside, each of ``modules`` is empty: its attributes gone, its functions raising.

    What the grader's sandbox does by replacing the module's file with an empty one, done in the
    student's own process: ``toxicity.crs_grade`` is an ``AttributeError``, ``from immunokit.toxicity
    import crs_grade`` an ``ImportError``, and a function imported before (an alias of the module's
    function) raises ``NameError`` when called. Everything is restored on the way out.
    """
    saved: list[tuple[types.ModuleType, dict[str, Any]]] = []
    codes: list[tuple[types.FunctionType, types.CodeType]] = []
    try:
        for name in modules:
            module = sys.modules.get(name) or importlib.import_module(name)
            contents = dict(module.__dict__)
            saved.append((module, contents))
            for value in contents.values():
                if (
                    isinstance(value, types.FunctionType)
                    and value.__module__ == name
                    and value.__closure__ is None
                ):
                    codes.append((value, value.__code__))
                    value.__code__ = _refuse.__code__
            for key in contents:
                if not key.startswith("__"):
                    del module.__dict__[key]
        yield
    finally:
        for function, code in codes:
            function.__code__ = code
        for module, contents in saved:
            module.__dict__.update(contents)


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise NameError("the toolkit's reference implementation is not available while your function is checked")


def _key(case: Case) -> str:
    return repr((tuple(case.args), sorted(dict(case.kwargs).items())))


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
