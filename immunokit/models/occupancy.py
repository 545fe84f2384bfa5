"""Receptor occupancy: the fraction of a target bound by an antibody at equilibrium.

For a ligand at free concentration C binding a receptor with dissociation constant Kd (simple 1:1
binding, ligand in excess), the bound fraction is

    θ = C / (C + Kd),

so θ = ½ exactly when C = Kd, θ = 0.9 at C = 9·Kd and θ = 0.99 at C = 99·Kd. The default parameter set
is rituximab binding CD20, Kd ≈ 8 nM (Rituxan label). The same function serves checkpoint
antibodies (chapter 6) with their own Kd.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..display import Figure
from ..interactive.explorer import Control, Explorer
from ..interactive.plotspec import Note, Panel, PlotSpec, Series, render
from ..interactive.registry import register_explorer
from ..style import OKABE_ITO
from .units import check_fraction, check_positive, check_source

__all__ = [
    "RITUXIMAB_CD20",
    "BindingParams",
    "concentration_for_occupancy",
    "explorer",
    "fraction_bound",
    "mg_per_l_to_nm",
    "occupancy_spec",
    "plot_occupancy",
]


@dataclass(frozen=True)
class BindingParams:
    """A 1:1 binding pair.

    Attributes
    ----------
    kd_nm
        Equilibrium dissociation constant, nM (> 0).
    molecular_weight_kda
        Molecular weight of the antibody, kDa (> 0), to convert mg/L to nM.
    name
        What binds what, e.g. ``"rituximab–CD20"``.
    source
        Bibtex key of the source of ``kd_nm``.
    """

    kd_nm: float = 8.0
    molecular_weight_kda: float = 145.0
    name: str = "rituximab–CD20"
    source: str = "genentech1997rituxan"

    def __post_init__(self) -> None:
        check_positive("kd_nm", self.kd_nm)
        check_positive("molecular_weight_kda", self.molecular_weight_kda)
        check_source(self.source)


#: Rituximab binding CD20: Kd about 8.0 nM and about 145 kDa (both from the original Rituxan label).
RITUXIMAB_CD20 = BindingParams()


def _sig3(x: float) -> str:
    """Three significant digits without e-notation, which text (and screen readers) should not show:
    1150 → "1,150", 0.0123 → "0.0123"."""
    return f"{float(f'{x:.3g}'):,.15g}"


def fraction_bound(c_nm: ArrayLike, kd_nm: float = RITUXIMAB_CD20.kd_nm) -> NDArray[np.float64]:
    """Fraction of receptors bound, C / (C + Kd).

    Parameters
    ----------
    c_nm
        Free antibody concentration(s), nM (≥ 0).
    kd_nm
        Dissociation constant, nM (> 0). Default: rituximab–CD20, 8 nM.

    Returns
    -------
    numpy.ndarray
        Fraction bound, between 0 and 1 (same shape as ``c_nm``).
    """
    check_positive("kd_nm", kd_nm)
    c = np.asarray(c_nm, dtype=float)
    if np.any(~np.isfinite(c)) or np.any(c < 0):
        raise ValueError(f"c_nm must be finite concentrations ≥ 0 nM, got {c_nm!r}")
    return c / (c + kd_nm)


def concentration_for_occupancy(fraction: float, kd_nm: float = RITUXIMAB_CD20.kd_nm) -> float:
    """Free concentration (nM) that binds ``fraction`` of the receptors: Kd · θ / (1 − θ)."""
    check_fraction("fraction", fraction, open_high=True)
    check_positive("kd_nm", kd_nm)
    return kd_nm * fraction / (1.0 - fraction)


def mg_per_l_to_nm(
    c_mg_per_l: ArrayLike, molecular_weight_kda: float = RITUXIMAB_CD20.molecular_weight_kda
) -> NDArray[np.float64]:
    """Convert a mass concentration (mg/L = µg/mL) into a molar one (nM): C · 10⁶ / (MW in g/mol)."""
    check_positive("molecular_weight_kda", molecular_weight_kda)
    return np.asarray(c_mg_per_l, dtype=float) * 1e3 / molecular_weight_kda


def occupancy_spec(
    kd_nm: float = RITUXIMAB_CD20.kd_nm,
    reference_kd_nm: float | None = RITUXIMAB_CD20.kd_nm,
    name: str = RITUXIMAB_CD20.name,
) -> PlotSpec:
    """Plot spec: fraction bound against concentration (log axis) for ``kd_nm``, with the C = Kd point.

    ``reference_kd_nm`` draws a second, dashed curve for comparison (the rituximab value by default;
    ``None`` for none).
    """
    check_positive("kd_nm", kd_nm)
    c = np.logspace(-2, 4, 121)
    theta = fraction_bound(c, kd_nm)
    blue, orange = OKABE_ITO["blue"], OKABE_ITO["vermillion"]
    series = [Series(c, theta, label=f"Kd = {_sig3(kd_nm)} nM", color=blue)]
    show_ref = reference_kd_nm is not None
    if reference_kd_nm is not None:
        series.append(
            Series(
                c,
                fraction_bound(c, reference_kd_nm),
                label=f"{name}, Kd = {reference_kd_nm:g} nM",
                color=orange,
                linestyle="--",
                linewidth=1.5,
            )
        )
    series += [
        Series([0, 1], [0.5], color="#555555", linestyle=":", linewidth=1.0, kind="hline"),
        Series([kd_nm, kd_nm], [0.0, 0.5], color=blue, linestyle=":", linewidth=1.0),
        Series([kd_nm], [0.5], color=blue, marker="o", linestyle="none"),
    ]
    c90 = concentration_for_occupancy(0.9, kd_nm)
    notes = [
        Note(kd_nm * 1.25, 0.45, f"half bound at C = Kd = {_sig3(kd_nm)} nM", va="top"),
        Note(0.02, 0.93, f"90% bound at C = 9·Kd = {_sig3(c90)} nM", coords="axes", va="top"),
    ]
    panel = Panel(
        series,
        xlabel="free antibody concentration (nM, log scale)",
        ylabel="fraction of target bound",
        xscale="log",
        xlim=(1e-2, 1e4),
        ylim=(0, 1.02),
        notes=notes,
        legend_loc="lower right",
    )
    alt = (
        f"S-shaped curve on a log concentration axis: the fraction of target bound rises from near 0 at "
        f"0.01 nM to near 1 at 10,000 nM. With Kd = {_sig3(kd_nm)} nM half the target is bound at "
        f"{_sig3(kd_nm)} nM and 90% at {_sig3(c90)} nM."
    )
    if show_ref:
        alt += f" A dashed curve shows {name} (Kd = {reference_kd_nm:g} nM) for comparison."
    caption = (
        f"Equilibrium occupancy θ = C/(C + Kd) for Kd = {_sig3(kd_nm)} nM. Occupancy is ½ at C = Kd "
        f"whatever the antibody; {name} Kd ≈ 8 nM from the Rituxan label."
    )
    return PlotSpec([panel], alt=alt, caption=caption, height_in=3.6, extra={"kd_nm": kd_nm, "c90_nm": c90})


def plot_occupancy(kd_nm: float = RITUXIMAB_CD20.kd_nm) -> Figure:
    """Figure of fraction bound against concentration (see :func:`occupancy_spec`)."""
    return render(occupancy_spec(kd_nm))


@register_explorer(chapter=3, summary="receptor occupancy C/(C + Kd) and its dose–response")
def explorer(kd_nm: float = RITUXIMAB_CD20.kd_nm) -> Explorer:
    """Explorer of occupancy against Kd; static frames: Kd from 0.5 to 512 nM, a factor 4 apart (8 nM included)."""
    return Explorer(
        title="Receptor occupancy and affinity",
        controls=[Control("kd_nm", "Kd (nM)", kd_nm, 0.1, 1000.0, step=0.05, scale="log", fmt="{:g} nM")],
        spec=lambda kd_nm: occupancy_spec(kd_nm),
        frame_control="kd_nm",
        frame_values=(0.5, 2.0, 8.0, 32.0, 128.0, 512.0),
    )
