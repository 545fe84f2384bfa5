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
:mod:`immunokit.interactive`; these modules hold the science (see :data:`MODULES`).

"""

import importlib
import pkgutil
from types import ModuleType

from .units import Dose, UnitError

#: The model modules (derived: every module of this package but `units` and private helpers). Each is
#: imported when first used (``from immunokit.models import occupancy``), not all at once, so a chapter
#: depends only on the models it runs (the book's execution key follows imports); the registry of
#: explorers imports them all when it is first read.
MODULES = sorted(
    info.name
    for info in pkgutil.iter_modules(__path__)
    if info.name != "units" and not info.name.startswith("_")
)
__all__ = ["MODULES", "Dose", "UnitError", *MODULES]


def __getattr__(name: str) -> ModuleType:
    if name in MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
