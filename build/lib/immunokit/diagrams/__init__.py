"""Mechanism diagrams of the course, drawn as code from one drawing kit (:mod:`immunokit.diagrams.kit`).

Every diagram is a function with no arguments, registered where it is written with
:func:`immunokit.interactive.register_diagram`. Some return a :class:`immunokit.Figure` (a matplotlib
figure with its alt text and caption); the others return a :class:`immunokit.Stepper`, a step-through
diagram whose steps each have their own figure, caption and alt text, rendered live (ipywidgets
buttons) in Jupyter and as static frames with previous/next buttons in the book.

In a chapter: ``from immunokit.diagrams import bite_synapse`` and ``bite_synapse()`` as the last line
of a cell. The registered diagrams (this table is generated from the registry):

"""

from ..interactive.registry import import_package, registered_in, table

import_package(__name__)  # every module of this package registers its diagrams

#: Every diagram function by name, in chapter order (derived from the registry).
DIAGRAMS = {name: entry.make for name, entry in registered_in(__name__, "diagram").items()}
globals().update(DIAGRAMS)
__doc__ = (__doc__ or "") + table(registered_in(__name__, "diagram")) + "\n"
__all__ = ["DIAGRAMS", *DIAGRAMS]
