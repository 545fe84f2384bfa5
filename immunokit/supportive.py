"""Supportive care after immune effector cell therapy: grading neutropenia after CAR T cells (ICAHT).

The thresholds are read from the clinical data layer (``book/data/icaht.yml``), where each carries
its source and the date it was checked.

**Teaching tool — never for patient care.** :func:`icaht_grade` implements the neutrophil part of the
EHA/EBMT consensus grading of *immune effector cell–associated hematotoxicity* (ICAHT) of Rejeski et
al., *Blood* 2023;142:865–77 (bibtex key ``rejeski2023icaht``) so that students can see how depth and
duration of neutropenia are turned into a grade. It has not been validated for clinical use.

The grading has two parts, because the two phases of cytopenia after CAR T cells behave differently:

Early ICAHT (day 0 to day +30), from *how long* the absolute neutrophil count (ANC) stays low
    ====================  =========  =========  ===========  ======================================
    ANC                   grade 1    grade 2    grade 3      grade 4
    ====================  =========  =========  ===========  ======================================
    ≤ 500 /µL             < 7 days   7–13 days  14–30 days   never above 500 /µL (all 31 days)
    ≤ 100 /µL             —          —          ≥ 7 days     ≥ 14 days
    ====================  =========  =========  ===========  ======================================

    The grade is the higher of the two rows. Days are counted cumulatively over day 0 to day +30; a
    recovery above the threshold only interrupts the count when it is stable, that is, lasts at least
    3 consecutive days — shorter recoveries are counted as neutropenic days. (The thresholds are the
    consensus table's, which does not print this counting rule; the rule is the convention the ICAHT
    authors' group publishes for counting days, ``rejeski2023icaht``, not an invention of the toolkit,
    and the chapter states it with that source.)
Late ICAHT (after day +30), from *how deep* the ANC falls
    ANC ≤ 1500 /µL → grade 1, ≤ 1000 → grade 2, ≤ 500 → grade 3, ≤ 100 → grade 4, each on at least two
    measurements (a single low count is not enough: the fall must not be transient).

Public API
----------
:func:`icaht_grade` → :class:`IcahtResult`; :func:`early_icaht`, :func:`late_icaht`;
:func:`plot_icaht` (figure of three illustrative patients), :func:`illustrative_courses` (their
invented counts); :data:`EARLY_WINDOW_DAYS`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from . import facts as _facts
from .display import Figure
from .interactive.calculator import Calculator, CalcVerdict, Derived, Field
from .interactive.plotspec import log_tick_label
from .style import LINESTYLES, OKABE_ITO, figure_style

__all__ = [
    "EARLY_WINDOW_DAYS",
    "LATE_THRESHOLDS",
    "IcahtCalculator",
    "IcahtResult",
    "course_from_counts",
    "early_icaht",
    "icaht_grade",
    "illustrative_courses",
    "late_icaht",
    "plot_icaht",
]

#: Source of the grading table (bibtex key in ``book/references.bib``).
SOURCE: Final[str] = "rejeski2023icaht"


def _number(fact_id: str) -> float:
    """A threshold of the ICAHT table, read from the clinical data layer (``book/data/icaht.yml``)."""
    return float(_facts.value(fact_id))


#: Days 0 to +30 inclusive: the early window has 31 daily counts.
EARLY_WINDOW_DAYS: Final[int] = int(_number("icaht-early-window-days")) + 1
#: ANC thresholds of early ICAHT, cells/µL.
SEVERE_ANC: Final[float] = _number("icaht-early-anc-severe")
PROFOUND_ANC: Final[float] = _number("icaht-early-anc-profound")
#: Days at or below the severe threshold from which the early grade is 2, then 3.
GRADE2_DAYS: Final[int] = int(_number("icaht-early-grade2-days"))
GRADE3_DAYS: Final[int] = int(_number("icaht-early-grade3-days"))
#: Days at or below the profound threshold that make grade 3, then grade 4.
PROFOUND_GRADE3_DAYS: Final[int] = int(_number("icaht-early-profound-grade3-days"))
PROFOUND_GRADE4_DAYS: Final[int] = int(_number("icaht-early-profound-grade4-days"))
#: Consecutive days above a threshold that count as a stable recovery (the ICAHT authors' counting
#: convention, ``rejeski2023icaht``).
STABLE_RECOVERY_DAYS: Final[int] = 3
#: Late ICAHT: (grade, ANC threshold in cells/µL), most severe first.
LATE_THRESHOLDS: Final[tuple[tuple[int, float], ...]] = tuple(
    (grade, _number(f"icaht-late-grade{grade}-anc")) for grade in (4, 3, 2, 1)
)


def _counts(anc_per_ul: Sequence[float], name: str) -> list[float]:
    """Return ``anc_per_ul`` as a list of floats, or raise a ValueError naming the bad entry."""
    if isinstance(anc_per_ul, (str, bytes)) or not isinstance(anc_per_ul, Sequence):
        raise ValueError(f"{name} must be a list of neutrophil counts in cells/µL; got {anc_per_ul!r}")
    values: list[float] = []
    for index, value in enumerate(anc_per_ul):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name}[{index}] must be a number of cells/µL; got {value!r}")
        if value < 0:
            raise ValueError(f"{name}[{index}] is negative ({value}); a neutrophil count is ≥ 0 cells/µL")
        values.append(float(value))
    return values


def _days_at_or_below(daily: Sequence[float], threshold: float) -> int:
    """Days at or below ``threshold``, counting unstable recoveries (< 3 days above it) as low days."""
    low = [value <= threshold for value in daily]
    total = 0
    index = 0
    while index < len(low):
        if low[index]:
            total += 1
            index += 1
            continue
        run_end = index
        while run_end < len(low) and not low[run_end]:
            run_end += 1
        run = run_end - index
        between_low_days = index > 0 and run_end < len(low) and any(low[:index])
        if between_low_days and run < STABLE_RECOVERY_DAYS:
            total += run  # a brief, unstable recovery: the neutropenia has not ended
        index = run_end
    return total


def early_icaht(daily_anc_per_ul: Sequence[float]) -> tuple[int, int, int]:
    """Early ICAHT grade from daily ANCs of day 0, day 1, … day +30 (cells/µL).

    Returns ``(grade, days_at_or_below_500, days_at_or_below_100)``. Exactly 31 daily counts are
    required, because the duration *is* the grade: a missing day would change it.
    """
    daily = _counts(daily_anc_per_ul, "daily_anc_per_ul")
    if len(daily) != EARLY_WINDOW_DAYS:
        raise ValueError(
            f"daily_anc_per_ul needs one count for each day from day 0 to day +30 "
            f"({EARLY_WINDOW_DAYS} values); got {len(daily)}"
        )
    severe = _days_at_or_below(daily, SEVERE_ANC)
    profound = _days_at_or_below(daily, PROFOUND_ANC)
    if severe >= EARLY_WINDOW_DAYS:
        by_severe = 4
    elif severe >= GRADE3_DAYS:
        by_severe = 3
    elif severe >= GRADE2_DAYS:
        by_severe = 2
    elif severe >= 1:
        by_severe = 1
    else:
        by_severe = 0
    by_profound = 4 if profound >= PROFOUND_GRADE4_DAYS else 3 if profound >= PROFOUND_GRADE3_DAYS else 0
    return max(by_severe, by_profound), severe, profound


def late_icaht(anc_after_day30_per_ul: Sequence[float]) -> int | None:
    """Late ICAHT grade from the ANCs measured after day +30 (cells/µL), or ``None`` if not assessable.

    A grade needs at least two measurements at or below its threshold; with fewer than two
    measurements the late grade cannot be assessed.
    """
    counts = _counts(anc_after_day30_per_ul, "anc_after_day30_per_ul")
    if len(counts) < 2:
        return None
    for grade, threshold in LATE_THRESHOLDS:
        if sum(value <= threshold for value in counts) >= 2:
            return grade
    return 0


@dataclass(frozen=True)
class IcahtResult:
    """Early and late ICAHT grades with the counts that produced them."""

    early_grade: int
    late_grade: int | None
    days_anc_le_500: int
    days_anc_le_100: int

    def __str__(self) -> str:
        early = (
            f"early ICAHT grade {self.early_grade} (ANC ≤ 500/µL on {self.days_anc_le_500} days, "
            f"≤ 100/µL on {self.days_anc_le_100} days, day 0 to +30)"
        )
        late = (
            "late ICAHT not assessable (fewer than two counts after day +30)"
            if self.late_grade is None
            else f"late ICAHT grade {self.late_grade}"
        )
        return f"{early}; {late}"


def icaht_grade(
    daily_anc_per_ul: Sequence[float], anc_after_day30_per_ul: Sequence[float] = ()
) -> IcahtResult:
    """Grade neutropenia after CAR T cells with the EHA/EBMT ICAHT consensus (teaching tool).

    Parameters
    ----------
    daily_anc_per_ul
        The absolute neutrophil count on each day from day 0 (infusion) to day +30, in cells/µL:
        31 values.
    anc_after_day30_per_ul
        Neutrophil counts measured after day +30, in cells/µL (any number; two are needed for a
        late grade).
    """
    early, severe, profound = early_icaht(daily_anc_per_ul)
    return IcahtResult(early, late_icaht(anc_after_day30_per_ul), severe, profound)


# -- calculator ------------------------------------------------------------------------------------

#: The notice on the ICAHT calculator.
ICAHT_NOTICE: Final[str] = (
    "Teaching tool — never for patient care. It implements the EHA/EBMT ICAHT consensus table to show how "
    "it works; it is not validated for clinical use."
)


def _g(value: float) -> str:
    return f"{value:g}"


def course_from_counts(days_le_500: int, days_le_100: int) -> list[float]:
    """Daily ANCs of day 0 to +30 (cells/µL) with ``days_le_100`` days at or below 100/µL and
    ``days_le_500`` days (those included) at or below 500/µL, in one stretch from day 0: what a reader
    who has counted the days enters in the calculator. A ValueError names an impossible pair."""
    for name, value in (("days_le_500", days_le_500), ("days_le_100", days_le_100)):
        if not 0 <= value <= EARLY_WINDOW_DAYS:
            raise ValueError(f"{name} must be 0 to {EARLY_WINDOW_DAYS} days; got {value}")
    if days_le_100 > days_le_500:
        raise ValueError(
            f"days_le_100 ({days_le_100}) cannot exceed days_le_500 ({days_le_500}): a count ≤ "
            f"{_g(PROFOUND_ANC)}/µL is also ≤ {_g(SEVERE_ANC)}/µL"
        )
    between = (PROFOUND_ANC + SEVERE_ANC) / 2
    return (
        [PROFOUND_ANC / 2] * days_le_100
        + [between] * (days_le_500 - days_le_100)
        + [SEVERE_ANC * 4] * (EARLY_WINDOW_DAYS - days_le_500)
    )


def _late_options() -> tuple[tuple[str, str], ...]:
    mildest = LATE_THRESHOLDS[-1][1]
    options = [
        ("none", "Fewer than two counts after day +30"),
        ("above", f"At least two counts, but fewer than two at or below {_g(mildest)}/µL"),
    ]
    options += [(_g(t), f"At least two counts at or below {_g(t)}/µL") for _, t in reversed(LATE_THRESHOLDS)]
    return tuple(options)


def _late_counts(choice: str) -> list[float]:
    if choice == "none":
        return []
    if choice == "above":
        return [LATE_THRESHOLDS[-1][1] * 2] * 2
    return [float(choice)] * 2


def _early_key(values: Mapping[str, str]) -> str:
    try:
        course = course_from_counts(int(values["severe"]), int(values["profound"]))
    except ValueError:
        return "invalid"
    return str(early_icaht(course)[0])


class IcahtCalculator(Calculator):
    """ICAHT grading calculator (EHA/EBMT 2023): early grade from days with a low ANC, late grade from
    counts after day +30. **Teaching tool — never for patient care.**

    The reader counts the days (the recovery convention of :func:`early_icaht` applies to the counting);
    :func:`icaht_grade` grades the counts, in the kernel (live) or once per combination when the page is
    built (static, looked up by the book's script).
    """

    title = "ICAHT grade calculator (EHA/EBMT 2023)"
    kind = "icaht"
    notice = ICAHT_NOTICE
    source = "EHA/EBMT consensus grading."
    source_key = SOURCE
    fields = (
        Field(
            "severe",
            f"Days with ANC ≤ {_g(SEVERE_ANC)}/µL, day 0 to +30 (a recovery of fewer than "
            f"{STABLE_RECOVERY_DAYS} days counts as low)",
            tuple((str(d), f"{d} of {EARLY_WINDOW_DAYS}") for d in range(EARLY_WINDOW_DAYS + 1)),
        ),
        Field(
            "profound",
            f"Of those, days with ANC ≤ {_g(PROFOUND_ANC)}/µL",
            tuple((str(d), f"{d} of {EARLY_WINDOW_DAYS}") for d in range(EARLY_WINDOW_DAYS + 1)),
        ),
        Field("late", "After day +30", _late_options()),
    )
    derived = (Derived("early", ("severe", "profound"), ("0", "1", "2", "3", "4", "invalid"), _early_key),)

    def evaluate(self, values: Mapping[str, str]) -> CalcVerdict:
        if values["early"] == "invalid":
            return {
                "grade": 0,
                "headline": "Cannot grade these inputs",
                "text": f"The days with ANC ≤ {_g(PROFOUND_ANC)}/µL cannot outnumber the days with ANC ≤ "
                f"{_g(SEVERE_ANC)}/µL: every count ≤ {_g(PROFOUND_ANC)}/µL is also ≤ {_g(SEVERE_ANC)}/µL.",
            }
        severe, profound = _example_counts(int(values["early"]))
        result = icaht_grade(course_from_counts(severe, profound), _late_counts(values["late"]))
        early, late = result.early_grade, result.late_grade
        headline = (
            (f"Early ICAHT grade {early}" if early else "No early ICAHT")
            + "; "
            + (
                "late ICAHT not assessable"
                if late is None
                else f"late ICAHT grade {late}"
                if late
                else "no late ICAHT"
            )
        )
        text = _EARLY_RULES[early] + " " + _late_rule(late)
        return {"grade": max(early, late or 0), "headline": headline, "text": text}


def _example_counts(grade: int) -> tuple[int, int]:
    """The fewest days at or below 500/µL (none at or below 100) that give early ``grade``."""
    for days in range(EARLY_WINDOW_DAYS + 1):
        if early_icaht(course_from_counts(days, 0))[0] == grade:
            return days, 0
    raise ValueError(f"no count of days gives early ICAHT grade {grade}")  # pragma: no cover


_EARLY_RULES: Final[dict[int, str]] = {
    0: f"Early (day 0 to +30): the ANC never fell to {_g(SEVERE_ANC)}/µL or below.",
    1: f"Early: ANC ≤ {_g(SEVERE_ANC)}/µL on fewer than {GRADE2_DAYS} days.",
    2: f"Early: ANC ≤ {_g(SEVERE_ANC)}/µL on {GRADE2_DAYS}–{GRADE3_DAYS - 1} days.",
    3: f"Early: ANC ≤ {_g(SEVERE_ANC)}/µL on {GRADE3_DAYS} days or more (not all {EARLY_WINDOW_DAYS}), or ≤ "
    f"{_g(PROFOUND_ANC)}/µL on {PROFOUND_GRADE3_DAYS}–{PROFOUND_GRADE4_DAYS - 1} days; the higher row sets the grade.",
    4: f"Early: ANC never above {_g(SEVERE_ANC)}/µL (all {EARLY_WINDOW_DAYS} days), or ≤ {_g(PROFOUND_ANC)}/µL on "
    f"{PROFOUND_GRADE4_DAYS} days or more.",
}


def _late_rule(grade: int | None) -> str:
    if grade is None:
        return "Late (after day +30): a grade needs at least two counts."
    if grade == 0:
        return f"Late: fewer than two counts at or below {_g(LATE_THRESHOLDS[-1][1])}/µL."
    threshold = dict(LATE_THRESHOLDS)[grade]
    return f"Late: at least two counts at or below {_g(threshold)}/µL."


# -- figure ---------------------------------------------------------------------------------------


def illustrative_courses() -> list[tuple[str, list[float], list[float]]]:
    """Three invented ANC courses (cells/µL): quick recovery, a second dip, and aplasia."""
    quick: list[float] = [1800, 900, 400, 200, 150, 180, 300, 700, 1200]
    quick += [1500.0 + 20 * d for d in range(22)]
    intermittent: list[float] = [1500, 800, 300, 120, 80, 60, 90, 200, 450, 700, 900, 1100, 1300, 1200, 900]
    intermittent += [600, 420, 300, 260, 240, 300, 380, 450, 560, 700, 820, 900, 950, 1000, 1050, 1100]
    aplastic: list[float] = [1200, 600, 200, 90, 50, 40, 30, 30, 40, 50, 60, 60, 70, 80, 90, 100]
    aplastic += [100, 95, 150, 160, 180, 200, 230, 250, 260, 280, 300, 320, 350, 380, 400]
    return [
        ("Quick recovery", quick, [1900.0, 2100.0, 2300.0]),
        ("Biphasic (second dip)", intermittent, [1400.0, 1200.0, 1300.0]),
        ("Aplastic", aplastic, [450.0, 380.0, 420.0]),
    ]


def plot_icaht() -> Figure:
    """Figure: the ANC of three illustrative (invented) patients with their ICAHT grades."""
    import matplotlib.pyplot as plt  # here: the grading functions above are used without drawing
    from matplotlib.ticker import FuncFormatter, NullFormatter

    patients = illustrative_courses()
    colours = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["vermillion"])
    late_days = (45, 60, 90)
    summaries: list[str] = []
    with figure_style():
        fig, ax = plt.subplots(figsize=(7.2, 3.9))
        ax.axvspan(0, 30, color="#EFEAE2", zorder=0)
        ax.text(15, 3600, "early window (day 0 to +30)", ha="center", va="center", fontsize=8.5)
        for threshold, label in ((1500, "1500"), (500, "500"), (100, "100")):
            ax.axhline(threshold, color="#6E6E6E", linewidth=0.8, linestyle=":", zorder=1)
            ax.text(92, threshold * 1.08, f"{label}/µL", ha="right", va="bottom", fontsize=8.5)
        for (name, daily, late), colour, style in zip(patients, colours, LINESTYLES, strict=False):
            result = icaht_grade(daily, late)
            days = list(range(len(daily))) + list(late_days)
            ax.plot(
                days,
                daily + late,
                color=colour,
                linestyle=style,
                marker="o",
                markersize=2.5,
                label=f"{name}: early {result.early_grade}, late {result.late_grade}",
            )
            summaries.append(
                f"{name}: ANC at or below 500 per microlitre on {result.days_anc_le_500} days, "
                f"early ICAHT grade {result.early_grade}, late grade {result.late_grade}"
            )
        ax.set_yscale("log")
        # Plain numbers (100, 1,000), not 10² with a 6 pt exponent that a phone cannot show legibly.
        ax.yaxis.set_major_formatter(FuncFormatter(log_tick_label))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_ylim(20, 5000)
        ax.set_xlim(-1, 93)
        ax.set_xlabel("Days after CAR T-cell infusion")
        ax.set_ylabel("Neutrophils (cells/µL, log scale)")
        ax.legend(loc="lower right", fontsize=8.5, frameon=True)
    alt = (
        "Line chart of the absolute neutrophil count on a logarithmic axis against days after CAR T-cell "
        "infusion, with dotted lines at 1500, 500 and 100 cells per microlitre and the first 30 days "
        "shaded. Three invented patients: " + "; ".join(summaries) + "."
    )
    caption = (
        "Three **illustrative, invented** neutrophil courses after CAR T cells, graded with the EHA/EBMT "
        "ICAHT criteria by `icaht_grade`: early grade from the number of days at or below 500/µL (and "
        "100/µL) up to day +30, late grade from the depth of the count after day +30."
    )
    return Figure(fig, alt, caption)
