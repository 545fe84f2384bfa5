"""Small, cited models the reader can run and change .

Each model module has plain solve/simulate functions, ``plot_*`` functions returning
:class:`immunokit.Figure`, and an ``explorer()``. Simulated, illustrative and qualitative models say so
in their captions, with the published figures they are calibrated to.

Units: doses are :class:`Dose` objects (``Dose(28, "ug/day")``); every other quantity carries its
unit in its name (``clearance_l_per_h``). See :mod:`immunokit.models.units`. Bad parameters raise
``ValueError`` naming the parameter and the value ("clearance_l_per_h must be > 0, got -2.0"); a dose
without its unit, or of the wrong kind, raises :class:`UnitError` (a ``ValueError`` and a ``TypeError``).

Each ``explorer()`` is registered with :func:`immunokit.interactive.register_explorer`; the list of
explorers (:data:`immunokit.interactive.EXPLORERS`, used by the tests and the benchmark) is derived
from the registry. The rendering (plot specs, live figures, sliders, static frames) lives in
:mod:`immunokit.interactive`; these modules hold the science. Registered explorers of this package
(generated):

"""

import pkgutil

from ..interactive.registry import import_package, registered_in, table
from .units import Dose, UnitError

import_package(__name__)  # every model module registers its explorer

__doc__ = (__doc__ or "") + table(registered_in(__name__, "explorer")) + "\n"

#: The model modules (derived: every module of this package but the unit helpers).
#: The model modules (each registers an explorer); `units` and private helpers (`_name`) are not models.
MODULES = sorted(
    info.name
    for info in pkgutil.iter_modules(__path__)
    if info.name != "units" and not info.name.startswith("_")
)
__all__ = ["MODULES", "Dose", "UnitError", *MODULES]
