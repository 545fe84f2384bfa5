"""CAR T kinetics (Stein 2019 and the illustrative leukemia model), cytokines and combination."""

from __future__ import annotations

import math

import numpy as np
import pytest

from immunokit.models import cart_kinetics, combination, cytokines
from immunokit.models.cart_kinetics import CarTLeukemiaParams, SteinParams
from immunokit.models.combination import CombinationParams
from immunokit.models.cytokines import CytokineParams

# -- Stein 2019 -----------------------------------------------------------------------------------


def test_stein_table_1_values() -> None:
    p = cart_kinetics.STEIN_2019
    assert (p.fold_expansion, p.tmax_d, p.cmax_copies_per_ug) == (3900, 9.3, 24000)
    assert (p.alpha_per_d, p.fraction_persistent, p.beta_per_d) == (0.16, 0.0079, 0.0032)
    iiv = cart_kinetics.STEIN_2019_IIV
    assert (
        iiv.fold_expansion,
        iiv.tmax_d,
        iiv.cmax_copies_per_ug,
        iiv.alpha_per_d,
        iiv.fraction_persistent,
        iiv.beta_per_d,
        iiv.residual_sd_log,
    ) == (2.4, 0.38, 0.65, 0.91, 0.8, 0.86, 0.56)


def test_stein_derived_times() -> None:
    assert cart_kinetics.doubling_time_d() == pytest.approx(0.78, abs=0.005)
    assert cart_kinetics.decline_half_life_d() == pytest.approx(4.3, abs=0.05)
    assert cart_kinetics.terminal_half_life_d() == pytest.approx(217, abs=1)


def test_stein_is_continuous_at_tmax_with_peak_cmax() -> None:
    p = cart_kinetics.STEIN_2019
    eps = 1e-9
    before, at, after = cart_kinetics.stein_closed_form([p.tmax_d - eps, p.tmax_d, p.tmax_d + eps])
    assert before == pytest.approx(p.cmax_copies_per_ug, rel=1e-6)
    assert at == pytest.approx(p.cmax_copies_per_ug, rel=1e-12)
    assert after == pytest.approx(p.cmax_copies_per_ug, rel=1e-6)
    assert cart_kinetics.stein_closed_form([0.0])[0] == pytest.approx(24000 / 3900)
    t = np.linspace(0, 365, 3651)
    c = cart_kinetics.stein_closed_form(t)
    assert t[np.argmax(c)] == pytest.approx(p.tmax_d, abs=0.1)


def test_stein_ode_matches_closed_form() -> None:
    t = np.linspace(0.0, 400.0, 801)
    e, m = cart_kinetics.stein_ode(t)
    np.testing.assert_allclose(e + m, cart_kinetics.stein_closed_form(t), rtol=1e-6)
    # Late on, the memory-like pool carries the signal, decaying at β.
    assert m[-1] > 100 * e[-1]


def test_sampled_individuals_are_reproducible_and_vary() -> None:
    a = cart_kinetics.sample_individuals(25, seed=7)
    b = cart_kinetics.sample_individuals(25, seed=7)
    c = cart_kinetics.sample_individuals(25, seed=8)
    assert a == b
    assert a != c
    assert len({p.cmax_copies_per_ug for p in a}) == 25
    many = cart_kinetics.sample_individuals(4000, seed=1)
    # Log-normal IIV around the typical value: the median of Cmax is the typical Cmax.
    assert np.median([p.cmax_copies_per_ug for p in many]) == pytest.approx(24000, rel=0.08)
    assert np.std(np.log([p.tmax_d for p in many])) == pytest.approx(math.sqrt(0.38), rel=0.05)


def test_stein_validation() -> None:
    with pytest.raises(ValueError, match=r"^alpha_per_d must be > 0, got -0\.16$"):
        SteinParams(alpha_per_d=-0.16)
    with pytest.raises(ValueError, match=r"fraction_persistent must lie in \(0, 1\), got 1\.5"):
        SteinParams(fraction_persistent=1.5)
    with pytest.raises(ValueError, match="n must be a whole number"):
        cart_kinetics.sample_individuals(0, seed=1)


# -- illustrative CAR T–leukemia model --------------------------------------------------------------


def test_remission_then_antigen_negative_relapse() -> None:
    res = cart_kinetics.simulate_leukemia(CarTLeukemiaParams())
    assert res.antigen_positive[-1] == 0  # antigen-positive leukemia extinct
    relapse = res.relapse_day(1e9)
    assert relapse is not None
    at = np.searchsorted(res.t_d, relapse)
    assert res.antigen_negative[at] > 1e9  # the relapse is antigen-negative
    assert res.car_t[at] > 1e6  # ... while CAR T cells are still there
    # CAR T cells expand to a peak within the first two weeks.
    assert 5 < res.t_d[np.argmax(res.car_t)] < 15


def test_no_antigen_negative_cells_no_relapse_and_short_persistence_antigen_positive_relapse() -> None:
    durable = cart_kinetics.simulate_leukemia(CarTLeukemiaParams(antigen_negative_fraction=0.0))
    assert durable.total_leukemia[-1] == 0 and durable.relapse_day() is None
    short = cart_kinetics.simulate_leukemia(
        CarTLeukemiaParams(antigen_negative_fraction=0.0, car_t_loss_per_d=math.log(2) / 4)
    )
    relapse = short.relapse_day()
    assert relapse is not None
    assert short.antigen_positive[np.searchsorted(short.t_d, relapse)] > 1e9
    spec = cart_kinetics.leukemia_spec(antigen_negative_fraction=1e-9, car_t_persistence_d=4.0)
    assert spec.extra["story"].startswith("antigen-positive relapse")


def test_larger_antigen_negative_subclone_relapses_sooner() -> None:
    days = [
        cart_kinetics.simulate_leukemia(CarTLeukemiaParams(antigen_negative_fraction=f)).relapse_day()
        for f in (1e-9, 1e-7, 1e-5, 1e-3)
    ]
    assert all(d is not None for d in days)
    assert days == sorted(days, reverse=True)


def test_leukemia_validation() -> None:
    with pytest.raises(ValueError, match=r"antigen_negative_fraction must lie in \[0, 1\), got 1"):
        CarTLeukemiaParams(antigen_negative_fraction=1)
    with pytest.raises(ValueError, match=r"^car_t_dose_cells must be > 0, got 0$"):
        CarTLeukemiaParams(car_t_dose_cells=0)


# -- cytokines ------------------------------------------------------------------------------------


def test_tocilizumab_lowers_signalling_while_serum_il6_rises() -> None:
    without = cytokines.simulate()
    with_toci = cytokines.simulate(tocilizumab_day=4.0, blockade=0.95)
    after_w = with_toci.t_d > 4.5
    after_0 = without.t_d > 4.5
    assert with_toci.il6[after_w].max() > 2 * without.il6[after_0].max()
    assert with_toci.effect[after_w].mean() < 0.7 * without.effect[after_0].mean()
    # Before the dose, both courses are identical.
    before = without.t_d < 4.0
    np.testing.assert_allclose(with_toci.il6[: before.sum()], without.il6[before], rtol=1e-6)


def test_no_blockade_changes_nothing() -> None:
    a = cytokines.simulate()
    b = cytokines.simulate(tocilizumab_day=4.0, blockade=0.0)
    np.testing.assert_allclose(np.interp(a.t_d, b.t_d, b.il6), a.il6, rtol=1e-5, atol=1e-8)


def test_cytokine_validation() -> None:
    with pytest.raises(ValueError, match=r"blockade must lie in \[0, 1\], got 1\.5"):
        cytokines.simulate(tocilizumab_day=3.0, blockade=1.5)
    with pytest.raises(ValueError, match=r"^il6_production must be > 0, got -1$"):
        CytokineParams(il6_production=-1)


# -- combination ----------------------------------------------------------------------------------


def test_growth_without_treatment_is_logistic() -> None:
    p = CombinationParams(cycles=0, max_kill_per_d=0.0, leukemia_cells=1e9)
    res = combination.simulate(p, t_end_d=200.0)
    k, r = p.carrying_capacity_cells, p.growth_per_d
    logistic = k / (1 + (k / 1e9 - 1) * np.exp(-r * res.t_d))
    np.testing.assert_allclose(res.leukemia, logistic, rtol=1e-4)


def test_each_pulse_kills_the_stated_number_of_logs() -> None:
    p = CombinationParams(max_kill_per_d=0.0, log_kill=2.0)
    res = combination.simulate(p, points_per_d=20)
    # Right after the day-0 pulse: 1e12 cells → 1e10.
    assert res.leukemia[0] == pytest.approx(1e10, rel=1e-6)
    i = np.searchsorted(res.t_d, 21.0)
    before, after = res.leukemia[i - 1], res.leukemia[i]
    assert after / before == pytest.approx(10**-2, rel=0.02)


def test_chemotherapy_alone_regrows_and_an_effector_clears_the_rest() -> None:
    chemo = combination.simulate(CombinationParams(max_kill_per_d=0.0))
    both = combination.simulate(CombinationParams())
    assert not chemo.cured and chemo.leukemia[-1] > chemo.nadir_cells * 100
    assert both.cured and both.extinction_day is not None and both.extinction_day < 180


def test_losing_every_effector_at_each_pulse_leaves_one_cell_and_the_supply_refills_it() -> None:
    import signal

    def too_slow(signum: int, frame: object) -> None:
        raise TimeoutError("simulate() stalled with effector_depletion=1.0")

    signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(60)
    try:
        res = combination.simulate(CombinationParams(effector_depletion=1.0))
    finally:
        signal.alarm(0)
    assert res.effectors[0] == pytest.approx(1.0)  # right after the day-0 pulse
    assert res.effectors[np.searchsorted(res.t_d, 20.0)] > 1e6  # refilled by the steady supply


def test_combination_validation() -> None:
    with pytest.raises(ValueError, match=r"cycles must be a whole number ≥ 0, got 2\.5"):
        CombinationParams(cycles=2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"effector_depletion must lie in \[0, 1\], got 2"):
        CombinationParams(effector_depletion=2)
