"""Diagrams of Part I: antigen expression along hematopoiesis (chapter 1) and GvL vs GVHD (chapter 2).

Sources (the chapter's references in ``book/references.bib``):

* §1.2: CD19 from pro-B to mature B cells, lost on plasma cells; CD20 on pre-B and mature B cells,
  absent on stem cells, pro-B and plasma cells; CD22 on the B lineage; CD33 on myeloid progenitors
  and monocytes and partly on stem cells; CD123 on stem/progenitor cells (Marvin-Peek et al., Cancers
  2022). Checked for this diagram: CD22 sits in the cytoplasm of pro-B and pre-B cells and reaches
  the surface of mature B cells, and plasma cells lack it (murine CD22 study, PMC2859887, citing the
  human data); CD123 is very low on stem cells and higher on common myeloid progenitors (Testa et
  al., Biomark Res 2014, as summarised by AbbVie's target page), and is reported on monocytes.
* §2: graft-versus-leukemia from donor T cells (NK cells contribute); GVHD attacks skin, gut and liver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from matplotlib.axes import Axes
from matplotlib.patches import Circle, Rectangle, Wedge

from .. import facts as _facts
from ..display import Figure
from ..interactive.registry import register_diagram
from ..style import OKABE_ITO
from .kit import (
    COLORS,
    PHONE_PANEL_MAX_IN,
    SMALL_SIZE,
    TITLE_SIZE,
    Z_CELL,
    Z_MOLECULE,
    annotate,
    arrow,
    canvas,
    cell,
    finish,
    label,
    receptor,
    tint,
)

__all__ = ["EXPRESSION", "gvl_vs_gvhd", "hematopoiesis_antigens"]

Level = Literal["surface", "low", "cytoplasmic", "absent", "unknown"]

ANTIGENS: Final[tuple[str, ...]] = ("CD19", "CD20", "CD22", "CD33", "CD123")

#: Expression on normal stem cells comes from the clinical data layer (``book/data/antigens.yml``, one
#: scale for the whole course: absent | low | present), so this diagram, chapter 1's ranking and chapter
#: 10's target map cannot disagree.
_STEM_LEVEL: Final[dict[str, Level]] = {"absent": "absent", "low": "low", "present": "surface"}


def _stem(antigen: str) -> Level:
    return _STEM_LEVEL[str(_facts.value(f"{antigen.lower()}-normal-stem-cells"))]


#: Expression of each target antigen by cell stage, as drawn (see the module docstring for sources).
#: ``surface``: on the cell surface; ``low``: low or on some cells only; ``cytoplasmic``: inside the
#: cell only; ``absent``; ``unknown``: not covered by the course's sources.
EXPRESSION: Final[dict[str, dict[str, Level]]] = {
    "stem cell (HSC)": {a: _stem(a) for a in ("CD19", "CD20", "CD22", "CD33", "CD123")},
    "myeloid progenitor": {
        "CD19": "absent",
        "CD20": "absent",
        "CD22": "absent",
        "CD33": "surface",
        "CD123": "surface",
    },
    "monocyte": {"CD19": "absent", "CD20": "absent", "CD22": "absent", "CD33": "surface", "CD123": "low"},
    "lymphoid progenitor": {
        "CD19": "absent",
        "CD20": "absent",
        "CD22": "absent",
        "CD33": "unknown",
        "CD123": "unknown",
    },
    "pro-B cell": {
        "CD19": "surface",
        "CD20": "absent",
        "CD22": "cytoplasmic",
        "CD33": "absent",
        "CD123": "absent",
    },
    "pre-B cell": {
        "CD19": "surface",
        "CD20": "surface",
        "CD22": "cytoplasmic",
        "CD33": "absent",
        "CD123": "absent",
    },
    "mature B cell": {
        "CD19": "surface",
        "CD20": "surface",
        "CD22": "surface",
        "CD33": "absent",
        "CD123": "absent",
    },
    "plasma cell": {
        "CD19": "absent",
        "CD20": "absent",
        "CD22": "absent",
        "CD33": "absent",
        "CD123": "absent",
    },
}

_LEVEL_WORDS: Final[dict[Level, str]] = {
    "surface": "on",
    "low": "low on",
    "cytoplasmic": "inside",
    "absent": "absent from",
    "unknown": "not known on",
}

# (name, depth in the tree, lineage) in drawing order, top to bottom
_TREE: Final[tuple[tuple[str, int, str], ...]] = (
    ("stem cell (HSC)", 0, "stem"),
    ("myeloid progenitor", 1, "myeloid"),
    ("monocyte", 2, "myeloid"),
    ("lymphoid progenitor", 1, "lymphoid"),
    ("pro-B cell", 2, "B"),
    ("pre-B cell", 3, "B"),
    ("mature B cell", 4, "B"),
    ("plasma cell", 5, "B"),
)
_PARENT: Final[dict[str, str]] = {
    "myeloid progenitor": "stem cell (HSC)",
    "monocyte": "myeloid progenitor",
    "lymphoid progenitor": "stem cell (HSC)",
    "pro-B cell": "lymphoid progenitor",
    "pre-B cell": "pro-B cell",
    "mature B cell": "pre-B cell",
    "plasma cell": "mature B cell",
}
_LINEAGE_COLOR: Final[dict[str, str]] = {
    "stem": COLORS["ink"],
    "myeloid": OKABE_ITO["vermillion"],
    "lymphoid": OKABE_ITO["blue"],
    "B": OKABE_ITO["blue"],
}


def _mark(ax: Axes, xy: tuple[float, float], level: Level, color: str, r: float = 0.085) -> None:
    """One cell of the expression grid: the marker shape carries the level, not the colour."""
    x, y = xy
    if level == "surface":
        ax.add_patch(Circle(xy, r, facecolor=color, edgecolor=color, lw=1.2, zorder=Z_MOLECULE))
    elif level == "low":
        ax.add_patch(Circle(xy, r, facecolor="white", edgecolor=color, lw=1.2, zorder=Z_MOLECULE))
        ax.add_patch(Wedge(xy, r, 90, 270, facecolor=color, edgecolor="none", zorder=Z_MOLECULE + 0.1))
    elif level == "cytoplasmic":
        ax.add_patch(Circle(xy, r, facecolor="white", edgecolor=color, lw=1.6, zorder=Z_MOLECULE))
        ax.add_patch(Circle(xy, r * 0.35, facecolor=color, edgecolor="none", zorder=Z_MOLECULE + 0.1))
    elif level == "absent":
        ax.plot([x - r * 0.8, x + r * 0.8], [y, y], color=COLORS["muted"], lw=1.4, zorder=Z_MOLECULE)
    elif level == "unknown":
        ax.add_patch(Circle(xy, r * 0.25, facecolor=COLORS["muted"], edgecolor="none", zorder=Z_MOLECULE))
    else:  # pragma: no cover - guarded by the type
        raise ValueError(f"unknown expression level {level!r}")


@dataclass(frozen=True)
class _TreeLayout:
    """Where the tree and the grid of :func:`hematopoiesis_antigens` sit: the 7.2 in layout and a phone's."""

    width: float
    height: float
    top: float
    x0: float
    indent: float
    col0: float
    col_step: float
    header_size: float
    groups: tuple[str, str]
    legend: tuple[tuple[float, float], ...]


_WIDE = _TreeLayout(
    7.2, 4.5, 3.55, 0.25, 0.32, 3.75, 0.68, TITLE_SIZE - 1, ("B-cell targets", "myeloid targets"),
    ((0.3, 0.22), (1.75, 0.22), (3.45, 0.22), (5.05, 0.22), (5.85, 0.22)),
)  # fmt: skip
#: The same tree and grid for a phone: tighter indents and columns, progenitors' names on two lines, the
#: legend on three lines.
_PHONE = _TreeLayout(
    PHONE_PANEL_MAX_IN, 5.15, 4.1, 0.12, 0.12, 1.84, 0.45, SMALL_SIZE, ("B-cell\ntargets", "myeloid\ntargets"),
    ((0.14, 0.74), (1.9, 0.74), (0.14, 0.46), (1.9, 0.46), (0.14, 0.18)),
)  # fmt: skip


def _draw_hematopoiesis(ax: Axes, lay: _TreeLayout) -> None:
    top, step = lay.top, 0.42
    rows = {name: top - i * step for i, (name, _d, _l) in enumerate(_TREE)}
    x0, indent = lay.x0, lay.indent
    node = {name: (x0 + depth * indent, rows[name]) for name, depth, _l in _TREE}
    # tree connectors (elbows) and nodes
    for child, parent in _PARENT.items():
        (px, py), (cx, cy) = node[parent], node[child]
        ax.plot([px, px, cx], [py, cy, cy], color=COLORS["muted"], lw=1.3, zorder=Z_CELL - 0.5)
    for name, _depth, lineage in _TREE:
        color = _LINEAGE_COLOR[lineage]
        ax.add_patch(
            Circle(node[name], 0.09, facecolor=tint(color, 0.35), edgecolor=color, lw=1.8, zorder=Z_CELL)
        )
        shown = name if lay is _WIDE else name.replace(" progenitor", "\nprogenitor")
        label(
            ax,
            (node[name][0] + 0.14 + 0.02 * (lay is _WIDE), rows[name]),
            shown,
            ha="left",
            size=SMALL_SIZE + 0.5,
        )
    # expression grid
    col0, col_step = lay.col0, lay.col_step
    cols = {antigen: col0 + i * col_step for i, antigen in enumerate(ANTIGENS)}
    group_color = {
        "CD19": OKABE_ITO["blue"],
        "CD20": OKABE_ITO["blue"],
        "CD22": OKABE_ITO["blue"],
        "CD33": OKABE_ITO["vermillion"],
        "CD123": OKABE_ITO["vermillion"],
    }
    header_y = top + 0.42
    for antigen, x in cols.items():
        label(ax, (x, header_y), antigen, weight="bold", color=group_color[antigen], size=lay.header_size)
    label(
        ax,
        ((cols["CD19"] + cols["CD22"]) / 2, header_y + (0.33 if lay is _WIDE else 0.42)),
        lay.groups[0],
        color=OKABE_ITO["blue"],
        size=SMALL_SIZE + 0.5,
        weight="bold",
    )
    label(
        ax,
        ((cols["CD33"] + cols["CD123"]) / 2, header_y + (0.33 if lay is _WIDE else 0.42)),
        lay.groups[1],
        color=OKABE_ITO["vermillion"],
        size=SMALL_SIZE + 0.5,
        weight="bold",
    )
    for y_line in (header_y + 0.2,):
        ax.plot(
            [cols["CD19"] - 0.37 * col_step, cols["CD22"] + 0.37 * col_step],
            [y_line, y_line],
            color=OKABE_ITO["blue"],
            lw=1.2,
        )
        ax.plot(
            [cols["CD33"] - 0.37 * col_step, cols["CD123"] + 0.37 * col_step],
            [y_line, y_line],
            color=OKABE_ITO["vermillion"],
            lw=1.2,
        )
    for i, (name, _d, _l) in enumerate(_TREE):
        y = rows[name]
        if i % 2 == 0:
            ax.add_patch(
                Rectangle(
                    (cols["CD19"] - col_step / 2, y - step / 2),
                    col_step * 5,
                    step,
                    facecolor="#F4F4F4",
                    edgecolor="none",
                    zorder=Z_CELL - 1,
                )
            )
        for antigen, x in cols.items():
            _mark(ax, (x, y), EXPRESSION[name][antigen], group_color[antigen])
    # legend (shape = level)
    items: tuple[tuple[Level, str], ...] = (
        ("surface", "on the surface"),
        ("low", "low or on some cells"),
        ("cytoplasmic", "inside the cell only"),
        ("absent", "absent"),
        ("unknown", "not covered here"),
    )
    for (level, text), (x, legend_y) in zip(items, lay.legend, strict=True):
        _mark(ax, (x, legend_y), level, COLORS["ink"], r=0.075)
        label(ax, (x + 0.13, legend_y), text, ha="left", size=SMALL_SIZE)


@register_diagram(
    chapter=1,
    summary="CD19/20/22/33/123 along hematopoiesis",
    key_terms=("CD19", "CD20", "CD22", "CD33", "CD123", "plasma cell", "HSC", "monocyte"),
)
def hematopoiesis_antigens() -> Figure:
    """The hematopoietic tree with the expression of CD19, CD20, CD22, CD33 and CD123 at each stage.

    Returns
    -------
    Figure
        A 7.2 × 4.5 in tree (stem cell → myeloid and lymphoid progenitors → monocyte and the
        B-cell stages) beside an expression grid whose marker *shapes* say surface, low, cytoplasmic,
        absent or not covered; B-cell targets in blue and myeloid targets in vermillion, both labelled.
    """
    fig, ax = canvas(7.2, 4.5)
    _draw_hematopoiesis(ax, _WIDE)
    phone, phone_ax = canvas(_PHONE.width, _PHONE.height)
    _draw_hematopoiesis(phone_ax, _PHONE)
    alt = (
        "Hematopoietic tree: a stem cell (HSC) gives a myeloid progenitor, which gives monocytes, and a "
        "lymphoid progenitor, which gives pro-B, pre-B, mature B and plasma cells. A grid shows five target "
        "antigens. CD19 is on the surface from pro-B to mature B cells and absent on plasma cells. CD20 is on "
        "pre-B and mature B cells only. CD22 is inside pro-B and pre-B cells and on the surface of mature B "
        "cells, absent on plasma cells. CD33 is on myeloid progenitors and monocytes and on some stem cells. "
        f"CD123 is on myeloid progenitors, {_LEVEL_WORDS[EXPRESSION['stem cell (HSC)']['CD123']]} stem cells "
        "and low on monocytes. None of the B-cell antigens is on stem or myeloid cells."
    )
    caption = (
        "Where the target antigens sit along hematopoiesis. B-cell targets (CD19, CD20, CD22) are confined to "
        "the B lineage and missing from plasma cells, so killing every cell that carries them leaves stem cells "
        "and existing plasma cells alone. The myeloid targets CD33 and CD123 are also on stem or progenitor "
        "cells, which is why targeting them risks myeloablation. Marker shapes, not colours, give the level."
    )
    return finish(fig, alt, caption, phone=phone)


@register_diagram(
    chapter=2,
    summary="graft-versus-leukemia vs GVHD",
    key_terms=("T cell", "leukemia", "GVHD", "GvL", "skin", "gut", "liver"),
)
def gvl_vs_gvhd() -> Figure:
    """Graft-versus-leukemia and graft-versus-host disease as one donor T cell seeing two targets.

    Returns
    -------
    Figure
        A 7.2 × 3.4 in diagram: a donor T cell in the middle recognises recipient antigens on HLA,
        on a residual leukemia cell (left, GvL, wanted) and on host tissue of skin, gut and liver
        (right, GVHD, harmful).
    """
    fig, ax = canvas(7.2, 3.4)
    y = 1.75
    leuk = cell(ax, (1.85, y), 0.5, COLORS["leukemia"])
    t_cell = cell(ax, (3.55, y), 0.55, COLORS["tcell"], name="donor\nT cell", name_offset=(0.0, 0.12))
    label(ax, (1.85, 1.05), "recipient\nleukemia cell", va="top", weight="bold")
    # host tissue: a sheet of epithelial cells
    tissue_x0 = 4.75
    for i in range(3):
        for j in range(2):
            ax.add_patch(
                Rectangle(
                    (tissue_x0 + i * 0.5, y - 0.47 + j * 0.48),
                    0.46,
                    0.44,
                    facecolor=tint(OKABE_ITO["orange"], 0.2),
                    edgecolor=OKABE_ITO["orange"],
                    lw=1.6,
                    zorder=Z_CELL,
                )
            )
    label(ax, (tissue_x0 + 0.73, 1.05), "recipient tissue\n(skin, gut, liver)", va="top", weight="bold")
    # recognition: a TCR (fork) meets a recipient antigen on HLA (cup holding a peptide) on each target
    for target_point, hla_angle, t_side, tcr_angle in (
        (leuk.point(0), 0, t_cell.point(180), 180),
        ((tissue_x0, y), 180, t_cell.point(0), 0),
    ):
        receptor(ax, t_side, tcr_angle, COLORS["tcell"], length=0.2, head="fork")
        tip = receptor(ax, target_point, hla_angle, COLORS["ink"], length=0.14, head="cup")
        ax.add_patch(Circle(tip, 0.045, facecolor=COLORS["leukemia"], edgecolor="none", zorder=Z_MOLECULE))
    annotate(ax, "TCR", (t_cell.point(180, 0.12)[0], y + 0.04), (2.75, 2.55))
    annotate(ax, "recipient antigen on HLA", (leuk.point(0, 0.16)[0], y - 0.04), (2.35, 0.3))
    annotate(ax, "recipient antigen on HLA", (tissue_x0 - 0.16, y - 0.04), (4.55, 0.3))
    # outcomes
    arrow(ax, (3.25, 2.5), (2.05, 2.4), color=OKABE_ITO["bluish_green"], lw=2.2, rad=0.35)
    label(ax, (1.4, 3.15), "graft-versus-leukemia (GvL)", weight="bold", color=OKABE_ITO["bluish_green"])
    label(ax, (1.4, 2.88), "kills residual leukemia: wanted", size=SMALL_SIZE)
    arrow(ax, (3.85, 2.5), (5.2, 2.35), color=OKABE_ITO["vermillion"], lw=2.2, rad=-0.35)
    label(ax, (5.6, 3.15), "graft-versus-host disease (GVHD)", weight="bold", color=OKABE_ITO["vermillion"])
    label(ax, (5.6, 2.88), "attacks healthy tissue: harmful", size=SMALL_SIZE)
    alt = (
        "A donor T cell sits between two recipient targets. On the left, its T-cell receptor (TCR) "
        "recognises a recipient antigen on HLA on a leftover leukemia cell and kills it: graft-versus-leukemia, "
        "the wanted effect. On the right, the same kind of recognition of a recipient antigen on HLA on "
        "normal tissue of the skin, gut or liver causes graft-versus-host disease, the harmful effect."
    )
    caption = (
        "Graft-versus-leukemia and graft-versus-host disease are two faces of one reaction: donor T cells "
        "(helped by NK cells in GvL) recognise the recipient's cells as foreign. Where they find leukemia, they "
        "clear it; where they find skin, gut or liver, they cause GVHD."
    )
    return finish(fig, alt, caption)
