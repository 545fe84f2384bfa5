"""Exercise ch07-kaplan-meier: Kaplan–Meier by hand, checked against scipy; reading a trial (chapter 7).

The cohort is a small invented teaching data set (ten patients), not trial data. Expected answers come
from :func:`scipy.stats.ecdf` on right-censored data and :func:`scipy.stats.binomtest`, the same
functions the chapter's analyses use.
"""

from __future__ import annotations

import math
from typing import Any

from ..catalog import Exercise, Question
from ..checks import Choice, Numeric, Values
from ..mistakes import FRACTION_FOR_PERCENT, wrong_value

#: Follow-up (months) of the ten invented patients, and whether each follow-up ended in an event
#: (1, relapse or death) or was censored (0, still in remission at last contact).
TIMES_MONTHS: tuple[float, ...] = (2, 3, 4, 4, 6, 7, 9, 11, 14, 18)
EVENTS: tuple[int, ...] = (1, 1, 0, 1, 1, 0, 1, 0, 1, 0)
EVENT_TIMES: tuple[float, ...] = tuple(sorted({t for t, e in zip(TIMES_MONTHS, EVENTS, strict=True) if e}))

#: ELIANA: 61 of 75 infused patients in overall remission within 3 months (Maude et al. 2018).
RESPONDERS, TREATED = 61, 75


def _ecdf() -> Any:
    """scipy's Kaplan–Meier estimate of the teaching cohort (an ``ECDFResult``)."""
    import numpy as np
    from scipy import stats

    t = np.asarray(TIMES_MONTHS, dtype=float)
    e = np.asarray(EVENTS, dtype=bool)
    return stats.ecdf(stats.CensoredData(uncensored=t[e], right=t[~e]))


def _survival_at_event_times() -> list[float]:
    return [float(s) for s in _ecdf().sf.evaluate(list(EVENT_TIMES))]


def _naive_survival() -> list[float]:
    deaths = 0
    out = []
    for t in EVENT_TIMES:
        deaths += sum(1 for ti, e in zip(TIMES_MONTHS, EVENTS, strict=True) if e and ti == t)
        out.append(1 - deaths / len(TIMES_MONTHS))
    return out


def _median_months() -> float:
    sf = _ecdf().sf
    below = [q for q, p in zip(sf.quantiles, sf.probabilities, strict=True) if p <= 0.5]
    return float(below[0]) if below else math.inf


def _at_risk_6() -> float:
    return float(sum(1 for t in TIMES_MONTHS if t >= 6))


def _ci_low_percent() -> float:
    from scipy import stats

    return 100 * stats.binomtest(RESPONDERS, TREATED).proportion_ci(method="exact").low


def _simulated_median_blinatumomab() -> float:
    from ...models import trials

    return float(trials.km_spec().extra["medians"][0])


def _simulated_median_chemotherapy() -> float:
    from ...models import trials

    return float(trials.km_spec().extra["medians"][1])


def _wald_low_percent() -> float:
    p = RESPONDERS / TREATED
    return 100 * (p - 1.959964 * math.sqrt(p * (1 - p) / TREATED))


EXERCISE = Exercise(
    id="ch07-kaplan-meier",
    notebook="ch07_kaplan_meier.ipynb",
    title="Kaplan–Meier by hand, and reading a trial",
    minutes=45,
    questions=(
        Question(
            id="km-01",
            variable="at_risk_6",
            points=1,
            objective="ch07-o3",
            title="number at risk just before 6 months",
            checker=Numeric(
                _at_risk_6,
                units="patients",
                rtol=0.0,
                atol=0.01,
                mistakes=(
                    wrong_value(
                        "censored-kept",
                        7.0,
                        "The patient censored at 4 months has left the risk set too: a censored patient counts "
                        "only until the last follow-up.",
                    ),
                ),
                correct_message="Right: {value} patients were still followed and event-free just before 6 months.",
            ),
            hints=(
                "At risk at time t = still being followed and event-free just before t.",
                "Count the patients whose follow-up time is at least 6 months, whatever their event flag.",
            ),
        ),
        Question(
            id="km-02",
            variable="km_survival",
            points=3,
            objective="ch07-o5",
            title="Kaplan–Meier survival at each event time, by hand",
            checker=Values(
                _survival_at_event_times,
                what="survival probabilities (one per event time)",
                rtol=0.005,
                alternatives=(
                    (
                        _naive_survival,
                        "You divided by all 10 patients each time. Kaplan–Meier multiplies the conditional "
                        "survival (1 − d/n) at each event time, where n is the number *still at risk*.",
                    ),
                ),
                correct_message="All six values agree with scipy.stats.ecdf: the product-limit estimate, "
                "with censored patients counted until they leave.",
            ),
            hints=(
                "At each event time t, S(t) = S(previous) × (1 − d/n), with d events at t and n at risk just before t.",
                "At 4 months one patient has an event and one is censored: the censored patient is still at risk "
                "at 4 months (n = 8), and leaves afterwards.",
            ),
        ),
        Question(
            id="km-03",
            variable="median_months",
            points=1,
            objective="ch07-o3",
            title="median event-free survival read from the curve",
            checker=Numeric(
                _median_months,
                units="months",
                rtol=0.0,
                atol=0.01,
                mistakes=(
                    wrong_value(
                        "median-of-times",
                        6.5,
                        "That is the median of the follow-up times, which ignores censoring. Read the time at "
                        "which the Kaplan–Meier curve first drops to 0.5 or below.",
                    ),
                ),
                correct_message="Right: the curve first reaches 0.5 or below at {value} months.",
            ),
            hints=("The median is the first time at which the survival estimate is 0.5 or less.",),
        ),
        Question(
            id="km-06",
            variable="simulated_median_months",
            points=1,
            objective="ch07-o3",
            title="median of the simulated blinatumomab arm, read from the figure",
            checker=Numeric(
                _simulated_median_blinatumomab,
                units="months",
                rtol=0.0,
                atol=0.5,
                mistakes=(
                    wrong_value(
                        "published-median",
                        7.7,
                        "7.7 months is TOWER's published median. The figure shows a *simulated* cohort "
                        "calibrated to it, whose own median differs by chance: read it from the curve.",
                    ),
                    wrong_value(
                        "other-arm",
                        _simulated_median_chemotherapy,
                        "That is the chemotherapy arm. Follow the blinatumomab curve down to 0.5.",
                    ),
                ),
                correct_message="Right: about {value} months in this simulated cohort.",
            ),
            hints=(
                "Find 0.5 on the vertical axis, go across to the blinatumomab curve, then down to the time axis.",
                "`trials.km_spec().extra['medians']` gives both simulated medians, to check your reading.",
            ),
        ),
        Question(
            id="km-04",
            variable="ci_low_percent",
            points=2,
            objective="ch07-o5",
            title="exact 95 % CI of a response rate (lower bound)",
            checker=Numeric(
                _ci_low_percent,
                units="%",
                rtol=0.005,
                mistakes=(
                    FRACTION_FOR_PERCENT,
                    wrong_value(
                        "wald",
                        _wald_low_percent,
                        "That is the normal-approximation (Wald) interval. The question asks for the exact "
                        "Clopper–Pearson interval: `binomtest(k, n).proportion_ci(method='exact')`.",
                    ),
                ),
                correct_message="Right: about {value} %. 61/75 = 81 %, but with 75 patients the true rate "
                "could plausibly be as low as about 71 %.",
            ),
            hints=(
                "`scipy.stats.binomtest(k, n)` returns a result whose `proportion_ci()` method gives the interval.",
                "The exact (Clopper–Pearson) interval is the default method; give the lower bound as a percentage.",
            ),
        ),
        Question(
            id="km-05",
            variable="hazard_ratio_choice",
            points=2,
            objective="ch07-o4",
            title="what a hazard ratio of 0.41 means",
            checker=Choice(
                options={
                    "A": "Yes: a hazard ratio compares instantaneous event rates; 0.41 means the death rate was "
                    "estimated at about 41 % of the control arm's at any time (a 59 % lower rate), assuming "
                    "proportional hazards.",
                    "B": "No: a hazard ratio is not a ratio of the proportions who died; 3-year survival was 85 % vs "
                    "68 %, which is a different comparison.",
                    "C": "No: a hazard ratio is not a ratio of medians; and in E1910 the median survival was not "
                    "even reached.",
                    "D": "No: a hazard ratio says nothing about cure, and MRD negativity is not cure.",
                },
                correct="A",
            ),
            hints=("Hazard = the event rate among those still at risk, at each moment.",),
        ),
    ),
)
