"""Small data analyses of the foundation chapters (1 and 2).

Two analyses live here, each a plain function plus a plot that returns a :class:`~immunokit.Figure`:

Ranking candidate target antigens (chapter 1)
    :class:`AntigenRow` holds *qualitative teaching scores* for one antigen in one leukemia: how many
    of the patients' leukemias carry it, whether normal blood stem/progenitor cells carry it, and
    whether mature normal cells that would be lost with it are ones the patient can do without.
    :func:`rank_antigens` turns the scores into one number and sorts; :func:`plot_antigen_ranking`
    draws the result. The scores are ordinal judgements made from the cited sources, not measurements.

Reading a randomised comparison (chapter 2)
    :class:`ArmEstimate` holds one published estimate per arm (for example a 2-year cumulative
    incidence), with its confidence interval when the source gives one. :func:`absolute_differences`
    restates the comparison per 100 patients, :func:`exact_proportion_ci` gives a Clopper–Pearson
    interval for a count (as ``scipy.stats.binomtest`` gives it), and :func:`plot_arm_comparison` draws the arms.

Public API
----------
:class:`AntigenRow`, :class:`RankedAntigen`, :func:`rank_antigens`, :func:`plot_antigen_ranking`,
:class:`ArmEstimate`, :class:`Difference`, :func:`absolute_differences`, :func:`exact_proportion_ci`,
:func:`plot_arm_comparison`
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .display import Figure

# The plotting stack is imported by the two plot functions only: the computations (exact intervals,
# risk differences, antigen scores) also serve bank checks and question generators, which draw nothing.

__all__ = [
    "AntigenRow",
    "ArmEstimate",
    "Difference",
    "RankedAntigen",
    "absolute_differences",
    "exact_proportion_ci",
    "plot_antigen_ranking",
    "plot_arm_comparison",
    "rank_antigens",
]

#: Allowed values of each teaching score, and what each value means.
COVERAGE_LEVELS: dict[int, str] = {0: "none", 1: "some", 2: "most", 3: "almost all"}
STEM_LEVELS: dict[int, str] = {0: "absent", 1: "on some", 2: "present"}
MATURE_LEVELS: dict[int, str] = {0: "none scored", 1: "loss manageable", 2: "loss dangerous"}


# ---------------------------------------------------------------------------------------------
# Chapter 1: ranking candidate antigens
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AntigenRow:
    """Qualitative teaching scores for one antigen in one leukemia.

    Parameters
    ----------
    antigen
        Name of the antigen, e.g. ``"CD19"``.
    leukemia
        The leukemia the row is about, e.g. ``"B-ALL"``.
    coverage
        How many patients' leukemias carry the antigen: 0 none, 1 some, 2 most, 3 almost all.
    stem
        Presence on normal hematopoietic stem/progenitor cells: 0 absent, 1 on some, 2 present.
    mature
        Mature normal cells that would be lost with the leukemia: 0 none scored, 1 cells whose loss
        can be managed (B cells: immunoglobulin replacement), 2 cells whose prolonged loss is
        dangerous (neutrophils, monocytes).
    source
        BibTeX key in ``book/references.bib`` for the expression data of the row.
    note
        Short free text shown with the row (what the scores rest on).
    """

    antigen: str
    leukemia: str
    coverage: int
    stem: int
    mature: int
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        where = f"antigen row {self.antigen!r}"
        for name, allowed in (
            ("coverage", COVERAGE_LEVELS),
            ("stem", STEM_LEVELS),
            ("mature", MATURE_LEVELS),
        ):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, np.integer))
                or int(value) not in allowed
            ):
                raise ValueError(
                    f"{where}: {name} must be one of {sorted(allowed)} ({', '.join(allowed.values())}), got {value!r}"
                )
        if not self.antigen.strip():
            raise ValueError("antigen row: the antigen needs a name")
        if not self.source.strip():
            raise ValueError(f"{where}: every row needs a source (a BibTeX key)")

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any], index: int | None = None) -> AntigenRow:
        """Build a row from a dict with the field names above; a missing or unknown key is named."""
        fields = {"antigen", "leukemia", "coverage", "stem", "mature", "source", "note"}
        required = fields - {"note"}
        where = f"row {index}" if index is not None else "row"
        missing = sorted(required - set(row))
        unknown = sorted(set(row) - fields)
        if missing:
            raise ValueError(f"{where} ({row.get('antigen', '?')}): missing {', '.join(missing)}")
        if unknown:
            raise ValueError(f"{where} ({row.get('antigen', '?')}): unknown field(s) {', '.join(unknown)}")
        return cls(**dict(row))


@dataclass(frozen=True)
class RankedAntigen:
    """One antigen with its score (0–1, higher = better target) and the factors that make it up."""

    row: AntigenRow
    score: float
    coverage_factor: float
    stem_factor: float
    mature_factor: float

    @property
    def label(self) -> str:
        """``"CD19 (B-ALL)"``."""
        return f"{self.row.antigen} ({self.row.leukemia})"


def _as_row(item: AntigenRow | Mapping[str, Any], index: int) -> AntigenRow:
    if isinstance(item, AntigenRow):
        return item
    if isinstance(item, Mapping):
        return AntigenRow.from_mapping(item, index)
    raise TypeError(f"row {index}: expected an AntigenRow or a dict, got {type(item).__name__}")


def rank_antigens(
    rows: Sequence[AntigenRow | Mapping[str, Any]],
    stem_weight: float = 1.0,
    mature_weight: float = 0.5,
) -> list[RankedAntigen]:
    """Score and sort candidate target antigens, best first.

    The score is a product of three factors, each between 0 and 1::

        score = (coverage / 3) × (1 − stem_weight · stem / 2) × (1 − mature_weight · mature / 2)

    so an antigen scores high when it is on almost every patient's leukemia *and* absent from the
    stem cells the patient cannot live without *and* the mature cells lost with it can be spared.
    Factors below zero are clipped to zero. Ties keep the order of the input.

    Parameters
    ----------
    rows
        :class:`AntigenRow` objects or dicts with the same fields.
    stem_weight
        How heavily presence on stem/progenitor cells counts, 0–1 (1: an antigen present on them
        scores zero, because killing them ends blood production).
    mature_weight
        How heavily loss of mature normal cells counts, 0–1.

    Returns
    -------
    list of RankedAntigen
        Sorted by score, highest first.
    """
    for name, weight in (("stem_weight", stem_weight), ("mature_weight", mature_weight)):
        if not 0.0 <= float(weight) <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {weight!r}")
    if len(rows) == 0:
        raise ValueError("rank_antigens needs at least one row")
    ranked = []
    for index, item in enumerate(rows):
        row = _as_row(item, index)
        coverage = row.coverage / 3.0
        stem = max(0.0, 1.0 - stem_weight * row.stem / 2.0)
        mature = max(0.0, 1.0 - mature_weight * row.mature / 2.0)
        ranked.append(RankedAntigen(row, coverage * stem * mature, coverage, stem, mature))
    return sorted(ranked, key=lambda r: -r.score)


def plot_antigen_ranking(ranked: Sequence[RankedAntigen]) -> Figure:
    """Horizontal bars of the scores from :func:`rank_antigens`, best at the top.

    B-lineage and myeloid antigens differ in colour *and* hatching; each bar is labelled with its
    score, so the figure does not depend on colour.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from .display import Figure
    from .style import OKABE_ITO, figure_style

    if len(ranked) == 0:
        raise ValueError("plot_antigen_ranking needs at least one ranked antigen")
    myeloid = {"AML", "CML"}
    with figure_style():
        fig, ax = plt.subplots(figsize=(6.4, 0.45 * len(ranked) + 1.3), layout="constrained")
        y = np.arange(len(ranked))[::-1]
        for yi, item in zip(y, ranked, strict=True):
            is_myeloid = item.row.leukemia in myeloid
            ax.barh(
                yi,
                item.score,
                color=OKABE_ITO["vermillion"] if is_myeloid else OKABE_ITO["blue"],
                hatch="//" if is_myeloid else "",
                edgecolor="white" if not is_myeloid else OKABE_ITO["black"],
                linewidth=0.6,
                zorder=2,
            )
            ax.text(item.score + 0.015, yi, f"{item.score:.2f}", va="center", fontsize=9, zorder=3)
        ax.set_yticks(y, [item.label for item in ranked])
        ax.set_xlim(0, 1.1)
        ax.set_xlabel("target score (qualitative teaching score, 0–1)")
        handles = [
            Rectangle((0, 0), 1, 1, color=OKABE_ITO["blue"], label="lymphoid (B-cell) leukemia"),
            Rectangle(
                (0, 0),
                1,
                1,
                facecolor=OKABE_ITO["vermillion"],
                hatch="//",
                edgecolor=OKABE_ITO["black"],
                label="myeloid leukemia",
            ),
        ]
        ax.legend(handles=handles, loc="lower right")
    best = ranked[0]
    worst = ranked[-1]
    alt = (
        "Horizontal bar chart of target scores from 0 to 1 for "
        + ", ".join(f"{item.label} {item.score:.2f}" for item in ranked)
        + f". {best.label} scores highest and {worst.label} lowest; the B-cell antigens score above the myeloid ones."
    )
    caption = (
        "Candidate target antigens ranked by a *qualitative teaching score*: coverage of the leukemia, "
        "penalised for presence on blood stem/progenitor cells and on mature cells the patient needs. "
        "The scores are judgements from the cited sources, not measured expression."
    )
    return Figure(fig, alt=alt, caption=caption)


# ---------------------------------------------------------------------------------------------
# Chapter 2: reading a randomised comparison
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArmEstimate:
    """A published estimate (a proportion, 0–1) for one endpoint in one trial arm.

    Parameters
    ----------
    endpoint
        What was estimated, e.g. ``"2-year overall survival"``.
    arm
        The arm, e.g. ``"TBI + etoposide"``.
    value
        The estimate as a proportion between 0 and 1 (Kaplan–Meier or cumulative incidence).
    low, high
        The published 95% confidence interval, when the source gives one (else ``None``).
    source
        BibTeX key of the publication.
    """

    endpoint: str
    arm: str
    value: float
    source: str
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        where = f"estimate {self.endpoint!r} / {self.arm!r}"
        if not 0.0 <= self.value <= 1.0:
            raise ValueError(f"{where}: value must be a proportion between 0 and 1, got {self.value!r}")
        if (self.low is None) != (self.high is None):
            raise ValueError(f"{where}: give both ends of the confidence interval or neither")
        if (
            self.low is not None
            and self.high is not None
            and not (0.0 <= self.low <= self.value <= self.high <= 1.0)
        ):
            raise ValueError(
                f"{where}: need 0 ≤ low ≤ value ≤ high ≤ 1, got {self.low}, {self.value}, {self.high}"
            )


@dataclass(frozen=True)
class Difference:
    """The comparison of two arms for one endpoint, restated per 100 patients."""

    endpoint: str
    reference_arm: str
    other_arm: str
    reference: float
    other: float

    @property
    def per_100(self) -> float:
        """``other − reference``, in patients per 100 treated (positive: more events in ``other``)."""
        return round(100.0 * (self.other - self.reference), 6)


def absolute_differences(estimates: Sequence[ArmEstimate], reference_arm: str) -> list[Difference]:
    """For every endpoint, the difference between the other arm and ``reference_arm`` per 100 patients.

    Every endpoint must have exactly two arms, one of them ``reference_arm``.
    """
    by_endpoint: dict[str, dict[str, ArmEstimate]] = {}
    for estimate in estimates:
        arms = by_endpoint.setdefault(estimate.endpoint, {})
        if estimate.arm in arms:
            raise ValueError(f"endpoint {estimate.endpoint!r}: arm {estimate.arm!r} is listed twice")
        arms[estimate.arm] = estimate
    differences = []
    for endpoint, arms in by_endpoint.items():
        if reference_arm not in arms or len(arms) != 2:
            raise ValueError(
                f"endpoint {endpoint!r}: need exactly two arms including {reference_arm!r}, got {sorted(arms)}"
            )
        (other,) = (a for name, a in arms.items() if name != reference_arm)
        differences.append(
            Difference(endpoint, reference_arm, other.arm, arms[reference_arm].value, other.value)
        )
    return differences


def exact_proportion_ci(successes: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """Proportion and exact (Clopper–Pearson) confidence interval for ``successes`` out of ``n``.

    Returns ``(proportion, low, high)``: the limits are quantiles of beta distributions, the same interval
    as ``scipy.stats.binomtest(successes, n).proportion_ci(method="exact")`` (the tests hold them equal)
    computed with :func:`scipy.special.betaincinv`, which loads in a fifth of the time of ``scipy.stats``.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
        raise ValueError(f"n must be a positive whole number of patients, got {n!r}")
    if isinstance(successes, bool) or not isinstance(successes, (int, np.integer)) or not 0 <= successes <= n:
        raise ValueError(f"successes must be a whole number between 0 and n={n}, got {successes!r}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), got {level!r}")
    from scipy.special import betaincinv  # imported here: only this function needs scipy

    k, n, tail = int(successes), int(n), (1 - level) / 2
    low = 0.0 if k == 0 else float(betaincinv(k, n - k + 1, tail))
    high = 1.0 if k == n else float(betaincinv(k + 1, n - k, 1 - tail))
    return successes / n, low, high


def plot_arm_comparison(estimates: Sequence[ArmEstimate], title_note: str = "") -> Figure:
    """Dot plot of each endpoint's estimate per arm, with 95% CIs where the source gives them.

    Arms differ by colour *and* marker shape; values are printed beside the dots.
    """
    import matplotlib.pyplot as plt

    from .display import Figure
    from .style import OKABE_ITO, figure_style

    if len(estimates) == 0:
        raise ValueError("plot_arm_comparison needs at least one estimate")
    endpoints = list(dict.fromkeys(e.endpoint for e in estimates))
    arms = list(dict.fromkeys(e.arm for e in estimates))
    styles = [(OKABE_ITO["blue"], "o"), (OKABE_ITO["vermillion"], "s"), (OKABE_ITO["bluish_green"], "D")]
    if len(arms) > len(styles):
        raise ValueError(f"plot_arm_comparison draws at most {len(styles)} arms, got {len(arms)}")
    with figure_style():
        fig, ax = plt.subplots(figsize=(6.4, 0.8 * len(endpoints) + 1.4), layout="constrained")
        # the first arm is drawn on top within each endpoint
        offsets = np.linspace(0.15, -0.15, len(arms)) if len(arms) > 1 else np.zeros(1)
        ybase = np.arange(len(endpoints))[::-1]
        for (color, marker), arm, offset in zip(styles, arms, offsets, strict=False):
            for estimate in (e for e in estimates if e.arm == arm):
                y = ybase[endpoints.index(estimate.endpoint)] + offset
                if estimate.low is not None and estimate.high is not None:
                    ax.plot([estimate.low, estimate.high], [y, y], color=color, linewidth=2, zorder=2)
                ax.plot(
                    estimate.value, y, marker=marker, color=color, markersize=8, linestyle="none", zorder=3
                )
                ax.annotate(
                    f"{estimate.value:.2f}",
                    (estimate.value, y),
                    xytext=(0, 7),
                    textcoords="offset points",
                    ha="center",
                    fontsize=8.5,
                )
            ax.plot([], [], marker=marker, color=color, linestyle="none", label=arm)
        ax.set_yticks(ybase, endpoints)
        ax.set_xlim(-0.06, 1.0)  # room for value labels of points near zero
        ax.set_ylim(-0.6, len(endpoints) - 0.4)
        ax.set_xlabel("proportion of patients (2-year estimate)")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=len(arms))
    alt = (
        "Dot plot comparing trial arms. "
        + "; ".join(
            f"{endpoint}: " + ", ".join(f"{e.arm} {e.value:.2f}" for e in estimates if e.endpoint == endpoint)
            for endpoint in endpoints
        )
        + "."
    )
    caption = "Published estimates for each arm; horizontal bars are 95% confidence intervals where the source reports them."
    if title_note:
        caption += " " + title_note
    return Figure(fig, alt=alt, caption=caption)
