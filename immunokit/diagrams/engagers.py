"""Diagram of chapter 4: a bispecific T-cell engager (blinatumomab) making an artificial synapse.

Sources (the chapter's references in ``book/references.bib``): blinatumomab is a
single polypeptide chain of an anti-CD19 scFv joined to an anti-CD3 scFv (about 55 kDa), with no Fc;
it bridges T cells (through CD3ε) to CD19-positive cells independently of HLA; the engaged T cell
kills with perforin and granzyme; engaged T cells release IFN-γ, GM-CSF and TNF, which starts
cytokine release syndrome.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

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

_ENGAGER_COLORS: Final = (OKABE_ITO["vermillion"], OKABE_ITO["blue"])
Ha = Literal["left", "center", "right"]


@dataclass(frozen=True)
class _BiteLayout:
    """Where the synapse is drawn: the 7.2 in layout (T cell left, blast right) or a phone's (the same
    drawing turned a quarter clockwise, T cell above the blast), with its texts placed for each.

    Shapes are given in the 7.2 in layout's inches and placed by :meth:`at` and :meth:`angle`; texts have
    their own positions in each layout (:attr:`texts`: position and alignment by name)."""

    size: Point
    #: Degrees the drawing is turned (0, or -90: clockwise) about the synapse's centre, and where that
    #: centre is drawn.
    turn: float
    origin: Point
    #: Distance of each cell's centre from the synapse's when the cells are still apart.
    apart: float
    texts: dict[str, tuple[Point, Ha]]

    def at(self, p: Point) -> Point:
        """Where point ``p`` of the 7.2 in layout is drawn."""
        if not self.turn:
            return p
        dx, dy = p[0] - _SYNAPSE[0], p[1] - _SYNAPSE[1]
        return (self.origin[0] + dy, self.origin[1] - dx)  # a quarter turn clockwise

    def angle(self, degrees: float) -> float:
        return degrees + self.turn

    def rect(self, xy: Point, width: float, height: float) -> tuple[Point, float, float]:
        """Where the rectangle (lower-left corner, width, height) of the 7.2 in layout is drawn."""
        if not self.turn:
            return xy, width, height
        (x0, y0), (x1, y1) = self.at(xy), self.at((xy[0] + width, xy[1] + height))
        return (min(x0, x1), min(y0, y1)), abs(x1 - x0), abs(y1 - y0)

    def text(self, name: str) -> Point:
        return self.texts[name][0]

    def ha(self, name: str) -> Ha:
        return self.texts[name][1]


#: The synapse's centre in the 7.2 in layout (between the cells, level with their centres).
_SYNAPSE: Final = (3.6, 1.55)
#: The synapse between the two cells, where the engager bridges and perforin is released.
_SYNAPSE_BOX: Final = ((3.05, 1.1), 1.1, 0.9)

_WIDE: Final = _BiteLayout(
    size=(7.2, 3.6),
    turn=0.0,
    origin=_SYNAPSE,
    apart=2.05,
    texts={
        "title": ((3.6, 3.3), "center"),
        "TCR": ((0.2, 3.05), "center"),  # x: from the T cell's centre
        "HLA": ((-0.2, 3.05), "center"),  # x: from the blast's centre
        "CD3ε": ((0.55, 0.5), "center"),
        "CD19": ((-0.55, 0.5), "center"),
        "lysed": ((0.05, 0.45), "center"),
        "anti-CD19 scFv": ((4.2, 1.8), "center"),
        "anti-CD3ε scFv": ((3.0, 2.1), "center"),
        "linker": ((3.6, 3.0), "center"),
        "one chain": ((3.6, 1.2), "center"),
        "no HLA": ((3.6, 2.35), "center"),
        "perforin": ((3.6, 0.17), "center"),
        "cytokine cloud": ((0.85, 2.45), "center"),
        "cytokines": ((0.08, 2.95), "left"),
    },
)
_P_X, _P_Y = 1.2, 2.75
_PHONE: Final = _BiteLayout(
    size=(3.7, 5.75),
    turn=-90.0,
    origin=(_P_X, _P_Y),
    apart=1.55,
    texts={
        "title": ((1.85, 5.5), "center"),
        "TCR": ((1.55, 0.05), "center"),
        "HLA": ((1.55, -0.05), "center"),
        "CD3ε": ((0.3, _P_Y + 0.3), "center"),
        "CD19": ((0.3, _P_Y - 0.3), "center"),
        "lysed": ((0.0, -1.12), "center"),
        "anti-CD19 scFv": ((2.95, _P_Y - 0.3), "center"),
        "anti-CD3ε scFv": ((2.95, _P_Y + 0.3), "center"),
        "linker": ((2.95, _P_Y), "center"),
        "one chain": ((_P_X, _P_Y), "center"),
        "no HLA": ((2.75, _P_Y), "center"),
        "perforin": ((2.75, _P_Y), "center"),
        "cytokine cloud": ((2.3, 4.55), "center"),
        "cytokines": ((2.6, 4.6), "left"),
    },
)


@dataclass(frozen=True)
class _Cells:
    """What every step draws: the T cell and the blast, with the tips of their CD3ε and CD19."""

    t_cell: Cell
    blast: Cell
    cd3_tips: tuple[Point, ...]
    cd19_tips: tuple[Point, ...]


def _cells(ax: Axes, lay: _BiteLayout, *, apart: bool = False, lysed: bool = False) -> _Cells:
    """The T cell and the B-ALL blast (apart, or in contact), with TCR, HLA, CD3ε and CD19."""
    gap = lay.apart if apart else 1.25
    t_center = lay.at((_SYNAPSE[0] - gap, _SYNAPSE[1]))
    b_center = lay.at((_SYNAPSE[0] + gap, _SYNAPSE[1]))
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
            p = blast.point(lay.angle(angle), 0.2)
            ax.add_patch(
                Circle(p, 0.06, facecolor=COLORS["leukemia"], edgecolor="none", alpha=0.7, zorder=Z_MEMBRANE)
            )
        (dx, y), ha = lay.texts["lysed"]
        label(
            ax,
            (b_center[0] + dx, y if not lay.turn else b_center[1] + y),
            "blast lysed",
            weight="bold",
            ha=ha,
        )
    # TCR on the T cell and HLA on the blast: present but not used
    receptor(ax, t_cell.point(lay.angle(48)), lay.angle(48), COLORS["tcell"], length=0.16, head="fork")
    receptor(ax, blast.point(lay.angle(132)), lay.angle(132), COLORS["ink"], length=0.14, head="cup")
    for name, host, angle, distance in (("TCR", t_center, 48, 0.25), ("HLA", b_center, 132, 0.22)):
        (dx, y), ha = lay.texts[name]
        where = (host[0] + dx, y) if not lay.turn else (host[0] + dx, host[1] + y)
        on = t_cell if name == "TCR" else blast
        annotate(ax, name, on.point(lay.angle(angle), distance), where, ha=ha)
    # CD3 on the T cell and CD19 on the blast, facing each other
    cd3_tips, cd19_tips = [], []
    for offset in (-14.0, 14.0):
        cd3_tips.append(
            receptor(
                ax,
                t_cell.point(lay.angle(offset)),
                lay.angle(offset),
                COLORS["tcell"],
                length=0.1,
                head="square",
                head_size=0.055,
            )
        )
        cd19_tips.append(
            receptor(
                ax,
                blast.point(lay.angle(180 - offset)),
                lay.angle(180 - offset),
                COLORS["leukemia"],
                length=0.1,
                head="round",
                head_size=0.06,
            )
        )
    for name, tips, host in (("CD3ε", cd3_tips, t_center), ("CD19", cd19_tips, b_center)):
        (dx, y), ha = lay.texts[name]
        where = (host[0] + dx, y) if not lay.turn else (dx, y)
        annotate(ax, name, tips[0], where, ha=ha)
    return _Cells(t_cell, blast, tuple(cd3_tips), tuple(cd19_tips))


def _bridge(ax: Axes, lay: _BiteLayout, cells: _Cells) -> None:
    """Blinatumomab molecules joining each CD19 to a CD3ε."""
    for a, b in zip(cells.cd19_tips, cells.cd3_tips, strict=True):
        engager(ax, a, b, colors=_ENGAGER_COLORS, size=0.09)
    title = "blinatumomab bridges CD3ε to CD19"
    label(ax, lay.text("title"), title, weight="bold", color=COLORS["engager"], ha=lay.ha("title"))


def _the_engager(ax: Axes, lay: _BiteLayout) -> None:
    _cells(ax, lay, apart=True)
    c19, c3 = engager(ax, lay.at((4.15, 2.55)), lay.at((3.05, 2.55)), colors=_ENGAGER_COLORS, size=0.14)
    label(ax, lay.text("title"), "blinatumomab", weight="bold", color=COLORS["engager"], ha=lay.ha("title"))
    below = (0.0, -0.14) if not lay.turn else (0.14, 0.0)  # the callouts' side of each scFv
    for name, c in (("anti-CD19 scFv", c19), ("anti-CD3ε scFv", c3)):
        annotate(ax, name, (c[0] + below[0], c[1] + below[1]), lay.text(name), ha=lay.ha(name))
    linker = lay.at((3.6, 2.56))
    annotate(ax, "linker", (linker[0] + (0.02 if lay.turn else 0.0), linker[1]), lay.text("linker"))
    label(ax, lay.text("one chain"), "one chain,\nno Fc", size=SMALL_SIZE, style="italic")


def _bridging(ax: Axes, lay: _BiteLayout) -> None:
    _bridge(ax, lay, _cells(ax, lay))
    highlight(ax, *lay.rect(*_SYNAPSE_BOX))
    label(ax, lay.text("no HLA"), "no HLA needed", size=SMALL_SIZE, style="italic", ha=lay.ha("no HLA"))


def _perforin_and_granzyme(ax: Axes, lay: _BiteLayout) -> None:
    cells = _cells(ax, lay)
    _bridge(ax, lay, cells)
    highlight(ax, *lay.rect(*_SYNAPSE_BOX))
    cytokines(ax, lay.at((3.6, 1.55)), OKABE_ITO["bluish_green"], n=8, spread=0.13, size=0.03)
    for angle in (165.0, 195.0):  # perforin pores in the blast's membrane
        ax.add_patch(
            Circle(
                cells.blast.point(lay.angle(angle)),
                0.05,
                facecolor="white",
                edgecolor=OKABE_ITO["bluish_green"],
                lw=2,
                zorder=Z_MEMBRANE + 0.5,
            )
        )
    annotate(ax, "perforin and granzyme", lay.at((3.6, 1.5)), lay.text("perforin"), ha=lay.ha("perforin"))
    arrow(
        ax,
        cells.t_cell.point(lay.angle(-35), -0.1),
        lay.at((3.45, 1.45)),
        color=OKABE_ITO["bluish_green"],
        lw=1.4,
        rad=0.2,
    )


def _lysis(ax: Axes, lay: _BiteLayout) -> None:
    _bridge(ax, lay, _cells(ax, lay, lysed=True))
    cloud = lay.text("cytokine cloud")
    cytokines(ax, cloud, COLORS["cytokine"], n=9, spread=0.22, size=0.04, shape="triangle")
    text = "cytokines\n(IFN-γ, GM-CSF)"
    label(ax, lay.text("cytokines"), text, size=SMALL_SIZE, ha=lay.ha("cytokines"))


_FRAMES: Final = (_the_engager, _bridging, _perforin_and_granzyme, _lysis)


def _scene(ax: Axes, i: int) -> None:
    _FRAMES[i](ax, _WIDE)


def _phone_scene(ax: Axes, i: int) -> None:
    _FRAMES[i](ax, _PHONE)


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
    return stepper(
        "How blinatumomab kills a B-ALL blast",
        BITE_STEPS,
        _scene,
        _WIDE.size,
        phone=(_phone_scene, _PHONE.size),
    )
