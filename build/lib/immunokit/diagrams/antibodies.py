"""Diagrams of chapter 3: how a naked antibody kills (ADCC, CDC, ADCP) and how an ADC does.

Sources (course fact sheet, ``shared/curriculum/facts.md`` §3): rituximab is a chimeric IgG1κ
anti-CD20 antibody with a functional Fc; it acts through CDC, ADCC, ADCP and some direct signalling.
ADCC: NK cells kill antibody-coated cells through FcγRIIIa; ADCP: macrophages engulf them; CDC: C1q
binds the antibody and the complement cascade builds membrane attack complexes. Inotuzumab
ozogamicin is a humanized IgG4κ anti-CD22 antibody carrying a calicheamicin derivative; gemtuzumab
ozogamicin targets CD33 with the same payload; calicheamicin causes DNA double-strand breaks, and the
antibody mainly delivers the drug.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from matplotlib.axes import Axes
from matplotlib.patches import Circle, Ellipse

from ..interactive.registry import register_diagram
from ..interactive.stepper import Stepper
from ..style import OKABE_ITO
from .kit import (
    COLORS,
    SMALL_SIZE,
    Z_MEMBRANE,
    Z_MOLECULE,
    Cell,
    Step,
    annotate,
    antibody,
    arrow,
    cell,
    cytokines,
    highlight,
    label,
    ligand,
    receptor,
    stepper,
    tint,
)

__all__ = ["adc_mechanism", "antibody_effectors"]

_FADED: Final[float] = 0.22

# ---------------------------------------------------------------------------------------------
# antibody effector mechanisms
# ---------------------------------------------------------------------------------------------

EFFECTOR_STEPS: Final[tuple[Step, ...]] = (
    Step(
        "Rituximab binds CD20",
        "Rituximab, a chimeric IgG1 antibody, binds CD20 on a CLL cell with its Fab arms. Its Fc region "
        "points outwards, where immune effectors can grab it.",
        "A CLL cell carries CD20 on its surface. Rituximab antibodies bind CD20 with their two Fab arms and "
        "leave their Fc stems pointing away from the cell. An NK cell, complement protein C1q and a "
        "macrophage wait nearby, faded.",
    ),
    Step(
        "ADCC: NK cells",
        "Antibody-dependent cellular cytotoxicity (ADCC): an NK cell's FcγRIIIa binds the Fc of rituximab, "
        "and the NK cell releases perforin and granzyme onto the CLL cell, which dies.",
        "An NK cell's FcγRIIIa receptor binds the Fc of rituximab on a CD20-positive CLL cell; the NK cell "
        "releases perforin and granzyme granules towards the CLL cell, and the leukemia cell dies.",
    ),
    Step(
        "CDC: complement",
        "Complement-dependent cytotoxicity (CDC): C1q binds the Fc regions of neighbouring rituximab "
        "molecules and starts the complement cascade, which ends in membrane attack complexes: pores that "
        "lyse the cell.",
        "Complement protein C1q binds the Fc regions of two neighbouring rituximab antibodies on the CLL "
        "cell. The complement cascade that follows inserts membrane attack complexes, pores, into the CLL "
        "cell's membrane, and the cell lyses.",
    ),
    Step(
        "ADCP: macrophages",
        "Antibody-dependent cellular phagocytosis (ADCP): a macrophage's Fcγ receptors bind the Fc of "
        "rituximab and the macrophage engulfs the coated CLL cell. In mice, this is the dominant mechanism "
        "in vivo.",
        "A macrophage's Fcγ receptors bind the Fc of rituximab on the CLL cell, and the macrophage wraps "
        "its membrane around the coated cell to engulf and digest it.",
    ),
)

_EFF_SIZE: Final = (7.2, 3.9)
_TARGET: Final = ((3.6, 1.55), 0.75)


@dataclass(frozen=True)
class _Bound:
    """What every step of the effector diagram shares: the CLL cell and the Fc ends of rituximab by angle."""

    target: Cell
    fc_ends: dict[float, tuple[float, float]]


def _rituximab_on_cll(ax: Axes) -> _Bound:
    """Every step: a CLL cell with rituximab bound to CD20 all round it, labelled."""
    center, radius = _TARGET
    target = cell(ax, center, radius, COLORS["leukemia"], name="CLL cell\n(CD20+)", name_offset=(0.05, 0.1))
    # CD20 with rituximab bound: left (ADCC), top pair (CDC), right (ADCP), bottom (labelled)
    fc_ends: dict[float, tuple[float, float]] = {}
    for angle in (180.0, 78.0, 102.0, 0.0, 270.0):
        tip = receptor(
            ax, target.point(angle), angle, COLORS["antigen"], length=0.1, head="round", head_size=0.06
        )
        points = antibody(ax, tip, angle, size=0.42)
        fc_ends[angle] = points["fc_end"]
    bottom = fc_ends[270.0]
    annotate(ax, "rituximab (chimeric IgG1)", (bottom[0] + 0.03, bottom[1] + 0.1), (5.15, 0.25), ha="left")
    annotate(ax, "Fc", (bottom[0] - 0.03, bottom[1] + 0.08), (3.05, 0.22), ha="right")
    annotate(ax, "Fab arms", (center[0] - 0.12, center[1] - radius - 0.3), (2.55, 0.5), ha="right")
    annotate(ax, "CD20", target.point(270, 0.08), (4.55, 0.78), ha="left")

    return _Bound(target, fc_ends)


def _adcc(ax: Axes, bound: _Bound, active: bool) -> None:
    """ADCC: an NK cell on the left binds the Fc through FcγRIIIa (active: and releases its granules)."""
    fc_ends = bound.fc_ends
    a = 1.0 if active else _FADED
    if active:
        highlight(ax, (0.12, 0.55), 2.25, 2.1)
    nk = cell(ax, (1.2, 1.55), 0.55, COLORS["nk"], name="NK cell", name_offset=(-0.05, 0.1), alpha=a)
    fc_left = fc_ends[180.0]
    receptor(
        ax,
        nk.point(0),
        0,
        COLORS["nk"],
        length=fc_left[0] - nk.point(0)[0] - 0.1,
        head="cup",
        head_size=0.06,
        alpha=a,
    )
    if active:
        annotate(ax, "FcγRIIIa", (nk.point(0, 0.18)[0], 1.58), (1.55, 2.45), ha="center")
        cytokines(ax, (2.42, 1.3), OKABE_ITO["bluish_green"], n=7, spread=0.13, size=0.032)
        annotate(ax, "perforin,\ngranzyme", (2.38, 1.22), (1.3, 0.72), ha="center")
        arrow(ax, nk.point(-25, 0.02), (2.3, 1.33), color=OKABE_ITO["bluish_green"], lw=1.4)


def _cdc(ax: Axes, bound: _Bound, active: bool) -> None:
    """CDC: C1q above the top pair of antibodies (active: the cascade and membrane attack complexes)."""
    target, fc_ends = bound.target, bound.fc_ends
    a = 1.0 if active else _FADED
    if active:
        highlight(ax, (2.45, 2.25), 2.3, 1.6)
    top_l, top_r = fc_ends[102.0], fc_ends[78.0]
    stem_base = ((top_l[0] + top_r[0]) / 2, top_l[1] + 0.32)
    for end in (top_l, top_r):
        ax.plot(
            [stem_base[0], end[0]],
            [stem_base[1], end[1] + 0.05],
            color=COLORS["complement"],
            lw=1.6,
            alpha=a,
            zorder=Z_MOLECULE,
        )
        ax.add_patch(
            Circle(
                (end[0], end[1] + 0.05),
                0.05,
                facecolor=COLORS["complement"],
                edgecolor="none",
                alpha=a,
                zorder=Z_MOLECULE,
            )
        )
    ax.plot(
        [stem_base[0], stem_base[0]],
        [stem_base[1], stem_base[1] + 0.2],
        color=COLORS["complement"],
        lw=2.4,
        alpha=a,
        zorder=Z_MOLECULE,
    )
    label(ax, (stem_base[0] + 0.14, stem_base[1] + 0.14), "C1q", ha="left", weight="bold", alpha=max(a, 0.5))
    if active:
        pores = [target.point(a_deg) for a_deg in (45.0, 135.0)]
        for p in pores:
            ax.add_patch(
                Ellipse(
                    p,
                    0.1,
                    0.16,
                    angle=0,
                    facecolor="white",
                    edgecolor=COLORS["complement"],
                    lw=2.2,
                    zorder=Z_MEMBRANE + 0.5,
                )
            )
        label(ax, (3.6, 3.62), "complement cascade", size=SMALL_SIZE, style="italic")
        arrow(
            ax,
            (stem_base[0] - 0.12, stem_base[1] + 0.22),
            (pores[1][0] - 0.05, pores[1][1] + 0.12),
            color=COLORS["complement"],
            lw=1.3,
            rad=0.35,
        )
        annotate(
            ax,
            "membrane attack\ncomplex (pore)",
            (pores[0][0] + 0.05, pores[0][1] + 0.06),
            (5.35, 3.35),
            ha="center",
        )


def _adcp(ax: Axes, bound: _Bound, active: bool) -> None:
    """ADCP: a macrophage on the right binds the Fc (active: and wraps round the coated cell)."""
    target, fc_ends = bound.target, bound.fc_ends
    a = 1.0 if active else _FADED
    if active:
        highlight(ax, (4.85, 0.55), 2.3, 2.1)
    mac = cell(
        ax, (5.95, 1.55), 0.68, COLORS["macrophage"], name="macrophage", name_offset=(0.12, -0.05), alpha=a
    )
    fc_right = fc_ends[0.0]
    receptor(
        ax,
        mac.point(180),
        180,
        COLORS["macrophage"],
        length=mac.point(180)[0] - fc_right[0] - 0.1,
        head="cup",
        head_size=0.06,
        alpha=a,
    )
    if active:
        # pseudopods wrapping round the coated cell
        for start_deg, end_deg, bend in ((140.0, 62.0, 0.45), (220.0, -62.0, -0.45)):
            arrow(
                ax,
                mac.point(start_deg, -0.05),
                target.point(end_deg, 0.2),
                color=COLORS["macrophage"],
                lw=6.0,
                style="-",
                rad=bend,
            )
        annotate(ax, "Fcγ receptor", (mac.point(180, 0.15)[0], 1.52), (6.2, 2.55), ha="center")
        label(ax, (6.0, 0.72), "engulfs the\ncoated cell", size=SMALL_SIZE, va="top")


#: Step k (1–3) of EFFECTOR_STEPS highlights mechanism k − 1; step 0 (binding) highlights none.
_MECHANISMS: Final = (_adcc, _cdc, _adcp)


def _effectors_scene(ax: Axes, step: int) -> None:
    bound = _rituximab_on_cll(ax)
    for k, mechanism in enumerate(_MECHANISMS, start=1):
        mechanism(ax, bound, active=step == k)


@register_diagram(
    chapter=3,
    summary="rituximab: binding, ADCC, CDC, ADCP",
    key_terms=("rituximab", "CD20", "NK cell", "FcγRIIIa", "C1q", "macrophage", "Fc"),
)
def antibody_effectors() -> Stepper:
    """Step through how rituximab kills a CD20-positive CLL cell: binding, ADCC, CDC and ADCP.

    Returns
    -------
    Stepper
        Four steps on a 7.2 × 3.9 in canvas: the bound antibody, then NK-cell ADCC via FcγRIIIa,
        complement (C1q → membrane attack complex), and macrophage phagocytosis, each highlighted in
        turn with the other effectors faded.
    """
    return stepper("How rituximab kills a CLL cell", EFFECTOR_STEPS, _effectors_scene, _EFF_SIZE)


# ---------------------------------------------------------------------------------------------
# antibody–drug conjugate
# ---------------------------------------------------------------------------------------------

ADC_STEPS: Final[tuple[Step, ...]] = (
    Step(
        "Binding",
        "Inotuzumab ozogamicin, an anti-CD22 antibody carrying the toxin calicheamicin, binds CD22 on a "
        "B-ALL blast. Gemtuzumab ozogamicin works the same way through CD33 on AML blasts.",
        "An antibody–drug conjugate, inotuzumab ozogamicin, drawn as an antibody with calicheamicin "
        "molecules attached, binds CD22 on the surface of a B-ALL blast.",
    ),
    Step(
        "Internalisation",
        "The cell takes the antibody–CD22 complex inside in a membrane vesicle (internalisation), carrying "
        "the payload with it.",
        "The B-ALL blast's membrane folds around the bound antibody–drug conjugate and takes it inside the "
        "cell in a vesicle, together with CD22.",
    ),
    Step(
        "Payload release",
        "In the cell's lysosomes the linker is cleaved and free calicheamicin is released from the antibody.",
        "Inside the blast, the vesicle has become a lysosome; the linker is cut and free calicheamicin "
        "molecules leave the antibody and move towards the nucleus.",
    ),
    Step(
        "DNA damage",
        "Calicheamicin reaches the nucleus and cuts both strands of the DNA (double-strand breaks); the blast "
        "dies. The antibody delivers the drug, the payload does the killing.",
        "Calicheamicin molecules enter the nucleus of the blast and cut both strands of its DNA, drawn as a "
        "double helix with a break; the leukemia cell dies.",
    ),
)

_ADC_SIZE: Final = (7.2, 3.6)


def _adc_drug(
    ax: Axes, tip: tuple[float, float], angle: float, alpha: float = 1.0
) -> dict[str, tuple[float, float]]:
    """The ADC: an antibody (purple) with two calicheamicin payloads (vermillion diamonds) on its Fc."""
    points = antibody(ax, tip, angle, size=0.42, alpha=alpha)
    hinge, fc_end = points["hinge"], points["fc_end"]
    for frac, side in ((0.45, 1), (0.95, -1)):
        x = hinge[0] + (fc_end[0] - hinge[0]) * frac
        y = hinge[1] + (fc_end[1] - hinge[1]) * frac
        ax.plot([x, x + side * 0.09], [y, y], color=COLORS["ink"], lw=0.9, alpha=alpha, zorder=Z_MOLECULE)
        ligand(ax, (x + side * 0.13, y), COLORS["payload"], size=0.05, shape="diamond", alpha=alpha)
    return points


#: Where the ADC goes, station by station (inches on the canvas).
_BOUND_AT_DEG: Final = 112.0
_VESICLE: Final = (3.05, 2.2)
_LYSOSOME: Final = (2.55, 1.2)
_NUCLEUS: Final = (3.8, 1.2)


def _blast(ax: Axes, dna_broken: bool) -> Cell:
    """Every step: the B-ALL blast, its nucleus and DNA (broken at the last step)."""
    center, radius = (3.3, 1.55), 1.3
    blast = cell(ax, center, radius, COLORS["leukemia"], nucleus=False)
    label(ax, (1.25, 1.55), "B-ALL blast", weight="bold")
    # nucleus with DNA (a double helix; broken in the last step)
    nuc_c = _NUCLEUS
    ax.add_patch(
        Ellipse(
            nuc_c,
            1.25,
            0.85,
            facecolor=tint(COLORS["leukemia"], 0.3),
            edgecolor=COLORS["leukemia"],
            lw=1.2,
            zorder=Z_MEMBRANE - 0.5,
        )
    )
    label(ax, (nuc_c[0] + 0.25, nuc_c[1] - 0.25), "nucleus", size=SMALL_SIZE)
    label(ax, (nuc_c[0] - 0.3, nuc_c[1] - 0.22), "DNA", size=SMALL_SIZE)
    xs = [nuc_c[0] - 0.4 + 0.04 * k for k in range(21)]
    for phase in (0.0, math.pi):
        ys = [nuc_c[1] + 0.02 + 0.07 * math.sin(10.2 * (x - xs[0]) + phase) for x in xs]
        pieces = [(xs[:9], ys[:9]), (xs[12:], ys[12:])] if dna_broken else [(xs, ys)]
        for px, py in pieces:
            ax.plot(px, py, color=COLORS["ink"], lw=1.3, zorder=Z_MOLECULE)

    return blast


def _bound(ax: Axes, blast: Cell, active: bool) -> None:
    """Station 1: the ADC bound to CD22 at the membrane."""
    bound_at = blast.point(_BOUND_AT_DEG)
    a = 1.0 if active else _FADED
    tip = receptor(ax, bound_at, 112, COLORS["antigen"], length=0.1, head="round", head_size=0.06, alpha=a)
    _adc_drug(ax, tip, 112, alpha=a)
    annotate(ax, "CD22", bound_at, (1.75, 2.75), ha="right", alpha=max(a, 0.6))
    annotate(
        ax,
        "inotuzumab ozogamicin\n(antibody + calicheamicin)",
        (tip[0] - 0.08, tip[1] + 0.3),
        (1.2, 3.3),
        ha="center",
        alpha=max(a, 0.6),
    )


def _internalised(ax: Axes, blast: Cell, active: bool) -> None:
    """Station 2: the ADC internalised in a vesicle."""
    bound_at, vesicle = blast.point(_BOUND_AT_DEG), _VESICLE
    a = 1.0 if active else _FADED
    ax.add_patch(
        Circle(
            vesicle,
            0.3,
            facecolor="white",
            edgecolor=COLORS["leukemia"],
            lw=1.6,
            alpha=a,
            zorder=Z_MEMBRANE,
        )
    )
    _adc_drug(ax, (vesicle[0] + 0.02, vesicle[1] - 0.12), 112, alpha=a)
    annotate(ax, "vesicle", (vesicle[0] + 0.28, vesicle[1] + 0.08), (4.1, 2.45), ha="left", alpha=max(a, 0.6))
    arrow(
        ax,
        (bound_at[0] + 0.06, bound_at[1] - 0.06),
        (vesicle[0] - 0.02, vesicle[1] + 0.3),
        lw=1.2,
        alpha=max(a, 0.5),
    )


def _in_lysosome(ax: Axes, blast: Cell, active: bool) -> None:
    """Station 3: the antibody degraded in a lysosome, the payload set free."""
    vesicle, lysosome = _VESICLE, _LYSOSOME
    a = 1.0 if active else _FADED
    ax.add_patch(
        Circle(
            lysosome,
            0.3,
            facecolor=tint(OKABE_ITO["reddish_purple"], 0.15),
            edgecolor=OKABE_ITO["reddish_purple"],
            lw=1.6,
            alpha=a,
            zorder=Z_MEMBRANE,
        )
    )
    antibody(ax, (lysosome[0] + 0.02, lysosome[1] + 0.12), 270, size=0.3, alpha=a)
    label(ax, (lysosome[0], lysosome[1] - 0.45), "lysosome", size=SMALL_SIZE, alpha=max(a, 0.6))
    for p in ((2.95, 1.35), (3.0, 1.05)):
        ligand(ax, p, COLORS["payload"], size=0.06, shape="diamond", alpha=a)
    arrow(
        ax,
        (vesicle[0] - 0.12, vesicle[1] - 0.3),
        (lysosome[0] + 0.1, lysosome[1] + 0.3),
        lw=1.2,
        alpha=max(a, 0.5),
    )
    if active:
        annotate(ax, "free calicheamicin", (2.97, 1.02), (1.4, 0.45), ha="center")


def _dna_broken(ax: Axes, blast: Cell, active: bool) -> None:
    """Station 4: calicheamicin in the nucleus; DNA double-strand breaks kill the blast."""
    nuc_c = _NUCLEUS
    for p in ((3.65, 1.42), (3.9, 1.44)):
        ligand(ax, p, COLORS["payload"], size=0.06, shape="diamond")
    annotate(ax, "double-strand break", (nuc_c[0] + 0.02, nuc_c[1] - 0.06), (5.0, 1.55), ha="left")
    label(ax, (5.0, 1.15), "the blast dies", ha="left", weight="bold")


#: One function per step: step k draws stations 0..k, station k highlighted.
_STATIONS: Final = (_bound, _internalised, _in_lysosome, _dna_broken)


def _station_marks(ax: Axes, blast: Cell, step: int) -> None:
    """Numbered markers of the stations reached so far (the order is in the numbers, not the colour)."""
    bound_at, vesicle, lysosome, nuc_c = blast.point(_BOUND_AT_DEG), _VESICLE, _LYSOSOME, _NUCLEUS
    marks = (
        (bound_at[0] + 0.45, bound_at[1] + 0.12),
        (vesicle[0] - 0.45, vesicle[1] + 0.05),
        (lysosome[0] - 0.45, lysosome[1] + 0.1),
        (nuc_c[0] + 0.45, nuc_c[1] + 0.52),
    )
    for k, (x, y) in enumerate(marks[: step + 1]):
        ax.add_patch(
            Circle(
                (x, y),
                0.11,
                facecolor=COLORS["ink"] if k == step else "white",
                edgecolor=COLORS["ink"],
                lw=1.2,
                zorder=Z_MOLECULE + 0.5,
            )
        )
        label(
            ax,
            (x, y),
            str(k + 1),
            size=SMALL_SIZE,
            color="white" if k == step else COLORS["ink"],
            weight="bold",
        )


def _adc_legend(ax: Axes) -> None:
    lx, ly = 5.15, 3.2
    antibody(ax, (lx, ly + 0.18), 270, size=0.3)
    label(ax, (lx + 0.2, ly + 0.05), "antibody (anti-CD22)", ha="left", size=SMALL_SIZE)
    ligand(ax, (lx, ly - 0.33), COLORS["payload"], size=0.06, shape="diamond")
    label(ax, (lx + 0.2, ly - 0.33), "calicheamicin (payload)", ha="left", size=SMALL_SIZE)


def _adc_scene(ax: Axes, step: int) -> None:
    blast = _blast(ax, dna_broken=step == 3)
    for k, station in enumerate(_STATIONS[: step + 1]):
        station(ax, blast, active=k == step)
    _station_marks(ax, blast, step)
    _adc_legend(ax)


@register_diagram(
    chapter=3,
    summary="ADC: binding → internalisation → payload → DNA",
    key_terms=("CD22", "calicheamicin", "lysosome", "double-strand break", "nucleus"),
)
def adc_mechanism() -> Stepper:
    """Step through an antibody–drug conjugate: binding → internalisation → payload release → DNA damage.

    Returns
    -------
    Stepper
        Four steps on a 7.2 × 3.6 in canvas following inotuzumab ozogamicin (anti-CD22 +
        calicheamicin) into a B-ALL blast; numbered station markers show the path so far.
    """
    return stepper("How an antibody–drug conjugate kills a B-ALL blast", ADC_STEPS, _adc_scene, _ADC_SIZE)
