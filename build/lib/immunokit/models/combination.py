"""Chemotherapy plus an immune effector: an *illustrative* model for the combination chapter.

Chemotherapy is given as pulses at the start of each cycle. Each pulse kills a fixed *fraction* of the
leukemia cells whatever their number (the log-kill hypothesis of Skipper and colleagues): a log-kill of
2 leaves 1 % of them. Between pulses the leukemia regrows (logistic growth). An immune effector
population (for instance T cells redirected by a T-cell engager, or CAR T cells) kills leukemia cells
at a rate that saturates with the number of effectors, is sustained by a small steady supply and
expands on contact with leukemia; chemotherapy also depletes a fraction of the effectors at each
pulse (lymphotoxicity).

Between pulses (days; N leukemia cells, E effector cells):

* dN/dt = r·N·(1 − N/K) − kmax·E/(E + e₅₀)·N
* dE/dt = s + ρ·E·N/(N + h)·(1 − E/E_max) − δ·E

at each pulse N → N·10^(−log kill) and E → E·(1 − depletion). A population below one cell is extinct.
**All parameters are illustrative** (hand-picked to show the ideas, not fitted to any trial). Fractional
kill alone reaches extinction when the net log reduction per cycle (log kill minus the logs regrown
between pulses) is positive over enough cycles; with the defaults it is about 1.5 logs per cycle, so six
cycles stop short and eight reach extinction. Drug-resistant and quiescent stem-like cells, which make it
fail in patients, are not modelled. An effector that keeps working after chemotherapy can clear the last
cells — the logic of adding immunotherapy when minimal residual disease is low.

Solved with :func:`scipy.integrate.solve_ivp` cycle by cycle, on log-transformed counts.
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
from ..interactive.plotspec import Note, Panel, PlotSpec, Series, power_of_ten, render
from ..interactive.registry import register_explorer
from ..style import CYCLE
from . import _populations as populations
from ._populations import EXTINCT_CELLS, gaps
from .units import (
    check_at_most,
    check_fraction,
    check_nonnegative,
    check_positive,
    check_positive_fields,
    check_source,
)

__all__ = [
    "CombinationParams",
    "CombinationResult",
    "combination_spec",
    "explorer",
    "plot_combination",
    "simulate",
]


@dataclass(frozen=True)
class CombinationParams:
    """*Illustrative* parameters (cells are whole-body counts; time in days).

    Attributes
    ----------
    leukemia_cells
        Leukemia burden at the first cycle, cells (> 0).
    growth_per_d
        Leukemia growth rate far below capacity r, 1/day (> 0).
    carrying_capacity_cells
        K, cells (> 0).
    log_kill
        Log₁₀ reduction per chemotherapy pulse (≥ 0): 2 kills 99 %.
    cycles
        Number of chemotherapy cycles (≥ 0).
    cycle_days
        Days between pulses (> 0).
    effector_cells
        Effector cells at the start, cells (≥ 0).
    max_kill_per_d
        kmax, largest per-cell kill rate by effectors, 1/day (≥ 0); 0 = chemotherapy alone.
    kill_half_sat_cells
        e₅₀, effector count giving half of kmax, cells (> 0).
    effector_supply_per_d
        s, effector cells supplied per day (≥ 0).
    effector_expansion_per_d
        ρ, largest expansion rate of effectors on contact with leukemia, 1/day (≥ 0).
    expansion_half_sat_cells
        h, leukemia count giving half of ρ, cells (> 0).
    effector_capacity_cells
        E_max, the most effector cells the body holds, cells (> 0).
    effector_loss_per_d
        δ, effector loss rate, 1/day (> 0).
    effector_depletion
        Fraction of effectors killed by each chemotherapy pulse, in [0, 1].
    source
        Bibtex key of the log-kill idea.
    """

    leukemia_cells: float = 1e12
    growth_per_d: float = 0.05
    carrying_capacity_cells: float = 2e12
    log_kill: float = 2.0
    cycles: int = 6
    cycle_days: float = 21.0
    effector_cells: float = 1e9
    max_kill_per_d: float = 0.15
    kill_half_sat_cells: float = 1e9
    effector_supply_per_d: float = 2e7
    effector_expansion_per_d: float = 0.3
    expansion_half_sat_cells: float = 1e6
    effector_capacity_cells: float = 5e10
    effector_loss_per_d: float = 0.05
    effector_depletion: float = 0.5
    source: str = "trainalogkill"

    def __post_init__(self) -> None:
        check_positive_fields(
            self,
            "leukemia_cells",
            "growth_per_d",
            "carrying_capacity_cells",
            "cycle_days",
            "kill_half_sat_cells",
            "expansion_half_sat_cells",
            "effector_capacity_cells",
            "effector_loss_per_d",
        )
        for name in (
            "log_kill",
            "effector_cells",
            "max_kill_per_d",
            "effector_supply_per_d",
            "effector_expansion_per_d",
        ):
            check_nonnegative(name, getattr(self, name))
        if isinstance(self.cycles, bool) or not isinstance(self.cycles, int) or self.cycles < 0:
            raise ValueError(f"cycles must be a whole number ≥ 0, got {self.cycles!r}")
        check_fraction("effector_depletion", self.effector_depletion)
        check_at_most(self, "leukemia_cells", "carrying_capacity_cells")
        check_source(self.source)


@dataclass(frozen=True)
class CombinationResult:
    """Course of the model: times (days), leukemia and effector cells (leukemia 0 once extinct)."""

    t_d: NDArray[np.float64]
    leukemia: NDArray[np.float64]
    effectors: NDArray[np.float64]
    pulse_days: NDArray[np.float64]
    params: CombinationParams

    @property
    def cured(self) -> bool:
        """Whether the leukemia went extinct (below one cell) in the simulated time."""
        return bool(self.leukemia[-1] == 0)

    @property
    def extinction_day(self) -> float | None:
        """Day the leukemia went extinct, or ``None``."""
        idx = np.flatnonzero(self.leukemia == 0)
        return float(self.t_d[idx[0]]) if idx.size else None

    @property
    def nadir_cells(self) -> float:
        """Lowest leukemia count reached (0 if extinct)."""
        return float(self.leukemia.min())


@lru_cache(maxsize=32)
def simulate(
    params: CombinationParams = CombinationParams(), t_end_d: float = 365.0, points_per_d: float = 2.0
) -> CombinationResult:
    """Simulate chemotherapy pulses and the effector population from day 0 to ``t_end_d``.

    Results are cached by their (frozen) parameters, so an explorer that moves one slider re-solves
    only what changed; treat the returned arrays as read-only.
    """
    p = params
    check_positive("t_end_d", t_end_d)
    pulses = np.array([c * p.cycle_days for c in range(p.cycles) if c * p.cycle_days < t_end_d])

    def rhs(_t: float, y: NDArray[np.float64], alive: NDArray[np.bool_]) -> list[float]:
        n = math.exp(min(y[0], 700.0)) if alive[0] else 0.0
        e = math.exp(min(y[1], 700.0))
        kill = p.max_kill_per_d * e / (e + p.kill_half_sat_cells)
        d_log_n = p.growth_per_d * (1 - n / p.carrying_capacity_cells) - kill if alive[0] else 0.0
        d_log_e = (
            p.effector_supply_per_d / e
            - p.effector_loss_per_d
            + p.effector_expansion_per_d
            * n
            / (n + p.expansion_half_sat_cells)
            * (1 - e / p.effector_capacity_cells)
        )
        return [d_log_n, d_log_e]

    n0, e0 = p.leukemia_cells, max(p.effector_cells, 1.0)
    y = np.log([n0, e0])
    alive = np.array([True, True])  # the effectors never go extinct (a steady supply)
    grid = np.linspace(0.0, t_end_d, round(t_end_d * points_per_d) + 1)
    bounds = (
        [*pulses.tolist(), t_end_d] if pulses.size and pulses[0] == 0 else [0.0, *pulses.tolist(), t_end_d]
    )
    ts: list[NDArray[np.float64]] = []
    ns: list[NDArray[np.float64]] = []
    es: list[NDArray[np.float64]] = []
    for lo, hi in itertools.pairwise(bounds):
        if lo in pulses:
            y = y + np.array(
                [
                    -p.log_kill * math.log(10),
                    # all effectors lost: one cell is left, the floor the model starts from too (a log
                    # count of about -700 made the supply term stiff enough to stall the solver)
                    math.log1p(-p.effector_depletion) if p.effector_depletion < 1 else -y[1],
                ]
            )
            if alive[0] and y[0] < math.log(EXTINCT_CELLS):
                alive[0] = False
        course = populations.solve(
            rhs,
            (lo, hi),
            y,
            alive,
            lambda start, end: np.unique(
                np.concatenate([[start], grid[(grid > start) & (grid < end)], [end]])
            ),
            mortal=(0,),
            rtol=1e-6,
            atol=1e-8,
        )
        keep = course.t < hi if hi < t_end_d else np.ones_like(course.t, dtype=bool)
        ts.append(course.t[keep])
        ns.append(course.counts[0][keep])
        es.append(course.counts[1][keep])
        y, alive = course.y_end, course.alive
    t = np.concatenate(ts)
    order = np.argsort(t, kind="stable")
    return CombinationResult(t[order], np.concatenate(ns)[order], np.concatenate(es)[order], pulses, p)


def combination_spec(
    max_kill_per_d: float = 0.15, log_kill: float = 2.0, cycles: int = 6, effector_depletion: float = 0.5
) -> PlotSpec:
    """Plot spec: leukemia and effector cells over a year, with chemotherapy alone for comparison."""
    params = CombinationParams(
        max_kill_per_d=max_kill_per_d,
        log_kill=log_kill,
        cycles=int(cycles),
        effector_depletion=effector_depletion,
    )
    combined = simulate(params)
    chemo = simulate(CombinationParams(max_kill_per_d=0.0, log_kill=log_kill, cycles=int(cycles)))

    def outcome(res: CombinationResult) -> str:
        if res.cured:
            return f"goes extinct on day {res.extinction_day:.0f}"
        return f"regrows (lowest {power_of_ten(res.nadir_cells)} cells)"

    series = [
        Series(
            chemo.t_d,
            gaps(chemo.leukemia),
            label="leukemia, chemotherapy alone",
            color=CYCLE[1],
            linestyle="--",
        ),
        Series(
            combined.t_d, gaps(combined.leukemia), label="leukemia, chemotherapy + effector", color=CYCLE[0]
        ),
        Series(
            combined.t_d,
            combined.effectors,
            label="effector cells",
            color=CYCLE[2],
            linestyle="-.",
            linewidth=1.5,
        ),
        Series([0], [1.0], color="#555555", linestyle=":", linewidth=1.0, kind="hline"),
    ]
    notes = [
        Note(
            0.02,
            0.03,
            f"chemotherapy alone: {outcome(chemo)}; with effector: {outcome(combined)}",
            coords="axes",
        )
    ]
    panel = Panel(
        series,
        xlabel="time since the first cycle (days)",
        ylabel="cells in the body (log)",
        yscale="log",
        xlim=(0, 365),
        ylim=(0.1, 1e13),
        notes=notes,
        legend_loc="upper right",
    )
    alt = (
        f"Log-scale cell counts over a year. {int(cycles)} chemotherapy pulses each cut the leukemia "
        f"{log_kill:g} logs, with regrowth in between. Chemotherapy alone: the leukemia {outcome(chemo)}. "
        f"With an immune effector (largest kill rate {max_kill_per_d:g} per day): the leukemia "
        f"{outcome(combined)}."
    )
    caption = (
        "**Illustrative** model (hand-picked parameters): fractional log-kill chemotherapy every "
        f"{params.cycle_days:g} days, alone or with an immune effector that chemotherapy depletes by "
        f"{effector_depletion:.0%} per pulse."
    )
    return PlotSpec([panel], alt=alt, caption=caption, extra={"combined": combined, "chemo": chemo})


def plot_combination(max_kill_per_d: float = 0.15) -> Figure:
    """Figure of the illustrative combination model (see :func:`combination_spec`)."""
    return render(combination_spec(max_kill_per_d))


@register_explorer(chapter=9, summary="log-kill chemotherapy plus an immune effector population")
def explorer() -> Explorer:
    """Explorer of the combination model; static frames vary the effector's kill rate."""
    return Explorer(
        title="Chemotherapy plus an immune effector (illustrative)",
        controls=[
            Control(
                "max_kill_per_d",
                "effector kill rate (per day)",
                0.15,
                0.0,
                0.5,
                step=0.01,
                fmt="{:g} per day",
            ),
            Control("log_kill", "log-kill per cycle", 2.0, 0.0, 4.0, step=0.1, fmt="{:g} logs"),
            Control("cycles", "chemotherapy cycles", 6, 0, 12, step=1, scale="int", fmt="{:.0f}"),
            Control(
                "effector_depletion",
                "effectors lost per pulse (fraction)",
                0.5,
                0.0,
                0.99,
                step=0.01,
                fmt="{:.0%}",
            ),
        ],
        spec=combination_spec,
        frame_control="max_kill_per_d",
        frame_values=(0.0, 0.05, 0.1, 0.15, 0.2, 0.3),
    )
