"""Blinatumomab by continuous infusion: a one-compartment model with zero-order input.

With an infusion rate R₀ (µg/h), clearance CL (L/h) and volume V (L), the amount A in the body obeys

    dA/dt = R₀ − (CL/V)·A,    C = A/V,

so the concentration approaches the steady state Css = R₀/CL with rate constant k = CL/V: half of the
way in t½ = ln2·V/CL, 97 % of the way in five half-lives, and it washes out at the same rate after
the pump stops. The typical-patient parameters are the population estimates of Clements et al. (2020):
CL = 2.22 L/h (at body surface area 1.876 m²), V = 5.98 L, so t½ ≈ 1.9 h, and 28 µg/day gives
Css ≈ 525 pg/mL. These are typical-subject predictions; real patients vary (IIV on CL 47.6 % CV).

Solved with :func:`scipy.integrate.solve_ivp`, piece by piece between dosing events, with the amount
eliminated as a second state so that mass balance can be checked.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .. import facts as _facts
from ..display import Figure
from ..interactive.explorer import Control, Explorer
from ..interactive.plotspec import Note, Panel, PlotSpec, Series, render
from ..interactive.registry import register_explorer
from ..style import OKABE_ITO
from .units import Dose, check_nonnegative, check_positive, check_positive_fields, check_source, require_dose

__all__ = [
    "CLEMENTS_2020",
    "DAILY_AMOUNT",
    "STEP_UP_HIGH",
    "STEP_UP_LOW",
    "BlinatumomabParams",
    "InfusionResult",
    "bolus_vs_infusion_spec",
    "explorer",
    "infusion_spec",
    "plot_bolus_vs_infusion",
    "plot_step_up",
    "simulate",
    "steady_state_pg_per_ml",
    "step_up_schedule",
    "step_up_spec",
    "time_to_fraction_h",
]

PG_PER_ML_PER_UG_PER_L = 1000.0

#: The adult cycle-1 step-up for relapsed/refractory B-ALL (≥ 45 kg): 9 µg/day, then 28 µg/day.
#: Label doses (Blincyto, ``amgen2026blincyto``) and population PK (``clements2020blinatumomab``) come
#: from the clinical data layer, ``book/data/``: the chapter's prose and quiz read the same facts.
_CL_L_PER_H: float = float(_facts.value("blinatumomab-clearance"))
_V_L: float = float(_facts.value("blinatumomab-volume"))
STEP_UP_LOW = Dose(float(_facts.value("blinatumomab-dose-start")), "ug/day")
STEP_UP_HIGH = Dose(float(_facts.value("blinatumomab-dose-full")), "ug/day")
#: 28 µg, the amount given in a day at the full rate.
DAILY_AMOUNT = Dose(28, "ug")


@dataclass(frozen=True)
class BlinatumomabParams:
    """One-compartment parameters of blinatumomab.

    Attributes
    ----------
    clearance_l_per_h
        Clearance CL, L/h (> 0). Clements 2020: 2.22 L/h at BSA 1.876 m².
    volume_l
        Volume of distribution V, L (> 0). Clements 2020: 5.98 L.
    source
        Bibtex key of the source.
    """

    clearance_l_per_h: float = _CL_L_PER_H
    volume_l: float = _V_L
    source: str = "clements2020blinatumomab"

    def __post_init__(self) -> None:
        check_positive_fields(self, "clearance_l_per_h", "volume_l")
        check_source(self.source)

    @property
    def elimination_rate_per_h(self) -> float:
        """k = CL/V, 1/h."""
        return self.clearance_l_per_h / self.volume_l

    @property
    def half_life_h(self) -> float:
        """t½ = ln2·V/CL, hours."""
        return math.log(2) / self.elimination_rate_per_h

    @classmethod
    def for_bsa(cls, bsa_m2: float) -> BlinatumomabParams:
        """Typical parameters for a body surface area: CL = 2.22·(BSA/1.876)^0.620 L/h (Clements 2020)."""
        check_positive("bsa_m2", bsa_m2)
        return cls(clearance_l_per_h=_CL_L_PER_H * (bsa_m2 / 1.876) ** 0.620)


#: Typical adult (Clements et al. 2020 population estimates).
CLEMENTS_2020 = BlinatumomabParams()


def steady_state_pg_per_ml(rate: Dose, params: BlinatumomabParams = CLEMENTS_2020) -> float:
    """Steady-state concentration Css = R₀/CL, in pg/mL, for an infusion ``rate`` (e.g. ``Dose(28, "ug/day")``)."""
    r_ug_per_h = require_dose("rate", rate, "rate").to("ug/h")
    return r_ug_per_h / params.clearance_l_per_h * PG_PER_ML_PER_UG_PER_L


def time_to_fraction_h(fraction: float = 0.9, params: BlinatumomabParams = CLEMENTS_2020) -> float:
    """Hours after a constant infusion starts until C reaches ``fraction`` of Css: −ln(1 − f)·V/CL.

    The same time takes C down to 1 − ``fraction`` of its level after the infusion stops (wash-out).
    """
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must lie in (0, 1), got {fraction!r}")
    return -math.log(1.0 - fraction) / params.elimination_rate_per_h


@dataclass(frozen=True)
class InfusionResult:
    """A simulated concentration–time course.

    Attributes
    ----------
    t_h
        Times, hours.
    conc_pg_per_ml
        Serum concentration, pg/mL.
    in_body_ug, eliminated_ug, given_ug
        Amount in the body, amount eliminated so far and amount given so far, µg.
    params
        The parameters used.
    """

    t_h: NDArray[np.float64]
    conc_pg_per_ml: NDArray[np.float64]
    in_body_ug: NDArray[np.float64]
    eliminated_ug: NDArray[np.float64]
    given_ug: NDArray[np.float64]
    params: BlinatumomabParams

    @property
    def t_days(self) -> NDArray[np.float64]:
        """Times, days."""
        return self.t_h / 24.0


def step_up_schedule(
    low: Dose = STEP_UP_LOW, high: Dose = STEP_UP_HIGH, step_day: float = 7.0, stop_day: float = 28.0
) -> list[tuple[float, Dose]]:
    """The cycle-1 step-up as (start hour, rate) pairs: ``low`` on days 1–7, ``high`` to day 28, then off.

    Defaults are the adult (≥ 45 kg) regimen for relapsed/refractory B-ALL: 9 µg/day for days 1–7, then
    28 µg/day for days 8–28.
    """
    require_dose("low", low, "rate")
    require_dose("high", high, "rate")
    check_positive("step_day", step_day)
    if not stop_day > step_day:
        raise ValueError(f"stop_day must be after step_day ({step_day}), got {stop_day!r}")
    return [(0.0, low), (step_day * 24.0, high), (stop_day * 24.0, Dose(0, "ug/day"))]


def simulate(
    t_end_h: float,
    *,
    rates: Sequence[tuple[float, Dose]] = (),
    boluses: Sequence[tuple[float, Dose]] = (),
    params: BlinatumomabParams = CLEMENTS_2020,
    points_per_h: float = 4.0,
) -> InfusionResult:
    """Simulate infusions and IV boluses from an empty body.

    Parameters
    ----------
    t_end_h
        End of the simulation, hours.
    rates
        ``(start_h, rate)`` pairs: from ``start_h`` on, the pump runs at ``rate`` (a rate ``Dose`` such
        as ``Dose(28, "ug/day")``; ``Dose(0, "ug/day")`` stops it) until the next pair.
    boluses
        ``(time_h, amount)`` pairs: an amount ``Dose`` (e.g. ``Dose(28, "ug")``) injected at once.
    params
        Clearance and volume.
    points_per_h
        Output resolution.
    """
    check_positive("t_end_h", t_end_h)
    rate_events = sorted(
        (check_nonnegative("rates start_h", t), require_dose("rates rate", r, "rate").to("ug/h"))
        for t, r in rates
    )
    bolus_events = sorted(
        (check_nonnegative("boluses time_h", t), require_dose("boluses amount", d, "mass").to("ug"))
        for t, d in boluses
    )
    breaks = sorted({0.0, t_end_h, *(t for t, _ in rate_events), *(t for t, _ in bolus_events)})
    breaks = [b for b in breaks if b <= t_end_h]
    k = params.elimination_rate_per_h

    def rate_at(t: float) -> float:
        current = 0.0
        for start, r in rate_events:
            if start <= t:
                current = r
        return current

    state = np.zeros(3)  # amount in body, amount eliminated, amount given (µg)
    ts: list[NDArray[np.float64]] = []
    ys: list[NDArray[np.float64]] = []
    from scipy.integrate import solve_ivp  # lazy: 0.3 s to import, paid only when solving

    for lo, hi in itertools.pairwise(breaks):
        for t_b, amount in bolus_events:
            if t_b == lo:
                state = state + np.array([amount, 0.0, amount])
        r0 = rate_at(lo)
        n = max(2, math.ceil((hi - lo) * points_per_h) + 1)
        t_eval = np.linspace(lo, hi, n)
        sol = solve_ivp(
            lambda _t, y, r=r0: [r - k * y[0], k * y[0], r],
            (lo, hi),
            state,
            t_eval=t_eval,
            method="LSODA",
            rtol=1e-9,
            atol=1e-12,
        )
        if not sol.success:  # pragma: no cover - linear ODE
            raise RuntimeError(f"solve_ivp failed: {sol.message}")
        ts.append(sol.t[:-1] if hi < t_end_h else sol.t)
        ys.append(sol.y[:, :-1] if hi < t_end_h else sol.y)
        state = sol.y[:, -1]
    t = np.concatenate(ts)
    y = np.concatenate(ys, axis=1)
    return InfusionResult(t, y[0] / params.volume_l * PG_PER_ML_PER_UG_PER_L, y[0], y[1], y[2], params)


def step_up_spec(
    params: BlinatumomabParams = CLEMENTS_2020,
    low_ug_per_day: float = STEP_UP_LOW.value,
    high_ug_per_day: float = STEP_UP_HIGH.value,
) -> PlotSpec:
    """Plot spec: concentration over a 28-day step-up cycle and the 14 days off that follow."""
    low, high = Dose(low_ug_per_day, "ug/day"), Dose(high_ug_per_day, "ug/day")
    res = simulate(42 * 24.0, rates=step_up_schedule(low, high), params=params, points_per_h=2)
    css_low, css_high = steady_state_pg_per_ml(low, params), steady_state_pg_per_ml(high, params)
    blue, grey = OKABE_ITO["blue"], "#555555"
    panel = Panel(
        [
            Series(res.t_days, res.conc_pg_per_ml, label="simulated concentration", color=blue),
            Series(
                [0],
                [css_low],
                label=f"Css at {low}: {css_low:.0f} pg/mL",
                color=grey,
                linestyle=":",
                linewidth=1.2,
                kind="hline",
            ),
            Series(
                [0],
                [css_high],
                label=f"Css at {high}: {css_high:.0f} pg/mL",
                color=grey,
                linestyle="--",
                linewidth=1.2,
                kind="hline",
            ),
        ],
        xlabel="time since the start of cycle 1 (days)",
        ylabel="blinatumomab (pg/mL)",
        xlim=(0, 42),
        ylim=(0, max(css_high * 1.35, 1.0)),
        legend_loc="upper right",
        notes=[
            Note(7.6, css_low * 1.05, "step-up on day 8", ha="left", va="bottom"),
            Note(28.3, css_high * 0.5, "pump stops:\nwashed out\nwithin hours", va="center"),
        ],
    )
    alt = (
        f"Simulated serum blinatumomab over one cycle. The concentration rises within hours to about "
        f"{css_low:.0f} pg/mL during days 1 to 7 at {low}, steps up within hours to about {css_high:.0f} "
        f"pg/mL from day 8 at {high}, and falls to almost zero within a day of stopping on day 28."
    )
    caption = (
        f"Simulated typical patient, one-compartment model (CL {params.clearance_l_per_h:g} L/h, "
        f"V {params.volume_l:g} L, Clements 2020): step-up dosing, 9 → 28 µg/day."
    )
    return PlotSpec([panel], alt=alt, caption=caption, extra={"result": res})


def plot_step_up(params: BlinatumomabParams = CLEMENTS_2020) -> Figure:
    """Figure of the 9 → 28 µg/day step-up cycle (see :func:`step_up_spec`)."""
    return render(step_up_spec(params))


def bolus_vs_infusion_spec(
    daily: Dose = DAILY_AMOUNT, days: int = 3, params: BlinatumomabParams = CLEMENTS_2020
) -> PlotSpec:
    """Plot spec: the same daily amount as a continuous infusion or as one IV bolus a day (log scale)."""
    amount_ug = require_dose("daily", daily, "mass").to("ug")
    t_end = days * 24.0
    cont = simulate(t_end, rates=[(0.0, Dose(amount_ug, "ug/day"))], params=params, points_per_h=6)
    bolus = simulate(
        t_end, boluses=[(24.0 * d, Dose(amount_ug, "ug")) for d in range(days)], params=params, points_per_h=6
    )
    css = steady_state_pg_per_ml(Dose(amount_ug, "ug/day"), params)
    peak = float(bolus.conc_pg_per_ml.max())
    trough = float(bolus.conc_pg_per_ml[(bolus.t_h > 23.0) & (bolus.t_h < 24.0)].min())
    hours_above = math.log(peak / css) / params.elimination_rate_per_h
    panel = Panel(
        [
            Series(
                cont.t_h,
                cont.conc_pg_per_ml,
                label=f"continuous infusion, {amount_ug:g} µg/day",
                color=OKABE_ITO["blue"],
            ),
            Series(
                bolus.t_h,
                np.maximum(bolus.conc_pg_per_ml, 1e-3),
                label=f"one bolus of {amount_ug:g} µg a day",
                color=OKABE_ITO["vermillion"],
                linestyle="--",
            ),
        ],
        xlabel="time (hours)",
        ylabel="blinatumomab (pg/mL, log scale)",
        yscale="log",
        xlim=(0, t_end),
        ylim=(0.1, 2e4),
        legend_loc="upper right",
        notes=[
            Note(
                0.02,
                0.04,
                f"bolus: above the infusion's steady state for {hours_above:.1f} h of every 24",
                coords="axes",
            )
        ],
    )
    alt = (
        f"Log-scale concentration over {days} days. The continuous infusion rises to a flat "
        f"{css:.0f} pg/mL within about 10 hours. The daily bolus spikes to about {peak:.0f} pg/mL and falls "
        f"below {max(trough, 0.1):.1g} pg/mL before the next dose, so exposure is high for a few hours and "
        f"negligible for most of each day."
    )
    caption = (
        "Simulated typical patient (Clements 2020 parameters): with a half-life of about 2 hours, the "
        "same daily amount gives steady exposure only as a continuous infusion."
    )
    return PlotSpec(
        [panel],
        alt=alt,
        caption=caption,
        extra={"peak_pg_per_ml": peak, "css_pg_per_ml": css, "hours_above_css": hours_above},
    )


def plot_bolus_vs_infusion(
    daily: Dose = DAILY_AMOUNT, days: int = 3, params: BlinatumomabParams = CLEMENTS_2020
) -> Figure:
    """Figure comparing continuous infusion with daily boluses (see :func:`bolus_vs_infusion_spec`)."""
    return render(bolus_vs_infusion_spec(daily, days, params))


def infusion_spec(
    rate_ug_per_day: float = STEP_UP_HIGH.value,
    clearance_l_per_h: float = _CL_L_PER_H,
    volume_l: float = _V_L,
    stop_h: float = 24.0,
    t_end_h: float = 48.0,
) -> PlotSpec:
    """Plot spec of the explorer: a constant infusion from 0 h, stopped at ``stop_h``.

    Shows the approach to Css = R₀/CL, the time to 90 % of it and the wash-out after stopping.
    """
    params = BlinatumomabParams(clearance_l_per_h, volume_l)
    rate = Dose(rate_ug_per_day, "ug/day")
    res = simulate(t_end_h, rates=[(0.0, rate), (stop_h, Dose(0, "ug/day"))], params=params, points_per_h=6)
    css = steady_state_pg_per_ml(rate, params)
    t90 = time_to_fraction_h(0.9, params)
    blue, grey = OKABE_ITO["blue"], "#555555"
    panel = Panel(
        [
            Series(res.t_h, res.conc_pg_per_ml, label="simulated concentration", color=blue),
            Series(
                [0],
                [css],
                label=f"Css = R₀/CL = {css:.0f} pg/mL",
                color=grey,
                linestyle="--",
                linewidth=1.2,
                kind="hline",
            ),
            Series(
                [min(t90, t_end_h)],
                [0],
                label=f"90% of Css at {t90:.1f} h",
                color=OKABE_ITO["vermillion"],
                linestyle=":",
                linewidth=1.2,
                kind="vline",
            ),
            Series([stop_h], [0], color="#000000", linestyle="-.", linewidth=1.0, kind="vline"),
        ],
        xlabel="time since the infusion started (hours)",
        ylabel="blinatumomab (pg/mL)",
        xlim=(0, t_end_h),
        ylim=(0, 1200),
        legend_loc="upper right",
        notes=[
            Note(stop_h - 0.4, 1150, "pump stops", ha="right", va="top"),
            Note(0.02, 0.97, f"t½ = ln2·V/CL = {params.half_life_h:.2f} h", coords="axes", va="top"),
        ],
    )
    alt = (
        f"Concentration rises from zero towards a plateau of {css:.0f} pg/mL, reaching 90% of it at "
        f"{t90:.1f} hours; after the pump stops at {stop_h:g} hours it falls back towards zero with a "
        f"half-life of {params.half_life_h:.2f} hours."
    )
    caption = (
        f"Simulated one-compartment model: {rate} with CL {clearance_l_per_h:.3g} L/h and V "
        f"{volume_l:.3g} L (typical values CL {_CL_L_PER_H:g} L/h, V {_V_L:g} L from Clements 2020)."
    )
    return PlotSpec(
        [panel], alt=alt, caption=caption, extra={"result": res, "css_pg_per_ml": css, "t90_h": t90}
    )


@register_explorer(chapter=4, summary="continuous infusion: steady state, step-up, wash-out")
def explorer(rate_ug_per_day: float = STEP_UP_HIGH.value) -> Explorer:
    """Explorer of a continuous infusion: rate, clearance and volume; static frames vary clearance."""
    return Explorer(
        title="Blinatumomab continuous infusion",
        controls=[
            Control(
                "rate_ug_per_day",
                "infusion rate (µg/day)",
                rate_ug_per_day,
                1.0,
                60.0,
                step=1.0,
                fmt="{:g} µg/day",
            ),
            Control("clearance_l_per_h", "clearance (L/h)", _CL_L_PER_H, 0.5, 6.0, step=0.02, fmt="{:g} L/h"),
            Control("volume_l", "volume (L)", _V_L, 2.0, 15.0, step=0.1, fmt="{:g} L"),
        ],
        spec=infusion_spec,
        frame_control="clearance_l_per_h",
        frame_values=(1.0, 1.5, _CL_L_PER_H, 3.0, 4.0, 5.0),
    )
