"""Reusable detectors of the common numerical mistakes, so a wrong answer gets a message that teaches.

A :class:`Mistake` recognises a wrong answer by its relation to the expected one: off by a factor of
1000 (µg given for mg, or ng for µg), of 24 (hours for days), of 100 (a fraction for a percentage),
of ln 2 (a half-life computed without ln 2), or the reciprocal relation between a rate constant and a
half-life. Numeric checks list the detectors that make sense for their question; the first that
matches supplies the message. Each detector compares within the check's relative tolerance.

Data 8's test comments ("It looks like you didn't account for …") are the model for the wording.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

LN2 = math.log(2.0)


@dataclass(frozen=True)
class Mistake:
    """A recognisable wrong answer.

    Parameters
    ----------
    name
        Short stable name (used in tests and in the instructor's statistics).
    matches
        ``matches(answer, expected, rtol)`` is True when ``answer`` looks like this mistake.
    message
        What the student reads. ``{units}`` is replaced by the question's units.
    """

    name: str
    matches: Callable[[float, float, float], bool]
    message: str

    def describe(self, units: str) -> str:
        """The message with the question's units filled in."""
        return self.message.replace("{units}", units or "the units asked for")


def close(a: float, b: float, rtol: float) -> bool:
    """True when ``a`` and ``b`` agree within the relative tolerance ``rtol`` (``b`` may be 0)."""
    if b == 0:
        return abs(a) <= rtol
    return abs(a - b) <= rtol * abs(b)


def scaled(name: str, factors: Sequence[float], message: str) -> Mistake:
    """A mistake that makes the answer ``expected × f`` for one of ``factors``."""

    def matches(answer: float, expected: float, rtol: float) -> bool:
        return expected != 0 and any(close(answer, expected * f, rtol) for f in factors)

    return Mistake(name, matches, message)


def wrong_value(name: str, value: Callable[[], float] | float, message: str) -> Mistake:
    """A mistake that gives one specific wrong value (e.g. the dose of the first week only)."""

    def matches(answer: float, expected: float, rtol: float) -> bool:
        target = value() if callable(value) else value
        return close(answer, target, rtol) and not close(answer, expected, rtol)

    return Mistake(name, matches, message)


MICRO_VS_MILLI = scaled(
    "micro-vs-milli",
    (1e3, 1e-3),
    "Your answer is off by a factor of 1000: check the prefixes (µg vs mg, or ng vs µg; "
    "1 mg = 1000 µg). The answer is asked in {units}.",
)
PICO_VS_MICRO = scaled(
    "pico-vs-micro",
    (1e6, 1e-6),
    "Your answer is off by a factor of a million: 1 µg/L = 1000 ng/L = 1,000,000 pg/L, and "
    "1 pg/mL = 1 ng/L. The answer is asked in {units}.",
)
HOURS_VS_DAYS = scaled(
    "hours-vs-days",
    (24.0, 1.0 / 24.0),
    "Your answer is off by a factor of 24: it looks like hours and days were mixed up. "
    "Convert so that the answer is in {units}.",
)
MINUTES_VS_HOURS = scaled(
    "minutes-vs-hours",
    (60.0, 1.0 / 60.0),
    "Your answer is off by a factor of 60: minutes and hours were mixed up. The answer is in {units}.",
)
FRACTION_FOR_PERCENT = scaled(
    "fraction-for-percent",
    (0.01,),
    "That looks like a fraction between 0 and 1; the question asks for a percentage. Multiply by 100.",
)
PERCENT_FOR_FRACTION = scaled(
    "percent-for-fraction",
    (100.0,),
    "That looks like a percentage; the question asks for a fraction between 0 and 1. Divide by 100.",
)
LN2_FORGOTTEN = scaled(
    "ln2-forgotten",
    (1.0 / LN2, LN2),
    "You are off by a factor of ln 2 ≈ 0.693. A half-life or a doubling time is ln 2 / k (for a drug, "
    "t~1/2~ = ln 2 · V / CL); it looks like ln 2 was left out (or applied twice).",
)


def _rate_vs_half_life(answer: float, expected: float, rtol: float) -> bool:
    if answer <= 0 or expected <= 0:
        return False
    return close(answer, LN2 / expected, rtol) or close(answer, 1.0 / expected, rtol)


RATE_VS_HALF_LIFE = Mistake(
    "rate-vs-half-life",
    _rate_vs_half_life,
    "That is the reciprocal of what was asked: a rate constant k (per unit time) and a half-life "
    "(a time) are related by t~1/2~ = ln 2 / k. Check which one the question wants, in {units}.",
)


def diagnose(
    answer: float, expected: float, rtol: float, mistakes: Sequence[Mistake], units: str
) -> str | None:
    """The message of the first mistake in ``mistakes`` that ``answer`` matches, or None."""
    if not (math.isfinite(answer) and math.isfinite(expected)):
        return None
    for mistake in mistakes:
        try:
            if mistake.matches(answer, expected, rtol):
                return mistake.describe(units)
        except (ArithmeticError, ValueError, TypeError):
            continue
    return None
