"""ICAHT grading (immunokit.supportive) against the EHA/EBMT consensus table (Rejeski et al., Blood 2023).

Each case builds a daily neutrophil course for day 0 to day +30 with a known number of days at or
below 500/µL and 100/µL, and checks the grade the published table gives at and either side of every
boundary.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from immunokit import facts
from immunokit.quiz import load_bank
from immunokit.supportive import EARLY_WINDOW_DAYS, early_icaht, icaht_grade, late_icaht, plot_icaht

ROOT = Path(__file__).resolve().parents[1]


def course(days_le_500: int, days_le_100: int = 0) -> list[float]:
    """31 daily ANCs: ``days_le_100`` days at 50/µL, then the rest of ``days_le_500`` at 300/µL, then 2000."""
    assert days_le_100 <= days_le_500 <= EARLY_WINDOW_DAYS
    return (
        [50.0] * days_le_100
        + [300.0] * (days_le_500 - days_le_100)
        + [2000.0] * (EARLY_WINDOW_DAYS - days_le_500)
    )


@pytest.mark.parametrize(
    ("days", "grade"),
    [(0, 0), (1, 1), (6, 1), (7, 2), (13, 2), (14, 3), (30, 3), (31, 4)],
)
def test_early_grade_by_days_at_or_below_500(days: int, grade: int) -> None:
    assert early_icaht(course(days))[0] == grade


@pytest.mark.parametrize(
    ("days_le_500", "days_le_100", "grade"),
    [(7, 6, 2), (7, 7, 3), (13, 13, 3), (14, 14, 4), (20, 14, 4)],
)
def test_profound_neutropenia_raises_the_grade(days_le_500: int, days_le_100: int, grade: int) -> None:
    assert early_icaht(course(days_le_500, days_le_100))[0] == grade


def test_the_exact_threshold_counts_as_neutropenic() -> None:
    daily = [500.0] * 7 + [501.0] * 24
    assert early_icaht(daily)[:2] == (2, 7)


def test_a_brief_recovery_does_not_end_the_count_but_a_stable_one_does() -> None:
    brief = [300.0] * 5 + [800.0] * 2 + [300.0] * 5 + [2000.0] * 19
    stable = [300.0] * 5 + [800.0] * 3 + [300.0] * 5 + [2000.0] * 18
    assert early_icaht(brief)[:2] == (2, 12)  # 5 + 2 unstable + 5
    assert early_icaht(stable)[:2] == (2, 10)  # 5 + 5, the 3-day recovery is not counted


def test_late_grade_needs_two_counts_at_the_threshold() -> None:
    assert late_icaht([1400, 1300]) == 1
    assert late_icaht([900, 800, 2000]) == 2
    assert late_icaht([450, 1200]) == 1  # one count ≤ 500 alone is transient
    assert late_icaht([90, 80]) == 4
    assert late_icaht([1600, 2000]) == 0
    assert late_icaht([300]) is None


def test_result_reads_as_a_sentence() -> None:
    result = icaht_grade(course(9), [700, 650])
    assert (result.early_grade, result.late_grade) == (2, 2)
    assert "early ICAHT grade 2" in str(result) and "late ICAHT grade 2" in str(result)
    assert "not assessable" in str(icaht_grade(course(0)))


@pytest.mark.parametrize(
    ("daily", "message"),
    [
        ([300.0] * 30, "31 values"),
        ([300.0] * 30 + [-1.0], r"daily_anc_per_ul\[30\] is negative"),
        ([300.0] * 30 + ["low"], r"daily_anc_per_ul\[30\] must be a number"),
        ("300", "must be a list"),
    ],
)
def test_bad_input_gets_a_message_naming_what_and_where(daily: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        early_icaht(daily)  # type: ignore[arg-type]


def test_figure_names_every_patient_and_grade_in_its_alt_text() -> None:
    figure = plot_icaht()
    for name in ("Quick recovery", "Biphasic", "Aplastic"):
        assert name in figure.alt
    assert "early ICAHT grade 4" in figure.alt and "invented" in figure.caption


def _counts_in(prompt: str) -> list[float]:
    """The neutrophil counts listed in a quiz prompt (the numbers after its last colon or 'are')."""
    listed = re.split(r"day by day:|\(cells/µL\) are", prompt)[-1].split(". What")[0]
    return [float(n) for n in re.findall(r"\d+", listed)]


def test_the_chapter_11_bank_grades_its_new_patients_as_the_toolkit_does() -> None:
    """The higher-order ICAHT and vaccine items: their answers are what the toolkit computes."""
    bank = {q.id: q for q in load_bank(ROOT / "book" / "ch11_supportive_care.quiz.yml").questions}
    early = bank["ch11-new-patient-early-icaht"]
    daily = _counts_in(early.prompt)
    assert len(daily) == EARLY_WINDOW_DAYS
    assert early_icaht(daily)[0] == early.answer
    late = bank["ch11-new-patient-late-icaht"]
    assert late_icaht(_counts_in(late.prompt)) == late.answer
    vaccine = bank["ch11-new-patient-vaccine-month"]
    last_ig_month = 7
    assert f"last dose was {last_ig_month} months after the infusion" in vaccine.prompt
    earliest = max(
        facts.value("vaccine-inactivated-after-cart-months"),
        last_ig_month + facts.value("vaccine-inactivated-after-ig-months"),
    )
    assert vaccine.answer == earliest


def test_the_chapter_11_paper_activity_answers_what_the_toolkit_computes() -> None:
    """The no-code activity prints a course and its answers; the toolkit must agree with the answers."""
    import json

    notebook = json.loads((ROOT / "book" / "ch11_supportive_care.ipynb").read_text(encoding="utf-8"))
    cell = next("".join(c["source"]) for c in notebook["cells"] if c.get("id") == "ch11-activity")
    rows = dict(re.findall(r"^\| ([^|]+?) \| ([\d, ]+) \|$", cell, flags=re.MULTILINE))
    daily = [float(n) for key in ("0–10", "11–20", "21–30") for n in rows[key].split(",")]
    later = [float(n) for n in rows["after day +30"].split(",")]
    literal = sum(value <= 500 for value in daily)
    result = icaht_grade(daily, later)
    answers = cell.split("<summary>Answers</summary>", 1)[1]
    assert f"{literal} days, which is early grade 2" in answers and literal == 12
    assert f"{result.days_anc_le_500} days, early grade {result.early_grade}" in answers
    assert f"the late grade is {result.late_grade}" in answers
