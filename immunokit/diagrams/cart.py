"""Diagrams of chapter 5: CAR anatomy by generation and the vein-to-vein workflow of CAR T cells.

Sources (the chapter's references in ``book/references.bib``):

* CAR domains from outside to inside: scFv, hinge, transmembrane domain, costimulatory domain
  (CD28 or 4-1BB), CD3ζ. Generations: first CD3ζ only; second one costimulatory domain; third two;
  "armoured" or fourth generation adds an inducible cytokine or other payload. Tisa-cel, obe-cel
  and liso-cel use 4-1BB.
* Manufacturing and administration: leukapheresis, activation, gene transfer (lentiviral or
  gammaretroviral vector), ex vivo expansion, release testing, cryopreservation and shipping,
  bridging therapy if needed, lymphodepletion (typically fludarabine + cyclophosphamide), a single
  infusion, then monitoring for CRS and ICANS. UK national tisa-cel ALL programme: median 60 days
  (IQR 50–80) from screening to infusion (Blood Cancer J 2024, Table 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

from ..display import Figure
from ..interactive.registry import register_diagram
from ..interactive.stepper import Stepper
from ..style import OKABE_ITO
from .kit import (
    COLORS,
    SMALL_SIZE,
    Z_MOLECULE,
    Point,
    Step,
    arrow,
    callout_box,
    canvas,
    car,
    cytokines,
    finish,
    highlight,
    label,
    ligand,
    membrane_band,
    stepper,
    tint,
)

__all__ = ["car_generations", "car_t_workflow"]


@register_diagram(
    chapter=5,
    summary="CAR anatomy, 1st–3rd and armoured generations",
    key_terms=("scFv", "hinge", "CD3ζ", "CD28", "4-1BB", "cytokine"),
)
def car_generations() -> Figure:
    """CAR constructs by generation: first, second (CD28 or 4-1BB), third and armoured/fourth.

    Returns
    -------
    Figure
        A 7.2 × 3.9 in diagram of four CARs standing in one T-cell membrane, each domain labelled
        (scFv, hinge, TM, costimulatory domains, CD3ζ); the armoured CAR T cell also secretes an
        inducible cytokine.
    """
    fig, ax = canvas(7.2, 3.9)
    membrane_y = 2.25
    membrane_band(ax, 0.05, 7.15, membrane_y)
    label(ax, (0.08, membrane_y + 0.25), "outside", ha="left", size=SMALL_SIZE, style="italic")
    label(
        ax,
        (0.08, membrane_y - 0.25),
        "inside the\nT cell",
        ha="left",
        va="top",
        size=SMALL_SIZE,
        style="italic",
    )
    panels = (
        (1.0, "1st generation", "CD3ζ only", ()),
        (2.75, "2nd generation", "one costimulatory\ndomain", ("CD28 or\n4-1BB",)),
        (4.45, "3rd generation", "two costimulatory\ndomains", ("CD28", "4-1BB")),
        (6.0, "armoured (4th)", "2nd generation\n+ payload", ("CD28 or\n4-1BB",)),
    )
    for x, title, subtitle, costim in panels:
        label(ax, (x + 0.25, 3.72), title, weight="bold")
        label(ax, (x + 0.25, 3.52), subtitle, size=SMALL_SIZE, va="top")
        car(ax, x, membrane_y, costim=costim, domain_height=0.3)
    # the armoured CAR T cell also makes an inducible cytokine, which it secretes
    cytokines(ax, (6.92, 2.95), COLORS["cytokine"], n=6, spread=0.13, size=0.04, shape="triangle")
    callout_box(ax, (6.45, 0.4), "inducible\ncytokine gene", color=COLORS["cytokine"], size=SMALL_SIZE)
    arrow(ax, (6.98, 0.62), (6.98, 2.72), color=COLORS["cytokine"], lw=1.3, dashed=True)
    ligand(ax, (4.95, 0.3), COLORS["cytokine"], size=0.05)
    label(ax, (5.05, 0.3), "secreted\ncytokine", ha="left", size=SMALL_SIZE)
    label(ax, (2.75 + 0.25, 0.3), "4-1BB in tisa-cel,\nobe-cel and liso-cel", size=SMALL_SIZE, style="italic")
    alt = (
        "Four chimeric antigen receptors stand in a T-cell membrane. Each has, from outside to inside, an scFv "
        "that binds the antigen, a hinge, a transmembrane domain (TM) and CD3ζ. The first-generation CAR has "
        "CD3ζ only; the second adds one costimulatory domain, CD28 or 4-1BB; the third has two, CD28 and 4-1BB; "
        "the armoured or fourth-generation CAR T cell is a second-generation CAR plus an inducible cytokine "
        "gene whose cytokine is secreted."
    )
    caption = (
        "CAR anatomy by generation. Each CAR joins an antibody-derived scFv outside the cell to T-cell "
        "signalling domains inside: CD3ζ carries the activation signal; second-generation CARs add one "
        "costimulatory domain (CD28 or 4-1BB), third-generation CARs two. Armoured (4th-generation) CAR T "
        "cells also carry an inducible payload such as a cytokine."
    )
    return finish(fig, alt, caption)


# ---------------------------------------------------------------------------------------------
# vein-to-vein workflow
# ---------------------------------------------------------------------------------------------

_UK_VEIN_TO_VEIN = (
    "In the UK national tisa-cel programme for ALL, the median time from screening to infusion was 60 days "
    "(interquartile range 50–80; Blood Cancer Journal, 2024)."
)

WORKFLOW_STEPS: Final[tuple[Step, ...]] = (
    Step(
        "1 Leukapheresis",
        "Leukapheresis collects the patient's own white blood cells, including T cells, at the treatment "
        "centre; they travel to the manufacturing site.",
        "Workflow step 1 of 8, leukapheresis, highlighted: leukapheresis collects the patient's own T cells at the treatment "
        "centre.",
    ),
    Step(
        "2 Activation",
        "At the manufacturing site the T cells are activated (for example with anti-CD3/CD28 beads); some "
        "products first select or enrich T cells.",
        "Workflow step 2 of 8, T-cell activation, highlighted: at the manufacturing site the T cells are activated.",
    ),
    Step(
        "3 Gene transfer",
        "A lentiviral or gammaretroviral vector carries the CAR gene into the activated T cells "
        "(transduction).",
        "Workflow step 3 of 8, gene transfer, highlighted: a viral vector transfers the CAR gene into the T cells.",
    ),
    Step(
        "4 Expansion",
        "The CAR T cells multiply ex vivo until there are enough for a dose.",
        "Workflow step 4 of 8, expansion, highlighted: the CAR T cells are expanded in culture.",
    ),
    Step(
        "5 Release testing",
        "Release testing checks identity, potency, CAR expression, sterility, absence of replication-competent "
        "virus and viability; the product is then cryopreserved and shipped back. Meanwhile the patient may "
        "need bridging therapy.",
        "Workflow step 5 of 8, release testing, highlighted: the product is release-tested, cryopreserved and shipped back to "
        "the treatment centre, while the patient may receive bridging therapy.",
    ),
    Step(
        "6 Lymphodepletion",
        "Lymphodepleting chemotherapy, typically fludarabine plus cyclophosphamide, makes room for the CAR T "
        "cells to expand and removes competing normal T cells.",
        "Workflow step 6 of 8, lymphodepletion, highlighted: the patient receives lymphodepleting chemotherapy, typically "
        "fludarabine plus cyclophosphamide.",
    ),
    Step(
        "7 Infusion",
        "The CAR T cells are given as an infusion, closing the vein-to-vein interval. " + _UK_VEIN_TO_VEIN,
        "Workflow step 7 of 8, infusion, highlighted: the CAR T cells are infused, which ends the vein-to-vein interval "
        "that began with leukapheresis. In the UK tisa-cel programme for ALL, the median time from screening "
        "to infusion was 60 days.",
    ),
    Step(
        "8 Monitoring",
        "After the infusion the patient stays in or near the centre and is monitored for cytokine release "
        "syndrome (CRS) and neurotoxicity (ICANS).",
        "Workflow step 8 of 8, monitoring, highlighted: after infusion the patient is monitored for cytokine release "
        "syndrome and neurotoxicity.",
    ),
)

_NAMES: Final[tuple[str, ...]] = (
    "leukapheresis",
    "T-cell activation",
    "gene transfer",
    "expansion",
    "release testing",
    "lymphodepletion",
    "infusion",
    "monitoring",
)
_LAB_COLOR: Final = OKABE_ITO["blue"]
_CLINIC_COLOR: Final = OKABE_ITO["vermillion"]
#: Index of the infusion station: from that step on, the vein-to-vein time is bracketed.
_INFUSION: Final = _NAMES.index("infusion")
#: The arrows between stations (from, to, label), in step order.
_FLOWS: Final[tuple[tuple[int, int, str], ...]] = (
    (0, 1, ""),
    (1, 2, ""),
    (2, 3, ""),
    (3, 4, ""),
    (4, 6, "cryopreserved,\nshipped back"),
    (5, 6, ""),
    (6, 7, ""),
)

Rect = tuple[Point, float, float]  # lower-left corner, width, height (inches)


@dataclass(frozen=True)
class _FlowLayout:
    """Where everything of the workflow sits: the 7.2 in layout (stations in two rows, the manufacturing
    site above the treatment centre, time running right) and a phone's (the same stations in two columns,
    time running down)."""

    size: Point
    #: Centre of each station, in step order; the set of manufacturing-site stations.
    stations: tuple[Point, ...]
    in_lab: frozenset[int]
    box_w: float
    name_size: float
    #: The two zones (highlight rectangles) and their names (position, text).
    lab_zone: Rect
    clinic_zone: Rect
    lab_name: tuple[Point, str]
    clinic_name: tuple[Point, str]
    #: Each arrow of :data:`_FLOWS`: start and end; then where the labelled one's text goes.
    flow_ends: tuple[tuple[Point, Point], ...]
    flow_text: Point
    #: Bridging therapy: the dashed line's two ends, its text and where the text goes.
    bridging_line: tuple[Point, Point]
    bridging_text: tuple[Point, str]
    bridging_va: Literal["bottom", "center"]
    #: The vein-to-vein bracket: its points, then its text's position and rotation.
    bracket: tuple[Point, ...]
    bracket_text: Point
    bracket_rotation: float


def _row_flow_ends(stations: tuple[Point, ...], box_w: float) -> tuple[tuple[Point, Point], ...]:
    """The arrows of the 7.2 in layout: along a row edge to edge; up into a station's left side; down
    from below a station into the top right of the next."""
    ends = []
    half = box_w / 2
    for a, b, _text in _FLOWS:
        (x0, y0), (x1, y1) = stations[a], stations[b]
        if y0 == y1:
            ends.append(((x0 + half, y0), (x1 - half, y1)))
        elif y0 < y1:
            ends.append(((x0, y0 + 0.2), (x1 - half, y1 - 0.05)))
        else:
            ends.append(((x0 - 0.2, y0 - 0.2), (x1 + 0.3, y1 + 0.2)))
    return tuple(ends)


_COLS: Final[tuple[float, ...]] = (0.72, 2.16, 3.6, 5.04, 6.48)
_ROW_LAB, _ROW_CLINIC = 2.55, 1.2
# (column, row) of each station, in step order
_STATIONS: Final[tuple[Point, ...]] = (
    (_COLS[0], _ROW_CLINIC),
    (_COLS[1], _ROW_LAB),
    (_COLS[2], _ROW_LAB),
    (_COLS[3], _ROW_LAB),
    (_COLS[4], _ROW_LAB),
    (_COLS[2], _ROW_CLINIC),
    (_COLS[3], _ROW_CLINIC),
    (_COLS[4], _ROW_CLINIC),
)
_BOX_W: Final[float] = 1.3
_LAB: Final = frozenset({1, 2, 3, 4})
_WIDE_FLOWS: Final = _row_flow_ends(_STATIONS, _BOX_W)
_BRIDGE_X: Final = (_STATIONS[0][0] + _BOX_W / 2, _STATIONS[5][0] - _BOX_W / 2)

_WIDE_FLOW: Final = _FlowLayout(
    size=(7.2, 3.5),
    stations=_STATIONS,
    in_lab=_LAB,
    box_w=_BOX_W,
    name_size=8.0,
    lab_zone=((1.4, _ROW_LAB - 0.38), 5.75, 0.76),
    clinic_zone=((0.05, _ROW_CLINIC - 0.38), 7.1, 0.76),
    lab_name=((1.55, _ROW_LAB + 0.6), "manufacturing site"),
    clinic_name=((0.12, _ROW_CLINIC - 0.62), "treatment centre (patient)"),
    flow_ends=_WIDE_FLOWS,
    flow_text=(
        (_WIDE_FLOWS[4][0][0] + _WIDE_FLOWS[4][1][0]) / 2 + 0.75,
        (_WIDE_FLOWS[4][0][1] + _WIDE_FLOWS[4][1][1]) / 2 + 0.05,
    ),
    bridging_line=((_BRIDGE_X[0], _ROW_CLINIC), (_BRIDGE_X[1], _ROW_CLINIC)),
    bridging_text=((sum(_BRIDGE_X) / 2, _ROW_CLINIC + 0.2), "bridging\ntherapy\nif needed"),
    bridging_va="bottom",
    bracket=((_COLS[0], 0.34), (_COLS[0], 0.22), (_COLS[3], 0.22), (_COLS[3], 0.34)),
    bracket_text=((_COLS[0] + _COLS[3]) / 2, 0.36),
    bracket_rotation=0.0,
)

# The phone's layout: the treatment centre on the left, the manufacturing site on the right, one row
# per stage from the top (leukapheresis) down (monitoring); the vein-to-vein bracket runs down the left.
_P_ROWS: Final[tuple[float, ...]] = tuple(4.25 - 0.6 * k for k in range(7))
_P_CLINIC_X, _P_LAB_X, _P_BOX_W = 1.15, 2.83, 1.48
#: Top of both zones, with room for their names inside.
_P_TOP: Final = _P_ROWS[0] + 0.66
_P_STATIONS: Final[tuple[Point, ...]] = (
    (_P_CLINIC_X, _P_ROWS[0]),
    (_P_LAB_X, _P_ROWS[1]),
    (_P_LAB_X, _P_ROWS[2]),
    (_P_LAB_X, _P_ROWS[3]),
    (_P_LAB_X, _P_ROWS[4]),
    (_P_CLINIC_X, _P_ROWS[3]),
    (_P_CLINIC_X, _P_ROWS[5]),
    (_P_CLINIC_X, _P_ROWS[6]),
)


def _column_flow_ends(stations: tuple[Point, ...], box_w: float) -> tuple[tuple[Point, Point], ...]:
    """The arrows of the phone's layout: down a column bottom edge to top edge; across from a station's
    side into the top (or the side) of a station in the other column."""
    ends = []
    half = box_w / 2
    for a, b, _text in _FLOWS:
        (x0, y0), (x1, y1) = stations[a], stations[b]
        if x0 == x1:
            ends.append(((x0, y0 - 0.2), (x1, y1 + 0.2)))
        elif x0 < x1:
            ends.append(((x0 + half, y0), (x1 - 0.3, y1 + 0.2)))
        else:
            ends.append(((x0 - 0.3, y0 - 0.2), (x1 + half, y1)))
    return tuple(ends)


_PHONE_FLOW: Final = _FlowLayout(
    size=(3.66, 5.0),
    stations=_P_STATIONS,
    in_lab=_LAB,
    box_w=_P_BOX_W,
    name_size=SMALL_SIZE,
    lab_zone=((_P_LAB_X - _P_BOX_W / 2 - 0.05, _P_ROWS[4] - 0.3), _P_BOX_W + 0.1, _P_TOP - _P_ROWS[4] + 0.3),
    clinic_zone=((0.32, _P_ROWS[6] - 0.3), _P_BOX_W + 0.18, _P_TOP - _P_ROWS[6] + 0.3),
    lab_name=((_P_LAB_X - _P_BOX_W / 2, _P_ROWS[0] + 0.42), "manufacturing site"),
    clinic_name=((0.4, _P_ROWS[0] + 0.42), "treatment centre\n(patient)"),
    flow_ends=_column_flow_ends(_P_STATIONS, _P_BOX_W),
    flow_text=(_P_LAB_X + 0.25, _P_ROWS[5] - 0.05),
    bridging_line=((_P_CLINIC_X - 0.45, _P_ROWS[0] - 0.2), (_P_CLINIC_X - 0.45, _P_ROWS[3] + 0.2)),
    bridging_text=((_P_CLINIC_X + 0.2, (_P_ROWS[1] + _P_ROWS[2]) / 2), "bridging\ntherapy\nif needed"),
    bridging_va="center",
    bracket=(
        (0.26, _P_ROWS[0]),
        (0.14, _P_ROWS[0]),
        (0.14, _P_ROWS[5]),
        (0.26, _P_ROWS[5]),
    ),
    bracket_text=(0.14, (_P_ROWS[0] + _P_ROWS[5]) / 2),
    bracket_rotation=90.0,
)


def _zones(ax: Axes, lay: _FlowLayout) -> None:
    """The manufacturing site and the treatment centre, each named in text."""
    for zone, (xy, text), color, alpha in (
        (lay.lab_zone, lay.lab_name, _LAB_COLOR, 0.08),
        (lay.clinic_zone, lay.clinic_name, _CLINIC_COLOR, 0.06),
    ):
        highlight(ax, *zone, color=color, alpha=alpha)
        label(ax, xy, text, ha="left", size=SMALL_SIZE, weight="bold", color=color)


def _flows(ax: Axes, lay: _FlowLayout, step: int) -> None:
    """Arrows between stations, dark once both ends are reached."""
    for (a, b, text), (start, end) in zip(_FLOWS, lay.flow_ends, strict=True):
        done = max(a, b) <= step
        arrow(ax, start, end, color=COLORS["ink"] if done else COLORS["muted"], lw=1.4)
        if text:
            label(ax, lay.flow_text, text, size=SMALL_SIZE, alpha=1.0 if done else 0.6)


def _bridging(ax: Axes, lay: _FlowLayout, step: int) -> None:
    """Bridging therapy while the product is made."""
    (x0, y0), (x1, y1) = lay.bridging_line
    ax.plot([x0, x1], [y0, y1], color=COLORS["muted"], lw=1.2, ls=(0, (2, 2)))
    xy, text = lay.bridging_text
    label(ax, xy, text, size=SMALL_SIZE, va=lay.bridging_va, alpha=1.0 if step >= 4 else 0.6)


def _station_boxes(ax: Axes, lay: _FlowLayout, step: int) -> None:
    """Fixed-size numbered boxes: reached ones solid, the current one highlighted."""
    for k, ((x, y), name) in enumerate(zip(lay.stations, _NAMES, strict=True)):
        zone_color = _LAB_COLOR if k in lay.in_lab else _CLINIC_COLOR
        current = k == step
        fade = 1.0 if k <= step else 0.45
        ax.add_patch(
            FancyBboxPatch(
                (x - lay.box_w / 2, y - 0.2),
                lay.box_w,
                0.4,
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor=tint(COLORS["highlight"], 0.75) if current else "white",
                edgecolor=zone_color,
                lw=2.2 if current else 1.3,
                alpha=fade,
                zorder=Z_MOLECULE,
            )
        )
        label(
            ax,
            (x - lay.box_w / 2 + 0.08, y - 0.01),
            str(k + 1),
            ha="left",
            weight="bold",
            alpha=fade,
            size=SMALL_SIZE,
        )
        weight = "bold" if current else "normal"
        label(ax, (x + 0.07, y - 0.01), name, weight=weight, alpha=fade, size=lay.name_size)


def _vein_to_vein(ax: Axes, lay: _FlowLayout) -> None:
    """The vein-to-vein bracket, from leukapheresis to infusion."""
    xs, ys = zip(*lay.bracket, strict=True)
    ax.plot(xs, ys, color=COLORS["ink"], lw=1.2)
    label(
        ax,
        lay.bracket_text,
        "vein-to-vein time",
        size=SMALL_SIZE,
        weight="bold",
        va="center" if lay.bracket_rotation else "bottom",
        box=True,
        rotation=lay.bracket_rotation,
    )


def _draw_workflow(ax: Axes, lay: _FlowLayout, step: int) -> None:
    """Step ``step`` of the workflow in layout ``lay``: every station so far solid, the current one
    highlighted."""
    _zones(ax, lay)
    _flows(ax, lay, step)
    _bridging(ax, lay, step)
    _station_boxes(ax, lay, step)
    if step >= _INFUSION:
        _vein_to_vein(ax, lay)


def _workflow_scene(ax: Axes, step: int) -> None:
    _draw_workflow(ax, _WIDE_FLOW, step)


def _workflow_phone_scene(ax: Axes, step: int) -> None:
    _draw_workflow(ax, _PHONE_FLOW, step)


@register_diagram(
    chapter=5,
    summary="vein-to-vein CAR T workflow",
    key_terms=(
        "leukapheresis",
        "activation",
        "gene transfer",
        "expansion",
        "release testing",
        "lymphodepletion",
        "infusion",
        "monitoring",
    ),
)
def car_t_workflow() -> Stepper:
    """Step through the vein-to-vein workflow of an autologous CAR T-cell product.

    Returns
    -------
    Stepper
        Eight steps on a 7.2 × 3.5 in canvas: leukapheresis, activation, gene transfer, expansion,
        release testing (then cryopreservation and shipping, with bridging therapy if needed),
        lymphodepletion, infusion and monitoring. Stations are placed by where they happen (the
        manufacturing site or the treatment centre) and numbered in order.
    """
    return stepper(
        "The CAR T-cell workflow, vein to vein",
        WORKFLOW_STEPS,
        _workflow_scene,
        _WIDE_FLOW.size,
        phone=(_workflow_phone_scene, _PHONE_FLOW.size),
    )
