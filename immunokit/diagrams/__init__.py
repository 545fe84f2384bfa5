"""Mechanism diagrams of the course, drawn as code from one drawing kit (:mod:`immunokit.diagrams.kit`).

Every diagram is a function with no arguments, registered where it is written with
:func:`immunokit.interactive.register_diagram`. Some return a :class:`immunokit.Figure` (a matplotlib
figure with its alt text and caption); the others return a :class:`immunokit.Stepper`, a step-through
diagram whose steps each have their own figure, caption and alt text, rendered live (ipywidgets
buttons) in Jupyter and as static frames with previous/next buttons in the book.

In a chapter: ``from immunokit.diagrams import bite_synapse`` and ``bite_synapse()`` as the last line
of a cell. The registered diagrams (this table is generated from the registry):

"""

from ..interactive.registry import registered_in, table

# --- written by `python -m immunokit_build.diagram_exports` from the registry; do not edit ---
from .antibodies import adc_mechanism, antibody_effectors
from .cart import car_generations, car_t_workflow
from .checkpoints import checkpoint_blockade
from .combination import combined_timeline
from .engagers import bite_synapse
from .foundations import gvl_vs_gvhd, hematopoiesis_antigens
from .safety import crs_cascade

# --- end of the written imports ---

#: Every diagram function by name, in chapter order (derived from the registry; a test checks that the
#: explicit imports above, written from the registry, name every registered diagram).
DIAGRAMS = {name: entry.make for name, entry in registered_in(__name__, "diagram").items()}
__doc__ = (__doc__ or "") + table(registered_in(__name__, "diagram")) + "\n"
# --- written by `python -m immunokit_build.diagram_exports` from the registry; do not edit ---
__all__ = [
    "DIAGRAMS",
    "adc_mechanism",
    "antibody_effectors",
    "bite_synapse",
    "car_generations",
    "car_t_workflow",
    "checkpoint_blockade",
    "combined_timeline",
    "crs_cascade",
    "gvl_vs_gvhd",
    "hematopoiesis_antigens",
]
# --- end of the written names ---
