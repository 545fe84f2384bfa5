"""The pivotal trials of the course as data, and a sortable table of them.

Each :class:`Trial` record holds what chapter 7's table shows, in the words of the course fact sheet
(§6, "Pivotal trial summary"), with the bibtex key of its source in ``book/references.bib``. Only
figures marked verified in the fact sheet are included; where a trial's toxicity was not verified the
cell says so instead of guessing.

:func:`trial_table` returns a :class:`TrialTable` that renders as an HTML ``<table>`` (citations as
author–year text). In the built book the book's script (``immunokit.js``, component ``sortable``)
turns each column header into a keyboard-operable sort button with ``aria-sort``; without the script
the table is still a complete, readable table.

Chapter 10's on-target, off-tumour map uses :class:`TargetAntigen` records (:data:`TARGET_ANTIGENS`):
where each candidate antigen is found — on the leukemia, on leukemic stem cells, on normal
hematopoietic stem cells — and which normal cells a therapy against it would remove.
:func:`plot_target_map` draws them as a labelled grid (text in every cell, never colour alone).

Public API
----------
:class:`Trial`, :data:`PIVOTAL_TRIALS`, :func:`trial_table`, :class:`TrialTable`,
:class:`TargetAntigen`, :data:`TARGET_ANTIGENS`, :func:`plot_target_map`,
:func:`response_ci_spec`, :func:`response_ci_explorer` (how the exact confidence interval of a response
rate narrows with the number of patients; chapter 10's checklist)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, Literal

from . import facts as _facts
from .analysis import exact_proportion_ci
from .citations import author_year
from .display import Figure
from .interactive.explorer import Control, Explorer
from .interactive.registry import register_explorer
from .interactive.table import Cell, Column, SortableTable

__all__ = [
    "PIVOTAL_TRIALS",
    "TARGET_ANTIGENS",
    "TargetAntigen",
    "Trial",
    "TrialTable",
    "plot_target_map",
    "response_ci_explorer",
    "response_ci_spec",
    "trial_table",
]

Design = Literal["randomised", "single-arm"]


@dataclass(frozen=True)
class Trial:
    """One pivotal or landmark trial.

    Attributes
    ----------
    name
        Trial name as it is usually cited (e.g. ``"TOWER"``).
    cite
        Bibtex key of the primary publication in ``book/references.bib``; the table's author–year
        text (:attr:`citation`) is derived from it.
    year
        Year of the publication cited.
    disease
        ``"ALL"``, ``"AML"``, ``"CLL"`` or a short description.
    modality
        The kind of immunotherapy tested.
    setting
        Who was treated.
    design
        ``"randomised"`` or ``"single-arm"``.
    phase
        Trial phase as reported (e.g. ``"3"``, ``"1b/2"``).
    patients
        Number of patients analysed for the headline result (the denominator named in ``patients_note``).
    patients_note
        What ``patients`` counts (randomised, infused, treated, ...).
    arms
        What was compared (or the single treatment).
    efficacy
        Headline efficacy, with denominators and follow-up where the source gives them.
    toxicity
        Key toxicity (verified figures only).
    """

    name: str
    cite: str
    year: int
    disease: str
    modality: str
    setting: str
    design: Design
    phase: str
    patients: int
    patients_note: str
    arms: str
    efficacy: str
    toxicity: str

    def __post_init__(self) -> None:
        if self.design not in ("randomised", "single-arm"):
            raise ValueError(
                f"trial {self.name!r}: design must be 'randomised' or 'single-arm', got {self.design!r}"
            )
        if self.patients <= 0:
            raise ValueError(f"trial {self.name!r}: patients must be a positive count, got {self.patients}")
        if not self.cite.strip():
            raise ValueError(f"trial {self.name!r}: needs the bibtex key of its source")

    @property
    def citation(self) -> str:
        """Author–year text of :attr:`cite` from ``book/references.bib`` (e.g. ``"Kantarjian et al. 2017"``)."""
        return author_year(self.cite)


_NOT_EXTRACTED = "Not summarised here (see the publication)"

#: The pivotal and landmark trials of chapters 3–6 (fact sheet §6; verified figures only).
PIVOTAL_TRIALS: Final[tuple[Trial, ...]] = (
    Trial(
        "CLL8",
        "hallek2010cll8",
        2010,
        "CLL",
        "Anti-CD20 antibody + chemotherapy",
        "First-line CLL, physically fit",
        "randomised",
        "3",
        817,
        "randomised",
        "FCR vs FC",
        "3-year PFS 65% vs 45% (HR 0.56); 3-year OS 87% vs 83% (HR 0.67)",
        "More grade 3–4 neutropenia with FCR",
    ),
    Trial(
        "CLL11",
        "goede2014cll11",
        2014,
        "CLL",
        "Anti-CD20 antibody + chemotherapy",
        "First-line CLL with coexisting conditions",
        "randomised",
        "3",
        781,
        "randomised",
        "Obinutuzumab–chlorambucil vs rituximab–chlorambucil vs chlorambucil",
        "Median PFS 26.7 vs 16.3 vs 11.1 months",
        "Infusion reactions with obinutuzumab",
    ),
    Trial(
        "ALFA-0701",
        "castaigne2012alfa0701",
        2012,
        "AML",
        "Antibody–drug conjugate",
        "De novo AML, age 50–70",
        "randomised",
        "3",
        280,
        "randomised",
        "Chemotherapy ± fractionated gemtuzumab ozogamicin",
        "2-year EFS 40.8% vs 17.1% (HR 0.58); 2-year OS 53.2% vs 41.9% (HR 0.69)",
        _NOT_EXTRACTED,
    ),
    Trial(
        "INO-VATE",
        "kantarjian2016inovate",
        2016,
        "ALL",
        "Antibody–drug conjugate",
        "Relapsed or refractory ALL, adults",
        "randomised",
        "3",
        326,
        "randomised",
        "Inotuzumab ozogamicin vs chemotherapy",
        "CR/CRi 80.7% vs 29.4% (first 218 patients); median OS 7.7 vs 6.2 months (HR 0.75, final analysis)",
        "VOD/SOS 14% vs 2%",
    ),
    Trial(
        "TOWER",
        "kantarjian2017tower",
        2017,
        "ALL",
        "Bispecific T-cell engager",
        "Relapsed or refractory Ph-negative B-ALL, adults",
        "randomised",
        "3",
        405,
        "randomised 2:1",
        "Blinatumomab vs chemotherapy",
        _facts.expand(
            "Median OS {fact:tower-os-blina:value} vs {fact:tower-os-chemo} (HR {fact:tower-hr}); "
            "CR {fact:tower-cr-blina} vs {fact:tower-cr-chemo}"
        ),
        "Grade ≥3 CRS 4.9%; grade ≥3 neurologic events 9.4% (vs 8.3%)",
    ),
    Trial(
        "E1910",
        "litzow2024e1910",
        2024,
        "ALL",
        "Bispecific T-cell engager + chemotherapy",
        "Newly diagnosed Ph-negative B-ALL in MRD-negative remission, age 30–70",
        "randomised",
        "3",
        int(_facts.value("e1910-randomised")),
        "randomised (of 488 enrolled)",
        "Blinatumomab + chemotherapy vs chemotherapy",
        _facts.expand(
            "3-year OS {fact:e1910-os3-blina} vs {fact:e1910-os3-chemo} (HR {fact:e1910-hr-nejm}); "
            "3-year RFS {fact:e1910-rfs3-blina} vs {fact:e1910-rfs3-chemo}"
        ),
        _NOT_EXTRACTED,
    ),
    Trial(
        "ELIANA",
        "maude2018eliana",
        2018,
        "ALL",
        "CAR T cells",
        "Relapsed or refractory B-ALL, children and young adults",
        "single-arm",
        "2",
        75,
        "infused",
        "Tisagenlecleucel",
        "Overall remission 81% within 3 months; 12-month EFS 50%, OS 76%",
        "Neurologic events 40% (grade 3: 13%)",
    ),
    Trial(
        "ZUMA-3",
        "shah2021zuma3",
        2021,
        "ALL",
        "CAR T cells",
        "Relapsed or refractory B-ALL, adults",
        "single-arm",
        "2",
        55,
        "infused (of 71 enrolled)",
        "Brexucabtagene autoleucel",
        "CR/CRi 70.9%; median OS 18.2 months",
        _NOT_EXTRACTED,
    ),
    Trial(
        "FELIX",
        "roddie2024felix",
        2024,
        "ALL",
        "CAR T cells",
        "Relapsed or refractory B-ALL, adults",
        "single-arm",
        "1b/2",
        127,
        "infused (of 153 enrolled)",
        "Obecabtagene autoleucel",
        "Overall remission 77% (cohort 2A, n=94); median EFS 11.9 months (all infused)",
        "Grade ≥3 CRS 2.4%; grade ≥3 ICANS 7.1%",
    ),
    Trial(
        "TRANSCEND CLL 004",
        "siddiqi2023transcend",
        2023,
        "CLL",
        "CAR T cells",
        "Relapsed or refractory CLL after a BTK inhibitor",
        "single-arm",
        "1/2",
        117,
        "treated",
        "Lisocabtagene maraleucel",
        "CR/CRi 18.4% in the primary efficacy set (P=0.0006 against 5%)",
        _facts.expand(
            "CRS {fact:transcend-cll-crs-any} (grade 3: {fact:transcend-cll-crs-grade3}); neurologic events "
            "{fact:transcend-cll-neuro-any} (grade ≥3: {fact:transcend-cll-neuro-grade3plus})"
        ),
    ),
    Trial(
        "Daver 2019",
        "daver2019nivolumab",
        2019,
        "AML",
        "Checkpoint inhibitor",
        "Relapsed or refractory AML",
        "single-arm",
        "2",
        70,
        "treated",
        "Azacitidine + nivolumab",
        "ORR 33%; CR/CRi 22%",
        "Grade 3–4 immune-related adverse events 11%",
    ),
    Trial(
        "Davids 2016",
        "davids2016ipilimumab",
        2016,
        "Relapse after allo-HSCT",
        "Checkpoint inhibitor",
        "Hematologic cancer relapsing after allogeneic transplant",
        "single-arm",
        "1/1b",
        28,
        "treated",
        "Ipilimumab",
        "Complete response in 5 of 22 at 10 mg/kg",
        "GVHD precluding further doses in 4 (14%); one death from pneumonitis",
    ),
    Trial(
        "Ding 2017",
        "ding2017pembrolizumab",
        2017,
        "CLL",
        "Checkpoint inhibitor",
        "Relapsed CLL and Richter transformation",
        "single-arm",
        "2",
        25,
        "treated",
        "Pembrolizumab",
        "Responses in 4 of 9 with Richter transformation, 0 of 16 with CLL",
        "Grade ≥3 treatment-related adverse events 60%",
    ),
)

#: Columns of the table: (attribute, header, kind) — kind "number" sorts numerically.
COLUMNS: Final[tuple[tuple[str, str, Literal["text", "number"]], ...]] = (
    ("name", "Trial", "text"),
    ("year", "Year", "number"),
    ("disease", "Disease", "text"),
    ("modality", "Modality", "text"),
    ("setting", "Setting", "text"),
    ("design", "Design", "text"),
    ("patients", "Patients", "number"),
    ("arms", "Comparison", "text"),
    ("efficacy", "Headline efficacy", "text"),
    ("toxicity", "Key toxicity", "text"),
    ("citation", "Source", "text"),
)
#: Columns the book shows by default (a *Show all columns* toggle adds the rest; print shows all).
KEY_COLUMNS: Final[frozenset[str]] = frozenset(
    {"name", "disease", "modality", "design", "patients", "efficacy"}
)


def _cell(trial: Trial, attr: str) -> Cell:
    if attr == "design":
        return Cell(f"{'Randomised' if trial.design == 'randomised' else 'Single-arm'}, phase {trial.phase}")
    if attr == "patients":
        return Cell(str(trial.patients), note=trial.patients_note, sort_value=trial.patients)
    if attr == "year":
        return Cell(str(trial.year), sort_value=trial.year)
    return Cell(str(getattr(trial, attr)))


class TrialTable(SortableTable):
    """A sortable table of :class:`Trial` records, one row each (see :func:`trial_table`)."""

    def __init__(self, trials: Sequence[Trial], caption: str) -> None:
        self.trials = tuple(trials)
        super().__init__(
            caption,
            [Column(header, kind, key=attr in KEY_COLUMNS) for attr, header, kind in COLUMNS],
            [[_cell(t, attr) for attr, _, _ in COLUMNS] for t in self.trials],
        )

    def cite_keys(self) -> list[str]:
        """Bibtex keys of every trial in the table, in table order."""
        return [t.cite for t in self.trials]


def trial_table(
    trials: Iterable[Trial] | None = None,
    *,
    disease: str | Sequence[str] | None = None,
    caption: str = (
        "Pivotal and landmark trials of the immunotherapies in this course. "
        "Single-arm response rates are not comparable across rows."
    ),
) -> TrialTable:
    """Return a sortable table of trials (default: :data:`PIVOTAL_TRIALS`).

    Parameters
    ----------
    trials
        The records to show, in the order to show them.
    disease
        Keep only trials whose ``disease`` is this value (or one of these values), e.g. ``"ALL"``.
    caption
        Table caption (plain text).

    Raises
    ------
    ValueError
        If no trial is left to show, or ``disease`` matches nothing (the message lists the diseases).
    """
    chosen = tuple(PIVOTAL_TRIALS if trials is None else trials)
    if disease is not None:
        wanted = {disease} if isinstance(disease, str) else set(disease)
        known = sorted({t.disease for t in chosen})
        unknown = wanted.difference(known)
        if unknown:
            raise ValueError(f"disease {sorted(unknown)} matches no trial; the diseases are {known}")
        chosen = tuple(t for t in chosen if t.disease in wanted)
    if not chosen:
        raise ValueError("trial_table needs at least one trial")
    for t in chosen:
        if not isinstance(t, Trial):
            raise ValueError(f"trial_table takes Trial records; got {type(t).__name__}")
    return TrialTable(chosen, caption)


# ---- on-target, off-tumour map ------------------------------------------------------------------

Presence = Literal["yes", "most", "some", "no", "not shown"]

#: Text and fill of each presence level (text carries the meaning; the fill only helps).
_PRESENCE_STYLE: Final[dict[str, tuple[str, float]]] = {
    "yes": ("yes", 0.85),
    "most": ("most", 0.65),
    "some": ("some", 0.4),
    "no": ("no", 0.0),
    "not shown": ("—", 0.0),
}


@dataclass(frozen=True)
class TargetAntigen:
    """Where a candidate target antigen is found, as stated by its sources.

    Attributes
    ----------
    antigen
        Name (e.g. ``"CD123"``).
    disease
        The leukemia it is a candidate target in.
    on_leukemia, on_leukemic_stem_cells, on_normal_stem_cells
        ``"yes"``, ``"most"``, ``"some"``, ``"no"`` or ``"not shown"`` (not stated by the sources).
    normal_cells_lost
        Normal cells a persistent therapy against it would also remove (plain text).
    cites
        Bibtex keys of the sources.
    """

    antigen: str
    disease: str
    on_leukemia: Presence
    on_leukemic_stem_cells: Presence
    on_normal_stem_cells: Presence
    normal_cells_lost: str
    cites: tuple[str, ...]

    def __post_init__(self) -> None:
        for name in ("on_leukemia", "on_leukemic_stem_cells", "on_normal_stem_cells"):
            value = getattr(self, name)
            if value not in _PRESENCE_STYLE:
                allowed = ", ".join(repr(k) for k in _PRESENCE_STYLE)
                raise ValueError(f"antigen {self.antigen!r}: {name}={value!r} is not one of {allowed}")
        if not self.cites:
            raise ValueError(f"antigen {self.antigen!r} needs at least one source key")


#: Presence on normal stem cells is read from the clinical data layer (``book/data/antigens.yml``: absent |
#: low | present), the same facts chapter 1's diagram and ranking use.
_ON_STEM: Final[dict[str, Presence]] = {"absent": "no", "low": "some", "present": "yes"}


def _normal_stem(antigen: str) -> Presence:
    return _ON_STEM[str(_facts.value(f"{antigen.lower().replace('-', '')}-normal-stem-cells"))]


#: Candidate targets of chapter 10 (B-lineage comparators first, then AML targets).
TARGET_ANTIGENS: Final[tuple[TargetAntigen, ...]] = (
    TargetAntigen(
        "CD19",
        "B-ALL",
        "yes",
        "not shown",
        _normal_stem("CD19"),
        "B cells: B-cell aplasia, manageable",
        ("pillai2019car", "clements2020blinatumomab"),
    ),
    TargetAntigen(
        "CD22", "B-ALL", "most", "not shown", _normal_stem("CD22"), "B cells", ("kantarjian2013inotuzumab",)
    ),
    TargetAntigen(
        "CD33",
        "AML",
        "most",
        "not shown",
        _normal_stem("CD33"),
        "myeloid progenitors and monocytes",
        ("marvinpeek2022challenges",),
    ),
    TargetAntigen(
        "CD123",
        "AML",
        "yes",
        "yes",
        _normal_stem("CD123"),
        "stem and progenitor cells: myeloablation",
        ("marvinpeek2022challenges",),
    ),
    TargetAntigen(
        "CLL-1",
        "AML",
        "most",
        "most",
        _normal_stem("CLL-1"),
        "mature myeloid cells",
        ("vanrhenen2007clec12a",),
    ),
)

_MAP_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("on_leukemia", "on leukemia\ncells"),
    ("on_leukemic_stem_cells", "on leukemic\nstem cells"),
    ("on_normal_stem_cells", "on normal\nstem cells"),
)


def plot_target_map(targets: Sequence[TargetAntigen] = TARGET_ANTIGENS) -> Figure:
    """Draw the on-target, off-tumour map of ``targets`` as a labelled grid.

    Each row is an antigen; the three columns say whether it is on the leukemia, on leukemic stem
    cells and on normal hematopoietic stem cells (every cell carries its word, shading only helps);
    the right-hand text names the normal cells a persistent therapy would also remove.

    Raises
    ------
    ValueError
        If ``targets`` is empty.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from .style import OKABE_ITO, figure_style

    if not targets:
        raise ValueError("plot_target_map needs at least one TargetAntigen")
    n = len(targets)
    with figure_style():
        fig, ax = plt.subplots(figsize=(7.2, 0.55 * n + 1.3))
        ax.set_xlim(0, 7.2)
        ax.set_ylim(n + 0.2, -1.1)
        ax.axis("off")
        x0 = 1.45
        for j, (_, header) in enumerate(_MAP_COLUMNS):
            ax.text(x0 + j * 1.05 + 0.5, -0.55, header, ha="center", va="center", fontsize=8.5)
        ax.text(
            x0 + 3 * 1.05 + 0.05, -0.55, "normal cells also removed", ha="left", va="center", fontsize=8.5
        )
        for i, t in enumerate(targets):
            ax.text(
                0.05,
                i + 0.5,
                f"{t.antigen} ({t.disease})",
                ha="left",
                va="center",
                fontsize=9.5,
                fontweight="bold",
            )
            for j, (attr, _) in enumerate(_MAP_COLUMNS):
                word, shade = _PRESENCE_STYLE[getattr(t, attr)]
                risky = attr == "on_normal_stem_cells" and getattr(t, attr) in ("yes", "most", "some")
                colour = OKABE_ITO["vermillion"] if risky else OKABE_ITO["blue"]
                ax.add_patch(
                    Rectangle(
                        (x0 + j * 1.05, i + 0.08),
                        1.0,
                        0.84,
                        facecolor=colour,
                        alpha=0.12 + 0.5 * shade,
                        edgecolor="#444444",
                        linewidth=0.6,
                    )
                )
                ax.text(
                    x0 + j * 1.05 + 0.5,
                    i + 0.5,
                    word,
                    ha="center",
                    va="center",
                    fontsize=9,
                    fontweight="bold" if risky else "normal",
                )
            ax.text(
                x0 + 3 * 1.05 + 0.05,
                i + 0.5,
                t.normal_cells_lost,
                ha="left",
                va="center",
                fontsize=8,
                wrap=True,
            )
    rows = "; ".join(
        f"{t.antigen} ({t.disease}): on leukemia {t.on_leukemia}, on leukemic stem cells {t.on_leukemic_stem_cells}, "
        f"on normal stem cells {t.on_normal_stem_cells}; also removes {t.normal_cells_lost}"
        for t in targets
    )
    return Figure(
        fig,
        alt=f"Grid of candidate target antigens. {rows}.",
        caption=(
            "On-target, off-tumour map. Each row is a candidate antigen; the columns say where it is found "
            "(a dash: not stated by the sources cited in the text). Presence on normal stem cells is set in bold."
        ),
    )


# ---- how wide is a small trial's confidence interval? ----------------------------------------------


def _exact_ci(k: int, n: int) -> tuple[float, float]:
    _rate, low, high = exact_proportion_ci(k, n)
    return low, high


#: Trial sizes of the band, 5 to 1,000 patients on a log scale.
_BAND_SIZES: Final[tuple[int, ...]] = tuple(
    int(n) for n in sorted({round(5 * 200 ** (i / 59)) for i in range(60)})
)


@lru_cache(maxsize=64)
def _band(observed_rate: float) -> tuple[tuple[float, float], ...]:
    """The exact interval for every size of :data:`_BAND_SIZES` (moving the patients slider reuses it)."""
    return tuple(_exact_ci(round(observed_rate * n), n) for n in _BAND_SIZES)


def response_ci_spec(patients: int = 11, observed_rate: float = 0.73) -> Any:
    """Plot spec: the exact 95% confidence interval of a response rate against the number of patients.

    The band shows the Clopper–Pearson interval (``scipy.stats.binomtest``, method ``"exact"``) of the
    observed rate for every trial size from 5 to 1,000 patients (responders rounded to whole patients);
    the marked line is a trial of ``patients`` patients.

    Raises
    ------
    ValueError
        If ``patients`` is not a whole number from 5 to 1,000 or ``observed_rate`` is not in (0, 1).
    """
    import numpy as np

    from .interactive.plotspec import Note, Panel, PlotSpec, Series
    from .style import OKABE_ITO

    if isinstance(patients, bool) or int(patients) != patients or not 5 <= patients <= 1000:
        raise ValueError(f"patients must be a whole number from 5 to 1000; got {patients!r}")
    if not 0 < observed_rate < 1:
        raise ValueError(f"observed_rate must be a proportion between 0 and 1; got {observed_rate!r}")
    patients = int(patients)
    sizes = np.array(_BAND_SIZES)
    bounds = np.array(_band(float(observed_rate)))
    k = round(observed_rate * patients)
    low, high = _exact_ci(k, patients)
    blue, verm = OKABE_ITO["blue"], OKABE_ITO["vermillion"]
    panel = Panel(
        [
            Series(sizes, 100 * bounds[:, 1], label="upper 95% limit", color=blue, linestyle="--"),
            Series(sizes, 100 * bounds[:, 0], label="lower 95% limit", color=blue, linestyle="-."),
            Series(
                [5, 1000],
                [100 * observed_rate] * 2,
                label="observed rate",
                color="#555555",
                linestyle=":",
                linewidth=1.2,
            ),
            Series(
                [patients, patients],
                [100 * low, 100 * high],
                color=verm,
                linewidth=4.0,
                marker="_",
                markersize=14,
            ),
        ],
        xlabel="patients in the trial (log scale)",
        ylabel="response rate (%)",
        xscale="log",
        xlim=(5, 1000),
        ylim=(0, 100),
        notes=[
            Note(
                0.98,
                0.04,
                f"{k} of {patients} = {k / patients:.0%}: 95% CI {low:.0%} to {high:.0%}",
                coords="axes",
                ha="right",
                va="bottom",
                color=verm,
            )
        ],
        legend_loc="lower left",
    )
    alt = (
        f"The exact 95% confidence interval of an observed response rate of {observed_rate:.0%} narrows as the "
        f"trial grows from 5 to 1,000 patients. With {patients} patients ({k} responders) it runs from "
        f"{low:.0%} to {high:.0%}."
    )
    caption = (
        f"How wide is a response rate? Exact (Clopper–Pearson) 95% intervals for an observed rate of "
        f"{observed_rate:.0%}; the vertical bar is a trial of {patients} patients."
    )
    return PlotSpec([panel], alt=alt, caption=caption, height_in=3.6)


@register_explorer(chapter=10, summary="how the exact 95% CI of a response rate narrows with trial size")
def response_ci_explorer() -> Explorer:
    """Explorer of :func:`response_ci_spec`: live sliders; static frames vary the number of patients."""
    return Explorer(
        title="How many patients does a response rate rest on?",
        controls=[
            Control(
                "patients", "patients in the trial", 11, 5, 1000, step=1, scale="int", fmt="{:.0f} patients"
            ),
            Control("observed_rate", "observed response rate", 0.73, 0.05, 0.95, step=0.01, fmt="{:.0%}"),
        ],
        spec=lambda patients, observed_rate: response_ci_spec(int(patients), observed_rate),
        frame_control="patients",
        frame_values=(11, 25, 55, 100, 300, 1000),
    )
