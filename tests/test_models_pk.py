"""Occupancy, antibody PK and blinatumomab: closed forms, invariants and parameter validation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from immunokit.models import Dose, UnitError, antibody_pk, blinatumomab, occupancy
from immunokit.models.antibody_pk import Infusion, OneCompartment, TargetSink, TwoCompartment
from immunokit.models.blinatumomab import BlinatumomabParams

# -- occupancy ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kd_nm", [0.1, 1.5, 8.0, 260.0])
def test_occupancy_is_one_half_at_kd(kd_nm: float) -> None:
    assert occupancy.fraction_bound(kd_nm, kd_nm) == pytest.approx(0.5)


def test_occupancy_closed_form_points() -> None:
    kd = occupancy.RITUXIMAB_CD20.kd_nm
    assert kd == 8.0
    assert occupancy.fraction_bound(9 * kd, kd) == pytest.approx(0.9)
    assert occupancy.fraction_bound(0.0, kd) == 0.0
    assert occupancy.concentration_for_occupancy(0.9, kd) == pytest.approx(72.0)
    assert occupancy.concentration_for_occupancy(0.5, kd) == pytest.approx(kd)
    # 145 mg/L of a 145 kDa antibody is 1 µM.
    assert occupancy.mg_per_l_to_nm(145.0, 145.0) == pytest.approx(1000.0)


def test_occupancy_is_monotone_and_bounded() -> None:
    theta = occupancy.fraction_bound(np.logspace(-3, 5, 50))
    assert np.all(np.diff(theta) > 0)
    assert theta.min() >= 0 and theta.max() < 1


def test_occupancy_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match=r"kd_nm must be > 0, got -8"):
        occupancy.fraction_bound(1.0, -8)
    with pytest.raises(ValueError, match="c_nm"):
        occupancy.fraction_bound([1.0, -1.0])
    with pytest.raises(ValueError, match="fraction"):
        occupancy.concentration_for_occupancy(1.0)


# -- blinatumomab --------------------------------------------------------------------------------


def test_blinatumomab_parameters_are_clements_2020() -> None:
    p = blinatumomab.CLEMENTS_2020
    assert (p.clearance_l_per_h, p.volume_l, p.source) == (2.22, 5.98, "clements2020blinatumomab")
    assert p.half_life_h == pytest.approx(math.log(2) * 5.98 / 2.22)
    assert p.half_life_h == pytest.approx(1.87, abs=0.01)


@pytest.mark.parametrize(("rate", "expected_pg_per_ml"), [(9.0, 169.0), (28.0, 525.5)])
def test_steady_state_is_rate_over_clearance(rate: float, expected_pg_per_ml: float) -> None:
    css = blinatumomab.steady_state_pg_per_ml(Dose(rate, "ug/day"))
    assert css == pytest.approx(rate / 24 / 2.22 * 1000)
    assert css == pytest.approx(expected_pg_per_ml, rel=0.005)
    # The simulated infusion settles at Css within 1 %.
    res = blinatumomab.simulate(48.0, rates=[(0.0, Dose(rate, "ug/day"))])
    assert res.conc_pg_per_ml[-1] == pytest.approx(css, rel=0.01)


def test_time_to_steady_state_and_washout_follow_half_life() -> None:
    p = blinatumomab.CLEMENTS_2020
    t90 = blinatumomab.time_to_fraction_h(0.9)
    assert t90 == pytest.approx(math.log(10) * p.volume_l / p.clearance_l_per_h)
    res = blinatumomab.simulate(
        60.0, rates=[(0.0, Dose(28, "ug/day")), (36.0, Dose(0, "ug/day"))], points_per_h=100
    )
    css = blinatumomab.steady_state_pg_per_ml(Dose(28, "ug/day"))
    assert np.interp(t90, res.t_h, res.conc_pg_per_ml) == pytest.approx(0.9 * css, rel=1e-3)
    # After the pump stops, the level halves every t½ = ln2·V/CL.
    c_stop = np.interp(36.0, res.t_h, res.conc_pg_per_ml)
    c_half = np.interp(36.0 + p.half_life_h, res.t_h, res.conc_pg_per_ml)
    assert c_half / c_stop == pytest.approx(0.5, rel=1e-3)
    # Five half-lives: above 96 % of Css, and washed out below 4 %.
    assert np.interp(5 * p.half_life_h, res.t_h, res.conc_pg_per_ml) > 0.96 * css
    assert np.interp(36.0 + 5 * p.half_life_h, res.t_h, res.conc_pg_per_ml) < 0.04 * css


def test_infusion_mass_balance() -> None:
    res = blinatumomab.simulate(42 * 24.0, rates=blinatumomab.step_up_schedule())
    given = 9 * 7 + 28 * 21  # µg over the cycle
    assert res.given_ug[-1] == pytest.approx(given, rel=1e-6)
    np.testing.assert_allclose(res.in_body_ug + res.eliminated_ug, res.given_ug, rtol=1e-6, atol=1e-6)


def test_step_up_reaches_both_steady_states() -> None:
    res = blinatumomab.simulate(28 * 24.0, rates=blinatumomab.step_up_schedule())
    day = res.t_days
    assert res.conc_pg_per_ml[np.searchsorted(day, 6.9)] == pytest.approx(169.0, rel=0.01)
    assert res.conc_pg_per_ml[np.searchsorted(day, 20.0)] == pytest.approx(525.5, rel=0.01)


def test_bolus_peak_is_dose_over_volume() -> None:
    res = blinatumomab.simulate(24.0, boluses=[(0.0, Dose(28, "ug"))], points_per_h=20)
    assert res.conc_pg_per_ml.max() == pytest.approx(28 / 5.98 * 1000, rel=1e-6)
    spec = blinatumomab.bolus_vs_infusion_spec()
    assert spec.extra["hours_above_css"] == pytest.approx(math.log(4682.9 / 525.5) / (2.22 / 5.98), rel=1e-3)


def test_body_surface_area_scaling() -> None:
    assert BlinatumomabParams.for_bsa(1.876).clearance_l_per_h == pytest.approx(2.22)
    assert BlinatumomabParams.for_bsa(0.8).clearance_l_per_h == pytest.approx(2.22 * (0.8 / 1.876) ** 0.62)


def test_parameter_validation_names_the_parameter() -> None:
    with pytest.raises(ValueError, match=r"^clearance_l_per_h must be > 0, got -2\.0$"):
        BlinatumomabParams(clearance_l_per_h=-2.0)
    with pytest.raises(ValueError, match=r"^volume_l must be > 0, got 0$"):
        BlinatumomabParams(volume_l=0)
    with pytest.raises(ValueError, match="source"):
        BlinatumomabParams(source="")


def test_dose_without_unit_or_of_wrong_kind_is_refused() -> None:
    with pytest.raises(UnitError, match=r"rate must be a dosing rate .* got the plain number 28"):
        blinatumomab.steady_state_pg_per_ml(28)  # type: ignore[arg-type]
    with pytest.raises(UnitError, match=r"rate must be a dosing rate .*got 28 mg, which is an amount"):
        blinatumomab.steady_state_pg_per_ml(Dose(28, "mg"))
    # UnitError is a ValueError and a TypeError: either except clause catches it.
    with pytest.raises(TypeError):
        blinatumomab.steady_state_pg_per_ml(28)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown dose unit 'ug/week'"):
        Dose(28, "ug/week")
    with pytest.raises(ValueError, match="Dose value"):
        Dose(-1, "mg")


def test_dose_conversions() -> None:
    assert Dose(28, "ug/day").to("ug/h") == pytest.approx(28 / 24)
    assert Dose(1, "mg/h").to("ug/day") == pytest.approx(24000)
    assert Dose(375, "mg/m2").for_bsa(2.0) == Dose(750.0, "mg")
    with pytest.raises(UnitError, match="cannot convert"):
        Dose(1, "mg").to("mg/h")


# -- antibody PK ----------------------------------------------------------------------------------


def test_one_compartment_half_life_and_mass_balance() -> None:
    params = OneCompartment(clearance_l_per_h=0.02, volume_l=5.0, source="test2026")
    res = antibody_pk.simulate([Infusion(0.0, 1.0, Dose(500, "mg"))], 2000.0, params, points_per_h=2)
    t_half = math.log(2) * 5.0 / 0.02
    assert params.half_life_h == pytest.approx(t_half)
    assert antibody_pk.apparent_half_life_h(res, 100.0, 1500.0) == pytest.approx(t_half, rel=1e-3)
    np.testing.assert_allclose(
        res.central_mg + res.peripheral_mg + res.eliminated_mg, res.given_mg, rtol=1e-6, atol=1e-6
    )
    assert res.given_mg[-1] == pytest.approx(500.0)


def test_two_compartment_terminal_phase_and_mass_balance() -> None:
    params = antibody_pk.RITUXIMAB_TWO_COMPARTMENT
    infusions = [Infusion(0.0, 4.0, Dose(700, "mg"))]
    res = antibody_pk.simulate(infusions, 120 * 24.0, params)
    late = antibody_pk.apparent_half_life_h(res, 80 * 24.0, 120 * 24.0)
    assert late == pytest.approx(params.terminal_half_life_h, rel=0.01)
    np.testing.assert_allclose(
        res.central_mg + res.peripheral_mg + res.eliminated_mg, res.given_mg, rtol=1e-6, atol=1e-6
    )
    # Same CL and total volume as the one-compartment set: same area under the curve (dose / CL).
    one = antibody_pk.simulate(infusions, 400 * 24.0, antibody_pk.RITUXIMAB_ONE_COMPARTMENT)
    two = antibody_pk.simulate(infusions, 400 * 24.0, params)
    auc_one = np.trapezoid(one.conc_mg_per_l, one.t_h)
    auc_two = np.trapezoid(two.conc_mg_per_l, two.t_h)
    assert auc_one == pytest.approx(700 / 0.00943, rel=0.02)
    assert auc_two == pytest.approx(700 / 0.00943, rel=0.02)


def test_target_sink_gives_short_cycle_one_and_long_cycle_four_half_life() -> None:
    infusions = antibody_pk.rituximab_cycles()
    res = antibody_pk.simulate(infusions, 6 * 28 * 24.0, target=antibody_pk.ILLUSTRATIVE_TARGET)
    halves = antibody_pk.cycle_half_lives_h(res, infusions)
    # Illustrative parameters shaped after Mo 2013: 27 h in cycle 1, 199 h in cycle 4.
    assert halves[0] == pytest.approx(27, rel=0.15)
    assert halves[3] == pytest.approx(199, rel=0.15)
    assert all(a < b for a, b in itertools.pairwise(halves))
    np.testing.assert_allclose(res.central_mg + res.eliminated_mg, res.given_mg, rtol=1e-6, atol=1e-5)
    # Without target, the half-life is the linear one in every cycle.
    linear = antibody_pk.simulate(infusions, 6 * 28 * 24.0)
    assert antibody_pk.cycle_half_lives_h(linear, infusions)[0] == pytest.approx(
        antibody_pk.RITUXIMAB_ONE_COMPARTMENT.half_life_h, rel=0.01
    )


def test_antibody_pk_validation() -> None:
    with pytest.raises(ValueError, match=r"^clearance_l_per_h must be > 0, got -2\.0$"):
        OneCompartment(clearance_l_per_h=-2.0)
    with pytest.raises(ValueError, match=r"^central_volume_l must be > 0, got 0$"):
        TwoCompartment(central_volume_l=0)
    with pytest.raises(ValueError, match="initial_burden must be ≥ 0"):
        TargetSink(initial_burden=-1)
    with pytest.raises(UnitError, match=r"dose must be an amount .* got the plain number 700"):
        Infusion(0.0, 4.0, 700)  # type: ignore[arg-type]
    with pytest.raises(UnitError, match=r"dose must be a dose per body surface area"):
        antibody_pk.rituximab_cycles(Dose(700, "mg"))
    with pytest.raises(ValueError, match="overlap"):
        antibody_pk.simulate([Infusion(0, 4, Dose(1, "mg")), Infusion(2, 4, Dose(1, "mg"))], 10.0)
    with pytest.raises(TypeError, match=r"infusions\[0\]"):
        antibody_pk.simulate([(0, 4, 700)], 10.0)  # type: ignore[list-item]
