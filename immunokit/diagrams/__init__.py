"""Mechanism diagrams of the course, drawn as code from one drawing kit (:mod:`immunokit.diagrams.kit`).

Every diagram is a function with no arguments. Four return a :class:`immunokit.Figure` (a matplotlib
figure with its alt text and caption); six return a :class:`immunokit.Stepper`, a step-through
diagram whose steps each have their own figure, caption and alt text, rendered live (ipywidgets
buttons) in Jupyter and as static frames with previous/next buttons in the book.

==========================  ========  =======  ===========================================
function                    returns   chapter  what it shows
==========================  ========  =======  ===========================================
hematopoiesis_antigens      Figure    1        CD19/20/22/33/123 along hematopoiesis
gvl_vs_gvhd                 Figure    2        graft-versus-leukemia vs GVHD
antibody_effectors          Stepper   3        rituximab: binding, ADCC, CDC, ADCP
adc_mechanism               Stepper   3        ADC: binding → internalisation → payload → DNA
bite_synapse                Stepper   4        blinatumomab bridging CD3ε and CD19
car_generations             Figure    5        CAR anatomy, 1st–3rd and armoured generations
car_t_workflow              Stepper   5        vein-to-vein CAR T workflow
checkpoint_blockade         Stepper   6        CTLA-4 and PD-1 with and without blockade
crs_cascade                 Stepper   8        CRS cytokine cascade, tocilizumab, steroids
combined_timeline           Figure    9        timeline of a combined CAR T course
==========================  ========  =======  ===========================================

In a chapter: ``from immunokit.diagrams import bite_synapse`` and ``bite_synapse()`` as the last line
of a cell.
"""

from .antibodies import adc_mechanism, antibody_effectors
from .cart import car_generations, car_t_workflow
from .checkpoints import checkpoint_blockade
from .combination import combined_timeline
from .engagers import bite_synapse
from .foundations import gvl_vs_gvhd, hematopoiesis_antigens
from .safety import crs_cascade

#: Every diagram function by name (figures and steppers), in chapter order.
DIAGRAMS = {
    "hematopoiesis_antigens": hematopoiesis_antigens,
    "gvl_vs_gvhd": gvl_vs_gvhd,
    "antibody_effectors": antibody_effectors,
    "adc_mechanism": adc_mechanism,
    "bite_synapse": bite_synapse,
    "car_generations": car_generations,
    "car_t_workflow": car_t_workflow,
    "checkpoint_blockade": checkpoint_blockade,
    "crs_cascade": crs_cascade,
    "combined_timeline": combined_timeline,
}

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
