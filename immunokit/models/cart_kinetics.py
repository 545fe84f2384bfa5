"""CAR T-cell kinetics: the Stein 2019 tisagenlecleucel model, and an *illustrative* CAR T–leukemia
model with antigen-negative escape.

**Stein et al. (2019)** describe transgene levels (copies/µg genomic DNA) after tisagenlecleucel in
pediatric and young-adult B-ALL as exponential expansion up to Tmax, then a two-phase decline:

* t < Tmax: dE/dt = ρ·E, ρ = ln(foldx)/Tmax, E(0) = R₀ = Cmax/foldx;
* t ≥ Tmax: dE/dt = −α·E and dM/dt = k·E − β·M, k = FB·(α − β), E(Tmax) = Cmax, M(Tmax) = 0;

observed C = E + M, which after Tmax has the closed form
C(t) = (1 − FB)·Cmax·e^(−α(t−Tmax)) + FB·Cmax·e^(−β(t−Tmax)).
Typical values are Stein's Table 1 (foldx 3,900; Tmax 9.3 d; Cmax 24,000 copies/µg; α 0.16 /d;
FB 0.0079; β 0.0032 /d), giving a doubling time of 0.78 d, an initial decline half-life of 4.3 d and a
terminal half-life of about 217 d (an extrapolation). Individuals are sampled from the log-normal
inter-individual variability of the same table (ω² on the log scale), with a seed.

**The CAR T–leukemia model is illustrative** (hand-picked parameters, in the spirit of the
tumour-killing term of Kimmel et al. 2021): CAR T cells expand when they meet antigen-positive
leukemia and kill it; antigen-negative leukemia cells are invisible to them, so a small pre-existing
antigen-negative subclone can grow back after a deep remission (antigen-negative relapse), and if the
CAR T cells do not persist, surviving antigen-positive cells can return (antigen-positive relapse).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..display import Figure
from ..interactive.explorer import Control, Explorer
from ..interactive.plotspec import Note, Panel, PlotSpec, Series, power_of_ten, render
from ..interactive.registry import register_explorer
from ..style import CYCLE, OKABE_ITO
from . import _populations as populations
from ._populations import EXTINCT_CELLS, cells, gaps
from .units import (
    check_at_most,
    check_fraction,
    check_nonnegative,
    check_positive,
    check_positive_fields,
    check_source,
)

__all__ = [
    "STEIN_2019",
    "STEIN_2019_IIV",
    "CarTLeukemiaParams",
    "LeukemiaResult",
    "SteinIIV",
    "SteinParams",
    "decline_half_life_d",
    "doubling_time_d",
    "explorer",
    "leukemia_spec",
    "plot_leukemia",
    "plot_stein",
    "sample_individuals",
    "simulate_leukemia",
    "stein_closed_form",
    "stein_ode",
    "stein_spec",
    "terminal_half_life_d",
]


@dataclass(frozen=True)
class SteinParams:
    """Typical or individual parameters of the Stein 2019 model.

    Attributes
    ----------
    fold_expansion
        foldx = Cmax/R₀, unitless (> 1).
    tmax_d
        Time of the peak, days (> 0).
    cmax_copies_per_ug
        Peak transgene level, copies/µg genomic DNA (> 0).
    alpha_per_d
        Contraction rate α, 1/day (> 0).
    fraction_persistent
        FB, fraction of the peak entering the slow phase, in (0, 1).
    beta_per_d
        Persistence rate β, 1/day (> 0).
    source
        Bibtex key.
    """

    fold_expansion: float = 3900.0
    tmax_d: float = 9.3
    cmax_copies_per_ug: float = 24000.0
    alpha_per_d: float = 0.16
    fraction_persistent: float = 0.0079
    beta_per_d: float = 0.0032
    source: str = "stein2019tisagenlecleucel"

    def __post_init__(self) -> None:
        check_positive_fields(
            self, "fold_expansion", "tmax_d", "cmax_copies_per_ug", "alpha_per_d", "beta_per_d"
        )
        if self.fold_expansion <= 1:
            raise ValueError(f"fold_expansion must be > 1 (the cells expand), got {self.fold_expansion!r}")
        check_fraction("fraction_persistent", self.fraction_persistent, open_low=True, open_high=True)
        check_source(self.source)

    @property
    def expansion_rate_per_d(self) -> float:
        """ρ = ln(foldx)/Tmax, 1/day."""
        return math.log(self.fold_expansion) / self.tmax_d

    @property
    def initial_copies_per_ug(self) -> float:
        """R₀ = Cmax/foldx, copies/µg."""
        return self.cmax_copies_per_ug / self.fold_expansion


@dataclass(frozen=True)
class SteinIIV:
    """Inter-individual variability of the Stein model: ω² of each parameter on the log scale (Table 1)."""

    fold_expansion: float = 2.4
    tmax_d: float = 0.38
    cmax_copies_per_ug: float = 0.65
    alpha_per_d: float = 0.91
    fraction_persistent: float = 0.8
    beta_per_d: float = 0.86
    residual_sd_log: float = 0.56
    source: str = "stein2019tisagenlecleucel"

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name != "source":
                check_nonnegative(f.name, getattr(self, f.name))
        check_source(self.source)


#: Typical tisagenlecleucel kinetics in pediatric/young-adult B-ALL (Stein 2019, Table 1).
STEIN_2019 = SteinParams()
#: Their inter-individual variability (ω², log scale) and residual error (Stein 2019, Table 1).
STEIN_2019_IIV = SteinIIV()


def doubling_time_d(params: SteinParams = STEIN_2019) -> float:
    """Doubling time during expansion, ln2/ρ, days (0.78 d for the typical patient)."""
    return math.log(2) / params.expansion_rate_per_d


def decline_half_life_d(params: SteinParams = STEIN_2019) -> float:
    """Half-life of the initial decline, ln2/α, days (4.3 d)."""
    return math.log(2) / params.alpha_per_d


def terminal_half_life_d(params: SteinParams = STEIN_2019) -> float:
    """Half-life of the persistence phase, ln2/β, days (about 217 d; an extrapolation)."""
    return math.log(2) / params.beta_per_d


def stein_closed_form(t_d: ArrayLike, params: SteinParams = STEIN_2019) -> NDArray[np.float64]:
    """Transgene level (copies/µg) at times ``t_d`` (days ≥ 0), from the closed form of the model."""
    t = np.asarray(t_d, dtype=float)
    if np.any(t < 0):
        raise ValueError("t_d must be ≥ 0 days (time since infusion)")
    p = params
    tau = np.maximum(t - p.tmax_d, 0.0)
    before = p.initial_copies_per_ug * np.exp(p.expansion_rate_per_d * np.minimum(t, p.tmax_d))
    after = p.cmax_copies_per_ug * (
        (1 - p.fraction_persistent) * np.exp(-p.alpha_per_d * tau)
        + p.fraction_persistent * np.exp(-p.beta_per_d * tau)
    )
    return np.where(t < p.tmax_d, before, after)


def stein_ode(
    t_d: ArrayLike, params: SteinParams = STEIN_2019
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Effector E and memory M (copies/µg) at ``t_d`` (sorted, ≥ 0), solving the ODEs with ``solve_ivp``."""
    t = np.asarray(t_d, dtype=float)
    if np.any(t < 0) or np.any(np.diff(t) < 0):
        raise ValueError("t_d must be sorted times ≥ 0 days")
    p = params
    k = p.fraction_persistent * (p.alpha_per_d - p.beta_per_d)
    e = np.empty_like(t)
    m = np.zeros_like(t)
    from scipy.integrate import solve_ivp  # lazy: 0.3 s to import, paid only when solving

    early = t < p.tmax_d
    if early.any():
        sol = solve_ivp(
            lambda _t, y: [p.expansion_rate_per_d * y[0]],
            (0.0, p.tmax_d),
            [p.initial_copies_per_ug],
            t_eval=t[early],
            rtol=1e-10,
            atol=1e-12,
            method="LSODA",
        )
        e[early] = sol.y[0]
    late = ~early
    if late.any():
        # E(Tmax) = Cmax, M(Tmax) = 0, as in Stein's parameterisation (Cmax is the peak of E + M).
        sol = solve_ivp(
            lambda _t, y: [-p.alpha_per_d * y[0], k * y[0] - p.beta_per_d * y[1]],
            (p.tmax_d, max(float(t[late][-1]), p.tmax_d)),
            [p.cmax_copies_per_ug, 0.0],
            t_eval=t[late],
            rtol=1e-10,
            atol=1e-12,
            method="LSODA",
        )
        e[late], m[late] = sol.y[0], sol.y[1]
    return e, m


def sample_individuals(
    n: int, seed: int, params: SteinParams = STEIN_2019, iiv: SteinIIV = STEIN_2019_IIV
) -> list[SteinParams]:
    """Draw ``n`` individual parameter sets: θᵢ = θ·exp(ηᵢ), ηᵢ ~ Normal(0, ω²), with ``seed``.

    The same seed always gives the same individuals. A draw that breaks a constraint of the model
    (foldx ≤ 1 or FB ≥ 1, rare) is drawn again.
    """
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a whole number ≥ 1, got {n!r}")
    rng = np.random.default_rng(seed)
    names = [
        "fold_expansion",
        "tmax_d",
        "cmax_copies_per_ug",
        "alpha_per_d",
        "fraction_persistent",
        "beta_per_d",
    ]
    sd = np.sqrt([getattr(iiv, name) for name in names])
    out: list[SteinParams] = []
    while len(out) < n:
        eta = rng.normal(0.0, sd)
        values = {name: getattr(params, name) * math.exp(e) for name, e in zip(names, eta, strict=True)}
        if values["fold_expansion"] <= 1 or values["fraction_persistent"] >= 1:
            continue
        out.append(replace(params, **values))
    return out


def stein_spec(n_individuals: int = 0, seed: int = 1) -> PlotSpec:
    """Plot spec: the typical Stein curve (log scale) and, optionally, ``n_individuals`` sampled patients."""
    t = np.linspace(0.0, 365.0, 731)
    t = np.union1d(t, [STEIN_2019.tmax_d])
    typical = stein_closed_form(t)
    series = [
        Series(t, typical, label="typical patient (Stein 2019)", color=OKABE_ITO["blue"], linewidth=2.5)
    ]
    people = sample_individuals(n_individuals, seed) if n_individuals else []
    for i, p in enumerate(people):
        series.append(
            Series(
                t,
                stein_closed_form(t, p),
                label="sampled patients" if i == 0 else None,
                color=OKABE_ITO["sky_blue"],
                linestyle="--",
                linewidth=0.9,
            )
        )
    notes = [
        Note(
            STEIN_2019.tmax_d + 3,
            STEIN_2019.cmax_copies_per_ug,
            f"peak {STEIN_2019.cmax_copies_per_ug:,.0f} copies/µg at day {STEIN_2019.tmax_d:g}",
            va="center",
        ),
        Note(
            0.98,
            0.05,
            f"doubling {doubling_time_d():.2f} d; decline t½ {decline_half_life_d():.1f} d; "
            f"terminal t½ ≈ {terminal_half_life_d():.0f} d",
            coords="axes",
            ha="right",
        ),
    ]
    panel = Panel(
        series,
        xlabel="time since infusion (days)",
        ylabel="CAR transgene (copies/µg DNA, log)",
        yscale="log",
        xlim=(0, 365),
        ylim=(1, 1e6),
        notes=notes,
        legend_loc="upper right",
    )
    alt = (
        f"Log-scale transgene level over one year. The typical curve starts at "
        f"{STEIN_2019.initial_copies_per_ug:.1f} copies/µg, doubles every {doubling_time_d():.2f} days to a peak "
        f"of 24,000 on day 9.3, falls with a half-life of {decline_half_life_d():.1f} days, then flattens into a "
        f"slow persistence phase near {STEIN_2019.cmax_copies_per_ug * STEIN_2019.fraction_persistent:.0f} "
        f"copies/µg."
    )
    if people:
        alt += f" {len(people)} dashed curves show sampled patients, whose peaks and persistence vary widely."
    caption = "Stein 2019 model of tisagenlecleucel kinetics with its Table 1 typical values" + (
        f"; dashed: {len(people)} patients **simulated** from its inter-individual variability (seed {seed})."
        if people
        else "."
    )
    return PlotSpec([panel], alt=alt, caption=caption, extra={"individuals": people})


def plot_stein(n_individuals: int = 0, seed: int = 1) -> Figure:
    """Figure of the Stein model (see :func:`stein_spec`)."""
    return render(stein_spec(n_individuals, seed))


# -- illustrative CAR T–leukemia model ----------------------------------------------------------------


@dataclass(frozen=True)
class CarTLeukemiaParams:
    """*Illustrative* parameters of the CAR T–leukemia model (cells are whole-body counts; time in days).

    Attributes
    ----------
    leukemia_cells
        Leukemia burden at infusion, cells (> 0).
    antigen_negative_fraction
        Fraction of it that lacks the target antigen (e.g. CD19-negative), in [0, 1).
    car_t_dose_cells
        CAR T cells infused, cells (> 0).
    leukemia_growth_per_d
        Net growth rate of leukemia far below carrying capacity, 1/day (> 0).
    carrying_capacity_cells
        Largest leukemia burden, cells (> 0).
    max_kill_per_d
        Largest per-cell kill rate of antigen-positive leukemia, 1/day (≥ 0).
    kill_half_sat_cells
        CAR T count giving half the largest kill rate, cells (> 0).
    expansion_per_d
        Largest CAR T expansion rate with plenty of antigen, 1/day (≥ 0).
    antigen_half_sat_cells
        Antigen-positive leukemia count giving half that expansion, cells (> 0).
    car_t_loss_per_d
        CAR T loss rate, 1/day (> 0); ln2/loss is their persistence half-life.
    source
        Bibtex key of the model form this illustration borrows (the killing term of Kimmel 2021).
    """

    leukemia_cells: float = 1e11
    antigen_negative_fraction: float = 1e-5
    car_t_dose_cells: float = 1e8
    leukemia_growth_per_d: float = 0.06
    carrying_capacity_cells: float = 1e12
    max_kill_per_d: float = 1.0
    kill_half_sat_cells: float = 1e9
    expansion_per_d: float = 0.9
    antigen_half_sat_cells: float = 1e10
    car_t_loss_per_d: float = 0.02
    source: str = "kimmel2021roles"

    def __post_init__(self) -> None:
        check_positive_fields(
            self,
            "leukemia_cells",
            "car_t_dose_cells",
            "leukemia_growth_per_d",
            "carrying_capacity_cells",
            "kill_half_sat_cells",
            "antigen_half_sat_cells",
            "car_t_loss_per_d",
        )
        check_nonnegative("max_kill_per_d", self.max_kill_per_d)
        check_nonnegative("expansion_per_d", self.expansion_per_d)
        check_fraction("antigen_negative_fraction", self.antigen_negative_fraction, open_high=True)
        check_at_most(self, "leukemia_cells", "carrying_capacity_cells")
        check_source(self.source)


@dataclass(frozen=True)
class LeukemiaResult:
    """Course of the illustrative model: times (days) and cell counts (0 once a population is extinct)."""

    t_d: NDArray[np.float64]
    antigen_positive: NDArray[np.float64]
    antigen_negative: NDArray[np.float64]
    car_t: NDArray[np.float64]
    params: CarTLeukemiaParams

    @property
    def total_leukemia(self) -> NDArray[np.float64]:
        """Antigen-positive + antigen-negative leukemia cells."""
        return self.antigen_positive + self.antigen_negative

    def first_time_below(self, cells: float) -> float | None:
        """First day on which total leukemia is below ``cells`` (``None`` if never)."""
        idx = np.flatnonzero(self.total_leukemia < cells)
        return float(self.t_d[idx[0]]) if idx.size else None

    def relapse_day(self, cells: float = 1e9) -> float | None:
        """First day, after falling below ``cells``, on which total leukemia climbs back above it."""
        low = self.first_time_below(cells)
        if low is None:
            return None
        idx = np.flatnonzero((self.t_d > low) & (self.total_leukemia >= cells))
        return float(self.t_d[idx[0]]) if idx.size else None


@lru_cache(maxsize=32)
def simulate_leukemia(
    params: CarTLeukemiaParams = CarTLeukemiaParams(), t_end_d: float = 365.0, points_per_d: float = 2.0
) -> LeukemiaResult:
    """Solve the illustrative model on log-transformed counts with ``solve_ivp``.

    Equations (L⁺ antigen-positive, L⁻ antigen-negative leukemia, C CAR T cells, L = L⁺ + L⁻):

    * dL⁺/dt = r·L⁺·(1 − L/K) − kmax·C/(C + c₅₀)·L⁺
    * dL⁻/dt = r·L⁻·(1 − L/K)
    * dC/dt = ρ·C·L⁺/(L⁺ + a₅₀) − δ·C

    A population that falls below one cell is set to zero (extinct) and stays there. Results are cached
    by their (frozen) parameters; treat the returned arrays as read-only.
    """
    p = params
    check_positive("t_end_d", t_end_d)
    lp0 = p.leukemia_cells * (1 - p.antigen_negative_fraction)
    ln0 = p.leukemia_cells * p.antigen_negative_fraction

    def rhs(_t: float, y: NDArray[np.float64], mask: NDArray[np.bool_]) -> NDArray[np.float64]:
        lp, ln, c = cells(y, mask)
        room = 1.0 - (lp + ln) / p.carrying_capacity_cells
        kill = p.max_kill_per_d * c / (c + p.kill_half_sat_cells)
        return np.array(
            [
                p.leukemia_growth_per_d * room - kill,
                p.leukemia_growth_per_d * room,
                p.expansion_per_d * lp / (lp + p.antigen_half_sat_cells) - p.car_t_loss_per_d,
            ]
        )

    grid = np.linspace(0.0, t_end_d, round(t_end_d * points_per_d) + 1)
    course = populations.solve(
        rhs,
        (0.0, t_end_d),
        np.log(np.maximum([lp0, ln0, p.car_t_dose_cells], 1e-300)),
        [lp0 >= EXTINCT_CELLS, ln0 >= EXTINCT_CELLS, True],
        lambda start, end: grid[(grid >= start) & (grid <= end)],
        mortal=(0, 1, 2),
        rtol=1e-7,
        atol=1e-9,
    )
    t, counts_all = course.t, course.counts
    return LeukemiaResult(t, counts_all[0], counts_all[1], counts_all[2], p)


def leukemia_spec(
    antigen_negative_fraction: float = 1e-5,
    car_t_persistence_d: float = 35.0,
    leukemia_cells: float = 1e11,
    car_t_dose_cells: float = 1e8,
) -> PlotSpec:
    """Plot spec of the illustrative model: leukemia (antigen-positive, -negative) and CAR T over a year."""
    p = CarTLeukemiaParams(
        leukemia_cells=leukemia_cells,
        antigen_negative_fraction=antigen_negative_fraction,
        car_t_dose_cells=car_t_dose_cells,
        car_t_loss_per_d=math.log(2) / car_t_persistence_d,
    )
    res = simulate_leukemia(p)
    floor = 0.1
    detect = 1e9
    series = [
        Series(res.t_d, gaps(res.antigen_positive), label="antigen-positive leukemia", color=CYCLE[0]),
        Series(
            res.t_d,
            gaps(res.antigen_negative),
            label="antigen-negative leukemia",
            color=CYCLE[1],
            linestyle="--",
        ),
        Series(res.t_d, gaps(res.car_t), label="CAR T cells", color=CYCLE[2], linestyle="-."),
        Series([0], [detect], color="#555555", linestyle=":", linewidth=1.0, kind="hline"),
    ]
    relapse = res.relapse_day(detect)
    if res.first_time_below(detect) is None:
        story = "no remission: leukemia never falls below the detection limit"
    elif relapse is None:
        story = "remission lasting the whole year"
    else:
        kind = (
            "antigen-negative"
            if res.antigen_negative[res.t_d >= relapse][0] > res.antigen_positive[res.t_d >= relapse][0]
            else "antigen-positive"
        )
        story = f"{kind} relapse on day {relapse:.0f}"
    notes = [
        Note(364, detect * 1.5, "illustrative detection limit", ha="right"),
        Note(0.98, 0.03, story, coords="axes", ha="right", va="bottom"),
    ]
    panel = Panel(
        series,
        xlabel="time since CAR T infusion (days)",
        ylabel="cells in the body (log)",
        yscale="log",
        xlim=(0, 365),
        ylim=(floor, 1e13),
        notes=notes,
        legend_loc="upper right",
    )
    nadir = float(res.antigen_positive.min())
    alt = (
        f"Log-scale cell counts over one year. CAR T cells expand from {power_of_ten(car_t_dose_cells)} cells while they meet "
        f"antigen-positive leukemia, which falls from {power_of_ten(leukemia_cells)} cells to "
        f"{'extinction' if nadir < 1 else f'{power_of_ten(nadir)} cells'}. Antigen-negative leukemia, starting at "
        f"{power_of_ten(leukemia_cells * antigen_negative_fraction)} cells, is not attacked. Outcome: {story}."
    )
    caption = (
        "**Illustrative** CAR T–leukemia model (hand-picked parameters, not fitted to patients): "
        f"antigen-negative fraction {power_of_ten(antigen_negative_fraction)}, CAR T persistence half-life "
        f"{car_t_persistence_d:g} days."
    )
    return PlotSpec(
        [panel], alt=alt, caption=caption, extra={"result": res, "relapse_day": relapse, "story": story}
    )


def plot_leukemia(antigen_negative_fraction: float = 1e-5, car_t_persistence_d: float = 35.0) -> Figure:
    """Figure of the illustrative CAR T–leukemia model (see :func:`leukemia_spec`)."""
    return render(leukemia_spec(antigen_negative_fraction, car_t_persistence_d))


@register_explorer(chapter=5, summary="CAR T expansion, contraction and persistence; antigen escape")
def explorer() -> Explorer:
    """Explorer of the illustrative CAR T–leukemia model; static frames vary the antigen-negative fraction."""
    return Explorer(
        title="CAR T cells and antigen-negative escape (illustrative)",
        controls=[
            Control(
                "antigen_negative_fraction",
                "antigen-negative fraction at infusion",
                1e-5,
                1e-9,
                1e-1,
                step=0.25,
                scale="log",
                fmt="{p10}",
            ),
            Control(
                "car_t_persistence_d",
                "CAR T persistence half-life (days)",
                35.0,
                2.0,
                200.0,
                step=1.0,
                fmt="{:g} days",
            ),
            Control(
                "leukemia_cells",
                "leukemia at infusion (cells)",
                1e11,
                1e8,
                5e11,
                step=0.1,
                scale="log",
                fmt="{p10} cells",
            ),
            Control(
                "car_t_dose_cells",
                "CAR T dose (cells)",
                1e8,
                1e6,
                1e9,
                step=0.1,
                scale="log",
                fmt="{p10} cells",
            ),
        ],
        spec=leukemia_spec,
        frame_control="antigen_negative_fraction",
        frame_values=(1e-9, 1e-7, 1e-5, 1e-3, 1e-1),
    )
