"""Small, cited models the reader can run and change (issue 5).

Modules (each with plain solve/simulate functions, a ``plot_*`` function returning
:class:`immunokit.Figure`, and ``explorer()`` returning an :class:`Explorer`):

``occupancy``
    Fraction of target bound, C/(C + Kd); rituximab–CD20 Kd ≈ 8 nM.
``antibody_pk``
    One- and two-compartment IV antibody PK; an *illustrative* target-mediated elimination term for
    rituximab's short cycle-1 and long cycle-4 half-life in CLL.
``blinatumomab``
    One-compartment continuous infusion (Clements 2020): Css = R₀/CL, step-up, wash-out, bolus.
``cart_kinetics``
    Stein 2019 tisagenlecleucel cellular kinetics with seeded inter-individual variability; an
    *illustrative* CAR T–leukemia model with antigen-negative escape.
``cytokines``
    *Qualitative* IL-6 model with IL-6 receptor blockade (tocilizumab).
``trials``
    *Simulated* cohorts calibrated to published medians; Kaplan–Meier, log-rank and exact CIs via scipy.
``combination``
    *Illustrative* log-kill chemotherapy per cycle plus an immune effector population.

Units: doses are :class:`Dose` objects (``Dose(28, "ug/day")``); every other quantity carries its
unit in its name (``clearance_l_per_h``). See :mod:`immunokit.models.units`. Bad parameters raise
``ValueError`` naming the parameter and the value ("clearance_l_per_h must be > 0, got -2.0"); a dose
without its unit, or of the wrong kind, raises :class:`UnitError` (a ``ValueError`` and a ``TypeError``).

Explorers (one definition, two renderings): a model's picture is a :class:`PlotSpec` computed by one
plain function of its parameters. :func:`render` draws it as a vector :class:`immunokit.Figure`
(``plot_*`` functions and the ≤ 9 static frames of :meth:`Explorer.to_html`); :class:`LiveFigure`
redraws a kept figure in place for the live sliders of :meth:`Explorer.widget`. ``EXPLORERS`` names
the modules that have an ``explorer()``; ``benchmarks/explorer_bench.py`` times their live updates.
"""

from . import antibody_pk, blinatumomab, cart_kinetics, combination, cytokines, occupancy, trials
from .explorer import MAX_FRAMES, Control, Explorer
from .plotspec import LiveFigure, Note, Panel, PlotSpec, Series, render
from .units import Dose, UnitError

__all__ = [
    "EXPLORERS",
    "MAX_FRAMES",
    "Control",
    "Dose",
    "Explorer",
    "LiveFigure",
    "Note",
    "Panel",
    "PlotSpec",
    "Series",
    "UnitError",
    "antibody_pk",
    "blinatumomab",
    "cart_kinetics",
    "combination",
    "cytokines",
    "occupancy",
    "render",
    "trials",
]

#: Every explorer of the package, by module name (used by the benchmark and the tests).
EXPLORERS = (
    "occupancy",
    "antibody_pk",
    "blinatumomab",
    "cart_kinetics",
    "cytokines",
    "trials",
    "combination",
)
