"""Cell populations solved on log-transformed counts, where a population below one cell is extinct.

The CAR T-cell leukemia model (:mod:`.cart_kinetics`) and the chemotherapy-plus-effector model
(:mod:`.combination`) both write d(log N)/dt for a few populations and let :func:`solve` integrate it:
when a population that can die falls below :data:`EXTINCT_CELLS` the solve stops there, the population
is set to zero for good (the model is continuous; cells are not), and the solve restarts from that
moment.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["EXTINCT_CELLS", "Course", "cells", "gaps", "solve"]

#: A population below one cell is extinct.
EXTINCT_CELLS = 1.0

Rhs = Callable[[float, NDArray[np.float64], NDArray[np.bool_]], NDArray[np.float64] | list[float]]


def cells(y_log: NDArray[np.float64], alive: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Counts from log-counts (rows: populations), zero where a population is extinct."""
    return np.where(alive, np.exp(np.minimum(y_log, 700.0)), 0.0)


def gaps(counts: NDArray[np.float64]) -> NDArray[np.float64]:
    """Counts with extinct (zero) stretches as NaN, so a log plot stops the line there."""
    return np.where(counts > 0, counts, np.nan)


@dataclass(frozen=True)
class Course:
    """A solved stretch: times, counts (one row per population), and the state at its end."""

    t: NDArray[np.float64]
    counts: NDArray[np.float64]
    y_end: NDArray[np.float64]  #: log-counts at the end
    alive: NDArray[np.bool_]  #: which populations are still alive at the end


def solve(
    rhs: Rhs,
    span: tuple[float, float],
    y_log: Sequence[float] | NDArray[np.float64],
    alive: Sequence[bool] | NDArray[np.bool_],
    t_eval: Callable[[float, float], NDArray[np.float64]],
    *,
    mortal: Sequence[int],
    rtol: float,
    atol: float,
) -> Course:
    """Integrate ``rhs(t, y_log, alive)`` (LSODA) over ``span``, making populations extinct as they die.

    ``t_eval(start, end)`` gives the output times of each restart; ``mortal`` lists the populations
    that can go extinct.
    """
    alive = np.array(alive, dtype=bool)
    y = np.array(y_log, dtype=float)

    def extinction(i: int) -> Callable[[float, NDArray[np.float64], NDArray[np.bool_]], float]:
        def event(_t: float, y: NDArray[np.float64], mask: NDArray[np.bool_]) -> float:
            return y[i] - math.log(EXTINCT_CELLS) if mask[i] else 1.0

        event.terminal = True  # type: ignore[attr-defined]
        event.direction = -1  # type: ignore[attr-defined]
        return event

    events = [extinction(i) for i in mortal]
    start, end = span
    ts, counts = [], []
    from scipy.integrate import solve_ivp  # lazy: 0.3 s to import, paid only when solving

    while True:
        sol = solve_ivp(
            rhs,
            (start, end),
            y,
            t_eval=t_eval(start, end),
            args=(alive.copy(),),
            method="LSODA",
            rtol=rtol,
            atol=atol,
            events=events if alive[list(mortal)].any() else None,
        )
        if not sol.success:  # pragma: no cover - smooth ODE
            raise RuntimeError(f"solve_ivp failed: {sol.message}")
        ts.append(sol.t)
        counts.append(cells(sol.y, alive[:, None]))
        if sol.status != 1:
            y = sol.y[:, -1]
            break
        hit = [mortal[k] for k, ev in enumerate(sol.t_events) if ev.size]
        k0 = next(k for k, ev in enumerate(sol.t_events) if ev.size)
        start = float(sol.t_events[k0][0])
        y = sol.y_events[k0][0].copy()
        alive[hit] = False
    return Course(np.concatenate(ts), np.concatenate(counts, axis=1), y, alive)
