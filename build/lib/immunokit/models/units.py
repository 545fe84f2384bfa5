"""A tiny, explicit unit convention for the course's models.

Two rules, so a reader always knows what a number means:

1. **Doses carry their unit.** A function that takes an amount of drug or a dosing rate takes a
   :class:`Dose`, e.g. ``Dose(28, "ug/day")`` or ``Dose(375, "mg/m2")``. A plain number there is
   refused with a message that names the parameter, and so is a dose of the wrong kind (a mass where a
   rate is needed).
2. **Every other quantity has its unit in its name**: ``clearance_l_per_h``, ``volume_l``,
   ``kd_nm``, ``t_end_h``. Times are hours in the pharmacokinetic models and days in the cellular and
   tumour models; the name says which.

No units library is needed: :data:`UNITS` lists every unit a :class:`Dose` accepts, with its kind and
its factor to the base unit of that kind (µg for a mass, µg/h for a rate, mg/m² for a dose per body
surface area).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["mass", "rate", "mass/area"]


class UnitError(TypeError, ValueError):
    """A quantity was given without its unit, or in a unit of the wrong kind.

    It is both a ``TypeError`` and a ``ValueError``, so either ``except`` catches it.
    """


#: Accepted unit strings: unit -> (kind, factor to the kind's base unit).
#: Base units: µg (mass), µg/h (rate), mg/m² (mass per body surface area).
UNITS: Final[dict[str, tuple[Kind, float]]] = {
    "g": ("mass", 1e6),
    "mg": ("mass", 1e3),
    "ug": ("mass", 1.0),
    "µg": ("mass", 1.0),
    "ng": ("mass", 1e-3),
    "mg/h": ("rate", 1e3),
    "mg/day": ("rate", 1e3 / 24.0),
    "ug/h": ("rate", 1.0),
    "µg/h": ("rate", 1.0),
    "ug/day": ("rate", 1.0 / 24.0),
    "µg/day": ("rate", 1.0 / 24.0),
    "mg/m2": ("mass/area", 1.0),
    "mg/m²": ("mass/area", 1.0),
}

_EXAMPLE: Final[dict[Kind, str]] = {
    "mass": "Dose(700, 'mg')",
    "rate": "Dose(28, 'ug/day')",
    "mass/area": "Dose(375, 'mg/m2')",
}
_KIND_WORDS: Final[dict[Kind, str]] = {
    "mass": "an amount (a mass such as mg or ug)",
    "rate": "a dosing rate (mass per time such as ug/day or mg/h)",
    "mass/area": "a dose per body surface area (mg/m2)",
}


@dataclass(frozen=True)
class Dose:
    """An amount or a dosing rate of a drug, with its unit.

    Parameters
    ----------
    value
        The number, finite and ≥ 0.
    unit
        One of :data:`UNITS`: ``"g"``, ``"mg"``, ``"ug"`` (or ``"µg"``), ``"ng"`` for an amount;
        ``"mg/h"``, ``"mg/day"``, ``"ug/h"``, ``"ug/day"`` for a rate; ``"mg/m2"`` for a dose per
        body surface area.

    Examples
    --------
    >>> Dose(28, "ug/day").to("ug/h")
    1.1666666666666667
    >>> Dose(375, "mg/m2").for_bsa(1.9)
    Dose(value=712.5, unit='mg')
    """

    value: float
    unit: str

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
            raise UnitError(f"Dose value must be a number, got {self.value!r}")
        if not math.isfinite(self.value) or self.value < 0:
            raise ValueError(f"Dose value must be a finite number ≥ 0, got {self.value!r}")
        if self.unit not in UNITS:
            known = ", ".join(sorted({u for u in UNITS if u.isascii()}))
            raise UnitError(f"unknown dose unit {self.unit!r}; use one of: {known}")

    @property
    def kind(self) -> Kind:
        """``"mass"``, ``"rate"`` or ``"mass/area"``."""
        return UNITS[self.unit][0]

    def to(self, unit: str) -> float:
        """The value in ``unit``, which must be of the same kind (e.g. ``"ug/h"`` for a rate)."""
        if unit not in UNITS:
            raise UnitError(f"unknown dose unit {unit!r}")
        kind, factor = UNITS[unit]
        if kind != self.kind:
            raise UnitError(f"cannot convert {self} ({self.kind}) to {unit!r} ({kind})")
        return self.value * UNITS[self.unit][1] / factor

    def for_bsa(self, bsa_m2: float) -> Dose:
        """Turn a dose per body surface area (mg/m²) into an amount in mg for a patient of ``bsa_m2``."""
        if self.kind != "mass/area":
            raise UnitError(f"for_bsa needs a dose in mg/m2, got {self}")
        check_positive("bsa_m2", bsa_m2)
        return Dose(self.to("mg/m2") * bsa_m2, "mg")

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit.replace('ug', 'µg').replace('m2', 'm²')}"


def require_dose(name: str, value: object, kind: Kind) -> Dose:
    """Return ``value`` if it is a :class:`Dose` of ``kind``; otherwise raise :class:`UnitError`.

    The message names the parameter, says what was given and shows how to write it correctly.
    """
    if not isinstance(value, Dose):
        given = f"the plain number {value!r}" if isinstance(value, (int, float)) else repr(value)
        raise UnitError(
            f"{name} must be {_KIND_WORDS[kind]} with its unit, e.g. {_EXAMPLE[kind]}; got {given}"
        )
    if value.kind != kind:
        raise UnitError(
            f"{name} must be {_KIND_WORDS[kind]}, e.g. {_EXAMPLE[kind]}; got {value}, "
            f"which is {_KIND_WORDS[value.kind]}"
        )
    return value


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UnitError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def check_positive(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite number > 0, else raise naming ``name``."""
    number = _number(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return number


def check_nonnegative(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite number ≥ 0, else raise naming ``name``."""
    number = _number(name, value)
    if number < 0:
        raise ValueError(f"{name} must be ≥ 0, got {value!r}")
    return number


def check_fraction(name: str, value: object, *, open_low: bool = False, open_high: bool = False) -> float:
    """Return ``value`` if it lies in [0, 1] (ends excluded on request), else raise naming ``name``."""
    number = _number(name, value)
    low_ok = number > 0 if open_low else number >= 0
    high_ok = number < 1 if open_high else number <= 1
    if not (low_ok and high_ok):
        interval = ("(" if open_low else "[") + "0, 1" + (")" if open_high else "]")
        raise ValueError(f"{name} must lie in {interval}, got {value!r}")
    return number


def check_positive_fields(obj: object, *names: str) -> None:
    """Check that each named field of a parameter dataclass is a finite number > 0."""
    for name in names:
        check_positive(name, getattr(obj, name))


def check_at_most(obj: object, name: str, limit_name: str) -> None:
    """Check that field ``name`` of a parameter dataclass does not exceed field ``limit_name``."""
    value, limit = getattr(obj, name), getattr(obj, limit_name)
    if value > limit:
        raise ValueError(f"{name} ({value:g}) must not exceed {limit_name} ({limit:g})")


def check_source(source: object) -> None:
    """A parameter set names its source: a bibtex key of ``book/references.bib``."""
    if not isinstance(source, str) or not source.strip() or any(c.isspace() for c in source):
        raise ValueError(f"source must be a bibtex key such as 'clements2020blinatumomab', got {source!r}")
