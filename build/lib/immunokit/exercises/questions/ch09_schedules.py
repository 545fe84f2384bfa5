"""Exercise ch09-schedules: design and compare schedules with a chemotherapy + immune-effector model (chapter 9).

Model: :mod:`immunokit.models.combination` — fractional log-kill chemotherapy pulses with regrowth in
between, plus an immune effector population. **All its parameters are illustrative** (hand-picked to
show the ideas, not fitted to any trial). The clinical question uses E1910 (Litzow et al. 2024).
"""

from __future__ import annotations

import math
from typing import Any

from ..catalog import Exercise, Question
from ..checks import Choice, Numeric
from ..mistakes import wrong_value

KILL_RATE_GRID = tuple(round(0.01 * i, 2) for i in range(0, 31))


def _simulate(**changes: Any) -> Any:
    """The combination model with ``changes`` to its illustrative parameters (a ``CombinationResult``)."""
    from ...models import combination

    return combination.simulate(combination.CombinationParams(**changes))


def _chemo_nadir() -> float:
    return _simulate(max_kill_per_d=0.0).nadir_cells


def _chemo_8_cycles_extinction() -> float:
    day = _simulate(max_kill_per_d=0.0, cycles=8).extinction_day
    return math.inf if day is None else day


def _combined_extinction() -> float:
    day = _simulate().extinction_day
    return math.inf if day is None else day


def _smallest_kill_rate() -> float:
    for rate in KILL_RATE_GRID:
        if _simulate(max_kill_per_d=rate).cured:
            return rate
    return math.inf


EXERCISE = Exercise(
    id="ch09-schedules",
    notebook="ch09_schedules.ipynb",
    title="Design and compare schedules: chemotherapy with and without an immune effector",
    minutes=45,
    questions=(
        Question(
            id="sch-01",
            variable="chemo_nadir_cells",
            points=2,
            objective="ch09-o5",
            title="lowest leukemia count with chemotherapy alone",
            checker=Numeric(
                _chemo_nadir,
                units="cells",
                rtol=0.05,
                mistakes=(
                    wrong_value(
                        "log10-given",
                        lambda: math.log10(_chemo_nadir()),
                        "That is the log₁₀ of the count. Give the number of cells itself.",
                    ),
                    wrong_value(
                        "no-regrowth",
                        1.0,
                        "Six pulses of 2 logs would take 10¹² cells to 1 cell only if nothing regrew between "
                        "cycles. Read the nadir from the simulation, which includes regrowth.",
                    ),
                ),
                correct_message="Right: about {value} cells at the lowest point — not zero, so the leukemia "
                "regrows after the last cycle.",
            ),
            hints=(
                "`combination.simulate(combination.CombinationParams(max_kill_per_d=0.0))` is chemotherapy alone.",
                "The result has a `nadir_cells` property.",
            ),
        ),
        Question(
            id="sch-02",
            variable="chemo_8_cycles_extinction_day",
            points=2,
            objective="ch09-o5",
            title="extinction day with 8 cycles of chemotherapy alone",
            checker=Numeric(
                _chemo_8_cycles_extinction,
                units="days",
                rtol=0.0,
                atol=1.0,
                correct_message="Right: day {value}. Two more cycles of fractional kill were enough in this "
                "model — at the price of two more cycles of toxicity, which the model does not count.",
            ),
            hints=("Set `cycles=8` as well as `max_kill_per_d=0.0`, and read `extinction_day`.",),
        ),
        Question(
            id="sch-03",
            variable="combined_extinction_day",
            points=2,
            objective="ch09-o5",
            title="extinction day with 6 cycles plus the immune effector",
            checker=Numeric(
                _combined_extinction,
                units="days",
                rtol=0.0,
                atol=1.0,
                correct_message="Right: day {value}, during the chemotherapy course: the effector keeps killing "
                "between pulses, when chemotherapy alone lets the leukemia regrow.",
            ),
            hints=("The default `CombinationParams()` is 6 cycles with the effector.",),
        ),
        Question(
            id="sch-04",
            variable="smallest_kill_rate",
            points=3,
            objective="ch09-o5",
            title="design: the weakest effector that still clears the leukemia",
            checker=Numeric(
                _smallest_kill_rate,
                units="per day",
                rtol=0.0,
                atol=0.001,
                mistakes=(
                    wrong_value(
                        "one-step-low",
                        lambda: _smallest_kill_rate() - 0.01,
                        "With that rate the leukemia is not extinct by day 365. Take the smallest rate that "
                        "does clear it.",
                    ),
                ),
                correct_message="Right: {value} per day. Below that, the effector slows regrowth but cannot "
                "finish what chemotherapy leaves.",
            ),
            hints=(
                "Loop over `max_kill_per_d` = 0.00, 0.01, 0.02, … and simulate each.",
                "Stop at the first rate whose result has `cured == True`.",
            ),
        ),
        Question(
            id="sch-05",
            variable="e1910_choice",
            points=2,
            objective="ch09-o3",
            title="MRD-negative remission: what E1910 showed (clinical scenario)",
            checker=Choice(
                options={
                    "A": "No: MRD-negative is defined by an assay's sensitivity (here 10⁻⁴), not as cure; E1910 "
                    "showed that these patients still benefited from more treatment.",
                    "B": "Yes: in MRD-negative patients, adding blinatumomab to consolidation chemotherapy raised "
                    "3-year overall survival from 68 % to 85 % (hazard ratio for death 0.41).",
                    "C": "No: the trial's finding was a survival benefit, not a reduction of chemotherapy.",
                    "D": "No: E1910 randomised the MRD-negative patients; MRD-positive patients were assigned "
                    "blinatumomab.",
                },
                correct="B",
            ),
            hints=("E1910 randomised adults in MRD-negative remission (< 0.01 % by flow cytometry).",),
        ),
    ),
)
