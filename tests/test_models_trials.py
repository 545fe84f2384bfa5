"""Trial statistics: simulated cohorts, Kaplan–Meier, log-rank and exact confidence intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from immunokit.models import trials


def test_kaplan_meier_hand_worked_example() -> None:
    # Five patients: events at 1, 3 and 4 months; censored at 2 and 5 months.
    # S(1) = 4/5; S(3) = 4/5 · 2/3 (three at risk after the censoring at 2); S(4) = S(3) · 1/2.
    km = trials.kaplan_meier([1, 2, 3, 4, 5], [True, False, True, True, False])
    np.testing.assert_allclose(
        km.at([0.5, 1, 2, 3, 4, 5]), [1.0, 0.8, 0.8, 0.8 * 2 / 3, 0.8 * 2 / 3 / 2, 0.8 * 2 / 3 / 2]
    )
    assert km.median_months == 4.0
    assert trials.kaplan_meier([1, 2, 3], [False, True, False]).median_months == 2.0  # S(2) = 1/2 exactly
    assert trials.kaplan_meier([1, 2, 3, 4], [False, True, False, False]).median_months is None  # S = 2/3
    x, y = km.step(6.0)
    assert (x[0], y[0], x[-1]) == (0.0, 1.0, 6.0)


def test_kaplan_meier_equals_scipy_ecdf_on_random_cohorts_with_ties() -> None:
    # The estimate is computed without scipy.stats (fast to import); it must be scipy's, bit for bit.
    rng = np.random.default_rng(7)
    for n in (1, 2, 5, 12, 60, 400):
        for _ in range(20):
            times = rng.integers(0, max(3, n // 3), n).astype(float)  # integer months: many ties
            events = rng.random(n) < 0.6
            events[rng.integers(n)] = True
            km = trials.kaplan_meier(times, events)
            ref = stats.ecdf(stats.CensoredData(uncensored=times[events], right=times[~events])).sf
            np.testing.assert_array_equal(km.time_months, ref.quantiles)
            np.testing.assert_array_equal(km.survival, ref.probabilities)
            grid = np.linspace(-1, times.max() + 1, 37)
            np.testing.assert_array_equal(km.at(grid), ref.evaluate(grid))
    with pytest.warns(RuntimeWarning, match="undefined"):
        ci = ref.confidence_interval(0.95, method="log-log")
    np.testing.assert_array_equal(km.ci_low, ci.low.probabilities)
    np.testing.assert_array_equal(km.ci_high, ci.high.probabilities)
    assert km.ci_low.shape == km.survival.shape and np.nanmax(km.ci_low - km.survival) <= 0


def test_kaplan_meier_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="same length"):
        trials.kaplan_meier([1, 2], [True])
    with pytest.raises(ValueError, match="at least one event"):
        trials.kaplan_meier([1, 2], [False, False])
    with pytest.raises(ValueError, match="≥ 0"):
        trials.kaplan_meier([-1, 2], [True, True])


def test_seeds_make_cohorts_reproducible() -> None:
    a = trials.simulate_trial(seed=11)
    b = trials.simulate_trial(seed=11)
    c = trials.simulate_trial(seed=12)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x.time_months, y.time_months)
        np.testing.assert_array_equal(x.event, y.event)
    assert not np.array_equal(a[0].time_months, c[0].time_months)
    assert [x.n for x in a] == [271, 134]


def test_simulated_arm_is_calibrated_and_censored_administratively() -> None:
    arm = trials.simulate_arm(20000, 7.7, seed=3, accrual_months=24.0, followup_months=12.0)
    assert arm.time_months.max() <= 36.0
    assert 0 < (~arm.event).sum() < arm.n
    km = trials.kaplan_meier(arm.time_months, arm.event)
    assert km.median_months == pytest.approx(7.7, rel=0.03)
    # Exponential: survival at the median is ½ and at twice the median ¼.
    assert km.at(15.4) == pytest.approx(0.25, abs=0.01)


def test_logrank_uses_scipy_and_detects_the_difference() -> None:
    a, b = trials.simulate_trial(seed=2017)
    result = trials.logrank(a, b)
    ref = stats.logrank(a.censored_data(), b.censored_data())
    assert result.pvalue == pytest.approx(ref.pvalue)
    assert result.pvalue < 0.01
    same = trials.logrank(a, a)
    assert same.pvalue == pytest.approx(1.0)


def test_tower_calibration() -> None:
    arms = trials.TOWER.arms
    assert [(a.name, a.n, a.median_months) for a in arms] == [
        ("blinatumomab", 271, 7.7),
        ("chemotherapy", 134, 4.0),
    ]
    assert trials.TOWER.source == "kantarjian2017tower"
    spec = trials.km_spec()
    assert "Simulated" in spec.caption and "7.7 vs 4.0" in spec.caption
    assert spec.extra["medians"][0] == pytest.approx(7.7, rel=0.2)
    assert spec.extra["medians"][1] == pytest.approx(4.0, rel=0.2)


def test_trial_validation() -> None:
    with pytest.raises(ValueError, match=r"median_months must be > 0, got 0"):
        trials.simulate_arm(10, 0, seed=1)
    with pytest.raises(ValueError, match=r"n of arm 'x' must be a whole number"):
        trials.ArmSummary("x", 0, 3.0)
    assert math.isclose(trials.simulate_arm(5, 3.0, seed=1).time_months.size, 5)
