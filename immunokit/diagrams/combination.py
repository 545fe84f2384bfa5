"""Diagram of chapter 9: the timeline of a combined course around a CAR T-cell infusion.

Sources (the chapter's references in ``book/references.bib``): leukapheresis,
manufacturing, bridging therapy if needed, lymphodepletion with fludarabine + cyclophosphamide before
a single infusion; CAR T expansion peaks around days 7–14 (Stein et al. 2019; typical Tmax 9.3 days);
CRS onset median day 4 (IQR 1–7) with liso-cel in CLL (TRANSCEND CLL 004, Table 4); response
assessment within 3 months in ELIANA; allo-HSCT after CAR T is a choice for some patients. The
exact lymphodepletion days differ by product and are not in the verified sources, so the diagram
keeps them relative ("in the days before infusion").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch, Polygon

from ..display import Figure
from ..interactive.registry import register_diagram
from ..style import OKABE_ITO
from .kit import (
    COLORS,
    SMALL_SIZE,
    Z_MOLECULE,
    Color,
    Point,
    annotate,
    arrow,
    canvas,
    finish,
    label,
    tint,
)

__all__ = ["combined_timeline"]

Ha = Literal["left", "center", "right"]
Span = tuple[float, float]


@dataclass(frozen=True)
class _TimelineLayout:
    """Where the timeline's parts sit: the 7.2 in layout (lane names on the left) and a phone's (each lane
    named above it, the time axis the whole width). x in inches, y of each lane's bars."""

    size: Point
    #: x of the schematic time axis: before infusion | days 0–28 | months after.
    before: Span
    days: Span
    months: Span
    #: Each lane: its name as drawn, where the name goes and the y of its bars.
    lanes: tuple[tuple[str, Point, float], ...]
    lane_line: Span
    axis_y: float
    tick_y: float
    segment_y: float
    segment_names: tuple[str, str, str]
    #: The top of the day-0 line and where its title goes.
    infusion_top: float
    title_y: float
    #: Bars before the infusion: bridging, lymphodepletion (LD), manufacturing; the leukapheresis mark.
    bridging: Span
    ld: Span
    manufacturing: Span
    leukapheresis_x: float
    #: Callouts and labels: where each text goes (and how it is aligned) by name.
    texts: dict[str, tuple[Point, Ha]]
    #: The safety bar's label as drawn (on two lines beside the bar on a phone).
    safety_text: str
    #: The two arrows from the response assessment to what comes next (start, end).
    outcome_arrows: tuple[tuple[Point, Point], ...]

    def day(self, d: float) -> float:
        """x of day ``d`` (0–28) after infusion on the linear middle segment."""
        return self.days[0] + (self.days[1] - self.days[0]) * d / 28.0


_LANE_NAMES: Final = ("chemotherapy", "CAR T cells", "safety watch", "response and\nnext step")


def _wide_day(d: float) -> float:
    """x of day ``d`` on the 7.2 in layout's axis (as :meth:`_TimelineLayout.day` computes it)."""
    return 3.0 + (5.55 - 3.0) * d / 28.0


_WIDE: Final = _TimelineLayout(
    size=(7.2, 3.6),
    before=(1.35, 3.0),
    days=(3.0, 5.55),
    months=(5.55, 7.1),
    lanes=tuple((name, (0.08, y), y) for name, y in zip(_LANE_NAMES, (2.9, 2.3, 1.7, 1.08), strict=True)),
    lane_line=(1.3, 7.12),
    axis_y=0.52,
    tick_y=0.34,
    segment_y=0.12,
    segment_names=("weeks before", "days after infusion", "months after"),
    infusion_top=3.3,
    title_y=3.45,
    bridging=(1.6, 2.45),
    ld=(2.5, 2.95),
    manufacturing=(1.6, 2.95),
    leukapheresis_x=1.42,
    texts={
        "lymphodepletion": ((4.4, 3.05), "center"),
        "leukapheresis": ((1.42, 2.3 - 0.35), "center"),
        "expansion": ((_wide_day(12), 2.3 - 0.38), "center"),
        "safety": ((_wide_day(18), 1.7), "center"),
        "median": ((_wide_day(7), 1.7 - 0.42), "center"),
        "response": ((5.55 - 0.1, 1.08), "right"),
        "allo-HSCT": ((6.05, 1.08 + 0.2), "left"),
        "follow-up": ((6.05, 1.08 - 0.2), "left"),
    },
    safety_text="CRS and ICANS monitoring",
    outcome_arrows=(
        ((5.55 + 0.2, 1.08 + 0.04), (6.0, 1.08 + 0.18)),
        ((5.55 + 0.2, 1.08 - 0.04), (6.0, 1.08 - 0.18)),
    ),
)

# The phone's layout: every lane named on its own line above its bars, so the time axis takes the width.
_P_LANES: Final = (4.55, 3.7, 2.8, 1.75)
_P_DAY0, _P_MONTHS = 1.5, 2.95
_PHONE: Final = _TimelineLayout(
    size=(3.7, 5.3),
    before=(0.08, _P_DAY0),
    days=(_P_DAY0, _P_MONTHS),
    months=(_P_MONTHS, 3.62),
    lanes=tuple(
        (name.replace("\n", " "), (0.08, y + 0.3), y) for name, y in zip(_LANE_NAMES, _P_LANES, strict=True)
    ),
    lane_line=(0.08, 3.62),
    axis_y=0.68,
    tick_y=0.5,
    segment_y=0.2,
    segment_names=("weeks before", "days after infusion", "months\nafter"),
    infusion_top=4.98,
    title_y=5.14,
    bridging=(0.14, 1.02),
    ld=(1.06, 1.46),
    manufacturing=(0.34, 1.46),
    leukapheresis_x=0.2,
    texts={
        "lymphodepletion": ((2.58, _P_LANES[0]), "center"),
        "leukapheresis": ((0.08, _P_LANES[1] - 0.36), "left"),
        "expansion": ((2.5, _P_LANES[1] - 0.36), "center"),
        "safety": ((1.4, _P_LANES[2]), "right"),
        "median": ((2.45, _P_LANES[2] - 0.4), "center"),
        "response": ((_P_MONTHS - 0.1, _P_LANES[3]), "right"),
        "allo-HSCT": ((2.2, _P_LANES[3] - 0.45), "center"),
        "follow-up": ((3.25, _P_LANES[3] - 0.45), "center"),
    },
    safety_text="CRS and ICANS\nmonitoring",
    outcome_arrows=(
        ((_P_MONTHS + 0.02, _P_LANES[3] - 0.1), (2.4, _P_LANES[3] - 0.34)),
        ((_P_MONTHS + 0.12, _P_LANES[3] - 0.1), (3.2, _P_LANES[3] - 0.34)),
    ),
)


def _bar(
    ax: Axes, x0: float, x1: float, y: float, color: Color, text: str, *, hatch: str | None = None
) -> None:
    ax.add_patch(
        FancyBboxPatch(
            (x0, y - 0.12),
            x1 - x0,
            0.24,
            boxstyle="round,pad=0,rounding_size=0.06",
            facecolor=tint(color, 0.45),
            edgecolor=color,
            lw=1.3,
            hatch=hatch,
            zorder=Z_MOLECULE,
        )
    )
    label(ax, ((x0 + x1) / 2, y), text, size=SMALL_SIZE)


def _diamond(ax: Axes, x: float, y: float, color: str, size: float = 0.09) -> None:
    ax.add_patch(
        Polygon(
            [(x, y + size), (x + size, y), (x, y - size), (x - size, y)],
            closed=True,
            facecolor=color,
            edgecolor=COLORS["ink"],
            lw=0.8,
            zorder=Z_MOLECULE + 0.5,
        )
    )


def _draw_timeline(ax: Axes, lay: _TimelineLayout) -> None:
    """The lanes, the broken time axis and every bar and callout of the timeline, in layout ``lay``."""
    day = lay.day
    lanes = {}
    for name, xy, y in lay.lanes:
        lanes[name.split()[0]] = y
        label(ax, xy, name, ha="left", weight="bold", size=SMALL_SIZE + 0.5)
        ax.plot(list(lay.lane_line), [y, y], color="#E2E2E2", lw=0.8, zorder=0)
    # time axis with breaks between the segments
    y_axis = lay.axis_y
    for x0, x1 in (lay.before, lay.days, lay.months):
        ax.plot([x0 + 0.04, x1 - 0.04], [y_axis, y_axis], color=COLORS["ink"], lw=1.2)
    for x in (lay.before[1], lay.days[1]):
        for dx in (-0.05, 0.03):
            ax.plot([x + dx, x + dx + 0.04], [y_axis - 0.06, y_axis + 0.06], color=COLORS["ink"], lw=1.0)
    for segment, name in zip((lay.before, lay.days, lay.months), lay.segment_names, strict=True):
        label(ax, (sum(segment) / 2, lay.segment_y), name, size=SMALL_SIZE)
    for d in (0, 7, 14, 21, 28):
        ax.plot([day(d), day(d)], [y_axis - 0.05, y_axis + 0.05], color=COLORS["ink"], lw=1.0)
        label(ax, (day(d), lay.tick_y), str(d), size=SMALL_SIZE)
    # day 0: infusion line across the lanes
    ax.plot(
        [day(0), day(0)],
        [y_axis + 0.08, lay.infusion_top],
        color=COLORS["ink"],
        lw=1.0,
        ls=(0, (3, 2)),
        zorder=0.5,
    )
    label(ax, (day(0), lay.title_y), "CAR T infusion (day 0)", weight="bold", size=SMALL_SIZE + 0.5)
    texts = lay.texts
    # chemotherapy lane
    y = lanes["chemotherapy"]
    _bar(ax, *lay.bridging, y, OKABE_ITO["sky_blue"], "bridging")
    _bar(ax, *lay.ld, y, OKABE_ITO["blue"], "LD")
    xy, ha = texts["lymphodepletion"]
    text = "lymphodepletion (fludarabine +\ncyclophosphamide), days before"
    annotate(ax, text, (lay.ld[1] - 0.23, y + 0.12), xy, ha=ha)
    # CAR T lane
    y = lanes["CAR"]
    _diamond(ax, lay.leukapheresis_x, y, OKABE_ITO["orange"])
    xy, ha = texts["leukapheresis"]
    annotate(ax, "leukapheresis", (lay.leukapheresis_x, y - 0.09), xy, ha=ha)
    _bar(ax, *lay.manufacturing, y, OKABE_ITO["orange"], "manufacturing")
    _diamond(ax, day(0), y, COLORS["ink"])
    _bar(ax, day(7), day(14), y, OKABE_ITO["bluish_green"], "peak")
    xy, ha = texts["expansion"]
    annotate(ax, "expansion peaks around days 7–14", (day(10.5), y - 0.12), xy, ha=ha)
    _bar(ax, day(16), lay.months[1], y, tint(OKABE_ITO["bluish_green"], 0.6), "persistence")
    # safety lane
    y = lanes["safety"]
    _bar(ax, day(0.3), day(27.5), y, OKABE_ITO["vermillion"], "")
    xy, ha = texts["safety"]
    label(ax, xy, lay.safety_text, size=SMALL_SIZE, ha=ha)
    _diamond(ax, day(4), y, OKABE_ITO["yellow"], size=0.08)
    xy, ha = texts["median"]
    annotate(ax, "median CRS onset: day 4\n(liso-cel in CLL)", (day(4), y - 0.09), xy, ha=ha)
    # response lane
    y = lanes["response"]
    _diamond(ax, lay.months[0] + 0.08, y, OKABE_ITO["reddish_purple"])
    xy, ha = texts["response"]
    label(ax, xy, "response and\nMRD assessment", ha=ha, size=SMALL_SIZE)
    for start, end in lay.outcome_arrows:
        arrow(ax, start, end, lw=1.2)
    for name, text in (("allo-HSCT", "allo-HSCT for some"), ("follow-up", "or follow-up")):
        xy, ha = texts[name]
        label(ax, xy, text, ha=ha, size=SMALL_SIZE)


@register_diagram(
    chapter=9,
    summary="timeline of a combined CAR T course",
    key_terms=("lymphodepletion", "CRS", "ICANS", "MRD", "allo-HSCT", "leukapheresis"),
)
def combined_timeline() -> Figure:
    """A schematic timeline of a CAR T-cell course combined with chemotherapy and transplant.

    Returns
    -------
    Figure
        A 7.2 × 3.6 in timeline with four labelled lanes (chemotherapy, CAR T cells, safety,
        response and next step) over a broken time axis: weeks before infusion, days 0–28 after
        it, and the months after.
    """
    fig, ax = canvas(*_WIDE.size)
    _draw_timeline(ax, _WIDE)
    phone, phone_ax = canvas(*_PHONE.size)
    _draw_timeline(phone_ax, _PHONE)
    alt = (
        "Schematic timeline of a CAR T-cell course, not to scale. Weeks before infusion: leukapheresis, then "
        "manufacturing while bridging chemotherapy is given if needed, then lymphodepletion with fludarabine "
        "and cyclophosphamide in the days before the infusion on day 0. After infusion, CAR T cells expand to a "
        "peak around days 7 to 14 and then persist for months. Patients are watched for CRS and ICANS over the "
        "first weeks; median CRS onset was day 4 with liso-cel in CLL. Response and MRD are assessed in the "
        "following months, and some patients then go on to an allogeneic stem-cell transplant (allo-HSCT), others to "
        "follow-up."
    )
    caption = (
        "A combined course around a CAR T-cell infusion (schematic; time axis broken and not to scale). "
        "Chemotherapy bridges the manufacturing weeks and lymphodepletes just before day 0; the safety watch "
        "covers the weeks of CAR T expansion; the response assessment then decides between consolidation with an "
        "allogeneic transplant and follow-up. Lymphodepletion schedules differ between products."
    )
    return finish(fig, alt, caption, phone=phone)
