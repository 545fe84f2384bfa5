"""ASTCT 2019 CRS / ICANS grading (immunokit.toxicity), case by case against the consensus tables.

Source of every expected value: Lee DW et al., Biol Blood Marrow Transplant 2019;25:625-38, as
reproduced in the course fact sheet §7.1-7.2.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest

from immunokit.toxicity import (
    ICE_ITEMS,
    TEACHING_NOTICE,
    Consciousness,
    CrsCalculator,
    Edema,
    Hypotension,
    IcansCalculator,
    Motor,
    Oxygen,
    Seizure,
    crs_grade,
    icans_grade,
    ice_score,
)

# ---- CRS: every grade ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hypotension", "oxygen", "grade"),
    [
        ("none", "none", 1),
        ("no-vasopressor", "none", 2),
        ("none", "low-flow", 2),
        ("one-vasopressor", "none", 3),
        ("none", "high-flow", 3),
        ("multiple-vasopressors", "none", 4),
        ("none", "positive-pressure", 4),
    ],
)
def test_crs_grade_table_rows(hypotension: str, oxygen: str, grade: int) -> None:
    assert crs_grade(True, hypotension, oxygen).grade == grade


def test_crs_grade_5_is_death_due_to_crs() -> None:
    result = crs_grade(True, "multiple-vasopressors", "positive-pressure", death_due_to_crs=True)
    assert result.grade == 5
    assert "died of CRS" in result.reason


def test_crs_accepts_enum_members_and_ids_alike() -> None:
    assert crs_grade(True, Hypotension.ONE_VASOPRESSOR, Oxygen.LOW_FLOW) == crs_grade(
        True, "one-vasopressor", "low-flow"
    )


# ---- CRS: the worse of hypotension and hypoxia sets the grade, both ways ---------------------


def test_worse_of_rule_when_hypotension_is_worse() -> None:
    result = crs_grade(True, "one-vasopressor", "low-flow")
    assert result.grade == 3
    assert (result.hypotension_grade, result.hypoxia_grade) == (3, 2)
    assert "one vasopressor" in result.reason
    assert "hypoxia is only grade 2" in result.reason
    assert "worse" in result.reason


def test_worse_of_rule_when_hypoxia_is_worse() -> None:
    result = crs_grade(True, "no-vasopressor", "positive-pressure")
    assert result.grade == 4
    assert "positive pressure" in result.reason
    assert "hypotension is only grade 2" in result.reason


@pytest.mark.parametrize(("hypo", "oxy"), list(itertools.product(list(Hypotension), list(Oxygen))))
def test_grade_is_max_of_the_two_signs_for_every_pair(hypo: Hypotension, oxy: Oxygen) -> None:
    assert crs_grade(True, hypo, oxy).grade == max(1, hypo.grade, oxy.grade)


# ---- CRS: fever, and fever after antipyretics or anti-cytokine therapy --------------------------


def test_without_fever_or_treatment_there_is_no_crs() -> None:
    result = crs_grade(False, "one-vasopressor", "high-flow")
    assert result.grade == 0
    assert "another cause" in result.reason


def test_after_antipyretics_fever_is_not_required() -> None:
    result = crs_grade(False, "none", "high-flow", antipyretics_or_anticytokine=True)
    assert result.grade == 3
    assert "not required" in result.reason


def test_premedicated_patient_without_crs_who_becomes_hypotensive_is_not_graded_as_crs() -> None:
    """ASTCT: fever is waived only for a patient who *has CRS and then* receives antipyretic or
    anti-cytokine therapy; paracetamol premedication before any CRS does not count (lee2019astct)."""
    result = crs_grade(False, "one-vasopressor", "none", antipyretics_or_anticytokine=False)
    assert result.grade == 0
    assert "already had CRS" in result.reason and "premedication" in result.reason
    assert "another cause of the hypotension" in result.reason
    calc = CrsCalculator()
    label = next(f.label for f in calc.fields if f.name == "treated")
    assert (
        label.startswith("Had CRS, then received") and "premedication before any CRS does not count" in label
    )


def test_tocilizumab_limits_three_in_24_hours_four_in_total() -> None:
    from immunokit import facts
    from immunokit.toxicity import tocilizumab_may_repeat

    assert facts.value("tocilizumab-max-doses-24h") == 3
    assert facts.value("tocilizumab-max-doses-total") == 4
    assert tocilizumab_may_repeat([], 0.0)[0]
    assert tocilizumab_may_repeat([0.0, 8.0], 16.0) == (True, "dose 3 of at most 4; 3 of at most 3 in 24 h.")
    allowed, why = tocilizumab_may_repeat([0.0, 8.0], 12.0)
    assert not allowed and "at least 8 h apart" in why
    allowed, why = tocilizumab_may_repeat([0.0, 8.0, 16.0], 24.0)
    assert not allowed and "3 doses in the last 24 h" in why
    assert tocilizumab_may_repeat([0.0, 8.0, 16.0], 24.5)[0]  # the first dose has left the 24-hour window
    allowed, why = tocilizumab_may_repeat([0.0, 8.0, 16.0, 40.0], 60.0)
    assert not allowed and "at most 4 in total" in why
    with pytest.raises(ValueError, match="lies after now"):
        tocilizumab_may_repeat([30.0], 20.0)


def test_after_treatment_grade_follows_hypotension_and_hypoxia_only() -> None:
    for hypo, oxy in itertools.product(list(Hypotension), list(Oxygen)):
        treated = crs_grade(False, hypo, oxy, antipyretics_or_anticytokine=True)
        assert treated.grade == max(hypo.grade, oxy.grade)


def test_organ_toxicity_does_not_change_the_crs_grade() -> None:
    plain = crs_grade(True, "no-vasopressor", "none")
    with_organ = crs_grade(True, "no-vasopressor", "none", organ_toxicity=True)
    assert plain.grade == with_organ.grade == 2
    assert "CTCAE" in with_organ.reason


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fever": "yes"}, "fever must be True or False"),
        ({"fever": True, "hypotension": "two-vasopressors"}, "hypotension='two-vasopressors' is not one of"),
        ({"fever": True, "oxygen": "ventilator"}, "'positive-pressure'"),
        (
            {"fever": True, "antipyretics_or_anticytokine": 1},
            "antipyretics_or_anticytokine must be True or False",
        ),
    ],
)
def test_crs_bad_input_names_the_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        crs_grade(**kwargs)  # type: ignore[arg-type]


# ---- ICE score ------------------------------------------------------------------------------------


def test_ice_score_is_ten_points_from_five_items() -> None:
    assert sum(maximum for _, maximum, _ in ICE_ITEMS) == 10
    assert ice_score(4, 3, 1, 1, 1) == 10
    assert ice_score(0, 0, 0, 0, 0) == 0
    assert ice_score(2, 1, 1, 0, 1) == 5


@pytest.mark.parametrize(
    ("args", "item"),
    [
        ((5, 3, 1, 1, 1), "orientation"),
        ((4, -1, 1, 1, 1), "naming"),
        ((4, 3, 2, 1, 1), "commands"),
        ((4, 3, 1, 1.0, 1), "writing"),
        ((4, 3, 1, 1, True), "attention"),
    ],
)
def test_ice_score_bad_item_is_named(args: tuple[object, ...], item: str) -> None:
    with pytest.raises(ValueError, match=f"ICE item '{item}'"):
        ice_score(*args)  # type: ignore[arg-type]


# ---- ICANS: ICE boundaries and each domain ---------------------------------------------------------


@pytest.mark.parametrize(("ice", "grade"), [(10, 0), (9, 1), (7, 1), (6, 2), (3, 2), (2, 3), (0, 3)])
def test_ice_boundaries(ice: int, grade: int) -> None:
    assert icans_grade(ice).grade == grade


def test_ice_zero_because_unarousable_is_grade_4() -> None:
    result = icans_grade(None, "unarousable")
    assert result.grade == 4
    assert "unarousable" in result.reason
    assert icans_grade(0, "unarousable").grade == 4


@pytest.mark.parametrize(
    ("level", "grade"), [(c, c.grade) for c in Consciousness if c is not Consciousness.UNAROUSABLE]
)
def test_consciousness_domain(level: Consciousness, grade: int) -> None:
    assert icans_grade(10, consciousness=level).grade == grade
    assert [c.grade for c in Consciousness] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("level", "grade"), [(Seizure.NONE, 0), (Seizure.RESOLVES_RAPIDLY, 3), (Seizure.LIFE_THREATENING, 4)]
)
def test_seizure_domain(level: Seizure, grade: int) -> None:
    assert icans_grade(10, seizure=level).grade == grade


@pytest.mark.parametrize(("level", "grade"), [(Motor.NONE, 0), (Motor.DEEP_FOCAL_WEAKNESS, 4)])
def test_motor_domain(level: Motor, grade: int) -> None:
    assert icans_grade(10, motor=level).grade == grade


@pytest.mark.parametrize(("level", "grade"), [(Edema.NONE, 0), (Edema.FOCAL, 3), (Edema.DIFFUSE, 4)])
def test_edema_domain(level: Edema, grade: int) -> None:
    assert icans_grade(10, edema=level).grade == grade


def test_most_severe_domain_sets_the_icans_grade() -> None:
    result = icans_grade(8, "awakens-to-voice", "resolves-rapidly")
    assert result.grade == 3
    assert "seizure that resolves rapidly" in result.reason
    assert "ICE 8/10 (grade 1)" in result.reason
    assert dict(result.domains) == {"ICE": 1, "consciousness": 2, "seizure": 3, "motor": 0, "edema": 0}


def test_children_12_or_younger_need_capd() -> None:
    with pytest.raises(ValueError, match="CAPD"):
        icans_grade(9, age_years=12)
    assert icans_grade(9, age_years=13).grade == 1


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((11,), {}, "ice must be an ICE score from 0 to 10"),
        ((None,), {}, "set consciousness='unarousable'"),
        ((5, "unarousable"), {}, "cannot perform the ICE"),
        ((10, "drowsy"), {}, "consciousness='drowsy' is not one of"),
        ((10,), {"edema": "global"}, "edema='global'"),
    ],
)
def test_icans_bad_input_names_the_input(
    args: tuple[object, ...], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        icans_grade(*args, **kwargs)  # type: ignore[arg-type]


# ---- calculators: static lookup tables equal the Python functions for every combination ------------


def _field_combos(calc: CrsCalculator | IcansCalculator) -> list[dict[str, str]]:
    names = [f.name for f in calc.fields]
    spaces = [[v for v, _ in f.options] for f in calc.fields]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*spaces)]


def _key(data: dict[str, object], values: dict[str, str]) -> str:
    derived = data["derived"]
    parts = []
    for name in data["keys"]:  # type: ignore[union-attr]
        if name in derived:  # type: ignore[operator]
            spec = derived[name]  # type: ignore[index]
            parts.append(spec["table"]["|".join(values[s] for s in spec["from"])])
        else:
            parts.append(values[name])
    return "|".join(parts)


def test_crs_lookup_table_equals_crs_grade_for_every_combination() -> None:
    calc = CrsCalculator()
    data = calc.lookup_table()
    combos = _field_combos(calc)
    assert len(combos) == 2 * 2 * 4 * 4 * 2 == len(data["table"])
    for values in combos:
        stored = CrsCalculator.decode(data, _key(data, values))
        expected = crs_grade(
            values["fever"] == "true",
            values["hypotension"],
            values["oxygen"],
            antipyretics_or_anticytokine=values["treated"] == "true",
            death_due_to_crs=values["died"] == "true",
        )
        assert stored["grade"] == expected.grade, values
        assert stored["text"].lower() == expected.reason.lower(), values


def test_icans_lookup_table_equals_icans_grade_for_every_combination() -> None:
    calc = IcansCalculator()
    data = calc.lookup_table()
    combos = _field_combos(calc)
    assert len(combos) == 5 * 4 * 2 * 2 * 2 * 5 * 3 * 2 * 3
    for values in combos:
        points = [int(values[f"ice-{name}"]) for name, _, _ in ICE_ITEMS]
        unarousable = values["consciousness"] == "unarousable"
        expected = icans_grade(
            None if unarousable else ice_score(*points),
            values["consciousness"],
            values["seizure"],
            values["motor"],
            values["edema"],
        )
        stored = IcansCalculator.decode(data, _key(data, values))
        assert stored["grade"] == expected.grade, values
        assert expected.reason[1:] in stored["text"], values


def test_static_form_has_labelled_native_controls_notice_and_live_region() -> None:
    for calc in (CrsCalculator(), IcansCalculator()):
        page = calc.to_html()
        assert TEACHING_NOTICE in page
        assert "never for patient care" in page
        # The source line comes from the bibliography entry of lee2019astct, not typed by hand.
        assert re.search(
            r'<p class="ik-calc-source">ASTCT consensus grading\. Source: (<a href="https://doi\.org/[^"]+">)?'
            r"Lee et al\. \(2019\)(</a>)?\.</p>",
            page,
        )
        assert 'data-ik="calculator"' in page
        assert 'aria-live="polite"' in page
        for field in calc.fields:
            control = re.search(rf'id="([^"]+)" name="{re.escape(field.name)}"', page)
            assert control, field.name
            assert f'<label for="{control.group(1)}">' in page, field.name
        blob = re.search(r'<script type="application/json" class="ik-calc-data">(.*?)</script>', page, re.S)
        assert blob and json.loads(blob.group(1)) == json.loads(json.dumps(calc.lookup_table()))


def test_static_form_starts_with_the_verdict_of_its_default_values() -> None:
    calc = IcansCalculator()
    page = calc.to_html()
    for name, maximum, _ in ICE_ITEMS:  # ICE items start at full points
        select = re.search(rf'name="ice-{name}">(.*?)</select>', page).group(1)
        assert re.findall(r'<option value="(\d+)" selected>', select) == [str(maximum)]
    assert "No ICANS grade" in page


# ---- live calculators: widget values → Python verdict ---------------------------------------------


def test_live_crs_calculator_updates_on_widget_values() -> None:
    view = CrsCalculator().widget()
    assert view.state.grade == 0
    assert view.set("fever", True).grade == 1
    view.set("hypotension", "one-vasopressor")
    state = view.set("oxygen", "low-flow")
    assert state.grade == 3 and state.verdict.startswith("CRS grade 3.")
    assert "CRS grade 3" in state.html
    assert view.set("fever", False).grade == 0
    assert view.set("treated", True).grade == 3
    assert state.values["treated"] == "true"
    assert TEACHING_NOTICE in view.text()


def test_live_icans_calculator_updates_on_widget_values() -> None:
    view = IcansCalculator().widget()
    assert view.state.grade == 0
    view.set("ice-orientation", "1")
    state = view.set("ice-naming", "1")  # ICE 5
    assert state.grade == 2
    assert "ICE score 5/10" in state.verdict
    assert view.set("edema", "diffuse").grade == 4
    view.set("edema", "none")
    state = view.set("consciousness", "unarousable")
    assert state.grade == 4
    assert "ignored" in state.verdict


# ---- tocilizumab dose (Kymriah label) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "dose"), [(20, 240.0), (29.9, 358.8), (30, 240.0), (70, 560.0), (100, 800.0), (130, 800.0)]
)
def test_tocilizumab_dose_by_weight_band_and_cap(weight: float, dose: float) -> None:
    from immunokit.toxicity import tocilizumab_dose_mg

    assert tocilizumab_dose_mg(weight) == pytest.approx(dose)


@pytest.mark.parametrize("bad", [0, -5, "70", None, True])
def test_tocilizumab_dose_rejects_bad_weight(bad: object) -> None:
    from immunokit.toxicity import tocilizumab_dose_mg

    with pytest.raises(ValueError, match="weight_kg must be a positive number"):
        tocilizumab_dose_mg(bad)  # type: ignore[arg-type]
