"""Diagram of chapter 8: the cytokine release syndrome (CRS) cascade and where its treatments act.

Sources (course fact sheet, ``shared/curriculum/facts.md`` §7.1 and §10): engaged T cells (CAR T or
engager-redirected) release IFN-γ, GM-CSF and TNF; these activate monocytes/macrophages and
endothelium, which make large amounts of IL-6 (and IL-1), causing capillary leak, fever, hypotension
and hypoxia; ASTCT grading uses fever, hypotension and hypoxia. Tocilizumab is an antibody against the
IL-6 *receptor*, not IL-6; corticosteroids are added when CRS does not improve or worsens (Kymriah
label) and suppress the response broadly.
"""

from __future__ import annotations

from typing import Final

from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from ..interactive.registry import register_diagram
from ..interactive.stepper import Stepper
from ..style import OKABE_ITO
from .kit import (
    COLORS,
    SMALL_SIZE,
    Z_CELL,
    Point,
    Step,
    annotate,
    antibody,
    arrow,
    block_mark,
    callout_box,
    cell,
    cytokines,
    highlight,
    inhibit,
    label,
    receptor,
    scene,
    stepper,
    tint,
)

__all__ = ["crs_cascade"]

CRS_STEPS: Final[tuple[Step, ...]] = (
    Step(
        "Engaged T cells",
        "CRS starts with T cells that have engaged their target, CAR T cells or T cells redirected by an "
        "engager. They release IFN-γ, GM-CSF and TNF.",
        "A T cell engaged with a leukemia cell releases the cytokines IFN-γ, GM-CSF and TNF.",
    ),
    Step(
        "Macrophages amplify",
        "IFN-γ and GM-CSF activate monocytes and macrophages (and the endothelium), which release large "
        "amounts of IL-6 and IL-1: the cascade amplifies.",
        "The cytokines from the T cell reach a macrophage, which is activated and releases much larger amounts "
        "of IL-6 and IL-1.",
    ),
    Step(
        "Endothelium and symptoms",
        "IL-6 and the other cytokines act on the blood-vessel lining (endothelium): capillary leak, fever, low "
        "blood pressure and low oxygen. ASTCT grading uses fever, hypotension and hypoxia.",
        "IL-6 binds its receptor at the blood-vessel wall; the endothelial cells separate and fluid leaks out, "
        "leading to fever, low blood pressure and low oxygen.",
    ),
    Step(
        "Tocilizumab",
        "Tocilizumab binds the IL-6 *receptor*, not IL-6 itself, so IL-6 can no longer signal. It is the "
        "first-line drug for CRS.",
        "Tocilizumab antibodies sit on the IL-6 receptors at the vessel wall; IL-6 cannot bind them, shown by a "
        "cross on the IL-6 signal.",
    ),
    Step(
        "Corticosteroids",
        "Corticosteroids damp the whole response, acting on T cells and macrophages alike. They are added when "
        "CRS does not improve after tocilizumab or gets worse.",
        "A corticosteroid box sends inhibition arrows to both the T cell and the macrophage, damping the whole "
        "cascade.",
    ),
)

_SIZE: Final = (7.2, 3.7)


_CY: Final[float] = 2.15


def _cascade(ax: Axes, lit: frozenset[str], *, leaky: bool = False) -> list[Point]:
    """The whole cascade, left to right; the parts named in ``lit`` are in full colour, the rest faded.

    Parts: ``"t cell"``, ``"first wave"`` (IFN-γ, GM-CSF, TNF), ``"macrophage"``, ``"second wave"``
    (IL-6, IL-1) and ``"endothelium"``. ``leaky`` opens gaps in the vessel wall. Returns the tips of the
    IL-6 receptors.
    """

    def alpha(part: str) -> float:
        return 1.0 if part in lit else 0.6

    _t_cell_and_first_wave(ax, alpha("t cell"), alpha("first wave"))
    _macrophage_and_second_wave(ax, alpha("macrophage"), alpha("second wave"))
    return _vessel_wall(ax, alpha("endothelium"), leaky=leaky)


def _t_cell_and_first_wave(ax: Axes, cell_alpha: float, wave_alpha: float) -> None:
    """The engaged T cell and its target, then the IFN-γ, GM-CSF and TNF it releases."""
    cy = _CY
    t_cell = cell(
        ax, (0.95, cy), 0.55, COLORS["tcell"], name="T cell", name_offset=(-0.05, 0.12), alpha=cell_alpha
    )
    cell(ax, (0.55, cy - 0.98), 0.32, COLORS["leukemia"], nucleus=False, alpha=cell_alpha)
    receptor(ax, t_cell.point(240), 240, COLORS["tcell"], length=0.1, head="fork", alpha=cell_alpha)
    label(ax, (0.55, 0.55), "target\ncell", size=SMALL_SIZE, va="top", alpha=max(cell_alpha, 0.6))
    label(ax, (0.95, 3.45), "engaged T cell\n(CAR T or engager)", size=SMALL_SIZE, weight="bold")
    # first wave: IFN-γ, GM-CSF, TNF
    arrow(ax, t_cell.point(0, 0.05), (1.95, cy), lw=1.5, alpha=wave_alpha)
    cytokines(
        ax, (2.2, cy), OKABE_ITO["sky_blue"], n=8, spread=0.2, size=0.04, shape="diamond", alpha=wave_alpha
    )
    label(ax, (2.2, cy - 0.45), "IFN-γ\nGM-CSF\nTNF", size=SMALL_SIZE, va="top")
    arrow(ax, (2.45, cy), (2.85, cy), lw=1.5, alpha=wave_alpha)


def _macrophage_and_second_wave(ax: Axes, cell_alpha: float, wave_alpha: float) -> None:
    """The macrophage, then the IL-6 and IL-1 it releases (more particles: amplification)."""
    cy = _CY
    mac = cell(
        ax,
        (3.45, cy),
        0.58,
        COLORS["macrophage"],
        name="macrophage",
        name_offset=(0.02, 0.12),
        alpha=cell_alpha,
    )
    label(ax, (3.45, 3.45), "monocyte /\nmacrophage", size=SMALL_SIZE, weight="bold")
    arrow(ax, mac.point(0, 0.05), (4.3, cy), lw=1.8, alpha=wave_alpha)
    cytokines(
        ax, (4.6, cy), COLORS["cytokine"], n=16, spread=0.28, size=0.04, shape="triangle", alpha=wave_alpha
    )
    label(ax, (4.6, cy - 0.5), "IL-6, IL-1", size=SMALL_SIZE, va="top", weight="bold")


def _vessel_wall(ax: Axes, alpha: float, *, leaky: bool) -> list[Point]:
    """The endothelium with its IL-6 receptors (their tips are returned); ``leaky``: gaps and leak."""
    x0, y_wall = 5.3, _CY - 0.15
    gap = 0.08 if leaky else 0.02
    for k in range(4):
        ax.add_patch(
            Rectangle(
                (x0 + k * (0.4 + gap), y_wall - 0.18),
                0.4,
                0.36,
                facecolor=tint(OKABE_ITO["reddish_purple"], 0.25),
                edgecolor=OKABE_ITO["reddish_purple"],
                lw=1.4,
                alpha=alpha,
                zorder=Z_CELL,
            )
        )
    label(ax, (6.25, 3.45), "endothelium\n(vessel wall)", size=SMALL_SIZE, weight="bold")
    il6r_tips = []
    for k in range(3):
        base = (x0 + 0.2 + k * 0.64, y_wall + 0.18)
        il6r_tips.append(
            receptor(ax, base, 90, OKABE_ITO["reddish_purple"], length=0.14, head="cup", alpha=alpha)
        )
    annotate(ax, "IL-6 receptor", (il6r_tips[2][0] + 0.06, il6r_tips[2][1] + 0.02), (6.75, 2.88))
    if leaky:
        for k in range(3):
            gx = x0 + 0.4 + k * 0.48 + gap / 2
            arrow(ax, (gx, y_wall), (gx, y_wall - 0.75), color=OKABE_ITO["blue"], lw=1.2)
        label(
            ax,
            (6.25, 0.72),
            "capillary leak:\nfever, low blood pressure,\nlow oxygen",
            size=SMALL_SIZE,
            va="top",
            weight="bold",
        )
    return il6r_tips


def _engaged_t_cells(ax: Axes) -> None:
    _cascade(ax, frozenset({"t cell", "first wave"}))
    highlight(ax, (0.1, 1.4), 2.55, 1.55, alpha=0.2)


def _macrophages_amplify(ax: Axes) -> None:
    _cascade(ax, frozenset({"first wave", "macrophage", "second wave"}))
    highlight(ax, (1.9, 1.15), 3.05, 1.75, alpha=0.2)


def _endothelium_and_symptoms(ax: Axes) -> None:
    _cascade(ax, frozenset({"second wave", "endothelium"}), leaky=True)
    highlight(ax, (4.95, 0.15), 2.2, 2.6, alpha=0.2)


def _tocilizumab(ax: Axes) -> None:
    for tip in _cascade(ax, frozenset({"endothelium"})):
        antibody(ax, (tip[0], tip[1] + 0.02), 90, size=0.3)
    block_mark(ax, (5.05, _CY + 0.05), size=0.09)
    callout_box(
        ax, (5.2, 0.95), "tocilizumab blocks\nthe IL-6 receptor", color=COLORS["antibody"], size=SMALL_SIZE
    )


def _corticosteroids(ax: Axes) -> None:
    _cascade(ax, frozenset({"t cell", "macrophage", "endothelium"}))
    callout_box(ax, (2.2, 0.5), "corticosteroids", color=COLORS["ink"], size=SMALL_SIZE, weight="bold")
    inhibit(ax, (1.8, 0.72), (1.18, 1.48), lw=1.6)
    inhibit(ax, (2.6, 0.72), (3.15, 1.45), lw=1.6)


@register_diagram(
    chapter=8,
    summary="CRS cytokine cascade, tocilizumab, steroids",
    key_terms=("IFN-γ", "GM-CSF", "IL-6", "macrophage", "endothelium", "tocilizumab", "corticosteroids"),
)
def crs_cascade() -> Stepper:
    """Step through the cytokine release syndrome cascade and where tocilizumab and steroids act.

    Returns
    -------
    Stepper
        Five steps on a 7.2 × 3.7 in canvas: engaged T cells release IFN-γ/GM-CSF/TNF, macrophages
        amplify with IL-6/IL-1, the endothelium leaks (fever, hypotension, hypoxia), tocilizumab blocks
        the IL-6 receptor, and corticosteroids damp T cells and macrophages.
    """
    scenes = scene(
        (_engaged_t_cells, _macrophages_amplify, _endothelium_and_symptoms, _tocilizumab, _corticosteroids)
    )
    return stepper("The cytokine release syndrome cascade", CRS_STEPS, scenes, _SIZE)
