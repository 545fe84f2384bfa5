"""Exercise ch03-occupancy: receptor occupancy and dose for rituximab (chapter 3).

Models: :mod:`immunokit.models.occupancy` (θ = C/(C + Kd), rituximab–CD20 Kd ≈ 8 nM, Rituxan label)
and :mod:`immunokit.models.antibody_pk` (rituximab in CLL, half-lives after Mo et al. 2013).
"""

from __future__ import annotations

from ..catalog import Exercise, Question
from ..checks import Choice, Numeric
from ..mistakes import FRACTION_FOR_PERCENT, MICRO_VS_MILLI, PERCENT_FOR_FRACTION, wrong_value


def _occupancy_24nm() -> float:
    from ...models import occupancy

    return float(occupancy.fraction_bound(24.0))


def _c99_nm() -> float:
    from ...models import occupancy

    return occupancy.concentration_for_occupancy(0.99)


def _c99_mg_per_l() -> float:
    from ...models import occupancy

    # mg_per_l_to_nm is linear: nM per (mg/L) for rituximab's molecular weight.
    return _c99_nm() / float(occupancy.mg_per_l_to_nm(1.0))


def _c90_high_affinity_nm() -> float:
    from ...models import occupancy

    return occupancy.concentration_for_occupancy(0.9, kd_nm=0.8)


EXERCISE = Exercise(
    id="ch03-occupancy",
    notebook="ch03_occupancy.ipynb",
    title="Occupancy and dose of an anti-CD20 antibody",
    minutes=35,
    questions=(
        Question(
            id="occ-01",
            variable="occupancy_24nm",
            points=2,
            objective="ch03-o4",
            title="fraction of CD20 bound at 24 nM",
            checker=Numeric(
                _occupancy_24nm,
                units="",
                describe="a fraction between 0 and 1",
                rtol=0.01,
                mistakes=(
                    PERCENT_FOR_FRACTION,
                    wrong_value(
                        "unbound-fraction",
                        lambda: 1 - _occupancy_24nm(),
                        "That is the fraction of CD20 that is *free*, Kd/(C + Kd). Occupancy is C/(C + Kd).",
                    ),
                ),
                correct_message="Right: θ = 24/(24 + 8) = {value}. Three times Kd binds three quarters of the target.",
            ),
            hints=(
                "Occupancy at equilibrium is θ = C / (C + Kd), with C and Kd in the same units.",
                "Rituximab's Kd for CD20 is about 8 nM; `occupancy.fraction_bound(c_nm)` uses it by default.",
            ),
        ),
        Question(
            id="occ-02",
            variable="c99_nm",
            points=2,
            objective="ch03-o4",
            title="free concentration for 99 % occupancy",
            checker=Numeric(
                _c99_nm,
                units="nM",
                rtol=0.01,
                mistakes=(
                    wrong_value(
                        "c90-not-c99",
                        72.0,
                        "72 nM (9 × Kd) gives 90 % occupancy. For 99 % you need C = 99 × Kd.",
                    ),
                    MICRO_VS_MILLI,
                ),
                correct_message="Right: C = Kd·θ/(1 − θ) = 99 × 8 nM = {value} nM. Each extra 'nine' of "
                "occupancy costs ten times more antibody.",
            ),
            hints=(
                "Solve θ = C/(C + Kd) for C.",
                "C = Kd · θ / (1 − θ); with θ = 0.99 that is 99 × Kd.",
            ),
        ),
        Question(
            id="occ-03",
            variable="c99_mg_per_l",
            points=2,
            objective="ch03-o4",
            title="the same concentration in mg/L",
            checker=Numeric(
                _c99_mg_per_l,
                units="mg/L",
                rtol=0.02,
                mistakes=(MICRO_VS_MILLI,),
                correct_message="Right: about {value} mg/L (= µg/mL). A nanomolar target still means "
                "milligrams per litre, because an IgG is heavy (about 145 kDa).",
            ),
            hints=(
                "Moles × molecular weight = mass. Rituximab weighs about 145 kDa = 145,000 g/mol.",
                "792 nM = 792 × 10⁻⁹ mol/L; multiply by 145,000 g/mol to get g/L, then convert to mg/L.",
            ),
        ),
        Question(
            id="occ-04",
            variable="c90_high_affinity_nm",
            points=2,
            objective="ch03-o4",
            title="90 % occupancy with a ten-fold better Kd (figure)",
            checker=Numeric(
                _c90_high_affinity_nm,
                units="nM",
                rtol=0.02,
                mistakes=(
                    wrong_value(
                        "rituximab-kd",
                        72.0,
                        "72 nM is the answer for Kd = 8 nM; this antibody has Kd = 0.8 nM.",
                    ),
                    FRACTION_FOR_PERCENT,
                ),
                correct_message="Right: {value} nM. A ten-fold lower Kd shifts the whole curve ten-fold to the left "
                "on the log axis; its shape does not change.",
            ),
            hints=(
                "On a log concentration axis, changing Kd slides the curve sideways without changing its shape.",
                "90 % occupancy is reached at C = 9 × Kd for any Kd.",
            ),
        ),
        Question(
            id="occ-05",
            variable="tmdd_choice",
            points=2,
            objective="ch03-o4",
            title="why rituximab's half-life in CLL lengthens over cycles",
            checker=Choice(
                options={
                    "A": "No: anti-drug antibodies would speed clearance over time, not slow it, and they are "
                    "not what the measured pattern shows.",
                    "B": "Yes: a large mass of CD20-positive cells binds the antibody and removes it with them "
                    "(target-mediated disposition); as the cells are depleted, that extra clearance disappears.",
                    "C": "No: rituximab is a full-length IgG1 with an Fc region; its dose per m² is the same each cycle.",
                    "D": "No: the infusion rate changes how fast the level rises, not how fast it falls afterwards.",
                },
                correct="B",
            ),
            hints=(
                "In cycle 1 of CLL there are very many CD20-positive cells in the blood; by cycle 4 there are few.",
                "What happens to an antibody molecule that is bound to a cell when that cell is destroyed?",
            ),
        ),
    ),
)
