"""Diagram of chapter 9: the timeline of a combined course around a CAR T-cell infusion.

Sources (course fact sheet, ``shared/curriculum/facts.md`` §4.2, §4.5, §7.1, §8): leukapheresis,
manufacturing, bridging therapy if needed, lymphodepletion with fludarabine + cyclophosphamide before
a single infusion; CAR T expansion peaks around days 7–14 (Stein et al. 2019; typical Tmax 9.3 days);
CRS onset median day 4 (IQR 1–7) with liso-cel in CLL (TRANSCEND CLL 004, Table 4); response
assessment within 3 months in ELIANA; allo-HSCT after CAR T is a choice for some patients. The
exact lymphodepletion days differ by product and are not in the verified sources, so the diagram
keeps them relative ("in the days before infusion").
"""

from __future__ import annotations

from typing import Final

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
    annotate,
    arrow,
    canvas,
    finish,
    label,
    tint,
)

__all__ = ["combined_timeline"]

# x positions of the schematic time axis (inches): before infusion | days 0–28 | months after
_BEFORE: Final = (1.35, 3.0)
_DAYS: Final = (3.0, 5.55)
_MONTHS: Final = (5.55, 7.1)


def _day(d: float) -> float:
    """x of day ``d`` (0–28) after infusion on the linear middle segment."""
    return _DAYS[0] + (_DAYS[1] - _DAYS[0]) * d / 28.0


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
    fig, ax = canvas(7.2, 3.6)
    lanes = {"chemotherapy": 2.9, "CAR T cells": 2.3, "safety watch": 1.7, "response and\nnext step": 1.08}
    for name, y in lanes.items():
        label(ax, (0.08, y), name, ha="left", weight="bold", size=SMALL_SIZE + 0.5)
        ax.plot([1.3, 7.12], [y, y], color="#E2E2E2", lw=0.8, zorder=0)
    # time axis with breaks between the segments
    y_axis = 0.52
    for x0, x1 in (_BEFORE, _DAYS, _MONTHS):
        ax.plot([x0 + 0.04, x1 - 0.04], [y_axis, y_axis], color=COLORS["ink"], lw=1.2)
    for x in (_BEFORE[1], _DAYS[1]):
        for dx in (-0.05, 0.03):
            ax.plot([x + dx, x + dx + 0.04], [y_axis - 0.06, y_axis + 0.06], color=COLORS["ink"], lw=1.0)
    label(ax, (sum(_BEFORE) / 2, 0.12), "weeks before", size=SMALL_SIZE)
    label(ax, (sum(_DAYS) / 2, 0.12), "days after infusion", size=SMALL_SIZE)
    label(ax, (sum(_MONTHS) / 2, 0.12), "months after", size=SMALL_SIZE)
    for d in (0, 7, 14, 21, 28):
        ax.plot([_day(d), _day(d)], [y_axis - 0.05, y_axis + 0.05], color=COLORS["ink"], lw=1.0)
        label(ax, (_day(d), 0.34), str(d), size=SMALL_SIZE)
    # day 0: infusion line across the lanes
    ax.plot([_day(0), _day(0)], [y_axis + 0.08, 3.3], color=COLORS["ink"], lw=1.0, ls=(0, (3, 2)), zorder=0.5)
    label(ax, (_day(0), 3.45), "CAR T infusion (day 0)", weight="bold", size=SMALL_SIZE + 0.5)
    # chemotherapy lane
    y = lanes["chemotherapy"]
    _bar(ax, 1.6, 2.45, y, OKABE_ITO["sky_blue"], "bridging")
    _bar(ax, 2.5, 2.95, y, OKABE_ITO["blue"], "LD")
    annotate(
        ax, "lymphodepletion (fludarabine +\ncyclophosphamide), days before", (2.72, y + 0.12), (4.4, 3.05)
    )
    # CAR T lane
    y = lanes["CAR T cells"]
    _diamond(ax, 1.42, y, OKABE_ITO["orange"])
    annotate(ax, "leukapheresis", (1.42, y - 0.09), (1.42, y - 0.35))
    _bar(ax, 1.6, 2.95, y, OKABE_ITO["orange"], "manufacturing")
    _diamond(ax, _day(0), y, COLORS["ink"])
    _bar(ax, _day(7), _day(14), y, OKABE_ITO["bluish_green"], "peak")
    annotate(ax, "expansion peaks around days 7–14", (_day(10.5), y - 0.12), (_day(12), y - 0.38))
    _bar(ax, _day(16), _MONTHS[1], y, tint(OKABE_ITO["bluish_green"], 0.6), "persistence")
    # safety lane
    y = lanes["safety watch"]
    _bar(ax, _day(0.3), _day(27.5), y, OKABE_ITO["vermillion"], "")
    label(ax, (_day(18), y), "CRS and ICANS monitoring", size=SMALL_SIZE)
    _diamond(ax, _day(4), y, OKABE_ITO["yellow"], size=0.08)
    annotate(ax, "median CRS onset: day 4\n(liso-cel in CLL)", (_day(4), y - 0.09), (_day(7), y - 0.42))
    # response lane
    y = lanes["response and\nnext step"]
    _diamond(ax, _MONTHS[0] + 0.08, y, OKABE_ITO["reddish_purple"])
    label(ax, (_MONTHS[0] - 0.1, y), "response and\nMRD assessment", ha="right", size=SMALL_SIZE)
    arrow(ax, (_MONTHS[0] + 0.2, y + 0.04), (6.0, y + 0.18), lw=1.2)
    arrow(ax, (_MONTHS[0] + 0.2, y - 0.04), (6.0, y - 0.18), lw=1.2)
    label(ax, (6.05, y + 0.2), "allo-HSCT for some", ha="left", size=SMALL_SIZE)
    label(ax, (6.05, y - 0.2), "or follow-up", ha="left", size=SMALL_SIZE)
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
    return finish(fig, alt, caption)
