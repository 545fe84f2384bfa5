"""Item generators against independent computations (scipy, closed forms), never their own outputs.

For every generator, many variants are drawn; each variant's keyed answer is recomputed here from the
variant's parameters by a route that does not use the toolkit function the generator calls (scipy's
beta quantiles for Clopper–Pearson, a hand product-limit for Kaplan–Meier, the ASTCT tables written out
again, …). The pools are checked too: secure variants never equal public ones.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import pytest
from scipy import stats

from immunokit.quiz import grade, load_bank
from immunokit.quiz.bank import BankError, check_bank, variant_question
from immunokit.quiz.generators import GENERATORS, generator_names, is_public, variants

ROOT = Path(__file__).resolve().parents[1]
N = 25


def _draw(name: str, n: int = N, **kw: Any) -> list[Any]:
    return list(itertools.islice(variants(name, f"test-{name}", **kw), n))


def _correct_option(fields: dict[str, Any]) -> str:
    (text,) = [o["text"] for o in fields["options"] if o["correct"]]
    return str(text)


def _accepts(fields: dict[str, Any], value: float) -> bool:
    return abs(value - fields["answer"]) <= fields["tolerance"] + 1e-9


# ---- independent computations ------------------------------------------------------------------


def _clopper_pearson_low(k: int, n: int) -> float:
    return 0.0 if k == 0 else float(stats.beta.ppf(0.025, k, n - k + 1))


def _km_by_hand(times: list[int], events: list[bool], at: float) -> float:
    s = 1.0
    for t in sorted(set(times)):
        if t > at:
            break
        at_risk = sum(1 for x in times if x >= t)
        deaths = sum(1 for x, e in zip(times, events, strict=True) if x == t and e)
        s *= 1 - deaths / at_risk
    return s


def _crs_by_table(temp: float, bp: str, o2: str) -> int:
    if temp < 38.0:
        return 0
    h = {"none": 0, "no-vasopressor": 2, "one-vasopressor": 3, "multiple-vasopressors": 4}[bp]
    x = {"none": 0, "low-flow": 2, "high-flow": 3, "positive-pressure": 4}[o2]
    return max(1, h, x)


def _ice_by_hand(p: dict[str, Any]) -> int:
    return sum(p["orientation"]) + p["naming"] + p["commands"] + p["writing"] + p["attention"]


def test_rate_and_itt_against_arithmetic() -> None:
    for v in _draw("rate_percent"):
        assert _accepts(v.fields, 100 * v.params["k"] / v.params["n"])
    for v in _draw("itt_rate"):
        p = v.params
        assert _accepts(v.fields, 100 * p["responders"] / p["enrolled"])
        assert not _accepts(v.fields, 100 * p["responders"] / p["infused"])  # the per-protocol trap is wrong


def test_risk_difference_and_nnt() -> None:
    for v in _draw("risk_difference"):
        assert _accepts(v.fields, v.params["standard"] - v.params["new"])
    for v in _draw("nnt"):
        arr = (v.params["control"] - v.params["treated"]) / 100
        assert v.fields["answer"] == math.ceil(1 / arr - 1e-9)


def test_exact_ci_accepts_scipy_and_the_taught_hand_formula() -> None:
    """The tolerance holds both the exact value and the course's hand formula, each rounded as asked."""
    for v in _draw("exact_ci_lower", 40):
        k, n = v.params["k"], v.params["n"]
        exact = 100 * _clopper_pearson_low(k, n)
        p = k / n
        wald = 100 * (p - 1.96 * math.sqrt(p * (1 - p) / n))
        assert _accepts(v.fields, round(exact)), (k, n, exact, v.fields["answer"])
        assert _accepts(v.fields, round(wald)), (k, n, wald, v.fields["answer"])
        assert not _accepts(v.fields, round(100 * p))  # the point estimate is not the lower end
    for v in _draw("exact_ci_choice"):
        k, n = v.params["k"], v.params["n"]
        lo = 100 * _clopper_pearson_low(k, n)
        hi = 100 * float(stats.beta.ppf(0.975, k + 1, n - k)) if k < n else 100.0
        assert _correct_option(v.fields) == f"{lo:.0f} % to {hi:.0f} %"


def test_hr_percent() -> None:
    for v in _draw("hr_percent"):
        assert _accepts(v.fields, 100 - 100 * v.params["hr"])


def test_kaplan_meier_against_a_hand_product_limit() -> None:
    for v in _draw("km_table"):
        p = v.params
        assert _accepts(v.fields, 100 * _km_by_hand(p["times"], p["events"], p["at"]))
    for v in _draw("km_curve", options={"ask": "median"}):
        p = v.params
        grid = sorted(set(p["times"]))
        median = next(t for t in grid if _km_by_hand(p["times"], p["events"], t) <= 0.5)
        assert _accepts(v.fields, median)
        assert "steps down to" in v.fields["prompt"]
    for v in _draw("km_curve", options={"ask": "landmark"}):
        p = v.params
        assert _accepts(v.fields, 100 * _km_by_hand(p["times"], p["events"], p["landmark"]))


def test_binding_and_infusion_closed_forms() -> None:
    for v in _draw("occupancy_percent"):
        c, kd = v.params["c_nm"], v.params["kd_nm"]
        assert _accepts(v.fields, 100 * c / (c + kd))
    for v in _draw("occupancy_concentration"):
        th, kd = v.params["theta"] / 100, v.params["kd_nm"]
        assert _accepts(v.fields, kd * th / (1 - th))
    for v in _draw("infusion_css"):
        rate_ug_per_h = v.params["rate_ug_per_day"] / 24
        assert _accepts(v.fields, rate_ug_per_h / v.params["cl_l_per_h"] * 1000)  # µg/L → pg/mL
    for phase in ("start", "stop"):
        for v in _draw("infusion_time", options={"phase": phase}):
            k = v.params["cl_l_per_h"] / v.params["v_l"]
            assert _accepts(v.fields, 5 * math.log(2) / k)  # five half-lives, as taught
            assert _accepts(v.fields, -math.log(0.03) / k)  # the exact time to 3 %
    for v in _draw("infusion_interruption"):
        assert _accepts(v.fields, 100 * math.exp(-math.log(2) * v.params["hours"] / v.params["half_life_h"]))


def test_toxicity_grades_against_the_astct_tables_written_out() -> None:
    for v in _draw("crs_grade", 60):
        p = v.params
        g = _crs_by_table(p["temp_c"], p["hypotension"], p["oxygen"])
        assert _correct_option(v.fields) == ("No CRS by ASTCT criteria" if g == 0 else f"Grade {g}")
    for v in _draw("ice_score", 40):
        assert v.fields["answer"] == _ice_by_hand(v.params)
    for v in _draw("icans_grade", 60):
        p = v.params
        ice = _ice_by_hand(p)
        by_ice = 0 if ice == 10 else 1 if ice >= 7 else 2 if ice >= 3 else 3
        cons = {"normal": 0, "awakens-spontaneously": 1, "awakens-to-voice": 2, "awakens-to-touch": 3}[
            p["consciousness"]
        ]
        g = max(
            by_ice, cons, 3 if p["seizure"] == "resolves-rapidly" else 0, 3 if p["edema"] == "focal" else 0
        )
        assert _correct_option(v.fields) == ("No ICANS" if g == 0 else f"Grade {g}")
    for v in _draw("tocilizumab_dose", 40):
        w = v.params["weight_kg"]
        assert _accepts(v.fields, 12 * w if w < 30 else min(8 * w, 800))


def test_icaht_against_the_consensus_thresholds() -> None:
    for v in _draw("late_icaht", 40):
        counts = v.params["counts"]
        g = next(
            (g for g, t in ((4, 100), (3, 500), (2, 1000), (1, 1500)) if sum(c <= t for c in counts) >= 2), 0
        )
        assert v.fields["answer"] == g
    for v in _draw("early_icaht", 40):
        counts = v.params["counts"]
        # the drawn courses have one low stretch, so plain day counts equal the consensus durations
        severe = sum(c <= 500 for c in counts)
        profound = sum(c <= 100 for c in counts)
        g_sev = 0 if severe == 0 else 1 if severe < 7 else 2 if severe < 14 else 3 if severe < 31 else 4
        g_pro = 4 if profound >= 14 else 3 if profound >= 7 else 0
        assert v.fields["answer"] == max(g_sev, g_pro), (counts, severe, profound)


def test_target_score_and_log_kill() -> None:
    for v in _draw("target_score", 40):
        p = v.params
        s = (
            (p["coverage"] / 3)
            * max(0, 1 - p["wstem"] * p["stem"] / 2)
            * max(0, 1 - p["wmature"] * p["mature"] / 2)
        )
        assert _accepts(v.fields, s)
    for v in _draw("log_kill", 20):
        a, b = v.params["log_cells"], v.params["log_kill"]
        n = next(n for n in range(1, 100) if a - b * n < 0)
        assert v.fields["answer"] == n


@pytest.mark.parametrize("name", generator_names())
def test_every_variant_is_a_valid_item_whose_key_scores(name: str) -> None:
    """Each variant passes the bank's own checks, and its key (and only its key) gets full marks."""
    bank = load_bank(ROOT / "book" / "ch08_side_effects.quiz.yml")
    base = next(q for q in bank.questions if q.type == GENERATORS[name].type)
    for v in _draw(name, 15):
        q = variant_question(base, v)
        if q.type == "numeric":
            assert grade(q, str(q.answer)).correct
            for m in q.mistakes:
                verdict = grade(q, m.value)
                assert not verdict.correct and verdict.mistake is not None, (name, v.params, m)
        else:
            keyed = [i for i, o in enumerate(q.options) if o.correct]
            assert len(keyed) == 1
            assert grade(q, keyed[0]).correct
            assert len({o.text for o in q.options}) == len(q.options)


@pytest.mark.parametrize("name", generator_names())
def test_secure_pool_never_meets_a_public_variant(name: str) -> None:
    public = {v.key for v in _draw(name, 60)}
    secure = _draw(name, 12, pool="secure", secret="exam-2026")
    assert len(secure) >= 10, f"{name}: the secure half of the space is too small"
    assert not public & {v.key for v in secure}
    assert all(is_public(v.params) for v in _draw(name, 10)) and not any(is_public(v.params) for v in secure)
    # another secret gives other secure variants, and the same secret the same ones
    again = _draw(name, 12, pool="secure", secret="exam-2026")
    assert [v.key for v in again] == [v.key for v in secure]


def test_a_bank_naming_a_wrong_generator_says_where(tmp_path: Path) -> None:
    bank = tmp_path / "ch04_x.quiz.yml"
    bank.write_text(
        "chapter: ch04\nquestions:\n"
        "  - id: ch04-a\n    objective: ch04-o1\n    level: apply\n    type: numeric\n    hint: h\n"
        "    generator: infusion_cs\n"
        "  - id: ch04-b\n    objective: ch04-o1\n    level: apply\n    type: single\n    hint: h\n"
        "    generator: infusion_css\n    prompt: fixed text\n"
        "  - id: ch04-c\n    objective: ch04-o1\n    level: apply\n    type: numeric\n    hint: h\n"
        "    generator: infusion_time\n    params: {phase: middle}\n",
        encoding="utf-8",
    )
    _, problems = check_bank(bank)
    text = "\n".join(problems)
    assert "'ch04-a'" in text and "unknown generator 'infusion_cs'" in text
    assert "'ch04-b'" in text and "makes numeric items" in text
    assert "prompt" in text and "computed by generator" in text
    assert "'ch04-c'" in text and "phase='middle'" in text
    with pytest.raises(BankError):
        load_bank(bank)
