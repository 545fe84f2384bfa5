"""Exercise ch05-cart: CAR T expansion, persistence and antigen-negative relapse (chapter 5).

Models: :mod:`immunokit.models.cart_kinetics` — the Stein et al. (2019) tisagenlecleucel cellular
kinetic model (Table 1 typical values) and the course's *illustrative* CAR T–leukemia model with an
antigen-negative subclone (hand-picked parameters, not fitted to patients).
"""

from __future__ import annotations

import math

from ..catalog import Exercise, Question
from ..checks import Choice, Numeric
from ..mistakes import HOURS_VS_DAYS, LN2_FORGOTTEN, RATE_VS_HALF_LIFE, wrong_value


def _doubling() -> float:
    from ...models import cart_kinetics

    return cart_kinetics.doubling_time_d()


def _decline() -> float:
    from ...models import cart_kinetics

    return cart_kinetics.decline_half_life_d()


def _day28() -> float:
    from ...models import cart_kinetics

    return float(cart_kinetics.stein_closed_form([28.0])[0])


def _day28_fast_phase_only() -> float:
    from ...models import cart_kinetics

    p = cart_kinetics.STEIN_2019
    return (1 - p.fraction_persistent) * p.cmax_copies_per_ug * math.exp(-p.alpha_per_d * (28.0 - p.tmax_d))


def _day28_from_zero() -> float:
    from ...models import cart_kinetics

    p = cart_kinetics.STEIN_2019
    return p.cmax_copies_per_ug * (
        (1 - p.fraction_persistent) * math.exp(-p.alpha_per_d * 28.0)
        + p.fraction_persistent * math.exp(-p.beta_per_d * 28.0)
    )


def _relapse_long_persistence() -> float:
    from ...models import cart_kinetics

    params = cart_kinetics.CarTLeukemiaParams(car_t_loss_per_d=math.log(2) / 200.0)
    day = cart_kinetics.simulate_leukemia(params).relapse_day()
    return math.inf if day is None else day


EXERCISE = Exercise(
    id="ch05-cart",
    notebook="ch05_cart.ipynb",
    title="CAR T expansion, persistence and antigen-negative relapse",
    minutes=50,
    questions=(
        Question(
            id="car-01",
            variable="doubling_time_d",
            points=2,
            objective="ch05-o4",
            title="doubling time during expansion",
            checker=Numeric(
                _doubling,
                units="days",
                rtol=0.02,
                mistakes=(LN2_FORGOTTEN, RATE_VS_HALF_LIFE, HOURS_VS_DAYS),
                correct_message="Right: about {value} days. From a few hundred copies/µg to the peak takes "
                "about 12 doublings in nine days.",
            ),
            hints=(
                "During expansion E grows as e^(ρt), with ρ = ln(foldx)/Tmax.",
                "A doubling time is ln 2 / ρ.",
            ),
        ),
        Question(
            id="car-02",
            variable="decline_half_life_d",
            points=2,
            objective="ch05-o4",
            title="half-life of the contraction phase",
            checker=Numeric(
                _decline,
                units="days",
                rtol=0.02,
                mistakes=(LN2_FORGOTTEN, RATE_VS_HALF_LIFE, HOURS_VS_DAYS),
                correct_message="Right: about {value} days. Most expanded CAR T cells are gone within weeks; "
                "only a small persistent fraction decays slowly.",
            ),
            hints=("After Tmax the fast phase falls as e^(−α(t − Tmax)), α = 0.16 per day.",),
        ),
        Question(
            id="car-03",
            variable="level_day28",
            points=2,
            objective="ch05-o4",
            title="transgene level on day 28",
            checker=Numeric(
                _day28,
                units="copies/µg",
                rtol=0.02,
                mistakes=(
                    wrong_value(
                        "fast-phase-only",
                        _day28_fast_phase_only,
                        "Close, but you left out the slow (persistent) phase, FB·Cmax·e^(−β(t − Tmax)), which is "
                        "already a noticeable share of the total by day 28.",
                    ),
                    wrong_value(
                        "time-from-zero",
                        _day28_from_zero,
                        "The decline starts at Tmax, not at infusion: use t − Tmax = 28 − 9.3 days.",
                    ),
                ),
                correct_message="Right: about {value} copies/µg, some 6 % of the peak.",
            ),
            hints=(
                "Use the closed form after Tmax: C(t) = (1 − FB)·Cmax·e^(−α(t − Tmax)) + FB·Cmax·e^(−β(t − Tmax)).",
                "`cart_kinetics.stein_closed_form([28])` evaluates it; check that your hand calculation agrees.",
            ),
        ),
        Question(
            id="car-04",
            variable="relapse_choice",
            points=2,
            objective="ch05-o5",
            title="what relapses in the figure, and why (figure)",
            checker=Choice(
                options={
                    "A": "Yes: the antigen-negative cells were never attacked — a CAR only sees cells that carry "
                    "its antigen — so a subclone of one in 100,000 cells regrows while the antigen-positive "
                    "leukemia stays gone.",
                    "B": "No: look at which dashed or solid line comes back. The antigen-positive population "
                    "does not return in this run.",
                    "C": "No: in the model CAR T cells only kill; they never become leukemia. (Transduction of a "
                    "leukemic cell is a real but rare event, not what this model shows.)",
                    "D": "No: the remission is deep — the antigen-positive population goes extinct — and the "
                    "relapse is a different population.",
                },
                correct="A",
            ),
            hints=("Follow each line after day 50: which population rises again?",),
        ),
        Question(
            id="car-05",
            variable="relapse_day_long_persistence",
            points=2,
            objective="ch05-o5",
            title="relapse day when CAR T cells persist much longer",
            checker=Numeric(
                _relapse_long_persistence,
                units="days",
                rtol=0.0,
                atol=1.0,
                correct_message="Right: day {value}, the same as with short persistence. Persistence protects "
                "against antigen-positive relapse, not against antigen escape.",
            ),
            hints=(
                "Make a `CarTLeukemiaParams` with `car_t_loss_per_d = ln 2 / 200` and pass it to `simulate_leukemia`.",
                "The result's `relapse_day()` method gives the day the leukemia climbs back above 10⁹ cells.",
            ),
        ),
        Question(
            id="car-06",
            variable="b_cell_choice",
            points=2,
            objective="ch05-o4",
            title="B cells return three months after tisagenlecleucel (clinical scenario)",
            checker=Choice(
                options={
                    "A": "No: normal B cells carry CD19. While functional CD19 CAR T cells persist they keep "
                    "B cells away; B-cell recovery is a warning sign, not a reassurance.",
                    "B": "Yes: continued B-cell aplasia is the marker of functional CAR T persistence. Early "
                    "B-cell recovery signals that persistence is being lost, with a higher risk of a "
                    "CD19-positive relapse.",
                    "C": "No: B-cell recovery says the CAR T cells are no longer active against CD19, which makes "
                    "antigen-positive relapse (not antigen-negative) the concern.",
                    "D": "No: the B cells that return are normal B cells; their return is about the CAR T cells, "
                    "not a new leukemia.",
                },
                correct="B",
            ),
            hints=("CD19 is on normal B cells as well as on B-ALL blasts.",),
        ),
    ),
)
