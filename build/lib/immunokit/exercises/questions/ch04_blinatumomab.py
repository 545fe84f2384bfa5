"""Exercise ch04-blinatumomab: steady state and wash-out of a continuous infusion (chapter 4).

Model: :mod:`immunokit.models.blinatumomab` — one compartment, CL = 2.22 L/h, V = 5.98 L (Clements et
al. 2020), the 9 → 28 µg/day step-up of cycle 1.
"""

from __future__ import annotations

import math

from ..catalog import Exercise, Question
from ..checks import Choice, Numeric
from ..mistakes import (
    HOURS_VS_DAYS,
    LN2_FORGOTTEN,
    MICRO_VS_MILLI,
    MINUTES_VS_HOURS,
    PICO_VS_MICRO,
    RATE_VS_HALF_LIFE,
    scaled,
    wrong_value,
)


def _css_28() -> float:
    from ...models import Dose, blinatumomab

    return blinatumomab.steady_state_pg_per_ml(Dose(28, "ug/day"))


def _half_life_h() -> float:
    from ...models import blinatumomab

    return blinatumomab.CLEMENTS_2020.half_life_h


def _washout_90_h() -> float:
    from ...models import blinatumomab

    return blinatumomab.time_to_fraction_h(0.9)


def _ratio_day10_day5() -> float:
    import numpy as np

    from ...models import blinatumomab

    result = blinatumomab.simulate(11 * 24.0, rates=blinatumomab.step_up_schedule())
    c10 = float(np.interp(10 * 24.0, result.t_h, result.conc_pg_per_ml))
    c5 = float(np.interp(5 * 24.0, result.t_h, result.conc_pg_per_ml))
    return c10 / c5


PER_DAY_AND_UG_PER_L = scaled(
    "per-day-and-ug-per-l",
    (24.0 / 1000.0,),
    "Two slips at once: the rate was left in µg/day (divide by 24 for µg/h, since CL is in L/h) and the "
    "result is in µg/L, not pg/mL (1 µg/L = 1000 pg/mL).",
)

EXERCISE = Exercise(
    id="ch04-blinatumomab",
    notebook="ch04_blinatumomab.ipynb",
    title="Blinatumomab: steady state and wash-out of a continuous infusion",
    minutes=40,
    questions=(
        Question(
            id="pk-01",
            variable="css_28_pg_ml",
            points=2,
            objective="ch04-o3",
            title="steady-state concentration at 28 µg/day",
            checker=Numeric(
                _css_28,
                units="pg/mL",
                rtol=0.02,
                mistakes=(HOURS_VS_DAYS, MICRO_VS_MILLI, PICO_VS_MICRO, PER_DAY_AND_UG_PER_L),
                correct_message="Right: Css = R₀/CL ≈ {value} pg/mL for a typical adult. Volume does not appear: "
                "it sets how fast steady state is reached, not its level.",
            ),
            hints=(
                "At steady state, what goes in per hour equals what is cleared per hour: R₀ = CL · Css.",
                "Put the rate in µg/h (28 µg/day ÷ 24) so that it matches CL in L/h; Css then comes out in µg/L.",
                "1 µg/L = 1000 ng/L = 1000 pg/mL.",
            ),
        ),
        Question(
            id="pk-02",
            variable="half_life_h",
            points=2,
            objective="ch04-o3",
            title="elimination half-life",
            checker=Numeric(
                _half_life_h,
                units="h",
                rtol=0.02,
                mistakes=(LN2_FORGOTTEN, RATE_VS_HALF_LIFE, HOURS_VS_DAYS, MINUTES_VS_HOURS),
                correct_message="Right: t½ = ln2·V/CL ≈ {value} h. An IgG antibody's half-life is about three "
                "weeks; blinatumomab has no Fc region and is cleared in hours.",
            ),
            hints=(
                "The elimination rate constant is k = CL/V (per hour).",
                "t½ = ln 2 / k.",
            ),
        ),
        Question(
            id="pk-03",
            variable="washout_90_h",
            points=2,
            objective="ch04-o3",
            title="time for 90 % wash-out after the pump stops",
            checker=Numeric(
                _washout_90_h,
                units="h",
                rtol=0.02,
                mistakes=(
                    wrong_value(
                        "five-half-lives",
                        lambda: 5 * _half_life_h(),
                        "Five half-lives take the level down to about 3 %, not 10 %. Solve e^(−kt) = 0.1.",
                    ),
                    wrong_value(
                        "one-over-k",
                        lambda: _half_life_h() / math.log(2),
                        "That is 1/k = V/CL. For 90 % wash-out you need t = ln(10)/k ≈ 2.3/k "
                        "(did you use log₁₀ instead of the natural log?).",
                    ),
                    HOURS_VS_DAYS,
                    LN2_FORGOTTEN,
                ),
                correct_message="Right: t = ln(10)·V/CL ≈ {value} h, about 3.3 half-lives. When the pump stops, "
                "exposure is gone within hours — which is also why a missed bag change matters.",
            ),
            hints=(
                "After the pump stops, C(t) = C₀ · e^(−kt) with k = CL/V.",
                "Solve e^(−kt) = 0.1 for t.",
            ),
        ),
        Question(
            id="pk-04",
            variable="ratio_day10_day5",
            points=2,
            objective="ch04-o3",
            title="concentration on day 10 relative to day 5 (figure)",
            checker=Numeric(
                _ratio_day10_day5,
                units="",
                describe="a ratio (a pure number)",
                rtol=0.02,
                mistakes=(
                    wrong_value(
                        "inverted", lambda: 1.0 / _ratio_day10_day5(), "That is day 5 over day 10; invert it."
                    ),
                ),
                correct_message="Right: {value} = 28/9. Both days are at steady state, so the concentrations are in "
                "the ratio of the infusion rates: the model is linear.",
            ),
            hints=(
                "Look at the figure: on day 5 and on day 10 the curve is flat. What does flat mean here?",
                "At steady state C = R₀/CL, so the ratio of two steady states is the ratio of the rates.",
            ),
        ),
        Question(
            id="pk-05",
            variable="interruption_choice",
            points=2,
            objective="ch04-o3",
            title="a 4-hour interruption of the pump (clinical scenario)",
            checker=Choice(
                options={
                    "A": "No: that would be true of an IgG antibody, recycled by FcRn. Blinatumomab has no Fc "
                    "and a half-life of about 2 hours.",
                    "B": "Yes: about two half-lives pass in 4 hours, so the level falls to roughly a quarter "
                    "of steady state; exposure is lost quickly, and restarting after an interruption of 4 hours "
                    "or more is covered by the label's dexamethasone premedication rule.",
                    "C": "No: nothing is infused during the interruption, so nothing can accumulate.",
                    "D": "No: blinatumomab is given by continuous infusion, precisely because a bolus would be "
                    "cleared within hours.",
                },
                correct="B",
            ),
            hints=(
                "How many half-lives is 4 hours?",
                "After n half-lives the level is (1/2)ⁿ of where it started.",
            ),
        ),
    ),
)
