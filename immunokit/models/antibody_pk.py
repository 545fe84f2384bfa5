"""Antibody pharmacokinetics after intravenous infusions: one and two compartments, plus an
*illustrative* target-mediated elimination term.

Amounts (mg) in a central compartment (volume V₁) and, for two compartments, a peripheral one (V₂),
exchanged with inter-compartmental clearance Q:

    dA₁/dt = input(t) − CL·C₁ − Q·(C₁ − C₂) − CLₜ·B·C₁
    dA₂/dt = Q·(C₁ − C₂)
    dB/dt  = −k_kill·B·C₁/(EC₅₀ + C₁)

with C = A/V in mg/L (= µg/mL). The last term of the first line is the target sink: antibody bound to
target-bearing cells (relative burden B, 1 at the start) is removed with them, and the cells are killed
as long as antibody is present. With a large burden the sink dominates and the antibody disappears
fast; as the burden falls over cycles, the half-life lengthens towards that of linear clearance. This
is the pattern Mo et al. (2013) measured for rituximab in CLL with fludarabine (median half-life 27 h in
cycle 1, 199 h in cycle 4). **The target-sink parameters are illustrative**, chosen by hand so the model
shows that pattern; they are not a fitted model. The linear parameters are rituximab's total clearance
(9.43 mL/h) and Vdss (9.61 L) from Müller et al. (2012) in DLBCL; the split of Vdss into V₁ and V₂ and
the value of Q in :data:`RITUXIMAB_TWO_COMPARTMENT` are illustrative.

Solved with :func:`scipy.integrate.solve_ivp`, piece by piece between infusion starts and ends; the
amount eliminated is carried as a state so that mass balance can be checked.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..display import Figure
from ..interactive.explorer import Control, Explorer
from ..interactive.plotspec import Note, Panel, PlotSpec, Series, render
from ..interactive.registry import register_explorer
from ..style import OKABE_ITO
from .units import (
    Dose,
    check_nonnegative,
    check_positive,
    check_positive_fields,
    check_source,
    require_dose,
)

__all__ = [
    "ILLUSTRATIVE_TARGET",
    "RITUXIMAB_CLL_DOSE",
    "RITUXIMAB_ONE_COMPARTMENT",
    "RITUXIMAB_TWO_COMPARTMENT",
    "SINGLE_DOSE",
    "Infusion",
    "OneCompartment",
    "PKResult",
    "TargetSink",
    "TwoCompartment",
    "apparent_half_life_h",
    "cycle_half_lives_h",
    "cycles_spec",
    "explorer",
    "plot_cycles",
    "plot_one_vs_two",
    "rituximab_cycles",
    "simulate",
]


@dataclass(frozen=True)
class OneCompartment:
    """Linear one-compartment disposition.

    Attributes
    ----------
    clearance_l_per_h
        Clearance CL, L/h (> 0).
    volume_l
        Volume of distribution V, L (> 0).
    source
        Bibtex key of the source.
    """

    clearance_l_per_h: float = 0.00943
    volume_l: float = 9.61
    source: str = "muller2012rituximab"

    def __post_init__(self) -> None:
        check_positive_fields(self, "clearance_l_per_h", "volume_l")
        check_source(self.source)

    @property
    def half_life_h(self) -> float:
        """t½ = ln2·V/CL, hours."""
        return math.log(2) * self.volume_l / self.clearance_l_per_h


@dataclass(frozen=True)
class TwoCompartment:
    """Linear two-compartment disposition.

    Attributes
    ----------
    clearance_l_per_h
        Clearance from the central compartment, L/h (> 0).
    central_volume_l, peripheral_volume_l
        Volumes V₁ and V₂, L (> 0).
    intercompartmental_clearance_l_per_h
        Q, L/h (> 0).
    source
        Bibtex key of the source.
    """

    clearance_l_per_h: float = 0.00943
    central_volume_l: float = 3.1
    peripheral_volume_l: float = 6.51
    intercompartmental_clearance_l_per_h: float = 0.1
    source: str = "muller2012rituximab"

    def __post_init__(self) -> None:
        check_positive_fields(
            self,
            "clearance_l_per_h",
            "central_volume_l",
            "peripheral_volume_l",
            "intercompartmental_clearance_l_per_h",
        )
        check_source(self.source)

    @property
    def rate_constants_per_h(self) -> tuple[float, float]:
        """The two disposition rate constants (λ₁ > λ₂), 1/h: eigenvalues of the linear system."""
        k10 = self.clearance_l_per_h / self.central_volume_l
        k12 = self.intercompartmental_clearance_l_per_h / self.central_volume_l
        k21 = self.intercompartmental_clearance_l_per_h / self.peripheral_volume_l
        matrix = np.array([[-(k10 + k12), k21], [k12, -k21]])
        lam = np.sort(-np.linalg.eigvals(matrix).real)[::-1]
        return float(lam[0]), float(lam[1])

    @property
    def terminal_half_life_h(self) -> float:
        """ln2/λ₂, hours."""
        return math.log(2) / self.rate_constants_per_h[1]


@dataclass(frozen=True)
class TargetSink:
    """An *illustrative* target-mediated elimination term (see the module docstring).

    Attributes
    ----------
    target_clearance_l_per_h
        Extra clearance through the target at the initial burden B = 1, L/h (≥ 0).
    initial_burden
        Target burden at the start, relative (≥ 0; 1 = the reference burden, 0 = no target).
    kill_rate_per_h
        Largest fractional loss rate of target-bearing cells, 1/h (≥ 0).
    ec50_mg_per_l
        Antibody concentration giving half that loss rate, mg/L (> 0).
    source
        Bibtex key of the data the illustration is shaped after.
    """

    target_clearance_l_per_h: float = 0.28
    initial_burden: float = 1.0
    kill_rate_per_h: float = 0.0035
    ec50_mg_per_l: float = 5.0
    source: str = "mo2013rituximab"

    def __post_init__(self) -> None:
        check_nonnegative("target_clearance_l_per_h", self.target_clearance_l_per_h)
        check_nonnegative("initial_burden", self.initial_burden)
        check_nonnegative("kill_rate_per_h", self.kill_rate_per_h)
        check_positive("ec50_mg_per_l", self.ec50_mg_per_l)
        check_source(self.source)


#: Rituximab in CLL with fludarabine (FR), as in Mo et al. 2013: 375 mg/m² per cycle.
RITUXIMAB_CLL_DOSE = Dose(375, "mg/m2")
#: A single adult dose of about 700 mg (375 mg/m² at 1.9 m²), for one-infusion figures.
SINGLE_DOSE = Dose(700, "mg")

#: Rituximab, one compartment: total CL 9.43 mL/h and Vdss 9.61 L (Müller et al. 2012, DLBCL).
RITUXIMAB_ONE_COMPARTMENT = OneCompartment()
#: Rituximab, two compartments: CL from Müller 2012; the split of Vdss and Q are illustrative.
RITUXIMAB_TWO_COMPARTMENT = TwoCompartment()
#: Illustrative CLL target sink, tuned by hand to give roughly the half-lives of Mo et al. 2013.
ILLUSTRATIVE_TARGET = TargetSink()


@dataclass(frozen=True)
class Infusion:
    """An IV infusion of ``dose`` (an amount, e.g. ``Dose(700, "mg")``) from ``start_h`` for ``duration_h``."""

    start_h: float
    duration_h: float
    dose: Dose

    def __post_init__(self) -> None:
        check_nonnegative("start_h", self.start_h)
        check_positive("duration_h", self.duration_h)
        require_dose("dose", self.dose, "mass")

    @property
    def rate_mg_per_h(self) -> float:
        """Infusion rate, mg/h."""
        return self.dose.to("mg") / self.duration_h


@dataclass(frozen=True)
class PKResult:
    """A simulated course: times (h), concentrations (mg/L), amounts (mg) and target burden."""

    t_h: NDArray[np.float64]
    conc_mg_per_l: NDArray[np.float64]
    central_mg: NDArray[np.float64]
    peripheral_mg: NDArray[np.float64]
    eliminated_mg: NDArray[np.float64]
    given_mg: NDArray[np.float64]
    burden: NDArray[np.float64]

    @property
    def t_days(self) -> NDArray[np.float64]:
        """Times, days."""
        return self.t_h / 24.0


def _disposition(params: OneCompartment | TwoCompartment) -> tuple[float, float, float, float]:
    if isinstance(params, OneCompartment):
        return params.clearance_l_per_h, params.volume_l, 0.0, 1.0
    if isinstance(params, TwoCompartment):
        return (
            params.clearance_l_per_h,
            params.central_volume_l,
            params.intercompartmental_clearance_l_per_h,
            params.peripheral_volume_l,
        )
    raise TypeError(f"params must be OneCompartment or TwoCompartment, got {type(params).__name__}")


def simulate(
    infusions: Sequence[Infusion],
    t_end_h: float,
    params: OneCompartment | TwoCompartment = RITUXIMAB_ONE_COMPARTMENT,
    target: TargetSink | None = None,
    points_per_h: float = 1.0,
) -> PKResult:
    """Simulate IV infusions from an empty body.

    Parameters
    ----------
    infusions
        The infusions (:class:`Infusion`), in any order; they must not overlap.
    t_end_h
        End of the simulation, hours.
    params
        Linear disposition (:class:`OneCompartment` or :class:`TwoCompartment`).
    target
        Optional illustrative :class:`TargetSink`; ``None`` for linear PK.
    points_per_h
        Output resolution.
    """
    check_positive("t_end_h", t_end_h)
    for i, inf in enumerate(infusions):
        if not isinstance(inf, Infusion):
            raise TypeError(
                f"infusions[{i}] must be an Infusion(start_h, duration_h, Dose(..., 'mg')), got {inf!r}"
            )
    ordered = sorted(infusions, key=lambda inf: inf.start_h)
    for a, b in itertools.pairwise(ordered):
        if b.start_h < a.start_h + a.duration_h:
            raise ValueError(
                f"infusions overlap: one starts at {b.start_h} h before the one at {a.start_h} h ends"
            )
    cl, v1, q, v2 = _disposition(params)
    sink = target or TargetSink(target_clearance_l_per_h=0.0, initial_burden=0.0, kill_rate_per_h=0.0)
    clt, kkill, ec50 = sink.target_clearance_l_per_h, sink.kill_rate_per_h, sink.ec50_mg_per_l

    def rhs(_t: float, y: NDArray[np.float64], r: float) -> list[float]:
        a1, a2, burden = y[0], y[1], max(y[2], 0.0)
        c1, c2 = a1 / v1, a2 / v2
        out = cl * c1 + clt * burden * c1
        dist = q * (c1 - c2)
        return [r - out - dist, dist, -kkill * burden * c1 / (ec50 + c1), out, r]

    breaks = sorted(
        {0.0, t_end_h, *(i.start_h for i in ordered), *(i.start_h + i.duration_h for i in ordered)}
    )
    breaks = [b for b in breaks if b <= t_end_h]
    state = np.array([0.0, 0.0, sink.initial_burden, 0.0, 0.0])
    ts, ys = [], []
    from scipy.integrate import solve_ivp  # lazy: 0.3 s to import, paid only when solving

    for lo, hi in itertools.pairwise(breaks):
        rate = sum(i.rate_mg_per_h for i in ordered if i.start_h <= lo < i.start_h + i.duration_h)
        n = max(2, math.ceil((hi - lo) * points_per_h) + 1)
        sol = solve_ivp(
            rhs,
            (lo, hi),
            state,
            t_eval=np.linspace(lo, hi, n),
            args=(rate,),
            method="LSODA",
            rtol=1e-7,
            atol=1e-9,
        )
        if not sol.success:  # pragma: no cover - smooth ODE
            raise RuntimeError(f"solve_ivp failed: {sol.message}")
        last = hi >= t_end_h
        ts.append(sol.t if last else sol.t[:-1])
        ys.append(sol.y if last else sol.y[:, :-1])
        state = sol.y[:, -1]
    t = np.concatenate(ts)
    y = np.concatenate(ys, axis=1)
    return PKResult(t, y[0] / v1, y[0], y[1], y[3], y[4], y[2])


def apparent_half_life_h(result: PKResult, start_h: float, end_h: float) -> float:
    """Half-life (h) from a log-linear least-squares fit of C over [start_h, end_h].

    Like a non-compartmental estimate from samples taken in that window; ``inf`` if C does not fall.
    """
    mask = (result.t_h >= start_h) & (result.t_h <= end_h) & (result.conc_mg_per_l > 0)
    if mask.sum() < 2:
        raise ValueError(f"fewer than two positive concentrations between {start_h} h and {end_h} h")
    slope = np.polyfit(result.t_h[mask], np.log(result.conc_mg_per_l[mask]), 1)[0]
    return math.inf if slope >= 0 else math.log(2) / -slope


def rituximab_cycles(
    dose: Dose = RITUXIMAB_CLL_DOSE,
    bsa_m2: float = 1.9,
    cycles: int = 6,
    cycle_days: float = 28.0,
    infusion_h: float = 4.0,
) -> list[Infusion]:
    """One rituximab infusion at the start of each 28-day cycle (FR-like schedule, dose per m²)."""
    amount = require_dose("dose", dose, "mass/area").for_bsa(bsa_m2)
    if cycles < 1:
        raise ValueError(f"cycles must be ≥ 1, got {cycles!r}")
    return [Infusion(c * cycle_days * 24.0, infusion_h, amount) for c in range(cycles)]


def cycle_half_lives_h(
    result: PKResult, infusions: Sequence[Infusion], window_h: float = 96.0
) -> list[float]:
    """Apparent half-life after each infusion, fitted from its end to ``window_h`` hours later."""
    return [
        apparent_half_life_h(result, i.start_h + i.duration_h, i.start_h + i.duration_h + window_h)
        for i in infusions
    ]


def cycles_spec(
    initial_burden: float = 1.0,
    dose_mg_per_m2: float = 375.0,
    target_clearance_l_per_h: float = ILLUSTRATIVE_TARGET.target_clearance_l_per_h,
) -> PlotSpec:
    """Plot spec: six monthly rituximab infusions with the illustrative target sink.

    Top panel: concentration (log scale) with each cycle's apparent half-life; bottom: the fraction of
    the starting target burden that is left.
    """
    infusions = rituximab_cycles(Dose(dose_mg_per_m2, "mg/m2"), cycles=6)
    sink = TargetSink(target_clearance_l_per_h=target_clearance_l_per_h, initial_burden=initial_burden)
    res = simulate(infusions, 6 * 28 * 24.0, RITUXIMAB_ONE_COMPARTMENT, sink, points_per_h=0.5)
    halves = cycle_half_lives_h(res, infusions)
    linear = RITUXIMAB_ONE_COMPARTMENT.half_life_h
    blue, green = OKABE_ITO["blue"], OKABE_ITO["bluish_green"]
    # One note rather than one per cycle: every text drawn costs time in a live update.
    notes = [
        Note(
            0.99,
            0.98,
            "apparent t½ in cycles 1–6: " + ", ".join(f"{h:.0f}" for h in halves) + " h",
            coords="axes",
            ha="right",
            va="top",
        )
    ]
    conc = Panel(
        [Series(res.t_days, np.maximum(res.conc_mg_per_l, 1e-3), label="rituximab", color=blue)],
        xlabel="",
        ylabel="rituximab (mg/L, log)",
        yscale="log",
        xlim=(0, 168),
        ylim=(0.01, 1000),
        notes=notes,
        legend_loc=None,
    )
    remaining = res.burden / initial_burden if initial_burden > 0 else np.zeros_like(res.burden)
    burden = Panel(
        [Series(res.t_days, remaining, label="target burden", color=green, linestyle="--")],
        xlabel="time since the first infusion (days)",
        ylabel="target left (fraction of start)",
        xlim=(0, 168),
        ylim=(0, 1.05),
        legend_loc=None,
    )
    burden_text = (
        f"Bottom, the target burden falls to {100 * remaining[-1]:.2g}% of its starting value."
        if initial_burden > 0
        else "Bottom: there is no target."
    )
    alt = (
        f"Two panels over six monthly infusions. Top, rituximab concentration on a log scale: the apparent "
        f"half-life after each infusion is {', '.join(f'{h:.0f}' for h in halves)} hours. {burden_text} The more "
        f"target, "
        f"the faster the antibody disappears; linear clearance alone would give {linear:.0f} hours."
    )
    caption = (
        "**Illustrative** target-mediated elimination (hand-picked sink parameters, not a fitted model; "
        "linear CL and Vdss from Müller 2012); t½: half-life fitted over the 4 days after each "
        "infusion. Mo 2013 measured median half-lives of 27 h in cycle 1 and 199 h in cycle 4 in CLL."
    )
    return PlotSpec(
        [conc, burden],
        alt=alt,
        caption=caption,
        height_in=4.6,
        sharex=True,
        extra={"result": res, "half_lives_h": halves},
    )


def plot_cycles(initial_burden: float = 1.0) -> Figure:
    """Figure of six rituximab cycles with the illustrative target sink (see :func:`cycles_spec`)."""
    return render(cycles_spec(initial_burden))


def plot_one_vs_two(dose: Dose = SINGLE_DOSE, days: float = 56.0) -> Figure:
    """Figure: one infusion, one- vs two-compartment rituximab (same CL and total volume)."""
    infusions = [Infusion(0.0, 4.0, require_dose("dose", dose, "mass"))]
    one = simulate(infusions, days * 24.0, RITUXIMAB_ONE_COMPARTMENT)
    two = simulate(infusions, days * 24.0, RITUXIMAB_TWO_COMPARTMENT)
    t_half = RITUXIMAB_TWO_COMPARTMENT.terminal_half_life_h / 24.0
    panel = Panel(
        [
            Series(one.t_days, one.conc_mg_per_l, label="one compartment", color=OKABE_ITO["blue"]),
            Series(
                two.t_days,
                two.conc_mg_per_l,
                label="two compartments",
                color=OKABE_ITO["vermillion"],
                linestyle="--",
            ),
        ],
        xlabel="time (days)",
        ylabel="rituximab (mg/L, log)",
        yscale="log",
        xlim=(0, days),
    )
    alt = (
        f"Log-scale concentration after one {dose} infusion. The one-compartment curve falls as a straight "
        f"line (half-life {RITUXIMAB_ONE_COMPARTMENT.half_life_h / 24:.0f} days); the two-compartment curve "
        f"starts higher, drops quickly during distribution in the first days, then falls almost in parallel, with a "
        f"terminal half-life of {t_half:.0f} days."
    )
    caption = (
        "Simulated: linear rituximab PK with CL 9.43 mL/h and Vdss 9.61 L (Müller 2012); the split into "
        "central and peripheral volumes is illustrative."
    )
    return render(PlotSpec([panel], alt=alt, caption=caption))


@register_explorer(chapter=3, summary="one- and two-compartment antibody PK, target-mediated elimination")
def explorer() -> Explorer:
    """Explorer of the illustrative target sink; static frames vary the initial target burden."""
    return Explorer(
        title="Rituximab: target burden and half-life (illustrative)",
        controls=[
            Control(
                "initial_burden", "initial target burden (relative)", 1.0, 0.0, 4.0, step=0.05, fmt="{:g}"
            ),
            Control("dose_mg_per_m2", "dose (mg/m²)", 375.0, 100.0, 750.0, step=25.0, fmt="{:g} mg/m²"),
            Control(
                "target_clearance_l_per_h",
                "target clearance at burden 1 (L/h)",
                ILLUSTRATIVE_TARGET.target_clearance_l_per_h,
                0.0,
                1.0,
                step=0.01,
                fmt="{:g} L/h",
            ),
        ],
        spec=cycles_spec,
        frame_control="initial_burden",
        frame_values=(0.0, 0.25, 0.5, 1.0, 2.0, 4.0),
    )
