"""Trial statistics on **simulated** cohorts: Kaplan–Meier, log-rank and exact confidence intervals.

Cohorts are simulated, never real patient data, and are labelled so. An arm is calibrated to a
published summary: its size and its median survival. Survival times are drawn from an exponential
distribution with that median (rate ln2/median); patients enter uniformly over an accrual period and
are analysed at a fixed calendar date, so those still alive then are censored (administrative
censoring). Every draw takes a seed, so the same seed gives the same cohort. The default calibration
is TOWER (blinatumomab vs chemotherapy in relapsed/refractory B-ALL: median overall survival 7.7 vs 4.0
months, 271 vs 134 patients; Kantarjian 2017); its accrual and follow-up times here are illustrative,
and the exponential shape is a simplification (real curves often flatten). It exaggerates the
difference between the arms: exponential curves with medians 7.7 and 4.0 months have a hazard ratio
of 4.0/7.7 ≈ 0.52, whereas TOWER reported 0.71 (P = 0.01) — a hazard ratio is not a ratio of medians
unless the hazards are constant.

The statistics are scipy's: Kaplan–Meier is the product-limit arithmetic of :func:`scipy.stats.ecdf` on
:class:`scipy.stats.CensoredData` (held equal to it by the tests; its interval comes from scipy itself);
the log-rank test is :func:`scipy.stats.logrank`; the exact
(Clopper–Pearson) interval of a response rate is :func:`immunokit.analysis.exact_proportion_ci`.
"""

from __future__ import annotations

import importlib
import math
import warnings
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import facts as _facts
from ..display import Figure
from ..interactive.explorer import Control, Explorer
from ..interactive.plotspec import Note, Panel, PlotSpec, Series, render
from ..interactive.registry import register_explorer
from ..style import CYCLE, LINESTYLES
from .units import check_nonnegative, check_positive, check_source

if TYPE_CHECKING:
    from scipy import stats as _scipy_stats


def _stats() -> ModuleType:
    """scipy.stats, imported on first use (it takes about a second to import)."""
    return importlib.import_module("scipy.stats")


__all__ = [
    "TOWER",
    "ArmSummary",
    "Cohort",
    "KaplanMeier",
    "LogRank",
    "TrialCalibration",
    "cohort_km",
    "explorer",
    "kaplan_meier",
    "km_spec",
    "logrank",
    "plot_km",
    "simulate_arm",
    "simulate_trial",
]


@dataclass(frozen=True)
class ArmSummary:
    """A published arm: its name, number of patients and median survival (months)."""

    name: str
    n: int
    median_months: float

    def __post_init__(self) -> None:
        if not isinstance(self.n, int) or self.n < 1:
            raise ValueError(f"n of arm {self.name!r} must be a whole number ≥ 1, got {self.n!r}")
        check_positive(f"median_months of arm {self.name!r}", self.median_months)


@dataclass(frozen=True)
class TrialCalibration:
    """Published summaries a simulated trial is calibrated to.

    Attributes
    ----------
    name
        Trial name.
    arms
        The arms (experimental first).
    accrual_months
        Patients enter uniformly over this period, months (illustrative unless stated).
    followup_months
        Analysis this long after the last patient entered, months.
    source
        Bibtex key of the publication.
    """

    name: str
    arms: tuple[ArmSummary, ...]
    accrual_months: float = 24.0
    followup_months: float = 12.0
    source: str = "kantarjian2017tower"

    def __post_init__(self) -> None:
        if len(self.arms) < 1:
            raise ValueError("a trial needs at least one arm")
        check_positive("accrual_months", self.accrual_months)
        check_nonnegative("followup_months", self.followup_months)
        check_source(self.source)


#: TOWER: blinatumomab 271 patients, median OS 7.7 months; chemotherapy 134, 4.0 months (Kantarjian 2017;
#: medians from the clinical data layer, facts ``tower-os-blina`` and ``tower-os-chemo``).
TOWER = TrialCalibration(
    "TOWER",
    (
        ArmSummary("blinatumomab", 271, float(_facts.value("tower-os-blina"))),
        ArmSummary("chemotherapy", 134, float(_facts.value("tower-os-chemo"))),
    ),
)


@dataclass(frozen=True)
class Cohort:
    """A **simulated** arm: observed time (months) and whether the event was seen (else censored)."""

    name: str
    time_months: NDArray[np.float64]
    event: NDArray[np.bool_]

    @property
    def n(self) -> int:
        """Number of patients."""
        return int(self.time_months.size)

    def censored_data(self) -> _scipy_stats.CensoredData:
        """The cohort as :class:`scipy.stats.CensoredData` (right-censored)."""
        return _stats().CensoredData(
            uncensored=self.time_months[self.event], right=self.time_months[~self.event]
        )


def simulate_arm(
    n: int,
    median_months: float,
    seed: int | np.random.Generator,
    *,
    name: str = "arm",
    accrual_months: float = 24.0,
    followup_months: float = 12.0,
) -> Cohort:
    """Simulate one arm: exponential survival with ``median_months``, uniform accrual, analysis cut-off.

    Parameters
    ----------
    n
        Number of patients.
    median_months
        True median survival, months (exponential rate ln2/median).
    seed
        Seed (or generator) of the random draws: the same seed gives the same cohort.
    accrual_months, followup_months
        Entry is uniform over ``accrual_months``; the analysis is ``followup_months`` after accrual
        ends, so patient *i* is followed for at most ``accrual + followup − entryᵢ`` months.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a whole number ≥ 1, got {n!r}")
    check_positive("median_months", median_months)
    check_positive("accrual_months", accrual_months)
    check_nonnegative("followup_months", followup_months)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    survival = rng.exponential(median_months / math.log(2), size=int(n))
    entry = rng.uniform(0.0, accrual_months, size=int(n))
    available = accrual_months + followup_months - entry
    event = survival <= available
    return Cohort(name, np.where(event, survival, available), event)


def simulate_trial(
    calibration: TrialCalibration = TOWER, seed: int = 2017, scale: float = 1.0
) -> list[Cohort]:
    """Simulate every arm of ``calibration`` with one seed; ``scale`` shrinks or grows every arm's size."""
    check_positive("scale", scale)
    rng = np.random.default_rng(seed)
    return [
        simulate_arm(
            max(1, round(arm.n * scale)),
            arm.median_months,
            rng,
            name=arm.name,
            accrual_months=calibration.accrual_months,
            followup_months=calibration.followup_months,
        )
        for arm in calibration.arms
    ]


class KaplanMeier:
    """A Kaplan–Meier (product-limit) estimate.

    The estimate is the product over event times of (1 − deaths / number at risk), computed here with the
    same arithmetic as :func:`scipy.stats.ecdf` on right-censored data (the tests hold them equal); the
    pointwise interval and the full scipy result are computed from scipy on first use, so reading a
    median or a landmark does not load ``scipy.stats`` (about a second).

    Attributes
    ----------
    time_months
        Distinct observed times (events and censorings), months.
    survival
        Estimated probability of being event-free just after each of those times.
    at_risk, events
        Number at risk just before, and number of events at, each of those times.
    ci_low, ci_high
        Pointwise 95 % confidence limits (Greenwood, log-log), same length.
    result
        The scipy ``ECDFResult``, for anything else.
    """

    def __init__(self, time_months: NDArray[np.float64], event: NDArray[np.bool_]) -> None:
        self._uncensored, self._censored = time_months[event], time_months[~event]
        order = np.argsort(time_months, kind="stable")
        times, died = time_months[order], event[order].astype(int)
        at_risk = np.arange(times.size, 0, -1)
        edges = np.diff(times, prepend=-np.inf, append=np.inf) > 0
        first, last = edges[:-1], edges[1:]  # first and last entry of each distinct time
        self.time_months: NDArray[np.float64] = times[first]
        self.at_risk: NDArray[np.int_] = at_risk[first]
        self.events: NDArray[np.int_] = np.diff(np.cumsum(died)[last], prepend=0)
        self.survival: NDArray[np.float64] = np.cumprod(
            (self.at_risk - self.events) / self.at_risk, dtype=np.float64
        )
        self._result: object | None = None
        self._ci: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None

    @property
    def result(self) -> object:
        """scipy's ``ECDFResult`` of the same data (:func:`scipy.stats.ecdf`)."""
        if self._result is None:
            stats = _stats()
            self._result = stats.ecdf(stats.CensoredData(uncensored=self._uncensored, right=self._censored))
        return self._result

    def _interval(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if self._ci is None:
            with warnings.catch_warnings():
                # The log-log interval is undefined where the estimate is 0 or 1; scipy warns and returns NaN.
                warnings.simplefilter("ignore", RuntimeWarning)
                ci = self.result.sf.confidence_interval(0.95, method="log-log")  # type: ignore[attr-defined]
            self._ci = (np.asarray(ci.low.probabilities), np.asarray(ci.high.probabilities))
        return self._ci

    @property
    def ci_low(self) -> NDArray[np.float64]:
        return self._interval()[0]

    @property
    def ci_high(self) -> NDArray[np.float64]:
        return self._interval()[1]

    def at(self, t_months: ArrayLike) -> NDArray[np.float64]:
        """Survival read at ``t_months`` (a landmark rate, e.g. 12-month OS): the step at or before it."""
        index = np.searchsorted(self.time_months, np.asarray(t_months, dtype=float), side="right")
        return np.asarray(np.concatenate([[1.0], self.survival])[index])

    @property
    def median_months(self) -> float | None:
        """First time the curve is at or below 0.5; ``None`` if it never gets there (not reached)."""
        below = np.flatnonzero(self.survival <= 0.5)
        return float(self.time_months[below[0]]) if below.size else None

    def step(self, t_end: float | None = None) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """x, y of the step curve from (0, 1), for ``drawstyle="steps-post"``."""
        x = np.concatenate([[0.0], self.time_months])
        y = np.concatenate([[1.0], self.survival])
        if t_end is not None and t_end > x[-1]:
            x, y = np.append(x, t_end), np.append(y, y[-1])
        return x, y


def kaplan_meier(time_months: ArrayLike, event: ArrayLike) -> KaplanMeier:
    """Kaplan–Meier estimate from times and event flags (``True`` = event seen, ``False`` = censored)."""
    t = np.asarray(time_months, dtype=float)
    e = np.asarray(event, dtype=bool)
    if t.shape != e.shape or t.ndim != 1 or t.size == 0:
        raise ValueError(
            f"time_months and event must be 1-D and the same length, got {t.shape} and {e.shape}"
        )
    if np.any(~np.isfinite(t)) or np.any(t < 0):
        raise ValueError("time_months must be finite and ≥ 0")
    if not e.any():
        raise ValueError("Kaplan–Meier needs at least one event (all patients are censored)")
    return KaplanMeier(t, e)


def cohort_km(cohort: Cohort) -> KaplanMeier:
    """Kaplan–Meier estimate of a simulated cohort."""
    return kaplan_meier(cohort.time_months, cohort.event)


def _p_text(p: float, *, words: bool = False) -> str:
    """A p-value as reports give it: ``= 0.032``, or ``< 0.001`` rather than e-notation (``3.6e-10``) that
    a reader or a screen reader cannot say; ``words`` for running text (``0.032``, ``below 0.001``)."""
    if p < 0.001:
        return "below 0.001" if words else "< 0.001"
    return f"{p:.2g}" if words else f"= {p:.2g}"


@dataclass(frozen=True)
class LogRank:
    """Log-rank test result: statistic and two-sided p-value."""

    statistic: float
    pvalue: float


def logrank(a: Cohort, b: Cohort) -> LogRank:
    """Two-sided log-rank test of two cohorts (:func:`scipy.stats.logrank`)."""
    res = _stats().logrank(a.censored_data(), b.censored_data())
    return LogRank(float(res.statistic), float(res.pvalue))


def km_spec(
    n_total: int = 405,
    median_experimental_months: float = 7.7,
    median_control_months: float = 4.0,
    seed: int = 2017,
) -> PlotSpec:
    """Plot spec: Kaplan–Meier curves of a **simulated** two-arm trial randomised 271:134 (as TOWER)."""
    n_exp = max(1, round(n_total * 271 / 405))
    n_ctl = max(1, n_total - n_exp)
    cal = TrialCalibration(
        "simulated",
        (
            ArmSummary("experimental", n_exp, median_experimental_months),
            ArmSummary("control", n_ctl, median_control_months),
        ),
    )
    cohorts = simulate_trial(cal, seed)
    t_end = cal.accrual_months + cal.followup_months
    series: list[Series] = []
    notes: list[Note] = []
    kms = []
    for i, cohort in enumerate(cohorts):
        km = cohort_km(cohort) if cohort.event.any() else None
        kms.append(km)
        label = ("blinatumomab-like" if i == 0 else "chemotherapy-like") + f" (n = {cohort.n})"
        x, y = km.step(t_end) if km else (np.array([0.0, t_end]), np.array([1.0, 1.0]))
        series.append(
            Series(x, y, label=label, color=CYCLE[i], linestyle=LINESTYLES[i], drawstyle="steps-post")
        )
        censored = cohort.time_months[~cohort.event]
        series.append(
            Series(
                censored,
                km.at(censored) if km else np.ones_like(censored),
                color=CYCLE[i],
                marker="|",
                linestyle="none",
                markersize=7,
                linewidth=1.0,
            )
        )
    series.append(Series([0], [0.5], color="#555555", linestyle=":", linewidth=1.0, kind="hline"))
    test = logrank(*cohorts)
    medians = [km.median_months if km else None for km in kms]
    med_txt = " vs ".join(f"{m:.1f}" if m is not None else "not reached" for m in medians)
    notes.append(
        Note(
            0.98,
            0.62,
            f"simulated medians {med_txt} months\nlog-rank p {_p_text(test.pvalue)}",
            coords="axes",
            ha="right",
            va="top",
        )
    )
    panel = Panel(
        series,
        xlabel="time since randomisation (months)",
        ylabel="proportion alive",
        xlim=(0, t_end),
        ylim=(0, 1.02),
        notes=notes,
        legend_loc="upper right",
    )
    alt = (
        f"Kaplan–Meier curves of two simulated arms ({n_exp} and {n_ctl} patients) falling from 1 over "
        f"{t_end:g} months, with tick marks for censored patients. The simulated medians are {med_txt} "
        f"months (true values {median_experimental_months:.1f} and {median_control_months:.1f}); the log-rank "
        f"p-value is {_p_text(test.pvalue, words=True)}."
    )
    # Built from this frame's values: the patients and true medians shown, then what they were calibrated to.
    caption = (
        f"**Simulated** cohorts of {n_exp} vs {n_ctl} patients (seed {seed}) with exponential survival, "
        f"true medians {median_experimental_months:g} vs {median_control_months:g} months; calibrated to "
        f"TOWER (7.7 vs 4.0 months, 271 vs 134 patients; Kantarjian 2017). Not patient data."
    )
    return PlotSpec(
        [panel], alt=alt, caption=caption, extra={"cohorts": cohorts, "medians": medians, "logrank": test}
    )


def plot_km(seed: int = 2017) -> Figure:
    """Figure: Kaplan–Meier curves of the simulated TOWER-like trial (see :func:`km_spec`)."""
    return render(km_spec(seed=seed))


@register_explorer(chapter=7, summary="simulated Kaplan–Meier cohorts calibrated to published medians")
def explorer() -> Explorer:
    """Explorer of a simulated about-2:1 trial; static frames vary the number of patients."""
    return Explorer(
        title="A simulated trial: sample size and chance (TOWER-calibrated)",
        controls=[
            Control(
                "n_total", "patients (randomised about 2:1)", 405, 15, 900, step=15, scale="int", fmt="{:.0f}"
            ),
            Control(
                "median_experimental_months",
                "true median, experimental (months)",
                7.7,
                1.0,
                20.0,
                step=0.1,
                fmt="{:g} months",
            ),
            Control(
                "median_control_months",
                "true median, control (months)",
                4.0,
                1.0,
                20.0,
                step=0.1,
                fmt="{:g} months",
            ),
            Control("seed", "random seed", 2017, 1, 5000, step=1, scale="int", fmt="{:.0f}"),
        ],
        spec=lambda n_total, median_experimental_months, median_control_months, seed: km_spec(
            int(n_total), median_experimental_months, median_control_months, int(seed)
        ),
        frame_control="n_total",
        frame_values=(30, 60, 120, 240, 405, 810),
    )
