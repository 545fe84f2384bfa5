"""Exercise ch08-crs-grading: ASTCT CRS and ICANS grading from the criteria (chapter 8).

The reference is :mod:`immunokit.toxicity` (ASTCT consensus, Lee et al. 2019), tested case by case
against the consensus tables. Tocilizumab dosing is from the Kymriah label's CRS management table.
Teaching only: never for patient care.
"""

from __future__ import annotations

from ..catalog import Exercise, Question
from ..checks import Case, Function, Numeric, every_combination
from ..mistakes import MICRO_VS_MILLI, wrong_value


def _reference_crs(fever: bool, hypotension: str, oxygen: str, treated: bool = False) -> int:
    from ...toxicity import crs_grade

    return crs_grade(fever, hypotension, oxygen, antipyretics_or_anticytokine=treated).grade


def _words(fever: bool, hypo: str, oxy: str, treated: bool) -> str:
    return f"fever={fever}, hypotension={hypo!r}, oxygen={oxy!r}, treated={treated}"


def _case(fever: bool, hypo: str, oxy: str, treated: bool, lesson: str) -> Case:
    return Case(
        args=(fever, hypo, oxy, treated), description=_words(fever, hypo, oxy, treated), lesson=lesson
    )


def _hypotension_levels() -> list[str]:
    from ...toxicity import Hypotension

    return [level.value for level in Hypotension]


def _oxygen_levels() -> list[str]:
    from ...toxicity import Oxygen

    return [level.value for level in Oxygen]


#: The grader's hidden cases: every valid combination of the four inputs (2 × 4 × 4 × 2 = 64) not shown
#: in the notebook, i.e. 50 (levels read from :mod:`immunokit.toxicity`).
HIDDEN_CRS = every_combination(
    (True, False), _hypotension_levels, _oxygen_levels, (False, True), describe=_words
)


WORSE = "The grade is the worse of the hypotension grade and the hypoxia grade."
FEVER = (
    "Without fever there is no CRS, unless the patient already had CRS and then received antipyretic or "
    "anti-cytokine therapy that could have masked the fever."
)
PREMEDICATED = (
    "Premedication before any CRS does not count: a premedicated patient who never had CRS and becomes "
    "hypotensive does not meet the CRS criteria (treated=False); look for another cause."
)
MASKED = (
    "The patient had CRS and was then given antipyretics or tocilizumab: fever is no longer required, "
    "grade by hypotension and hypoxia."
)

CRS_CASES: tuple[Case, ...] = (
    _case(True, "none", "none", False, "Fever alone is grade 1."),
    _case(True, "no-vasopressor", "none", False, "Hypotension not needing vasopressors is grade 2."),
    _case(True, "none", "low-flow", False, "Low-flow oxygen (≤ 6 L/min) is grade 2."),
    _case(
        True, "one-vasopressor", "none", False, "One vasopressor (with or without vasopressin) is grade 3."
    ),
    _case(True, "none", "high-flow", False, "High-flow oxygen (> 6 L/min) or a facemask is grade 3."),
    _case(
        True,
        "multiple-vasopressors",
        "none",
        False,
        "Multiple vasopressors (excluding vasopressin) is grade 4.",
    ),
    _case(
        True, "none", "positive-pressure", False, "Positive pressure (CPAP, BiPAP, ventilation) is grade 4."
    ),
    _case(True, "no-vasopressor", "high-flow", False, WORSE),
    _case(True, "multiple-vasopressors", "low-flow", False, WORSE),
    _case(False, "none", "none", False, FEVER),
    _case(False, "one-vasopressor", "none", False, PREMEDICATED),
    _case(False, "one-vasopressor", "low-flow", True, MASKED),
    _case(False, "none", "positive-pressure", True, MASKED),
    _case(
        False,
        "none",
        "none",
        True,
        "Treated, afebrile and without hypotension or hypoxia: no grade-defining sign.",
    ),
)


def _scenario_a() -> float:
    return float(_reference_crs(True, "no-vasopressor", "low-flow"))


def _scenario_b() -> float:
    return float(_reference_crs(False, "one-vasopressor", "high-flow", True))


def _ice_points() -> float:
    from ...toxicity import ice_score

    return float(ice_score(orientation=2, naming=3, commands=1, writing=0, attention=1))


def _icans() -> float:
    from ...toxicity import icans_grade

    return float(icans_grade(int(_ice_points()), "awakens-to-voice").grade)


def _tocilizumab_mg() -> float:
    weight_kg = 110.0
    # Kymriah label: 8 mg/kg for patients ≥ 30 kg, at most 800 mg per dose.
    return min(8.0 * weight_kg, 800.0)


EXERCISE = Exercise(
    id="ch08-crs-grading",
    notebook="ch08_crs_grading.ipynb",
    title="Grading CRS and ICANS from the ASTCT criteria",
    minutes=50,
    questions=(
        Question(
            id="crs-01",
            variable="my_crs_grade",
            points=4,
            objective="ch08-o2",
            title="implement ASTCT CRS grading",
            checker=Function(
                _reference_crs,
                CRS_CASES,
                signature="my_crs_grade(fever, hypotension, oxygen, treated=False)",
                returns="the ASTCT CRS grade as an int (0 = criteria not met, 1–4)",
                correct_message="Your function agrees with the ASTCT table on every case.",
                hidden=HIDDEN_CRS,
                blocked=("immunokit.toxicity",),
            ),
            hints=(
                "Give each hypotension level and each oxygen level its own grade first (a dict is enough).",
                "Then take the worse (max) of the two; with fever and neither sign, the grade is 1.",
                "Before anything else: no fever and no CRS treated before → 0. CRS treated (then afebrile) → grade from the signs alone.",
            ),
        ),
        Question(
            id="crs-02",
            variable="scenario_a_grade",
            points=1,
            objective="ch08-o2",
            title="grade of patient A (clinical scenario)",
            checker=Numeric(
                _scenario_a,
                units="",
                describe="a whole number: the grade, 0–5",
                rtol=0.0,
                atol=0.01,
                mistakes=(
                    wrong_value(
                        "fever-only", 1.0, "Fever alone would be grade 1, but this patient needs oxygen."
                    ),
                    wrong_value(
                        "fluids-as-pressor",
                        3.0,
                        "Hypotension that responds to fluids needs no vasopressor (grade 2), and 4 L/min is "
                        "low-flow oxygen (≤ 6 L/min, grade 2).",
                    ),
                ),
                correct_message="Right: grade {value}.",
            ),
            hints=("Grade the hypotension and the hypoxia separately, then take the worse.",),
        ),
        Question(
            id="crs-03",
            variable="scenario_b_grade",
            points=1,
            objective="ch08-o2",
            title="grade of patient B, afebrile after tocilizumab",
            checker=Numeric(
                _scenario_b,
                units="",
                describe="a whole number: the grade, 0–5",
                rtol=0.0,
                atol=0.01,
                mistakes=(
                    wrong_value("needs-fever", 0.0, MASKED),
                    wrong_value(
                        "over-graded",
                        4.0,
                        "Grade 4 needs multiple vasopressors (vasopressin does not count) or positive pressure.",
                    ),
                ),
                correct_message="Right: grade {value}; tocilizumab removed the fever, not the CRS.",
            ),
            hints=(MASKED,),
        ),
        Question(
            id="crs-04",
            variable="ice_points",
            points=1,
            objective="ch08-o3",
            title="ICE score of patient C",
            checker=Numeric(
                _ice_points,
                units="",
                describe="a whole number of points, 0–10",
                rtol=0.0,
                atol=0.01,
                correct_message="Right: {value} of 10 points.",
            ),
            hints=(
                "Orientation is worth 4 points (one each), naming 3, commands 1, writing 1, attention 1.",
            ),
        ),
        Question(
            id="crs-05",
            variable="icans_grade_c",
            points=2,
            objective="ch08-o3",
            title="ICANS grade of patient C",
            checker=Numeric(
                _icans,
                units="",
                describe="a whole number: the grade, 0–5",
                rtol=0.0,
                atol=0.01,
                mistakes=(
                    wrong_value(
                        "ice-only",
                        1.0,
                        "An ICE score of 7 alone is grade 1, but the ICANS grade is the most severe domain: "
                        "awakening only to voice is grade 2.",
                    ),
                ),
                correct_message="Right: grade {value}, set by the level of consciousness, not by the ICE score.",
            ),
            hints=(
                "ICANS takes the most severe of its domains: ICE score, consciousness, seizure, motor, edema.",
            ),
        ),
        Question(
            id="crs-06",
            variable="tocilizumab_mg",
            points=1,
            objective="ch08-o1",
            title="tocilizumab dose for a 110-kg adult",
            checker=Numeric(
                _tocilizumab_mg,
                units="mg",
                rtol=0.0,
                atol=0.5,
                mistakes=(
                    wrong_value(
                        "no-cap", 880.0, "8 mg/kg × 110 kg = 880 mg, but the label caps a dose at 800 mg."
                    ),
                    wrong_value("child-dose", 1320.0, "12 mg/kg is the dose for patients under 30 kg."),
                    MICRO_VS_MILLI,
                ),
                correct_message="Right: {value} mg (8 mg/kg, at most 800 mg per dose).",
            ),
            hints=("8 mg/kg for patients of 30 kg or more…", "…but never more than 800 mg in one dose."),
        ),
    ),
)
