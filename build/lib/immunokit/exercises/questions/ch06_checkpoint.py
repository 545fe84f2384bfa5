"""Exercise ch06-checkpoint: occupancy, dose and schedule of a checkpoint antibody (chapter 6).

The antibody is **hypothetical**: an anti-PD-1 IgG given the linear one-compartment PK of an IgG
(rituximab's total clearance 9.43 mL/h and Vdss 9.61 L, Müller et al. 2012, as in
:data:`immunokit.models.antibody_pk.RITUXIMAB_ONE_COMPARTMENT`) and an *illustrative* Kd of 1 nM. The two
schedules, 200 mg every 3 weeks and 400 mg every 6 weeks, *are* the adult doses of pembrolizumab's US label
(``merck2026keytruda``; facts ``pembrolizumab-dose-q3w`` and ``pembrolizumab-dose-q6w`` in the data layer);
the PK and Kd are not pembrolizumab's, so the concentrations show how occupancy, dose and interval relate,
not pembrolizumab's own levels.
"""

from __future__ import annotations

from ..catalog import Exercise, Question
from ..checks import Choice, Numeric
from ..mistakes import MICRO_VS_MILLI, PERCENT_FOR_FRACTION, wrong_value

KD_NM = 1.0  # illustrative
INTERVAL_Q3W_H = 21 * 24.0
INTERVAL_Q6W_H = 42 * 24.0
INFUSION_H = 0.5


def trough_mg_per_l(dose_mg: float, interval_h: float, doses: int) -> float:
    """Concentration just before dose ``doses + 1`` of a repeated schedule (mg/L), from the PK model."""
    from ...models import Dose, antibody_pk

    infusions = [antibody_pk.Infusion(i * interval_h, INFUSION_H, Dose(dose_mg, "mg")) for i in range(doses)]
    result = antibody_pk.simulate(infusions, doses * interval_h)
    return float(result.conc_mg_per_l[-1])


def _trough_q3w() -> float:
    return trough_mg_per_l(200.0, INTERVAL_Q3W_H, 8)


def _trough_q6w() -> float:
    return trough_mg_per_l(400.0, INTERVAL_Q6W_H, 4)


def _occupancy_q3w() -> float:
    from ...models import occupancy

    return float(occupancy.fraction_bound(occupancy.mg_per_l_to_nm(_trough_q3w()), kd_nm=KD_NM))


def _occupancy_unconverted() -> float:
    return _trough_q3w() / (_trough_q3w() + KD_NM)


EXERCISE = Exercise(
    id="ch06-checkpoint",
    notebook="ch06_checkpoint.ipynb",
    title="Occupancy, dose and schedule of a checkpoint antibody",
    minutes=40,
    questions=(
        Question(
            id="icp-01",
            variable="trough_q3w_mg_l",
            points=2,
            objective="ch06-o4",
            title="trough concentration, 200 mg every 3 weeks",
            checker=Numeric(
                _trough_q3w,
                units="mg/L",
                rtol=0.02,
                mistakes=(MICRO_VS_MILLI,),
                correct_message="Right: about {value} mg/L just before the 8th dose. With a three-week "
                "half-life, doses every three weeks accumulate to a steady trough.",
            ),
            hints=(
                "Build the list of infusions: `antibody_pk.Infusion(start_h, 0.5, Dose(200, 'mg'))` for "
                "starts 0, 504, 1008, … hours (7 doses).",
                "Simulate to the time the 8th dose would start (7 × 504 h) and take the last concentration.",
            ),
        ),
        Question(
            id="icp-02",
            variable="occupancy_trough",
            points=2,
            objective="ch06-o4",
            title="PD-1 occupancy at that trough",
            checker=Numeric(
                _occupancy_q3w,
                units="",
                describe="a fraction between 0 and 1",
                rtol=0.001,
                mistakes=(
                    PERCENT_FOR_FRACTION,
                    wrong_value(
                        "mg-per-l-as-nm",
                        _occupancy_unconverted,
                        "Convert mg/L to nM first: Kd is a molar concentration (`occupancy.mg_per_l_to_nm`).",
                    ),
                ),
                correct_message="Right: {value}. Even at the trough, this antibody binds more than 99 % of "
                "its target in the model.",
            ),
            hints=(
                "Occupancy needs the concentration in nM: use `occupancy.mg_per_l_to_nm`.",
                "Then `occupancy.fraction_bound(c_nm, kd_nm=1.0)`.",
            ),
        ),
        Question(
            id="icp-03",
            variable="trough_q6w_mg_l",
            points=2,
            objective="ch06-o4",
            title="trough with twice the dose every 6 weeks",
            checker=Numeric(
                _trough_q6w,
                units="mg/L",
                rtol=0.02,
                mistakes=(
                    wrong_value(
                        "same-as-q3w",
                        _trough_q3w,
                        "That is the trough of the 3-weekly schedule; this one gives 400 mg every 1008 h.",
                    ),
                    MICRO_VS_MILLI,
                ),
                correct_message="Right: about {value} mg/L, lower than with 200 mg every 3 weeks although the "
                "average exposure is the same: a longer interval means deeper troughs.",
            ),
            hints=("Same model, `Dose(400, 'mg')`, starts 0, 1008, 2016, 3024 h; simulate to 4 × 1008 h.",),
        ),
        Question(
            id="icp-04",
            variable="cll_evidence_choice",
            points=2,
            objective="ch06-o2",
            title="what pembrolizumab did in relapsed CLL and Richter transformation",
            checker=Choice(
                options={
                    "A": "No: in Ding et al. (Blood 2017) no patient with relapsed CLL responded (0 of 16).",
                    "B": "Yes: 0 of 16 patients with relapsed CLL responded, while 4 of 9 with Richter "
                    "transformation did — a small, non-randomised phase 2 trial.",
                    "C": "No: the study was a small single-arm phase 2 trial; it cannot show a survival benefit "
                    "over anything.",
                    "D": "No: responses were seen, in Richter transformation (4 of 9).",
                },
                correct="B",
            ),
            hints=(
                "The trial (Ding et al., Blood 2017) enrolled two groups: 16 with CLL and 9 with Richter transformation.",
            ),
        ),
        Question(
            id="icp-05",
            variable="post_transplant_choice",
            points=2,
            objective="ch06-o3",
            title="PD-1 blockade for relapse after allogeneic transplant (clinical scenario)",
            checker=Choice(
                options={
                    "A": "No: the specific danger after an allogeneic transplant comes from the donor's T cells, "
                    "which PD-1 blockade releases against the patient's tissues as well as the leukemia.",
                    "B": "No: the concern is not the drug's half-life but what the unblocked donor T cells do.",
                    "C": "Yes: releasing the brakes on donor T cells can trigger severe, sometimes fatal "
                    "graft-versus-host disease; in a series of PD-1 blockade after allogeneic transplant for "
                    "lymphoma, more than half developed GVHD.",
                    "D": "No: the donor T cells are still there and can be activated — that is exactly the risk.",
                },
                correct="C",
            ),
            hints=("Who owns the T cells after an allogeneic transplant, and what else can they attack?",),
        ),
    ),
)
