"""A *qualitative* teaching model of IL-6 in cytokine release syndrome, with IL-6 receptor blockade.

Not a clinical model: the units are arbitrary and the parameters are chosen by hand to show a
mechanism, not fitted to patients. The chain it represents (facts: Lee 2014; the tocilizumab
mechanism):

1. T cells engaged by their targets (CAR T cells or a T-cell engager) activate macrophages;
   the engagement signal is a pulse that peaks on day ``engagement_peak_day``.
2. Activated macrophages secrete IL-6.
3. IL-6 is cleared slowly by non-specific routes and quickly by binding its receptor (receptor-mediated
   clearance); receptor-bound IL-6 is also what signals (fever, capillary leak).
4. Tocilizumab occupies the IL-6 **receptor** (fraction ``blockade``, waning with a half-life). Signalling
   falls, and so does receptor-mediated clearance, so **serum IL-6 can rise** after tocilizumab even as
   its effect falls.

Equations (time in days; M macrophage activation 0–1, I serum IL-6, E downstream effect 0–1,
b(t) receptor blockade):

* dM/dt = k_act·T(t)·(1 − M) − k_off·M,  T(t) = s·(t/t_p)·e^(1 − t/t_p)
* dI/dt = p·M − (k_lin + k_rec·(1 − b))·I
* signalling S = (1 − b)·I/(I + K);  dE/dt = k_e·(S − E)

Solved with :func:`scipy.integrate.solve_ivp` (in two pieces around the tocilizumab dose).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from ..display import Figure
from ..interactive.explorer import Control, Explorer
from ..interactive.plotspec import Note, Panel, PlotSpec, Series, render
from ..interactive.registry import register_explorer
from ..style import OKABE_ITO
from .units import check_fraction, check_nonnegative, check_positive, check_positive_fields, check_source

__all__ = ["CytokineParams", "CytokineResult", "cytokine_spec", "explorer", "plot_cytokines", "simulate"]


@dataclass(frozen=True)
class CytokineParams:
    """*Qualitative*, hand-picked parameters (arbitrary units; time in days).

    Attributes
    ----------
    engagement_strength
        Peak of the T-cell engagement signal s, a.u. (≥ 0).
    engagement_peak_day
        Day t_p of that peak (> 0).
    activation_per_d, deactivation_per_d
        k_act and k_off of macrophage activation, 1/day.
    il6_production
        p, IL-6 secreted per unit of activation per day, a.u./day.
    linear_clearance_per_d
        k_lin, non-specific IL-6 clearance, 1/day.
    receptor_clearance_per_d
        k_rec, IL-6 clearance through free IL-6 receptors, 1/day.
    signal_half_sat
        K, IL-6 level giving half-maximal signalling, a.u.
    effect_rate_per_d
        k_e, how fast the downstream effect follows signalling, 1/day.
    blockade_half_life_d
        Half-life of receptor blockade after a tocilizumab dose, days (illustrative).
    source
        Bibtex key for the mechanism.
    """

    engagement_strength: float = 1.0
    engagement_peak_day: float = 4.0
    activation_per_d: float = 1.5
    deactivation_per_d: float = 0.7
    il6_production: float = 10.0
    linear_clearance_per_d: float = 0.5
    receptor_clearance_per_d: float = 4.0
    signal_half_sat: float = 1.0
    effect_rate_per_d: float = 2.0
    blockade_half_life_d: float = 5.0
    source: str = "lee2014crs"

    def __post_init__(self) -> None:
        check_nonnegative("engagement_strength", self.engagement_strength)
        check_positive_fields(
            self,
            "engagement_peak_day",
            "activation_per_d",
            "deactivation_per_d",
            "il6_production",
            "linear_clearance_per_d",
            "signal_half_sat",
            "effect_rate_per_d",
            "blockade_half_life_d",
        )
        check_nonnegative("receptor_clearance_per_d", self.receptor_clearance_per_d)
        check_source(self.source)


@dataclass(frozen=True)
class CytokineResult:
    """Course of the model: times (days), activation, serum IL-6, blockade, signalling and effect."""

    t_d: NDArray[np.float64]
    activation: NDArray[np.float64]
    il6: NDArray[np.float64]
    blockade: NDArray[np.float64]
    signalling: NDArray[np.float64]
    effect: NDArray[np.float64]


def _blockade(
    t: float | NDArray[np.float64], day: float | None, level: float, half_life: float
) -> NDArray[np.float64]:
    t = np.asarray(t, dtype=float)
    if day is None or level == 0:
        return np.zeros_like(t)
    return np.where(t >= day, level * np.exp(-math.log(2) / half_life * np.maximum(t - day, 0.0)), 0.0)


@lru_cache(maxsize=32)
def simulate(
    params: CytokineParams = CytokineParams(),
    tocilizumab_day: float | None = None,
    blockade: float = 0.95,
    t_end_d: float = 14.0,
    points_per_d: float = 20.0,
) -> CytokineResult:
    """Simulate from rest; tocilizumab (if ``tocilizumab_day`` is given) blocks ``blockade`` of the receptors.

    Parameters
    ----------
    params
        Model parameters.
    tocilizumab_day
        Day of the tocilizumab dose, or ``None`` for none.
    blockade
        Fraction of IL-6 receptors blocked right after the dose, in [0, 1].
    t_end_d
        End of the simulation, days.
    points_per_d
        Output resolution.

    Results are cached by their arguments; treat the returned arrays as read-only.
    """
    p = params
    check_positive("t_end_d", t_end_d)
    check_fraction("blockade", blockade)
    if tocilizumab_day is not None:
        check_nonnegative("tocilizumab_day", tocilizumab_day)

    def rhs(t: float, y: NDArray[np.float64]) -> list[float]:
        m, il6, eff = y
        drive = p.engagement_strength * (t / p.engagement_peak_day) * math.exp(1 - t / p.engagement_peak_day)
        b = float(_blockade(t, tocilizumab_day, blockade, p.blockade_half_life_d))
        signal = (1 - b) * il6 / (il6 + p.signal_half_sat)
        return [
            p.activation_per_d * drive * (1 - m) - p.deactivation_per_d * m,
            p.il6_production * m - (p.linear_clearance_per_d + p.receptor_clearance_per_d * (1 - b)) * il6,
            p.effect_rate_per_d * (signal - eff),
        ]

    grid = np.linspace(0.0, t_end_d, round(t_end_d * points_per_d) + 1)
    cuts = [0.0, t_end_d]
    if tocilizumab_day is not None and 0 < tocilizumab_day < t_end_d:
        cuts = [0.0, tocilizumab_day, t_end_d]
    y = np.zeros(3)
    ts, ys = [], []
    from scipy.integrate import solve_ivp  # lazy: 0.3 s to import, paid only when solving

    for lo, hi in itertools.pairwise(cuts):
        t_eval = np.unique(np.concatenate([[lo, hi], grid[(grid > lo) & (grid < hi)]]))
        sol = solve_ivp(rhs, (lo, hi), y, t_eval=t_eval, method="LSODA", rtol=1e-7, atol=1e-9)
        if not sol.success:  # pragma: no cover - smooth ODE
            raise RuntimeError(f"solve_ivp failed: {sol.message}")
        last = hi >= t_end_d
        ts.append(sol.t if last else sol.t[:-1])
        ys.append(sol.y if last else sol.y[:, :-1])
        y = sol.y[:, -1]
    t = np.concatenate(ts)
    m, il6, eff = np.concatenate(ys, axis=1)
    b = _blockade(t, tocilizumab_day, blockade, p.blockade_half_life_d)
    signal = (1 - b) * il6 / (il6 + p.signal_half_sat)
    return CytokineResult(t, m, il6, b, signal, eff)


def cytokine_spec(
    tocilizumab_day: float = 4.0, blockade: float = 0.95, engagement_strength: float = 1.0
) -> PlotSpec:
    """Plot spec: serum IL-6 (top) and IL-6 signalling effect (bottom), with and without tocilizumab."""
    params = CytokineParams(engagement_strength=engagement_strength)
    without = simulate(params)
    with_toci = simulate(params, tocilizumab_day, blockade)
    blue, verm = OKABE_ITO["blue"], OKABE_ITO["vermillion"]
    ymax = max(12.0, float(with_toci.il6.max()) * 1.1, float(without.il6.max()) * 1.1)
    dose = Series([tocilizumab_day], [0], color="#555555", linestyle=":", linewidth=1.2, kind="vline")
    il6 = Panel(
        [
            Series(without.t_d, without.il6, label="no tocilizumab", color=blue),
            Series(
                with_toci.t_d,
                with_toci.il6,
                label=f"tocilizumab on day {tocilizumab_day:g}",
                color=verm,
                linestyle="--",
            ),
            dose,
        ],
        xlabel="",
        ylabel="serum IL-6 (a.u.)",
        xlim=(0, 14),
        ylim=(0, ymax),
        legend_loc="upper right",
        notes=[Note(tocilizumab_day + 0.15, ymax * 0.95, "dose", va="top")],
    )
    effect = Panel(
        [
            Series(without.t_d, without.effect, label="no tocilizumab", color=blue),
            Series(
                with_toci.t_d,
                with_toci.effect,
                label=f"tocilizumab on day {tocilizumab_day:g}",
                color=verm,
                linestyle="--",
            ),
            Series([tocilizumab_day], [0], color="#555555", linestyle=":", linewidth=1.2, kind="vline"),
        ],
        xlabel="time since T-cell engagement began (days)",
        ylabel="IL-6 signalling effect (0–1)",
        xlim=(0, 14),
        ylim=(0, 1.0),
        legend_loc=None,
    )
    peak_without, peak_with = float(without.il6.max()), float(with_toci.il6.max())
    after_with, after_without = with_toci.t_d >= tocilizumab_day, without.t_d >= tocilizumab_day
    eff_drop = (
        float(without.effect[after_without].mean() - with_toci.effect[after_with].mean())
        if after_with.any() and after_without.any()
        else 0.0
    )
    if peak_with > peak_without * 1.01:
        il6_story = (
            f"with tocilizumab on day {tocilizumab_day:g} it climbs higher, to {peak_with:.1f}, because "
            f"blocked receptors no longer clear it"
        )
    else:
        il6_story = f"with tocilizumab on day {tocilizumab_day:g} it peaks at {peak_with:.1f}"
    alt = (
        f"Two panels over 14 days, qualitative units. Top: serum IL-6 peaks at {peak_without:.1f} without "
        f"tocilizumab; {il6_story}. Bottom: after the dose the IL-6 signalling effect is on average "
        f"{eff_drop:.2f} lower than without tocilizumab."
    )
    caption = (
        "**Qualitative** teaching model (arbitrary units, hand-picked parameters): tocilizumab blocks "
        f"{blockade:.0%} of IL-6 receptors on day {tocilizumab_day:g}; signalling falls while serum IL-6 "
        "rises."
    )
    return PlotSpec(
        [il6, effect],
        alt=alt,
        caption=caption,
        height_in=4.6,
        sharex=True,
        extra={"without": without, "with": with_toci},
    )


def plot_cytokines(tocilizumab_day: float = 4.0) -> Figure:
    """Figure of the qualitative IL-6 model (see :func:`cytokine_spec`)."""
    return render(cytokine_spec(tocilizumab_day))


@register_explorer(chapter=8, summary="qualitative IL-6 model with tocilizumab")
def explorer() -> Explorer:
    """Explorer of the qualitative IL-6 model; static frames vary the day of tocilizumab."""
    return Explorer(
        title="IL-6 and tocilizumab (qualitative model)",
        controls=[
            Control("tocilizumab_day", "day of tocilizumab", 4.0, 0.5, 12.0, step=0.5, fmt="{:g}"),
            Control("blockade", "receptors blocked (fraction)", 0.95, 0.0, 1.0, step=0.05, fmt="{:.0%}"),
            Control("engagement_strength", "T-cell engagement (a.u.)", 1.0, 0.1, 3.0, step=0.1, fmt="{:g}"),
        ],
        spec=cytokine_spec,
        frame_control="tocilizumab_day",
        frame_values=(2.0, 3.0, 4.0, 5.0, 6.0, 8.0),
    )
