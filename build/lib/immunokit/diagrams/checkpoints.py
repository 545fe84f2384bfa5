"""Diagram of chapter 6: CTLA-4 and PD-1 signalling with and without checkpoint blockade.

Sources (course fact sheet, ``shared/curriculum/facts.md`` §5): CTLA-4 competes with CD28 for
CD80/CD86 and restrains T-cell priming, mainly in lymphoid organs; PD-1 on activated T cells binds
PD-L1 on tumour and myeloid cells and dampens effector function in tissues; ipilimumab is an
anti-CTLA-4 antibody; nivolumab and pembrolizumab are anti-PD-1 antibodies; no checkpoint inhibitor is
approved for a leukemia (small trials only).
"""

from __future__ import annotations

import math
from typing import Final

from matplotlib.axes import Axes

from ..interactive.registry import register_diagram
from ..interactive.stepper import Stepper
from ..style import OKABE_ITO
from .kit import (
    COLORS,
    SMALL_SIZE,
    Cell,
    Step,
    annotate,
    antibody,
    arrow,
    cell,
    cytokines,
    highlight,
    inhibit,
    label,
    receptor,
    stepper,
)

__all__ = ["checkpoint_blockade"]

CHECKPOINT_STEPS: Final[tuple[Step, ...]] = (
    Step(
        "Priming: two signals",
        "In a lymph node, a T cell is primed by an antigen-presenting cell (APC) with two signals: its T-cell "
        "receptor recognises antigen on HLA (signal 1), and CD28 binds CD80/CD86 (signal 2, costimulation).",
        "Left panel: a T cell touches an antigen-presenting cell. Its T-cell receptor binds antigen on HLA, "
        "and its CD28 binds CD80/CD86 on the antigen-presenting cell, giving the costimulatory signal.",
    ),
    Step(
        "CTLA-4 brake",
        "Activated T cells bring CTLA-4 to their surface. CTLA-4 competes with CD28 for CD80/CD86, so CD28 is "
        "left without its partner and priming is restrained.",
        "Left panel: CTLA-4 on the T cell has taken CD80/CD86 from CD28; CD28 is unbound and an inhibition "
        "symbol shows the T cell's activation being held back.",
    ),
    Step(
        "Blocking CTLA-4",
        "Ipilimumab, an anti-CTLA-4 antibody, covers CTLA-4; CD80/CD86 can bind CD28 again and costimulation "
        "returns.",
        "Left panel: the anti-CTLA-4 antibody ipilimumab binds CTLA-4, and CD80/CD86 is back on CD28, "
        "restoring costimulation.",
    ),
    Step(
        "PD-1 brake",
        "In the tissue, an activated T cell recognises a leukemia cell, but PD-1 on the T cell binds PD-L1 on "
        "the leukemia cell and dampens the T cell's effector function.",
        "Right panel: a T cell recognises a leukemia cell through its T-cell receptor and HLA, but PD-1 on the T "
        "cell binds PD-L1 on the leukemia cell; an inhibition symbol shows the attack being dampened.",
    ),
    Step(
        "Blocking PD-1",
        "Nivolumab or pembrolizumab (anti-PD-1) blocks PD-1, the brake is released and the T cell attacks. In "
        "leukemia, checkpoint inhibitors remain investigational; after a transplant they risk GVHD.",
        "Right panel: an anti-PD-1 antibody binds PD-1 so PD-L1 is left unbound; the T cell releases perforin "
        "and granzyme onto the leukemia cell.",
    ),
)

_SIZE: Final = (7.2, 3.7)
_FADED: Final[float] = 0.25


_CY: Final = 1.7  # height of the cells' centres (in)


def _membrane_x(c: Cell, y: float, side: int) -> float:
    """x of the membrane of ``c`` at height ``y`` on its right (side=1) or left (side=-1)."""
    dy = y - c.center[1]
    return c.center[0] + side * math.sqrt(max(c.radius**2 - dy**2, 0.0))


def _pair(
    ax: Axes,
    left: Cell,
    right: Cell,
    y: float,
    *,
    left_color: str,
    right_color: str,
    left_head: str,
    right_head: str,
    bound: tuple[bool, bool] = (True, True),
    draw: tuple[bool, bool] = (True, True),
    alpha: float = 1.0,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """A receptor on ``left`` and its ligand on ``right`` at height ``y``; they meet when both are bound.

    ``draw`` leaves out either partner (it is elsewhere in this step). Returns both tips.
    """
    x_left, x_right = _membrane_x(left, y, 1), _membrane_x(right, y, -1)
    gap = x_right - x_left
    meet = x_left + gap * 0.52
    left_len = (meet - x_left - 0.07) if bound[0] else 0.14
    right_len = (x_right - meet - 0.07) if bound[1] else 0.14
    tip_l = (x_left + left_len, y)
    tip_r = (x_right - right_len, y)
    if draw[0]:
        tip_l = receptor(
            ax,
            (x_left, y),
            0,
            left_color,
            length=left_len,
            head=left_head,  # type: ignore[arg-type]
            head_size=0.06,
            alpha=alpha,
        )
    if draw[1]:
        tip_r = receptor(
            ax,
            (x_right, y),
            180,
            right_color,
            length=right_len,
            head=right_head,  # type: ignore[arg-type]
            head_size=0.06,
            alpha=alpha,
        )
    return tip_l, tip_r


_PRIMING: Final = ("costimulation", "ctla4-brake", "ipilimumab")
_ATTACK: Final = ("pd1-brake", "anti-pd1")

#: One row per step of CHECKPOINT_STEPS: what the priming panel and the attack panel show
#: ("faded": the panel that step is not about).
_FRAMES: Final[tuple[tuple[str, str], ...]] = (
    ("costimulation", "faded"),
    ("ctla4-brake", "faded"),
    ("ipilimumab", "faded"),
    ("faded", "pd1-brake"),
    ("faded", "anti-pd1"),
)


def _priming_panel(ax: Axes, state: str) -> None:
    """Left panel, priming in the lymph node: CD28 costimulation, the CTLA-4 brake, or ipilimumab."""
    cy = _CY
    la = _FADED if state == "faded" else 1.0
    label(ax, (1.75, 3.5), "priming (lymph node)", weight="bold", alpha=max(la, 0.6))
    apc = cell(ax, (0.65, cy), 0.62, OKABE_ITO["orange"], name="APC", name_offset=(-0.1, 0.15), alpha=la)
    t1 = cell(ax, (2.85, cy), 0.62, COLORS["tcell"], name="T cell", name_offset=(0.1, 0.15), alpha=la)
    if state != "faded":
        highlight(ax, (0.0, 0.35), 3.5, 2.95, alpha=0.12)
    # signal 1: TCR on the T cell (right cell) meets antigen on HLA (APC)
    _pair(
        ax,
        apc,
        t1,
        cy + 0.32,
        left_color=COLORS["ink"],
        right_color=COLORS["tcell"],
        left_head="cup",
        right_head="fork",
        alpha=la,
    )
    left_state = 0 if state == "faded" else _PRIMING.index(state)  # faded: rests in its first state
    cd28_bound = left_state in (0, 2)
    ctla4_present = left_state in (1, 2)
    ctla4_bound = left_state == 1
    # CD80/86 sits on CD28 (steps 0 and 2) or is taken by CTLA-4 (step 1)
    _pair(
        ax,
        apc,
        t1,
        cy - 0.05,
        left_color=OKABE_ITO["orange"],
        right_color=OKABE_ITO["bluish_green"],
        left_head="round",
        right_head="square",
        bound=(cd28_bound, cd28_bound),
        draw=(cd28_bound, True),
        alpha=la,
    )
    if ctla4_present:
        _, ctla_tip = _pair(
            ax,
            apc,
            t1,
            cy - 0.4,
            left_color=OKABE_ITO["orange"],
            right_color=OKABE_ITO["vermillion"],
            left_head="round",
            right_head="fork",
            bound=(ctla4_bound, ctla4_bound),
            draw=(ctla4_bound, True),
            alpha=la,
        )
        annotate(ax, "CTLA-4", (ctla_tip[0] + 0.1, ctla_tip[1] - 0.04), (2.55, 0.45), alpha=max(la, 0.6))
        if state == "ctla4-brake":
            inhibit(
                ax,
                (ctla_tip[0] + 0.3, ctla_tip[1] + 0.02),
                (t1.center[0] - 0.1, cy - 0.22),
                color=OKABE_ITO["vermillion"],
                lw=1.5,
            )
        if state == "ipilimumab":
            antibody(ax, (ctla_tip[0] - 0.02, ctla_tip[1]), 225, size=0.36)
            annotate(ax, "ipilimumab\n(anti-CTLA-4)", (ctla_tip[0] - 0.28, ctla_tip[1] - 0.25), (1.3, 0.5))
    annotate(ax, "TCR", (_membrane_x(t1, cy + 0.32, -1) - 0.1, cy + 0.34), (2.45, 2.85), alpha=max(la, 0.6))
    annotate(
        ax,
        "antigen on HLA",
        (_membrane_x(apc, cy + 0.32, 1) + 0.1, cy + 0.34),
        (0.75, 2.85),
        alpha=max(la, 0.6),
    )
    cd80_y = cy - 0.05 if cd28_bound else cy - 0.4
    annotate(
        ax, "CD80/CD86", (_membrane_x(apc, cd80_y, 1) + 0.08, cd80_y - 0.03), (0.45, 0.8), alpha=max(la, 0.6)
    )
    annotate(ax, "CD28", (_membrane_x(t1, cy - 0.05, -1) - 0.08, cy - 0.02), (3.3, 0.7), alpha=max(la, 0.6))


def _attack_panel(ax: Axes, state: str) -> None:
    """Right panel, the attack in the tissue: the PD-1/PD-L1 brake, or an anti-PD-1 antibody releasing it."""
    cy = _CY
    ra = _FADED if state == "faded" else 1.0
    label(ax, (5.45, 3.5), "attack (tissue)", weight="bold", alpha=max(ra, 0.6))
    t2 = cell(ax, (4.45, cy), 0.62, COLORS["tcell"], name="T cell", name_offset=(-0.1, 0.15), alpha=ra)
    leuk = cell(
        ax, (6.5, cy), 0.62, COLORS["leukemia"], name="leukemia\ncell", name_offset=(0.08, 0.12), alpha=ra
    )
    if state != "faded":
        highlight(ax, (3.7, 0.35), 3.45, 2.95, alpha=0.12)
    _pair(
        ax,
        t2,
        leuk,
        cy + 0.32,
        left_color=COLORS["tcell"],
        right_color=COLORS["ink"],
        left_head="fork",
        right_head="cup",
        alpha=ra,
    )
    pd1_bound = state != "anti-pd1"
    pd1_tip, pdl1_tip = _pair(
        ax,
        t2,
        leuk,
        cy - 0.25,
        left_color=OKABE_ITO["reddish_purple"],
        right_color=OKABE_ITO["vermillion"],
        left_head="cup",
        right_head="round",
        bound=(pd1_bound, pd1_bound),
        alpha=ra,
    )
    annotate(ax, "PD-1", (pd1_tip[0] - 0.04, pd1_tip[1] - 0.08), (4.85, 0.6), alpha=max(ra, 0.6))
    annotate(ax, "PD-L1", (pdl1_tip[0] + 0.04, pdl1_tip[1] - 0.08), (6.0, 0.6), alpha=max(ra, 0.6))
    annotate(ax, "TCR", (_membrane_x(t2, cy + 0.32, 1) + 0.08, cy + 0.34), (4.85, 2.85), alpha=max(ra, 0.6))
    annotate(
        ax,
        "antigen\non HLA",
        (_membrane_x(leuk, cy + 0.32, -1) - 0.08, cy + 0.34),
        (6.2, 2.9),
        alpha=max(ra, 0.6),
    )
    if state == "pd1-brake":
        inhibit(
            ax,
            (pd1_tip[0] - 0.05, pd1_tip[1] - 0.18),
            (t2.center[0] + 0.12, cy - 0.3),
            color=OKABE_ITO["vermillion"],
            lw=1.5,
        )
        label(ax, (5.45, 0.22), "attack dampened", size=SMALL_SIZE, weight="bold")
    if state == "anti-pd1":
        antibody(ax, (pd1_tip[0] + 0.02, pd1_tip[1] - 0.01), 300, size=0.34)
        annotate(ax, "anti-PD-1 antibody", (pd1_tip[0] + 0.15, pd1_tip[1] - 0.3), (5.45, 0.22))
        cytokines(ax, (5.48, cy + 0.02), OKABE_ITO["bluish_green"], n=6, spread=0.1, size=0.03)
        arrow(ax, (5.02, cy + 0.1), (5.36, cy + 0.05), color=OKABE_ITO["bluish_green"], lw=1.3)


def _scene(ax: Axes, step: int) -> None:
    priming, attack = _FRAMES[step]
    _priming_panel(ax, priming)
    _attack_panel(ax, attack)


@register_diagram(
    chapter=6,
    summary="CTLA-4 and PD-1 with and without blockade",
    key_terms=("PD-1", "PD-L1", "CTLA-4", "CD28", "CD80/CD86", "ipilimumab", "anti-PD-1"),
)
def checkpoint_blockade() -> Stepper:
    """Step through CTLA-4 and PD-1 signalling, with and without blocking antibodies.

    Returns
    -------
    Stepper
        Five steps on a 7.2 × 3.7 in canvas: priming with two signals (TCR–HLA and CD28–CD80/86),
        the CTLA-4 brake, ipilimumab releasing it, the PD-1/PD-L1 brake in the tissue, and anti-PD-1
        releasing it; the panel a step is about is highlighted and the other faded.
    """
    return stepper("Checkpoints: CTLA-4 and PD-1, with and without blockade", CHECKPOINT_STEPS, _scene, _SIZE)
