"""Diagram of chapter 4: a bispecific T-cell engager (blinatumomab) making an artificial synapse.

Sources (course fact sheet, ``shared/curriculum/facts.md`` §3.1, §3.4, §7.1): blinatumomab is a
single polypeptide chain of an anti-CD19 scFv joined to an anti-CD3 scFv (about 55 kDa), with no Fc;
it bridges T cells (through CD3ε) to CD19-positive cells independently of HLA; the engaged T cell
kills with perforin and granzyme; engaged T cells release IFN-γ, GM-CSF and TNF, which starts
cytokine release syndrome.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from matplotlib.axes import Axes
from matplotlib.patches import Circle

from ..interactive.registry import register_diagram
from ..interactive.stepper import Stepper
from ..style import OKABE_ITO
from .kit import (
    COLORS,
    SMALL_SIZE,
    Z_MEMBRANE,
    Cell,
    Point,
    Step,
    annotate,
    arrow,
    cell,
    cytokines,
    engager,
    highlight,
    label,
    receptor,
    scene,
    stepper,
)

__all__ = ["bite_synapse"]

BITE_STEPS: Final[tuple[Step, ...]] = (
    Step(
        "The engager",
        "Blinatumomab is one protein chain: an anti-CD19 scFv joined by a short linker to an anti-CD3ε scFv. "
        "It has no Fc, so it cannot recruit NK cells or complement; it works only by linking cells.",
        "Blinatumomab is drawn as two single-chain variable fragments on one chain: one binds CD19, the other "
        "binds CD3ε, and there is no Fc stem. A T cell with CD3 and its T-cell receptor, and a B-ALL blast "
        "with CD19 and HLA, are still apart.",
    ),
    Step(
        "Bridging: an artificial synapse",
        "Blinatumomab binds CD19 on the blast and CD3ε on the T cell and pulls the two cells into a synapse. "
        "The T-cell receptor does not need to recognise a peptide on HLA: the bridge is HLA-independent.",
        "Blinatumomab molecules bridge CD3ε on the T cell and CD19 on the B-ALL blast, pulling the two cells "
        "into close contact. The T-cell receptor and the blast's HLA are not engaged.",
    ),
    Step(
        "Perforin and granzyme",
        "The engaged T cell is activated and releases perforin and granzyme into the synapse; perforin makes "
        "pores through which granzyme enters the blast.",
        "The activated T cell releases perforin and granzyme granules into the narrow gap between it and the "
        "B-ALL blast; perforin pores open in the blast's membrane.",
    ),
    Step(
        "Lysis",
        "The blast dies. Activated T cells also release cytokines such as IFN-γ and GM-CSF; in excess this "
        "starts cytokine release syndrome (chapter 8).",
        "The B-ALL blast breaks apart, drawn with a broken membrane and fragments. The T cell releases cytokines "
        "such as IFN-γ and GM-CSF.",
    ),
)

_SIZE: Final = (7.2, 3.6)


_ENGAGER_COLORS: Final = (OKABE_ITO["vermillion"], OKABE_ITO["blue"])
#: The synapse between the two cells, where the engager bridges and perforin is released.
_SYNAPSE_BOX: Final = ((3.05, 1.1), 1.1, 0.9)


@dataclass(frozen=True)
class _Cells:
    """What every step draws: the T cell and the blast, with the tips of their CD3ε and CD19."""

    t_cell: Cell
    blast: Cell
    cd3_tips: tuple[Point, ...]
    cd19_tips: tuple[Point, ...]


def _cells(ax: Axes, *, apart: bool = False, lysed: bool = False) -> _Cells:
    """The T cell and the B-ALL blast (apart, or in contact), with TCR, HLA, CD3ε and CD19."""
    t_center = (1.55, 1.55) if apart else (2.35, 1.55)
    b_center = (5.65, 1.55) if apart else (4.85, 1.55)
    t_cell = cell(ax, t_center, 0.8, COLORS["tcell"], name="T cell", name_offset=(-0.15, 0.12))
    blast = cell(
        ax,
        b_center,
        0.8,
        COLORS["leukemia"],
        name="B-ALL blast\n(CD19+)",
        name_offset=(0.12, 0.12),
        alpha=0.45 if lysed else 1.0,
    )
    if lysed:
        for angle in (25.0, 160.0, 250.0, 320.0):
            p = blast.point(angle, 0.2)
            ax.add_patch(
                Circle(p, 0.06, facecolor=COLORS["leukemia"], edgecolor="none", alpha=0.7, zorder=Z_MEMBRANE)
            )
        label(ax, (b_center[0] + 0.05, 0.45), "blast lysed", weight="bold")
    # TCR on the T cell and HLA on the blast: present but not used
    receptor(ax, t_cell.point(48), 48, COLORS["tcell"], length=0.16, head="fork")
    receptor(ax, blast.point(132), 132, COLORS["ink"], length=0.14, head="cup")
    annotate(ax, "TCR", t_cell.point(48, 0.25), (t_center[0] + 0.2, 3.05))
    annotate(ax, "HLA", blast.point(132, 0.22), (b_center[0] - 0.2, 3.05))
    # CD3 on the T cell and CD19 on the blast, facing each other
    cd3_tips, cd19_tips = [], []
    for offset in (-14.0, 14.0):
        cd3_tips.append(
            receptor(
                ax, t_cell.point(offset), offset, COLORS["tcell"], length=0.1, head="square", head_size=0.055
            )
        )
        cd19_tips.append(
            receptor(
                ax,
                blast.point(180 - offset),
                180 - offset,
                COLORS["leukemia"],
                length=0.1,
                head="round",
                head_size=0.06,
            )
        )
    annotate(ax, "CD3ε", cd3_tips[0], (t_center[0] + 0.55, 0.5))
    annotate(ax, "CD19", cd19_tips[0], (b_center[0] - 0.55, 0.5))
    return _Cells(t_cell, blast, tuple(cd3_tips), tuple(cd19_tips))


def _bridge(ax: Axes, cells: _Cells) -> None:
    """Blinatumomab molecules joining each CD19 to a CD3ε."""
    for a, b in zip(cells.cd19_tips, cells.cd3_tips, strict=True):
        engager(ax, a, b, colors=_ENGAGER_COLORS, size=0.09)
    label(ax, (3.6, 3.3), "blinatumomab bridges CD3ε to CD19", weight="bold", color=COLORS["engager"])


def _the_engager(ax: Axes) -> None:
    _cells(ax, apart=True)
    c19, c3 = engager(ax, (4.15, 2.55), (3.05, 2.55), colors=_ENGAGER_COLORS, size=0.14)
    label(ax, (3.6, 3.3), "blinatumomab", weight="bold", color=COLORS["engager"])
    annotate(ax, "anti-CD19 scFv", (c19[0], c19[1] - 0.14), (4.2, 1.8))
    annotate(ax, "anti-CD3ε scFv", (c3[0], c3[1] - 0.14), (3.0, 2.1))
    annotate(ax, "linker", (3.6, 2.56), (3.6, 3.0))
    label(ax, (3.6, 1.2), "one chain,\nno Fc", size=SMALL_SIZE, style="italic")


def _bridging(ax: Axes) -> None:
    _bridge(ax, _cells(ax))
    highlight(ax, *_SYNAPSE_BOX)
    label(ax, (3.6, 2.35), "no HLA needed", size=SMALL_SIZE, style="italic")


def _perforin_and_granzyme(ax: Axes) -> None:
    cells = _cells(ax)
    _bridge(ax, cells)
    highlight(ax, *_SYNAPSE_BOX)
    cytokines(ax, (3.6, 1.55), OKABE_ITO["bluish_green"], n=8, spread=0.13, size=0.03)
    for angle in (165.0, 195.0):  # perforin pores in the blast's membrane
        ax.add_patch(
            Circle(
                cells.blast.point(angle),
                0.05,
                facecolor="white",
                edgecolor=OKABE_ITO["bluish_green"],
                lw=2,
                zorder=Z_MEMBRANE + 0.5,
            )
        )
    annotate(ax, "perforin and granzyme", (3.6, 1.5), (3.6, 0.17))
    arrow(ax, cells.t_cell.point(-35, -0.1), (3.45, 1.45), color=OKABE_ITO["bluish_green"], lw=1.4, rad=0.2)


def _lysis(ax: Axes) -> None:
    _bridge(ax, _cells(ax, lysed=True))
    cytokines(ax, (0.85, 2.45), COLORS["cytokine"], n=9, spread=0.22, size=0.04, shape="triangle")
    label(ax, (0.08, 2.95), "cytokines\n(IFN-γ, GM-CSF)", size=SMALL_SIZE, ha="left")


@register_diagram(
    chapter=4,
    summary="blinatumomab bridging CD3ε and CD19",
    key_terms=("CD19", "CD3ε", "T cell", "HLA", "perforin", "granzyme", "scFv"),
)
def bite_synapse() -> Stepper:
    """Step through blinatumomab (CD19 × CD3ε) linking a T cell to a B-ALL blast and killing it.

    Returns
    -------
    Stepper
        Four steps on a 7.2 × 3.6 in canvas: the engager's format, the HLA-independent bridge,
        perforin and granzyme release into the synapse, and lysis with cytokine release.
    """
    scenes = scene((_the_engager, _bridging, _perforin_and_granzyme, _lysis))
    return stepper("How blinatumomab kills a B-ALL blast", BITE_STEPS, scenes, _SIZE)
