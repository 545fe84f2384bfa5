"""ASTCT consensus grading of CRS and ICANS, and two teaching calculators built on it.

**Teaching tool — never for patient care.** The functions implement the American Society for
Transplantation and Cellular Therapy (ASTCT) consensus grading of cytokine release syndrome (CRS) and
immune effector cell–associated neurotoxicity syndrome (ICANS) exactly as published by Lee et al.,
*Biol Blood Marrow Transplant* 2019;25:625–38 (bibtex key ``lee2019astct``), so that students can see
how the tables work and test their own implementation against them. They have not been validated for
clinical use and know nothing about the patient beyond the inputs.

Public API
----------
:func:`crs_grade`, :class:`CrsResult`, :class:`Hypotension`, :class:`Oxygen`
:func:`ice_score`, :data:`ICE_ITEMS`, :func:`tocilizumab_dose_mg`, :func:`tocilizumab_may_repeat`
:func:`icans_grade`, :class:`IcansResult`, :class:`Consciousness`, :class:`Seizure`, :class:`Motor`,
:class:`Edema`
:class:`CrsCalculator`, :class:`IcansCalculator` — :class:`~immunokit.interactive.Interactive`
calculators (live ipywidgets; static HTML form with a lookup table of every input combination,
pre-computed by the functions above).

CRS (ASTCT)
    Fever ≥ 38 °C not attributable to another cause is required, except in a patient who **has CRS
    and then receives** antipyretic or anti-cytokine therapy (tocilizumab, corticosteroids): from then
    on fever is no longer required and grading is driven by hypotension and hypoxia alone. Premedication
    given before any CRS (e.g. paracetamol before an infusion) does not lift the fever requirement: a
    premedicated patient who never had CRS and becomes hypotensive does not meet the CRS criteria. The grade is the worse of the hypotension grade and the
    hypoxia grade (at least 1 with fever); grade 5 is death due to CRS. Organ toxicities are graded
    separately (CTCAE) and do not change the CRS grade.
ICANS (ASTCT, adults and children > 12 years)
    The grade is the most severe of five domains: the 10-point ICE score (7–9 → 1, 3–6 → 2, 0–2 → 3,
    0 because unarousable → 4), depressed level of consciousness, seizure, motor findings, and raised
    intracranial pressure / cerebral edema. Children ≤ 12 years are assessed with the Cornell
    Assessment of Pediatric Delirium (CAPD) instead of ICE, which these functions do not cover.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Final, TypeVar

from . import facts as _facts
from .interactive.calculator import Calculator, CalcVerdict, Derived, Field, checkbox_field, verdict

__all__ = [
    "ICE_ITEMS",
    "TEACHING_NOTICE",
    "Consciousness",
    "CrsCalculator",
    "CrsResult",
    "Edema",
    "Hypotension",
    "IcansCalculator",
    "IcansResult",
    "Motor",
    "Oxygen",
    "Seizure",
    "crs_grade",
    "icans_grade",
    "ice_score",
    "tocilizumab_dose_mg",
    "tocilizumab_may_repeat",
]

#: Shown on both calculators, live and static.
TEACHING_NOTICE: Final[str] = (
    "Teaching tool — never for patient care. It implements the ASTCT 2019 consensus tables to show how "
    "they work; it is not validated for clinical use."
)

SOURCE_KEY: Final[str] = "lee2019astct"


class _Level(str, Enum):  # noqa: UP042 - StrEnum's str() differs; ids stay plain strings
    """A level of a graded sign: its value is a stable kebab-case id, ``label`` the words shown."""

    label: str
    grade: int
    detail: str

    def __new__(cls, value: str, label: str, grade: int, detail: str = "") -> _Level:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        obj.grade = grade
        obj.detail = detail or label
        return obj

    def __str__(self) -> str:
        return str(self._value_)


class Hypotension(_Level):
    """Hypotension in CRS, by the treatment it needs (ASTCT 2019)."""

    NONE = ("none", "none", 0)
    NO_VASOPRESSOR = ("no-vasopressor", "does not need vasopressors", 2)
    ONE_VASOPRESSOR = ("one-vasopressor", "needs one vasopressor, with or without vasopressin", 3)
    MULTIPLE_VASOPRESSORS = (
        "multiple-vasopressors",
        "needs multiple vasopressors (excluding vasopressin)",
        4,
    )


class Oxygen(_Level):
    """Hypoxia in CRS, by the oxygen support it needs (ASTCT 2019)."""

    NONE = ("none", "none", 0)
    LOW_FLOW = ("low-flow", "needs low-flow nasal cannula (≤ 6 L/min) or blow-by oxygen", 2)
    HIGH_FLOW = (
        "high-flow",
        "needs high-flow nasal cannula (> 6 L/min), facemask, non-rebreather or Venturi mask",
        3,
    )
    POSITIVE_PRESSURE = (
        "positive-pressure",
        "needs positive pressure (CPAP, BiPAP, intubation and mechanical ventilation)",
        4,
    )


class Consciousness(_Level):
    """Depressed level of consciousness not attributable to another cause (ICANS domain)."""

    NORMAL = ("normal", "alert, consciousness not depressed", 0)
    AWAKENS_SPONTANEOUSLY = ("awakens-spontaneously", "awakens spontaneously", 1)
    AWAKENS_TO_VOICE = ("awakens-to-voice", "awakens to voice", 2)
    AWAKENS_TO_TOUCH = ("awakens-to-touch", "awakens only to tactile stimulus", 3)
    UNAROUSABLE = (
        "unarousable",
        "unarousable",
        4,
        "unarousable, or needs vigorous or repetitive tactile stimuli to arouse; stupor or coma",
    )


class Seizure(_Level):
    """Seizures (ICANS domain)."""

    NONE = ("none", "no seizure", 0)
    RESOLVES_RAPIDLY = (
        "resolves-rapidly",
        "a seizure that resolves rapidly",
        3,
        "any clinical seizure that resolves rapidly, or non-convulsive EEG seizures that resolve with intervention",
    )
    LIFE_THREATENING = (
        "life-threatening",
        "a life-threatening or prolonged seizure",
        4,
        "life-threatening prolonged seizure (> 5 min), or repetitive seizures without return to baseline",
    )


class Motor(_Level):
    """Motor findings (ICANS domain; tremor and myoclonus do not count, they are graded by CTCAE)."""

    NONE = ("none", "no deep focal motor weakness", 0)
    DEEP_FOCAL_WEAKNESS = (
        "deep-focal-weakness",
        "deep focal motor weakness",
        4,
        "deep focal motor weakness such as hemiparesis or paraparesis",
    )


class Edema(_Level):
    """Raised intracranial pressure / cerebral edema (ICANS domain; intracranial haemorrhage excluded)."""

    NONE = ("none", "no cerebral edema", 0)
    FOCAL = ("focal", "focal edema on imaging", 3, "focal or local edema on neuroimaging")
    DIFFUSE = (
        "diffuse",
        "diffuse edema or signs of raised intracranial pressure",
        4,
        "diffuse cerebral edema on neuroimaging, decerebrate or decorticate posturing, cranial nerve VI palsy, "
        "papilledema or Cushing's triad",
    )


_L = TypeVar("_L", bound=_Level)


def _level(kind: type[_L], value: object, name: str) -> _L:
    """Return ``value`` as a member of ``kind``, or raise a ValueError that lists the allowed values."""
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        for member in kind:
            if value == member.value or value.upper().replace("-", "_") == member.name:
                return member
    allowed = ", ".join(repr(m.value) for m in kind)
    raise ValueError(f"{name}={value!r} is not one of the allowed values: {allowed}")


def _flag(value: object, name: str, meaning: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"{name} must be True or False ({meaning}); got {value!r}")


# ---- CRS --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrsResult:
    """The ASTCT CRS grade (0 = no CRS by these criteria, 1–5) and why."""

    grade: int
    reason: str
    hypotension_grade: int
    hypoxia_grade: int

    def __str__(self) -> str:
        return f"CRS grade {self.grade}: {self.reason}" if self.grade else self.reason


def crs_grade(
    fever: bool,
    hypotension: Hypotension | str = Hypotension.NONE,
    oxygen: Oxygen | str = Oxygen.NONE,
    *,
    antipyretics_or_anticytokine: bool = False,
    death_due_to_crs: bool = False,
    organ_toxicity: bool = False,
) -> CrsResult:
    """Grade cytokine release syndrome by the ASTCT 2019 consensus (Lee et al. 2019).

    Parameters
    ----------
    fever
        Temperature ≥ 38 °C **not attributable to any other cause**.
    hypotension
        A :class:`Hypotension` level (or its id: ``"none"``, ``"no-vasopressor"``,
        ``"one-vasopressor"``, ``"multiple-vasopressors"``).
    oxygen
        The oxygen support that hypoxia needs, an :class:`Oxygen` level (or its id: ``"none"``,
        ``"low-flow"`` ≤ 6 L/min, ``"high-flow"`` > 6 L/min, ``"positive-pressure"``).
    antipyretics_or_anticytokine
        True if the patient **had CRS and then received** antipyretic or anti-cytokine therapy (e.g.
        tocilizumab, corticosteroids) for it: fever is then no longer required to grade the subsequent
        CRS, and grading is driven by hypotension and hypoxia (Lee et al. 2019, table footnote).
        Premedication given before any CRS does **not** count: pass False for a patient who was
        premedicated but never had CRS.
    death_due_to_crs
        True if the patient died of CRS (grade 5).
    organ_toxicity
        True if organ toxicities are present. They are graded separately by CTCAE and **do not change
        the CRS grade**; the flag only adds that remark to the reason.

    Returns
    -------
    CrsResult
        ``grade`` 0 means the ASTCT criteria for CRS are not met (no fever, and no earlier CRS whose
        fever antipyretic or anti-cytokine therapy could have masked, or no grade-defining sign at all).

    Raises
    ------
    ValueError
        If a flag is not a bool or a level is not one of the allowed values.
    """
    fever = _flag(fever, "fever", "temperature ≥ 38 °C not attributable to another cause")
    treated = _flag(
        antipyretics_or_anticytokine,
        "antipyretics_or_anticytokine",
        "the patient had CRS and then received antipyretic or anti-cytokine therapy",
    )
    died = _flag(death_due_to_crs, "death_due_to_crs", "death due to CRS")
    organ = _flag(organ_toxicity, "organ_toxicity", "organ toxicities present")
    hypo = _level(Hypotension, hypotension, "hypotension")
    oxy = _level(Oxygen, oxygen, "oxygen")
    organ_note = (
        " Organ toxicities are graded separately (CTCAE) and do not change the CRS grade." if organ else ""
    )
    if died:
        return CrsResult(5, "grade 5 because the patient died of CRS." + organ_note, hypo.grade, oxy.grade)
    worst = max(hypo.grade, oxy.grade)
    if not fever and not treated:
        reason = (
            "No CRS by ASTCT criteria: fever ≥ 38 °C is required unless the patient already had CRS and "
            "then received antipyretic or anti-cytokine therapy (premedication before any CRS does not count)"
        )
        if worst:
            signs = [name for name, g in (("hypotension", hypo.grade), ("hypoxia", oxy.grade)) if g]
            reason += "; look for another cause of the " + " and ".join(signs)
        return CrsResult(0, reason + "." + organ_note, hypo.grade, oxy.grade)
    if worst == 0:
        if fever:
            reason = "grade 1 because there is fever ≥ 38 °C without hypotension or hypoxia."
            return CrsResult(1, reason + organ_note, 0, 0)
        reason = (
            "No grade-defining sign: once CRS has been treated with antipyretic or anti-cytokine therapy "
            "fever is no longer required, but there is neither hypotension nor hypoxia to set a grade."
        )
        return CrsResult(0, reason + organ_note, 0, 0)
    reason = f"grade {worst} because {_crs_drivers(hypo, oxy)}"
    if not fever:
        reason += (
            " Fever is not required because the patient had CRS and then received antipyretic or "
            "anti-cytokine therapy."
        )
    return CrsResult(worst, reason + organ_note, hypo.grade, oxy.grade)


def _crs_drivers(hypo: Hypotension, oxy: Oxygen) -> str:
    """Explain which of hypotension and hypoxia sets the grade."""
    h = f"the hypotension {hypo.label} (grade {hypo.grade})"
    o = f"the hypoxia {oxy.label} (grade {oxy.grade})"
    if hypo.grade and oxy.grade:
        if hypo.grade == oxy.grade:
            return f"{h} and {o} are both grade {hypo.grade}; the worse of the two sets the grade."
        if hypo.grade > oxy.grade:
            lower = f"the hypoxia is only grade {oxy.grade} ({oxy.label})"
            return f"{h}, while {lower}; the worse of the two sets the grade."
        lower = f"the hypotension is only grade {hypo.grade} ({hypo.label})"
        return f"{o}, while {lower}; the worse of the two sets the grade."
    if hypo.grade:
        return f"{h}, with no hypoxia."
    return f"{o}, with no hypotension."


# ---- tocilizumab dose ----------------------------------------------------------------------------

#: Tocilizumab for CRS: mg/kg by weight band, cap, interval and dose limits. The numbers live in the
#: clinical data layer (``book/data/dosing.yml``; sources: the Kymriah label ``novartis2017kymriah`` for
#: the dose, the interval and the 4-dose total, the ASCO guideline ``santomasso2021asco`` for the
#: 3-doses-in-24-hours limit).
TOCILIZUMAB_WEIGHT_BAND_KG: Final[float] = float(_facts.value("tocilizumab-weight-band"))
TOCILIZUMAB_MG_PER_KG_AT_LEAST_30KG: Final[float] = float(_facts.value("tocilizumab-dose-at-least-30kg"))
TOCILIZUMAB_MG_PER_KG_UNDER_30KG: Final[float] = float(_facts.value("tocilizumab-dose-under-30kg"))
TOCILIZUMAB_MAX_DOSE_MG: Final[float] = float(_facts.value("tocilizumab-max-dose"))
TOCILIZUMAB_MIN_INTERVAL_H: Final[float] = float(_facts.value("tocilizumab-min-interval"))
TOCILIZUMAB_MAX_DOSES_24H: Final[int] = int(_facts.value("tocilizumab-max-doses-24h"))
TOCILIZUMAB_MAX_DOSES_TOTAL: Final[int] = int(_facts.value("tocilizumab-max-doses-total"))


def tocilizumab_dose_mg(weight_kg: float) -> float:
    """Return the tocilizumab dose for CRS, in mg, from body weight in kg (teaching use only).

    8 mg/kg for patients weighing 30 kg or more (at most 800 mg), 12 mg/kg below 30 kg, given IV
    over 1 hour; repeated after at least 8 hours if there is no improvement, **at most 3 doses in
    24 hours and 4 doses in total** (tisagenlecleucel label, ``novartis2017kymriah``; ASCO guideline,
    ``santomasso2021asco``). :func:`tocilizumab_may_repeat` checks the interval and the limits.

    Raises
    ------
    ValueError
        If ``weight_kg`` is not a positive number of kilograms.
    """
    if isinstance(weight_kg, bool) or not isinstance(weight_kg, (int, float)) or not weight_kg > 0:
        raise ValueError(f"weight_kg must be a positive number of kilograms; got {weight_kg!r}")
    if weight_kg < TOCILIZUMAB_WEIGHT_BAND_KG:
        return TOCILIZUMAB_MG_PER_KG_UNDER_30KG * weight_kg
    return min(TOCILIZUMAB_MG_PER_KG_AT_LEAST_30KG * weight_kg, TOCILIZUMAB_MAX_DOSE_MG)


def tocilizumab_may_repeat(dose_times_h: list[float] | tuple[float, ...], now_h: float) -> tuple[bool, str]:
    """May another tocilizumab dose for CRS be given at ``now_h``? (teaching use only).

    ``dose_times_h`` are the times (hours, same clock as ``now_h``) of the doses already given. A
    further dose needs at least 8 hours since the last, at most 3 doses in any 24 hours (counting the
    new one) and at most 4 in total. Returns (allowed, reason).

    Raises
    ------
    ValueError
        If a time is not a number or a dose lies after ``now_h``.
    """
    times = []
    for t in dose_times_h:
        if isinstance(t, bool) or not isinstance(t, (int, float)):
            raise ValueError(f"dose times must be numbers of hours; got {t!r}")
        if t > now_h:
            raise ValueError(f"a dose at {t} h lies after now ({now_h} h)")
        times.append(float(t))
    times.sort()
    if len(times) >= TOCILIZUMAB_MAX_DOSES_TOTAL:
        return False, f"{len(times)} doses already given: at most {TOCILIZUMAB_MAX_DOSES_TOTAL} in total."
    if times and now_h - times[-1] < TOCILIZUMAB_MIN_INTERVAL_H:
        gap = now_h - times[-1]
        return False, f"only {gap:g} h since the last dose: at least {TOCILIZUMAB_MIN_INTERVAL_H:g} h apart."
    recent = [t for t in times if now_h - t <= 24]  # a 24-hour window, both ends included
    if len(recent) + 1 > TOCILIZUMAB_MAX_DOSES_24H:
        return False, (
            f"{len(recent)} doses in the last 24 h: at most {TOCILIZUMAB_MAX_DOSES_24H} in any 24 hours."
        )
    return True, (
        f"dose {len(times) + 1} of at most {TOCILIZUMAB_MAX_DOSES_TOTAL}; "
        f"{len(recent) + 1} of at most {TOCILIZUMAB_MAX_DOSES_24H} in 24 h."
    )


# ---- ICE score ---------------------------------------------------------------------------------

#: The five ICE items: (id, maximum points, what is tested).
ICE_ITEMS: Final[tuple[tuple[str, int, str], ...]] = (
    ("orientation", 4, "orientation to year, month, city and hospital (1 point each)"),
    ("naming", 3, "naming three objects, e.g. point to clock, pen, button (1 point each)"),
    ("commands", 1, "following simple commands, e.g. 'show me two fingers'"),
    ("writing", 1, "writing a standard sentence"),
    ("attention", 1, "counting backwards from 100 by 10"),
)


def _points(value: object, name: str, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(
            f"ICE item {name!r} must be a whole number of points from 0 to {maximum}; got {value!r}"
        )
    if not 0 <= value <= maximum:
        raise ValueError(f"ICE item {name!r} scores 0 to {maximum} points; got {value}")
    return value


def ice_score(orientation: int, naming: int, commands: int, writing: int, attention: int) -> int:
    """Return the Immune effector Cell–associated Encephalopathy (ICE) score, 0–10 points.

    Parameters
    ----------
    orientation
        Points for orientation to year, month, city and hospital (0–4).
    naming
        Points for naming three objects (0–3).
    commands
        Point for following simple commands (0–1).
    writing
        Point for writing a standard sentence (0–1).
    attention
        Point for counting backwards from 100 by 10 (0–1).

    Raises
    ------
    ValueError
        Naming the item whose points are not a whole number in its range.
    """
    values = {
        "orientation": orientation,
        "naming": naming,
        "commands": commands,
        "writing": writing,
        "attention": attention,
    }
    return sum(_points(values[name], name, maximum) for name, maximum, _ in ICE_ITEMS)


# ---- ICANS -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IcansResult:
    """The ASTCT ICANS grade (0 = no ICANS, 1–4), why, and the grade of each domain."""

    grade: int
    reason: str
    domains: tuple[tuple[str, int], ...]

    def __str__(self) -> str:
        return f"ICANS grade {self.grade}: {self.reason}" if self.grade else self.reason


def _ice_domain(ice: int) -> int:
    if ice == 10:
        return 0
    if ice >= 7:
        return 1
    if ice >= 3:
        return 2
    return 3


def icans_grade(
    ice: int | None,
    consciousness: Consciousness | str = Consciousness.NORMAL,
    seizure: Seizure | str = Seizure.NONE,
    motor: Motor | str = Motor.NONE,
    edema: Edema | str = Edema.NONE,
    *,
    age_years: float | None = None,
) -> IcansResult:
    """Grade ICANS by the ASTCT 2019 consensus for adults and children > 12 years.

    The grade is the most severe of the five domains, each not attributable to another cause.

    Parameters
    ----------
    ice
        The ICE score, 0–10 (see :func:`ice_score`), or ``None`` when the patient is unarousable and
        cannot perform the ICE assessment (ICE 0 because unarousable → grade 4; requires
        ``consciousness="unarousable"``).
    consciousness
        A :class:`Consciousness` level or its id.
    seizure
        A :class:`Seizure` level or its id.
    motor
        A :class:`Motor` level or its id.
    edema
        An :class:`Edema` level (raised intracranial pressure / cerebral edema) or its id.
    age_years
        Optional age in years. Children aged 12 or younger are assessed with the CAPD instead of ICE,
        which this function does not cover, so it raises for them.

    Raises
    ------
    ValueError
        For an ICE score outside 0–10, a level that is not allowed, a child ≤ 12 years, or an
        unarousable patient given an ICE score above 0.
    """
    if age_years is not None:
        if isinstance(age_years, bool) or not isinstance(age_years, (int, float)) or age_years < 0:
            raise ValueError(f"age_years must be a non-negative number of years; got {age_years!r}")
        if age_years <= 12:
            raise ValueError(
                f"age_years={age_years}: children aged 12 or younger are assessed with the Cornell Assessment "
                "of Pediatric Delirium (CAPD), not ICE; this function covers adults and children over 12"
            )
    cons = _level(Consciousness, consciousness, "consciousness")
    seiz = _level(Seizure, seizure, "seizure")
    mot = _level(Motor, motor, "motor")
    ede = _level(Edema, edema, "edema")
    if ice is None:
        if cons is not Consciousness.UNAROUSABLE:
            raise ValueError(
                "ice=None means the patient is unarousable and cannot perform the ICE assessment; "
                "set consciousness='unarousable' as well, or give the ICE score (0-10)"
            )
        ice_grade, ice_text = 4, "ICE 0 because unarousable"
    else:
        if isinstance(ice, bool) or not isinstance(ice, int) or not 0 <= ice <= 10:
            raise ValueError(f"ice must be an ICE score from 0 to 10 (or None if unarousable); got {ice!r}")
        if cons is Consciousness.UNAROUSABLE and ice > 0:
            raise ValueError(
                f"ice={ice} but consciousness='unarousable': an unarousable patient cannot perform the ICE "
                "assessment; pass ice=None (or 0)"
            )
        if cons is Consciousness.UNAROUSABLE:
            ice_grade, ice_text = 4, "ICE 0 because unarousable"
        else:
            ice_grade, ice_text = _ice_domain(ice), f"ICE score {ice}/10"
    domains: list[tuple[str, str, int]] = [
        ("ICE", ice_text, ice_grade),
        ("consciousness", f"consciousness: {cons.label}", cons.grade),
        ("seizure", seiz.label, seiz.grade),
        ("motor", mot.label, mot.grade),
        ("edema", ede.label, ede.grade),
    ]
    grade = max(g for _, _, g in domains)
    summary = tuple((name, g) for name, _, g in domains)
    if grade == 0:
        return IcansResult(
            0, "No ICANS: ICE score 10/10 and no abnormal finding in any other domain.", summary
        )
    setting = [f"{text} (grade {g})" for _, text, g in domains if g == grade]
    others = [
        f"{'ICE ' + str(ice) + '/10' if name == 'ICE' else name} (grade {g})"
        for name, _, g in domains
        if 0 < g < grade
    ]
    reason = f"grade {grade}, set by " + " and by ".join(setting)
    if others:
        reason += "; milder: " + ", ".join(others)
    reason += ". The most severe domain sets the grade."
    return IcansResult(grade, reason, summary)


# ---- calculators ---------------------------------------------------------------------------------


def _select(name: str, label: str, kind: type[_Level]) -> Field:
    return Field(name, label, tuple((m.value, m.detail[:1].upper() + m.detail[1:]) for m in kind))


def _points_field(name: str, maximum: int, what: str) -> Field:
    options = tuple((str(p), f"{p} of {maximum}") for p in range(maximum + 1))
    # A normal assessment scores full points, so the form starts there.
    return Field(f"ice-{name}", f"ICE {name}: {what}", options, default=str(maximum))


#: The rules both calculators implement (the source line adds the citation of SOURCE_KEY).
ASTCT_SOURCE: Final[str] = "ASTCT consensus grading."


class CrsCalculator(Calculator):
    """CRS grading calculator (ASTCT 2019). **Teaching tool — never for patient care.**

    Live: dropdowns and checkboxes call :func:`crs_grade`. Static: an HTML form whose every input
    combination was pre-computed by :func:`crs_grade` and embedded as JSON.
    """

    title = "CRS grade calculator (ASTCT 2019)"
    kind = "crs"
    notice = TEACHING_NOTICE
    source = ASTCT_SOURCE
    source_key = SOURCE_KEY
    fields = (
        checkbox_field("fever", "Fever ≥ 38 °C not attributable to another cause"),
        checkbox_field(
            "treated",
            "Had CRS, then received antipyretics or anti-cytokine therapy (tocilizumab, steroids); "
            "premedication before any CRS does not count",
        ),
        _select("hypotension", "Hypotension", Hypotension),
        _select("oxygen", "Hypoxia: oxygen support needed", Oxygen),
        checkbox_field("died", "Death due to CRS"),
    )

    def evaluate(self, values: Mapping[str, str]) -> CalcVerdict:
        result = crs_grade(
            values["fever"] == "true",
            values["hypotension"],
            values["oxygen"],
            antipyretics_or_anticytokine=values["treated"] == "true",
            death_due_to_crs=values["died"] == "true",
        )
        return verdict(result.grade, result.reason, "CRS")

    def __repr__(self) -> str:
        return "<CrsCalculator: ASTCT 2019 CRS grading — teaching tool, never for patient care>"


class IcansCalculator(Calculator):
    """ICANS grading calculator for adults and children > 12 years (ASTCT 2019; ICE score).

    **Teaching tool — never for patient care.** Children aged 12 or younger are assessed with the
    CAPD, which this calculator does not cover. The ICE score is the sum of its five items; an
    unarousable patient cannot perform ICE, so the items are then ignored (ICE 0 because unarousable).
    """

    title = "ICANS grade calculator (ASTCT 2019; adults and children over 12, ICE score)"
    kind = "icans"
    notice = TEACHING_NOTICE
    source = ASTCT_SOURCE
    source_key = SOURCE_KEY
    fields = (
        *(_points_field(name, maximum, what) for name, maximum, what in ICE_ITEMS),
        _select("consciousness", "Level of consciousness", Consciousness),
        _select("seizure", "Seizure", Seizure),
        _select("motor", "Motor findings", Motor),
        _select("edema", "Raised intracranial pressure / cerebral edema", Edema),
    )

    derived = (
        Derived(
            "ice",
            tuple(f"ice-{name}" for name, _, _ in ICE_ITEMS),
            tuple(str(total) for total in range(11)),
            lambda values: str(ice_score(**{name: int(values[f"ice-{name}"]) for name, _, _ in ICE_ITEMS})),
        ),
    )

    def evaluate(self, values: Mapping[str, str]) -> CalcVerdict:
        total = int(values["ice"])
        unarousable = values["consciousness"] == Consciousness.UNAROUSABLE.value
        result = icans_grade(
            None if unarousable else total,
            values["consciousness"],
            values["seizure"],
            values["motor"],
            values["edema"],
        )
        text = result.reason
        if unarousable and total > 0:
            text += (
                " (The ICE items entered are ignored: an unarousable patient cannot perform the assessment.)"
            )
        elif f"{total}/10" not in text:  # say the computed ICE total when the reason does not
            text = f"ICE score {total}/10. " + text[:1].upper() + text[1:]
        return verdict(result.grade, text, "ICANS")
