"""Every parameter set of the models names a source that the book's bibliography holds."""

from __future__ import annotations

import re
from pathlib import Path

from immunokit.models import (
    antibody_pk,
    blinatumomab,
    cart_kinetics,
    combination,
    cytokines,
    occupancy,
    trials,
)

BIB = Path(__file__).resolve().parents[1] / "book" / "references.bib"

PARAMETER_SETS = [
    occupancy.RITUXIMAB_CD20,
    antibody_pk.RITUXIMAB_ONE_COMPARTMENT,
    antibody_pk.RITUXIMAB_TWO_COMPARTMENT,
    antibody_pk.ILLUSTRATIVE_TARGET,
    blinatumomab.CLEMENTS_2020,
    cart_kinetics.STEIN_2019,
    cart_kinetics.STEIN_2019_IIV,
    cart_kinetics.CarTLeukemiaParams(),
    cytokines.CytokineParams(),
    trials.TOWER,
    combination.CombinationParams(),
]

#: Keys the models use that the bibliography does not hold yet (asked of the bibliography's owner).
PENDING: set[str] = set()


def test_every_source_key_is_in_the_bibliography() -> None:
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), flags=re.M))
    used = {p.source for p in PARAMETER_SETS}
    missing = used - keys - PENDING
    assert not missing, f"model sources missing from book/references.bib: {sorted(missing)}"
    assert not PENDING & keys, f"now in references.bib, drop from PENDING: {sorted(PENDING & keys)}"
