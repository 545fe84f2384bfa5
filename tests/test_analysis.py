"""Unit tests of immunokit.analysis (chapters 1 and 2): ranking rules, validation messages, CIs, figures."""

from __future__ import annotations

import pytest
from scipy import stats

from immunokit import Figure
from immunokit.analysis import (
    AntigenRow,
    ArmEstimate,
    absolute_differences,
    exact_proportion_ci,
    plot_antigen_ranking,
    plot_arm_comparison,
    rank_antigens,
)

ROWS = [
    {
        "antigen": "CD33",
        "leukemia": "AML",
        "coverage": 2,
        "stem": 1,
        "mature": 2,
        "source": "marvinpeek2022challenges",
    },
    {
        "antigen": "CD19",
        "leukemia": "B-ALL",
        "coverage": 3,
        "stem": 0,
        "mature": 1,
        "source": "pillai2019car",
    },
    {
        "antigen": "CD123",
        "leukemia": "AML",
        "coverage": 2,
        "stem": 2,
        "mature": 0,
        "source": "marvinpeek2022challenges",
    },
]


def test_b_cell_antigen_outranks_myeloid_antigens_shared_with_stem_cells() -> None:
    ranked = rank_antigens(ROWS)
    assert [r.row.antigen for r in ranked] == ["CD19", "CD33", "CD123"]
    assert ranked[0].score == pytest.approx(1.0 * 1.0 * 0.75)
    # Present on stem cells with full weight: the factor is zero, whatever the coverage.
    assert ranked[-1].score == 0.0


def test_ignoring_stem_cell_expression_changes_the_ranking() -> None:
    ranked = rank_antigens(ROWS, stem_weight=0.0, mature_weight=0.0)
    scores = {r.row.antigen: r.score for r in ranked}
    assert scores["CD123"] == pytest.approx(2 / 3)
    assert scores["CD33"] == pytest.approx(2 / 3)
    assert ranked[0].row.antigen == "CD19"


def test_bad_scores_and_missing_fields_are_named() -> None:
    with pytest.raises(ValueError, match=r"CD99.*coverage must be one of \[0, 1, 2, 3\]"):
        AntigenRow("CD99", "AML", coverage=5, stem=0, mature=0, source="x")
    with pytest.raises(ValueError, match=r"row 0 \(CD1\): missing source"):
        rank_antigens([{"antigen": "CD1", "leukemia": "AML", "coverage": 1, "stem": 0, "mature": 0}])
    with pytest.raises(ValueError, match="stem_weight must be between 0 and 1"):
        rank_antigens(ROWS, stem_weight=2)
    with pytest.raises(TypeError, match="row 0: expected an AntigenRow or a dict"):
        rank_antigens(["CD19"])  # type: ignore[list-item]


def test_exact_ci_matches_scipy_and_brackets_the_proportion() -> None:
    p, low, high = exact_proportion_ci(44, 66)
    ref = stats.binomtest(44, 66).proportion_ci(method="exact")
    assert p == pytest.approx(44 / 66)
    assert (low, high) == pytest.approx((ref.low, ref.high))
    assert low < p < high
    with pytest.raises(ValueError, match="between 0 and n=10"):
        exact_proportion_ci(11, 10)


@pytest.mark.parametrize("n", [*range(1, 31), 47, 75, 120, 257])
def test_exact_ci_equals_binomtest_for_every_count(n: int) -> None:
    # Computed from beta quantiles (scipy.special, fast to import); binomtest finds the same limits by
    # root-finding, so they agree to its tolerance. Every count 0..n, the edges 0 and n included.
    for k in range(n + 1):
        _, low, high = exact_proportion_ci(k, n)
        ref = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
        assert low == pytest.approx(ref.low, abs=1e-11) and high == pytest.approx(ref.high, abs=1e-11)


def test_exact_ci_honours_the_confidence_level() -> None:
    ref90 = stats.binomtest(7, 40).proportion_ci(confidence_level=0.9, method="exact")
    assert exact_proportion_ci(7, 40, 0.9)[1:] == pytest.approx((ref90.low, ref90.high), abs=1e-11)


def test_exact_ci_of_61_of_75() -> None:
    rate, low, high = exact_proportion_ci(61, 75)
    assert rate == pytest.approx(0.8133, abs=1e-4)
    # Clopper–Pearson from the beta quantiles, worked independently of binomtest.
    assert low == pytest.approx(stats.beta.ppf(0.025, 61, 75 - 61 + 1), rel=1e-9)
    assert high == pytest.approx(stats.beta.ppf(0.975, 61 + 1, 75 - 61), rel=1e-9)
    # ELIANA reported 81% (95% CI 71 to 89) for 61 of 75.
    assert (round(100 * low), round(100 * high)) == (71, 89)


def test_exact_ci_edges_and_validation() -> None:
    assert exact_proportion_ci(0, 10)[1] == 0.0
    assert exact_proportion_ci(10, 10)[2] == 1.0
    with pytest.raises(ValueError, match="successes must be a whole number between 0 and n=75, got 76"):
        exact_proportion_ci(76, 75)
    with pytest.raises(ValueError, match="n must be a positive whole number"):
        exact_proportion_ci(1, 0)


def test_absolute_differences_per_100_patients() -> None:
    estimates = [
        ArmEstimate("overall survival", "TBI", 0.91, "peters2021forum", 0.86, 0.95),
        ArmEstimate("overall survival", "chemo", 0.75, "peters2021forum", 0.67, 0.81),
        ArmEstimate("relapse", "TBI", 0.12, "peters2021forum"),
        ArmEstimate("relapse", "chemo", 0.33, "peters2021forum"),
    ]
    diffs = {d.endpoint: d.per_100 for d in absolute_differences(estimates, reference_arm="TBI")}
    assert diffs == {"overall survival": pytest.approx(-16.0), "relapse": pytest.approx(21.0)}
    with pytest.raises(ValueError, match="need exactly two arms including 'TBI'"):
        absolute_differences(estimates[:1], reference_arm="TBI")
    with pytest.raises(ValueError, match="low ≤ value ≤ high"):
        ArmEstimate("x", "a", 0.5, "k", 0.6, 0.7)


def test_figures_have_alt_text_naming_the_data() -> None:
    fig = plot_antigen_ranking(rank_antigens(ROWS))
    assert isinstance(fig, Figure)
    assert "CD19 (B-ALL) 0.75" in fig.alt
    assert fig.to_html().startswith("<figure")
    estimates = [ArmEstimate("relapse", "TBI", 0.12, "k"), ArmEstimate("relapse", "chemo", 0.33, "k")]
    comparison = plot_arm_comparison(estimates)
    assert "relapse: TBI 0.12, chemo 0.33" in comparison.alt
