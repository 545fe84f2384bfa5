"""Item generators: seed → parameters → stem, answer and the feedback for each named mistake.

A bank item may name a generator instead of fixing its numbers::

    - id: ch04-newdrug-css
      objective: ch04-o3
      level: apply
      type: numeric
      generator: infusion_css
      hint: C~ss~ = R~0~/CL; convert the daily rate to µg/h first.

Everything that depends on the numbers (``prompt``, ``explanation``, ``answer``, ``tolerance``,
``units``, ``feedback_correct``, ``feedback_incorrect``, ``mistakes`` or ``options``) is computed by
the generator from the toolkit's own models and grading rules — :mod:`immunokit.toxicity` for CRS,
ICE and ICANS, :mod:`immunokit.supportive` for ICAHT, :mod:`immunokit.models.blinatumomab` for
infusion kinetics, :mod:`immunokit.models.occupancy`, :func:`immunokit.analysis.exact_proportion_ci`,
:func:`immunokit.analysis.rank_antigens`, :func:`immunokit.models.trials.kaplan_meier` — so a change of
a grading rule or a model changes every variant. The bank keeps what does not depend on the numbers
(id, objective, level, hint, cite) and may give ``params`` (options of the generator, e.g. the story
told around the numbers).

Variants
--------
The parameter space of every generator is split in two halves by a hash of the drawn parameters
(:func:`is_public`). *Public* variants (the book's practice variants, baked into the static page, and
the "New numbers" of the live quiz) are drawn only from one half; the instructor's *secure* pool
(``python -m immunokit_instructor.quiz export --seed SECRET``) only from the other. A secure variant can therefore
never coincide with any public one, however many a student draws. Within a pool, variants are
distinct (:func:`variants`).

Public API: :data:`GENERATORS`, :func:`generator_names`, :func:`generate_fields`, :func:`variants`,
:func:`variant_question`, :func:`is_public`, :class:`Variant`.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Pool = Literal["public", "secure"]
Fields = dict[str, Any]
Params = dict[str, Any]

#: How many distinct public practice variants the static book carries per generated item.
STATIC_VARIANTS: int = 5
_MAX_DRAWS = 400


class GeneratorError(ValueError):
    """A generator name or its bank options are wrong (the message names what and where)."""


@dataclass(frozen=True)
class Generator:
    """One registered generator.

    ``draw(rng, options)`` picks the parameters (a JSON-able dict); ``build(params, options)`` turns
    them into the bank fields of the item. Tests call ``build`` with chosen parameters and compare the
    answer with an independent computation.
    """

    name: str
    type: str
    summary: str
    draw: Callable[[random.Random, Mapping[str, Any]], Params]
    build: Callable[[Params, Mapping[str, Any]], Fields]
    options: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


GENERATORS: dict[str, Generator] = {}


def register(
    name: str, type: str, summary: str, options: Mapping[str, tuple[str, ...]] | None = None
) -> Callable[[Callable[[Params, Mapping[str, Any]], Fields]], Callable[[Params, Mapping[str, Any]], Fields]]:
    """Register ``build`` under ``name``; the module-level ``draw_<name>`` function draws its parameters."""

    def deco(
        build: Callable[[Params, Mapping[str, Any]], Fields],
    ) -> Callable[[Params, Mapping[str, Any]], Fields]:
        draw = globals()[f"draw_{name}"]
        GENERATORS[name] = Generator(name, type, summary, draw, build, dict(options or {}))
        return build

    return deco


def generator_names() -> list[str]:
    """Names of the registered generators."""
    return sorted(GENERATORS)


# --------------------------------------------------------------------------------------------
# Variants and pools
# --------------------------------------------------------------------------------------------


def canonical(params: Mapping[str, Any]) -> str:
    """The parameters as canonical JSON (sorted keys): a variant's identity."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def is_public(params: Mapping[str, Any]) -> bool:
    """Whether parameters belong to the public half of the space (the other half is the secure pool's)."""
    return hashlib.sha256(canonical(params).encode("ascii")).digest()[0] % 2 == 0


@dataclass(frozen=True)
class Variant:
    """One drawn variant: its pool and index, the parameters, and the bank fields they produce."""

    generator: str
    pool: str
    index: int
    params: Params
    fields: Fields

    @property
    def key(self) -> str:
        """Identity of the variant (the canonical parameters)."""
        return canonical(self.params)


def check_options(name: str, options: Mapping[str, Any] | None) -> list[str]:
    """Problems with a generator name and the bank's ``params`` for it (empty when fine)."""
    if name not in GENERATORS:
        return [f"unknown generator {name!r}; known: {', '.join(generator_names())}"]
    spec = GENERATORS[name]
    out = []
    for key, value in (options or {}).items():
        if key not in spec.options:
            allowed = ", ".join(spec.options) or "none"
            out.append(f"generator {name!r} has no option {key!r} (options: {allowed})")
        elif str(value) not in spec.options[key]:
            out.append(
                f"generator {name!r}: option {key}={value!r} is not one of {', '.join(spec.options[key])}"
            )
    return out


def _seed(*parts: object) -> int:
    text = "|".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def variants(
    name: str,
    qid: str,
    *,
    pool: Pool = "public",
    secret: str = "",
    options: Mapping[str, Any] | None = None,
) -> Iterator[Variant]:
    """Distinct variants of item ``qid`` from ``pool``, in a fixed order (endless, as far as the space allows).

    Public variants depend only on the item id; secure ones also on ``secret``. Each draw is retried
    until its parameters fall in the pool's half of the space and differ from the variants already
    given.
    """
    if pool not in ("public", "secure"):
        raise ValueError(f"pool must be 'public' or 'secure', not {pool!r}")
    if pool == "secure" and not secret:
        raise ValueError("a secure pool needs a secret seed (export --seed SECRET)")
    problems = check_options(name, options)
    if problems:
        raise GeneratorError("; ".join(problems))
    spec = GENERATORS[name]
    opts = dict(options or {})
    seen: set[str] = set()
    index = 0
    attempt = 0
    misses = 0
    while True:
        rng = random.Random(_seed(pool, secret, qid, index, attempt))
        attempt += 1
        params = spec.draw(rng, opts)
        key = canonical(params)
        if is_public(params) != (pool == "public") or key in seen:
            misses += 1
            if misses > _MAX_DRAWS:
                return  # the space (or its half) is exhausted
            continue
        misses = 0
        seen.add(key)
        yield Variant(name, pool, index, params, finish(spec.build(params, opts)))
        index += 1
        attempt = 0


def generate_fields(name: str, qid: str, options: Mapping[str, Any] | None = None, index: int = 0) -> Fields:
    """The bank fields of public variant ``index`` of item ``qid`` (variant 0 is what the bank shows)."""
    for v in variants(name, qid, options=options):
        if v.index == index:
            return v.fields
    raise GeneratorError(f"generator {name!r} has fewer than {index + 1} public variants")


def finish(fields: Fields) -> Fields:
    """Drop mistakes the correct range accepts or that repeat an earlier mistake (they could never show),
    and wrong options whose text repeats another option's."""
    if "options" in fields:
        shown: set[str] = set()
        opts = []
        for o in sorted(fields["options"], key=lambda o: not o["correct"]):
            if o["text"] not in shown:
                shown.add(o["text"])
                opts.append(o)
        order = [o["text"] for o in fields["options"]]
        return {**fields, "options": sorted(opts, key=lambda o: order.index(o["text"]))}
    if "mistakes" not in fields:
        return fields
    answer, tol = float(fields["answer"]), float(fields["tolerance"])
    kept: list[dict[str, Any]] = []
    for m in fields["mistakes"]:
        value = float(m["value"])
        mtol = float(m.get("tolerance", 0.0))
        if not math.isfinite(value) or abs(value - answer) <= tol + mtol + 1e-9:
            continue
        if any(abs(value - float(k["value"])) <= mtol + float(k.get("tolerance", 0.0)) for k in kept):
            continue
        kept.append({"value": value, "tolerance": mtol, "feedback": m["feedback"]})
    return {**fields, "mistakes": kept}


# --------------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------------


def num(x: float, digits: int = 3) -> str:
    """A number for a stem: ``digits`` significant figures, no exponent, no trailing zeros."""
    if x == 0:
        return "0"
    places = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    text = f"{x:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fixed(x: float, places: int) -> str:
    """``x`` with exactly ``places`` decimals (``places`` = 0: a whole number)."""
    return f"{x:.{places}f}"


def _member(kind: Any, value: str) -> Any:
    """The member of a toxicity level enum (Hypotension, Oxygen, …) whose id is ``value``."""
    return next(m for m in kind if m.value == value)


def mistake(value: float, feedback: str, tolerance: float = 0.0) -> dict[str, Any]:
    return {"value": float(value), "tolerance": float(tolerance), "feedback": feedback}


def grade_options(
    grades: list[tuple[str, int]], correct: int, why: Mapping[int, str], explanation_right: str
) -> list[dict[str, Any]]:
    """Options "Grade 1" … with the computed one keyed and feedback saying why each other is wrong."""
    out = []
    for label, g in grades:
        if g == correct:
            out.append({"text": label, "correct": True, "feedback": f"Right. {explanation_right}"})
        else:
            out.append({"text": label, "correct": False, "feedback": why[g]})
    return out


# --------------------------------------------------------------------------------------------
# Rates and trials (chapters 1, 2, 5, 6, 7, 10; reviews)
# --------------------------------------------------------------------------------------------

_RATE_STORIES: dict[str, tuple[str, str, str]] = {
    # story: (stem with {n} and {k}, what k counts, what n counts)
    "cd19-negative-relapse": (
        "In a *hypothetical* series of children and young adults treated with CD19 CAR T cells, {n} "
        "relapsed, and {k} of those relapses were CD19-negative. What percentage of the relapses were "
        "CD19-negative? Give one decimal.",
        "CD19-negative relapses",
        "relapses",
    ),
    "gvhd-after-pd1": (
        "In a *hypothetical* series of {n} patients given an anti-PD-1 antibody for relapse after an "
        "allogeneic transplant, {k} developed treatment-emergent GVHD. What percentage is that? Give one "
        "decimal.",
        "patients with GVHD",
        "patients treated",
    ),
    "response": (
        "A *hypothetical* single-arm study treats {n} patients, and {k} respond. What percentage responded? "
        "Give one decimal.",
        "responders",
        "patients treated",
    ),
}


def draw_rate_percent(rng: random.Random, options: Mapping[str, Any]) -> Params:
    n = rng.randint(20, 240)
    k = rng.randint(max(1, n // 10), n - max(1, n // 10))
    return {"k": k, "n": n}


@register(
    "rate_percent",
    "numeric",
    "k of n as a percentage",
    {"story": tuple(_RATE_STORIES)},
)
def rate_percent(params: Params, options: Mapping[str, Any]) -> Fields:
    k, n = params["k"], params["n"]
    stem, what, of = _RATE_STORIES[str(options.get("story", "response"))]
    pct = 100 * k / n
    return {
        "prompt": stem.format(k=k, n=n),
        "explanation": f"{k} {what} of {n} {of}: {k}/{n} = {pct / 100:.4f}, that is {pct:.1f} %.",
        "answer": round(pct, 1),
        "tolerance": 0.1,
        "units": "%",
        "feedback_correct": f"Right — {pct:.1f} %.",
        "feedback_incorrect": f"Divide the {what} by the {of} and multiply by 100.",
        "mistakes": [
            mistake(100 * (n - k) / n, f"That is the share *without* the event ({n - k} of {n}).", 0.1),
            mistake(k / n, "That is the proportion (0–1); the question asks for a percentage.", 0.005),
            mistake(100 * k / (n + k), f"The denominator is the {n} {of}, not {n} + {k}.", 0.1),
        ],
    }


def draw_itt_rate(rng: random.Random, options: Mapping[str, Any]) -> Params:
    enrolled = rng.randint(40, 160)
    infused = rng.randint(int(enrolled * 0.65), enrolled - 3)
    responders = rng.randint(int(infused * 0.45), int(infused * 0.9))
    return {"enrolled": enrolled, "infused": infused, "responders": responders}


@register("itt_rate", "numeric", "intention-to-treat response rate (enrolled, infused, responders)")
def itt_rate(params: Params, options: Mapping[str, Any]) -> Fields:
    e, i, r = params["enrolled"], params["infused"], params["responders"]
    itt, pp = 100 * r / e, 100 * r / i
    return {
        "prompt": (
            f"A *hypothetical* single-arm CAR T-cell trial enrolled {e} patients; {i} received the infusion "
            f"and {r} of them reached complete remission. The abstract reports \u201c{pp:.0f} % complete "
            "remission\u201d. What percentage of **enrolled** patients reached complete remission (the "
            "intention-to-treat view)? Give one decimal."
        ),
        "explanation": (
            f"Intention to treat counts everyone enrolled: {r}/{e} = {itt:.1f} %. The abstract's "
            f"{pp:.1f} % counts only the {i} infused patients, leaving out the {e - i} who were enrolled but "
            "never treated (the product failed, or they became too ill or died while waiting)."
        ),
        "answer": round(itt, 1),
        "tolerance": 0.1,
        "units": "%",
        "feedback_correct": f"Right — {itt:.1f} % of those enrolled, against {pp:.1f} % of those infused.",
        "feedback_incorrect": "Divide the responders by the number enrolled, not by the number infused.",
        "mistakes": [
            mistake(
                pp,
                f"That is {r}/{i}: the infused patients only. Intention to treat divides by all {e} enrolled.",
                0.6,
            ),
            mistake(
                100 * i / e,
                f"That is the share of enrolled patients who were infused ({i}/{e}), not who responded.",
                0.1,
            ),
        ],
    }


def draw_risk_difference(rng: random.Random, options: Mapping[str, Any]) -> Params:
    a = rng.randint(15, 60)
    b = rng.randint(5, a - 4)
    return {"standard": a, "new": b, "months": rng.choice([12, 24, 36])}


@register("risk_difference", "numeric", "two event rates → fewer events per 100 patients")
def risk_difference(params: Params, options: Mapping[str, Any]) -> Fields:
    a, b, t = params["standard"], params["new"], params["months"]
    from ..analysis import ArmEstimate, absolute_differences

    (diff,) = absolute_differences(
        [
            ArmEstimate("relapse", "standard", a / 100, "generated"),
            ArmEstimate("relapse", "new", b / 100, "generated"),
        ],
        "standard",
    )
    per100 = -diff.per_100
    years = "1 year" if t == 12 else f"{t // 12} years"
    return {
        "prompt": (
            f"A *hypothetical* randomised transplant study reports relapse at {years} of {a} % with the "
            f"standard conditioning regimen and {b} % with a new one. Per 100 patients, how many fewer "
            "relapses does the new regimen mean?"
        ),
        "explanation": (
            f"The absolute difference is {a} % − {b} % = {per100:g} percentage points: {per100:g} fewer relapses "
            f"per 100 patients. The relative reduction ({100 * (a - b) / a:.0f} %) sounds larger but says less "
            "about how many patients benefit."
        ),
        "answer": round(per100, 6),
        "tolerance": 0.5,
        "feedback_correct": f"Right — {per100:g} fewer relapses per 100 patients.",
        "feedback_incorrect": "Subtract the two percentages: the difference in percentage points is the count per 100.",
        "mistakes": [
            mistake(
                100 * (a - b) / a,
                "That is the *relative* reduction, the difference divided by the standard arm's rate.",
                0.6,
            ),
            mistake(b, f"That is the new regimen's rate, {b} per 100, not the difference.", 0),
            mistake(
                100 / (a - b),
                "That is the number needed to treat (100 ÷ the difference), not the difference per 100.",
                0.2,
            ),
        ],
    }


def draw_nnt(rng: random.Random, options: Mapping[str, Any]) -> Params:
    a = rng.randint(20, 70)
    b = rng.randint(4, a - 3)
    return {"control": a, "treated": b}


@register("nnt", "numeric", "two event rates → number needed to treat")
def nnt(params: Params, options: Mapping[str, Any]) -> Fields:
    a, b = params["control"], params["treated"]
    arr = (a - b) / 100
    value = math.ceil(round(1 / arr, 9))
    return {
        "prompt": (
            f"In a *hypothetical* randomised trial, {a} % of patients on standard care and {b} % on a new "
            "treatment relapse within two years. How many patients must receive the new treatment to prevent "
            "one relapse (the number needed to treat, rounded up to a whole patient)?"
        ),
        "explanation": (
            f"The absolute risk reduction is {a} % − {b} % = {a - b} percentage points = {arr:.2f}; "
            f"NNT = 1/{arr:.2f} = {1 / arr:.2f}, rounded up to {value}."
        ),
        "answer": value,
        "tolerance": 0,
        "feedback_correct": f"Right — {value} patients treated for one relapse prevented.",
        "feedback_incorrect": "Take the absolute difference of the two rates as a proportion and divide 1 by it.",
        "mistakes": [
            mistake(a - b, "That is the difference per 100 patients; the NNT is 100 divided by it.", 0),
            mistake(
                round(100 / (100 * (a - b) / a)),
                "You used the relative reduction; the NNT uses the absolute difference.",
                0.5,
            ),
        ],
    }


def _wald_low(k: int, n: int) -> float:
    p = k / n
    return 100 * (p - 1.96 * math.sqrt(p * (1 - p) / n))


def draw_exact_ci_lower(rng: random.Random, options: Mapping[str, Any]) -> Params:
    from ..analysis import exact_proportion_ci

    while True:
        n = rng.randint(12, 60)
        k = rng.randint(max(3, int(0.3 * n)), int(0.85 * n))
        _, low, _ = exact_proportion_ci(k, n)
        if abs(_wald_low(k, n) - 100 * low) <= 4.0:  # keep variants the taught formula can answer
            return {"k": k, "n": n}


_CI_STORIES: dict[str, str] = {
    "pilot": "A *hypothetical* pilot study of a new donor-cell product reports remissions in {k} of {n} patients ({pct} %).",
    "press": "A *hypothetical* press release says \u201c{pct} % of patients respond\u201d to a new CAR-NK product: {k} of {n} patients.",
    "news": "A *hypothetical* news story reports \u201ca cure in {pct} % of patients\u201d: {k} of {n} in remission at 6 months after a new CAR.",
    "dli": "In a *hypothetical* series, {k} of {n} patients reached molecular remission after a donor lymphocyte infusion ({pct} %).",
}


@register("exact_ci_lower", "numeric", "k of n → lower end of the 95 % CI", {"story": tuple(_CI_STORIES)})
def exact_ci_lower(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..analysis import exact_proportion_ci

    k, n = params["k"], params["n"]
    p, low, high = exact_proportion_ci(k, n)
    wald = _wald_low(k, n)
    exact = 100 * low
    # Accept the exact value and the taught hand formula (p ± 1.96·√(p(1−p)/n)), each rounded to a whole number.
    lo_edge = min(exact, wald) - 0.5
    hi_edge = max(exact, wald) + 0.5
    answer = round((lo_edge + hi_edge) / 2, 2)
    tol = round((hi_edge - lo_edge) / 2 + 0.005, 2)
    story = _CI_STORIES[str(options.get("story", "pilot"))].format(k=k, n=n, pct=f"{100 * p:.0f}")
    return {
        "prompt": (
            f"{story} What is the **lower** end of the 95 % confidence interval of that rate, in percent? Give a "
            "whole number. (No software is needed: p ± 1.96 × √(p(1 − p)/n) is close enough; the exact "
            "Clopper–Pearson value is accepted too.)"
        ),
        "explanation": (
            f"p = {k}/{n} = {p:.3f}; √(p(1 − p)/n) = {math.sqrt(p * (1 - p) / n):.3f}, and 1.96 × that = "
            f"{1.96 * math.sqrt(p * (1 - p) / n):.3f}, so the hand formula gives about {wald:.0f} %. The exact "
            f"(Clopper–Pearson) interval, from `exact_proportion_ci({k}, {n})`, is {exact:.1f} % to "
            f"{100 * high:.1f} %. With {n} patients, a true rate as low as about {exact:.0f} % is compatible "
            f"with the result: quoting \u201c{100 * p:.0f} %\u201d alone overstates what the study shows."
        ),
        "answer": answer,
        "tolerance": tol,
        "units": "%",
        "feedback_correct": f"Right — about {exact:.0f} % (exact) or {wald:.0f} % (hand formula); the upper end is about {100 * high:.0f} %.",
        "feedback_incorrect": "Compute p, then subtract 1.96 × √(p(1 − p)/n) and give the result in percent.",
        "hint": "p ± 1.96 × √(p(1 − p)/n) is close enough; `exact_proportion_ci(k, n)` gives the exact interval.",
        "mistakes": [
            mistake(
                100 * p,
                "That is the observed rate itself; the question asks for the lower end of its interval.",
                0.5,
            ),
            mistake(100 * high, "That is the upper end of the interval.", 1.0),
            mistake(
                100 * (p - math.sqrt(p * (1 - p) / n)),
                "You subtracted one standard error; a 95 % interval reaches 1.96 standard errors.",
                0.5,
            ),
        ],
    }


def draw_exact_ci_choice(rng: random.Random, options: Mapping[str, Any]) -> Params:
    n = rng.randint(8, 25)
    k = rng.randint(max(2, int(0.4 * n)), n - 2)
    return {"k": k, "n": n}


@register("exact_ci_choice", "single", "k of n → which interval is the 95 % CI")
def exact_ci_choice(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..analysis import exact_proportion_ci

    k, n = params["k"], params["n"]
    p, low, high = exact_proportion_ci(k, n)
    big = 100 * n
    _, blow, bhigh = exact_proportion_ci(100 * k, big)
    pct = round(100 * p)
    return {
        "prompt": (
            f"In a *hypothetical* early study, {k} of {n} patients ({pct} %) respond to a new cell therapy. "
            "Which is, roughly, the 95 % confidence interval of the response rate?"
        ),
        "explanation": (
            f"With {n} patients the interval is wide: the exact (Clopper–Pearson) interval is {100 * low:.0f} % to "
            f"{100 * high:.0f} %, and the hand formula p ± 1.96 × √(p(1 − p)/n) gives nearly the same. A narrow "
            f"interval such as {100 * blow:.0f} %–{100 * bhigh:.0f} % would need about {big} patients."
        ),
        "hint": "Width shrinks with the square root of the number of patients; with few patients it is wide.",
        "options": [
            {
                "text": f"{100 * low:.0f} % to {100 * high:.0f} %",
                "correct": True,
                "feedback": f"Right: {k} of {n} leaves a wide interval, {100 * low:.0f} %–{100 * high:.0f} %.",
            },
            {
                "text": f"{100 * blow:.0f} % to {100 * bhigh:.0f} %",
                "correct": False,
                "feedback": f"That is the interval for the same rate in about {big} patients; {n} patients give a much wider one.",
            },
            {
                "text": f"{pct} % to 100 %",
                "correct": False,
                "feedback": "The interval is not one-sided: it reaches below the observed rate as far as above it, roughly.",
            },
            {
                "text": f"{max(0, pct - 10)} % to {min(100, pct + 10)} %",
                "correct": False,
                "feedback": "Ten points either side is too narrow for so few patients; width shrinks with √n.",
            },
        ],
    }


def draw_hr_percent(rng: random.Random, options: Mapping[str, Any]) -> Params:
    hr = rng.randint(35, 90) / 100
    lo = round(hr * rng.uniform(0.7, 0.85), 2)
    hi = round(min(0.98, hr * rng.uniform(1.1, 1.3)), 2)
    return {"hr": hr, "low": lo, "high": max(hi, round(hr + 0.02, 2))}


@register("hr_percent", "numeric", "hazard ratio → percentage lower rate")
def hr_percent(params: Params, options: Mapping[str, Any]) -> Fields:
    hr, lo, hi = params["hr"], params["low"], params["high"]
    pct = round(100 * (1 - hr), 6)
    return {
        "prompt": (
            f"A *hypothetical* randomised trial reports a hazard ratio for relapse of {hr:.2f} (95 % CI "
            f"{lo:.2f}–{hi:.2f}) for a new treatment against standard care. By what percentage is the estimated "
            "relapse rate lower at any time?"
        ),
        "explanation": (
            f"A hazard ratio of {hr:.2f} means the relapse rate is {hr:.2f} times the standard one at any time: "
            f"(1 − {hr:.2f}) × 100 = {pct:g} % lower. It is a ratio of rates, not a difference in the share "
            "relapsed at a given time."
        ),
        "answer": pct,
        "tolerance": 0.5,
        "units": "%",
        "feedback_correct": f"Right — {pct:g} % lower.",
        "feedback_incorrect": "Subtract the hazard ratio from 1 and express the result in percent.",
        "mistakes": [
            mistake(
                100 * hr,
                "That is the rate on the new treatment relative to standard care, not the reduction.",
                0.5,
            ),
            mistake(
                100 * (1 / hr - 1),
                "That is how much higher the standard rate is than the new one; the question asks the other way.",
                0.5,
            ),
        ],
    }


# --------------------------------------------------------------------------------------------
# Kaplan–Meier (chapter 7; review 3)
# --------------------------------------------------------------------------------------------


def draw_km_curve(rng: random.Random, options: Mapping[str, Any]) -> Params:
    from ..models.trials import kaplan_meier

    while True:
        n = rng.randint(8, 12)
        times = sorted(rng.sample(range(1, 31), n))
        events = [rng.random() < 0.7 for _ in times]
        events[0] = True
        try:
            km = kaplan_meier(times, events)
        except ValueError:
            continue
        if km.median_months is None or km.median_months == times[-1]:
            continue
        return {"times": times, "events": events, "landmark": rng.randint(6, 24)}


def _km_steps(times: list[int], events: list[bool]) -> list[tuple[float, float]]:
    from ..models.trials import kaplan_meier

    km = kaplan_meier(times, events)
    steps = []
    last = 1.0
    for t, s in zip(km.time_months, km.survival, strict=True):
        if s < last - 1e-12:
            steps.append((float(t), float(s)))
            last = float(s)
    return steps


@register(
    "km_curve",
    "numeric",
    "read the median or a landmark from a new Kaplan–Meier curve",
    {"ask": ("median", "landmark")},
)
def km_curve(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..models.trials import kaplan_meier

    times, events, landmark = params["times"], params["events"], params["landmark"]
    km = kaplan_meier(times, events)
    steps = _km_steps(times, events)
    described = ", ".join(f"{100 * s:.0f} % at {t:g} month{'s' if t != 1 else ''}" for t, s in steps)
    curve = (
        f"A Kaplan–Meier curve of overall survival from a *hypothetical* trial is flat at 100 % until it steps "
        f"down to {described}, with tick marks for censored patients in between."
    )
    if options.get("ask", "median") == "median":
        med = float(km.median_months)  # type: ignore[arg-type]
        before = [t for t, s in steps if t < med]
        prev = before[-1] if before else None
        mistakes = []
        if prev is not None:
            mistakes.append(
                mistake(
                    prev,
                    f"At {prev:g} months survival is still above one half. Read the first step at or below 50 %.",
                    0.2,
                )
            )
        return {
            "prompt": f"{curve} What is the median overall survival, in **months**?",
            "explanation": (
                f"Survival first reaches 50 % or below at the step at {med:g} months, so the median is {med:g} months. "
                "A Kaplan–Meier curve is a step function: it stays flat between deaths, so there is nothing to "
                "interpolate."
            ),
            "answer": med,
            "tolerance": 0.2,
            "units": "months",
            "feedback_correct": f"Right — {med:g} months, where the curve first drops to 50 % or below.",
            "feedback_incorrect": "Find the first step at which the curve is at or below 50 %, and read its time.",
            "mistakes": mistakes,
        }
    value = 100 * float(km.at(landmark))
    after = [(t, s) for t, s in steps if t > landmark]
    mistakes = []
    if after:
        mistakes.append(
            mistake(
                100 * after[0][1],
                f"That step comes after {landmark} months; read the level at the landmark.",
                0.5,
            )
        )
    return {
        "prompt": f"{curve} What is the estimated {landmark}-month overall survival, in percent?",
        "explanation": (
            f"The last step at or before {landmark} months leaves the curve at {value:.0f} %, and it stays flat "
            f"until the next step, so the {landmark}-month landmark estimate is {value:.0f} %."
        ),
        "answer": round(value, 6),
        "tolerance": 0.5,
        "units": "%",
        "feedback_correct": f"Right — {value:.0f} %.",
        "feedback_incorrect": "Between steps the curve is flat: find the last step at or before the landmark time.",
        "mistakes": mistakes,
    }


def draw_km_table(rng: random.Random, options: Mapping[str, Any]) -> Params:
    while True:
        n = rng.randint(6, 9)
        times = sorted(rng.sample(range(1, 25), n))
        events = [rng.random() < 0.65 for _ in times]
        if sum(events) >= 2 and not all(events):
            t = rng.choice(times[2:])
            return {"times": times, "events": events, "at": t}


@register("km_table", "numeric", "a new patient table → Kaplan–Meier survival at a time")
def km_table(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..models.trials import kaplan_meier

    times, events, at = params["times"], params["events"], params["at"]
    km = kaplan_meier(times, events)
    value = 100 * float(km.at(at))
    naive = 100 * (1 - sum(1 for t, e in zip(times, events, strict=True) if e and t <= at) / len(times))
    rows = "; ".join(
        f"{t} month{'s' if t != 1 else ''} ({'died' if e else 'censored, alive'})"
        for t, e in zip(times, events, strict=True)
    )
    return {
        "prompt": (
            f"A *hypothetical* study follows {len(times)} patients. Their follow-up ends at: {rows}. Using the "
            f"Kaplan–Meier method, what is the estimated survival at {at} months, in percent? Give one decimal."
        ),
        "explanation": (
            "At each death multiply by (1 − 1/number still at risk); a censored patient leaves the risk set "
            f"without a step. The product up to {at} months is {value:.1f} %. Counting deaths over all "
            f"{len(times)} patients ({naive:.1f} %) treats censored patients as if they had been followed to the end."
        ),
        "answer": round(value, 6),
        "tolerance": 0.15,
        "units": "%",
        "feedback_correct": f"Right — {value:.1f} %.",
        "feedback_incorrect": "Step through the deaths in time order: at each, multiply by (at risk − 1)/at risk.",
        "mistakes": [
            mistake(
                naive,
                "That ignores censoring: censored patients leave the risk set, they are not survivors to the end.",
                0.15,
            )
        ],
    }


# --------------------------------------------------------------------------------------------
# Binding and infusion kinetics (chapters 3, 4, 6; review 2)
# --------------------------------------------------------------------------------------------

_KDS = (0.2, 0.3, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 20.0)


def draw_occupancy_percent(rng: random.Random, options: Mapping[str, Any]) -> Params:
    kd = rng.choice(_KDS)
    ratio = rng.choice([1, 2, 3, 4, 9, 19, 24, 49, 99, 0.5, 0.25])
    return {"kd_nm": kd, "c_nm": round(kd * ratio, 3)}


@register(
    "occupancy_percent",
    "numeric",
    "Kd and free concentration → % occupancy",
    {"target": ("PD-1", "CD20", "its target")},
)
def occupancy_percent(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..models.occupancy import fraction_bound

    kd, c = params["kd_nm"], params["c_nm"]
    theta = 100 * float(fraction_bound(c, kd))
    target = str(options.get("target", "its target"))
    return {
        "prompt": (
            f"A *hypothetical* antibody binds {target} with Kd = {num(kd)} nM, and its free concentration is "
            f"{num(c)} nM. What percentage of {target} is occupied at equilibrium? Give one decimal."
        ),
        "explanation": (
            f"θ = C/(C + Kd) = {num(c)}/({num(c)} + {num(kd)}) = {theta:.1f} %. Occupancy is half at C = Kd and "
            "climbs ever more slowly above it: 90 % needs 9 × Kd, 99 % needs 99 × Kd."
        ),
        "answer": round(theta, 6),
        "tolerance": 0.15,
        "units": "%",
        "feedback_correct": f"Right — {theta:.1f} %.",
        "feedback_incorrect": "Use θ = C/(C + Kd) and give it in percent.",
        "mistakes": [
            mistake(100 - theta, "That is the free (unoccupied) share, Kd/(C + Kd).", 0.15),
            mistake(100 * c / kd, "C/Kd is not an occupancy; divide by C + Kd.", 0.5),
        ],
    }


def draw_occupancy_concentration(rng: random.Random, options: Mapping[str, Any]) -> Params:
    return {"kd_nm": rng.choice(_KDS), "theta": rng.choice([60, 70, 75, 80, 85, 90, 95, 98, 99])}


@register("occupancy_concentration", "numeric", "Kd and target occupancy → free concentration")
def occupancy_concentration(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..models.occupancy import concentration_for_occupancy

    kd, th = params["kd_nm"], params["theta"]
    c = float(concentration_for_occupancy(th / 100, kd))
    return {
        "prompt": (
            f"A *hypothetical* antibody binds its target with Kd = {num(kd)} nM. Using θ = C/(C + Kd), what free "
            f"concentration C gives {th} % occupancy at equilibrium, in nM?"
        ),
        "explanation": (
            f"Solve θ = C/(C + Kd) for C: C = Kd × θ/(1 − θ) = {num(kd)} × {th / 100:g}/{1 - th / 100:.2f} = "
            f"{num(c, 4)} nM. Each step closer to full occupancy costs disproportionately more antibody."
        ),
        "answer": round(c, 6),
        "tolerance": round(0.02 * c, 6),
        "units": "nM",
        "feedback_correct": f"Right — about {num(c)} nM.",
        "feedback_incorrect": "Rearrange θ = C/(C + Kd) to C = Kd·θ/(1 − θ).",
        "mistakes": [
            mistake(
                kd * th / 100, "That is θ × Kd; occupancy is not proportional to concentration.", 0.01 * kd
            ),
            mistake(
                kd * (1 - th / 100) / (th / 100),
                "You inverted the ratio: C = Kd·θ/(1 − θ), not Kd·(1 − θ)/θ.",
                0.01 * kd,
            ),
        ],
    }


def draw_infusion_css(rng: random.Random, options: Mapping[str, Any]) -> Params:
    return {
        "cl_l_per_h": rng.choice([0.6, 0.8, 1.0, 1.2, 1.5, 1.8, 2.0, 2.4, 2.5, 3.0, 4.0]),
        "rate_ug_per_day": rng.choice([6, 9, 12, 15, 18, 24, 28, 30, 36, 48, 60, 72]),
    }


@register("infusion_css", "numeric", "clearance and infusion rate → steady-state concentration")
def infusion_css(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..models.blinatumomab import BlinatumomabParams, steady_state_pg_per_ml
    from ..models.units import Dose

    cl, rate = params["cl_l_per_h"], params["rate_ug_per_day"]
    css = steady_state_pg_per_ml(Dose(rate, "ug/day"), BlinatumomabParams(clearance_l_per_h=cl))
    per_h = rate / 24
    return {
        "prompt": (
            f"A *hypothetical* new T-cell engager, given by continuous infusion, has clearance CL = {num(cl)} L/h. "
            f"At {rate} µg/day, what is its steady-state concentration C~ss~ in **pg/mL**?"
        ),
        "explanation": (
            f"R~0~ = {rate}/24 = {num(per_h, 4)} µg/h, so C~ss~ = R~0~/CL = {num(per_h, 4)} ÷ {num(cl)} = "
            f"{num(css / 1000, 4)} µg/L = {num(css, 4)} pg/mL. The relation that gives blinatumomab's plateau "
            "holds for any drug with linear clearance."
        ),
        "answer": round(css, 6),
        "tolerance": round(0.03 * css, 6),
        "units": "pg/mL",
        "feedback_correct": f"Right — about {num(css)} pg/mL.",
        "feedback_incorrect": "Divide the rate in µg/h by the clearance in L/h, then convert µg/L to pg/mL.",
        "mistakes": [
            mistake(
                css / 1000,
                "That is the right number in µg/L, not pg/mL. Multiply by 1000.",
                0.03 * css / 1000,
            ),
            mistake(
                css * 24,
                "You divided the daily dose by an hourly clearance. Convert µg/day to µg/h first.",
                0.03 * css * 24,
            ),
        ],
    }


def draw_infusion_time(rng: random.Random, options: Mapping[str, Any]) -> Params:
    return {
        "cl_l_per_h": rng.choice([0.6, 0.8, 1.0, 1.2, 1.5, 1.8, 2.0, 2.4, 2.5, 3.0]),
        "v_l": rng.choice([3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0]),
    }


@register(
    "infusion_time",
    "numeric",
    "CL and V → hours to 97 % of the plateau or below 3 % after stopping",
    {"phase": ("start", "stop")},
)
def infusion_time(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..models.blinatumomab import BlinatumomabParams, time_to_fraction_h

    cl, v = params["cl_l_per_h"], params["v_l"]
    p = BlinatumomabParams(clearance_l_per_h=cl, volume_l=v)
    exact = time_to_fraction_h(0.97, p)
    five = 5 * p.half_life_h
    if options.get("phase", "start") == "stop":
        ask = "About how many hours after the pump stops does its concentration fall below 3 % of the steady state (about five half-lives)?"
    else:
        ask = "About how many hours after the infusion starts does its concentration reach 97 % of the plateau (about five half-lives)?"
    return {
        "prompt": (
            f"A *hypothetical* T-cell engager given by continuous infusion has clearance CL = {num(cl)} L/h and "
            f"volume of distribution V = {num(v)} L. {ask}"
        ),
        "explanation": (
            f"k = CL/V = {num(cl / v)} per hour, t~1/2~ = ln 2/k = {p.half_life_h:.2f} h, and five half-lives are "
            f"{five:.1f} h (exactly, −ln(0.03)/k = {exact:.1f} h). The same time governs the rise to the plateau and "
            "the fall after the pump stops."
        ),
        "answer": round((five + exact) / 2, 6),
        "tolerance": round(abs(five - exact) / 2 + 0.03 * five, 6),
        "units": "h",
        "feedback_correct": f"Right — about {five:.1f} hours.",
        "feedback_incorrect": "Find k = CL/V, then t½ = ln 2/k, and multiply by five.",
        "mistakes": [
            mistake(
                p.half_life_h,
                "That is one half-life; after one half-life the concentration is only half-way.",
                0.05 * p.half_life_h,
            ),
            mistake(
                5 * v / cl,
                "You multiplied 1/k by five but left out ln 2: t½ = ln 2 × V/CL.",
                0.03 * 5 * v / cl,
            ),
        ],
    }


def draw_infusion_interruption(rng: random.Random, options: Mapping[str, Any]) -> Params:
    return {
        "half_life_h": rng.choice([1.5, 2.0, 2.5, 2.77, 3.0, 3.5, 4.0, 5.0, 6.0]),
        "hours": rng.choice([1, 2, 3, 4, 5, 6, 8]),
    }


@register("infusion_interruption", "numeric", "half-life and pause → % of the steady state left")
def infusion_interruption(params: Params, options: Mapping[str, Any]) -> Fields:
    th, h = params["half_life_h"], params["hours"]
    left = 100 * 0.5 ** (h / th)
    return {
        "prompt": (
            f"The pump delivering a *hypothetical* T-cell engager (half-life {num(th)} h, at steady state) stops for "
            f"{h} hour{'s' if h != 1 else ''} during a line change. What percentage of the steady-state "
            "concentration is left when it restarts?"
        ),
        "explanation": (
            f"With first-order elimination C falls by half every {num(th)} h: C/C~ss~ = 0.5^({h}/{num(th)}) = "
            f"{left:.1f} %. Short infusion interruptions matter for a drug with a half-life of a few hours."
        ),
        "answer": round(left, 6),
        "tolerance": 1.0,
        "units": "%",
        "feedback_correct": f"Right — about {left:.0f} % is left.",
        "feedback_incorrect": "Use C/Css = 0.5^(hours stopped / half-life).",
        "mistakes": [
            mistake(100 - left, "That is the share lost, not the share left.", 1.0),
            mistake(
                max(0.0, 100 - 50 * h / th), "Elimination is exponential, not linear: use 0.5^(t/t½).", 1.0
            ),
        ],
    }


# --------------------------------------------------------------------------------------------
# CRS, ICE, ICANS, tocilizumab (chapter 8; review 3)
# --------------------------------------------------------------------------------------------

_CRS_OPTIONS = [
    ("No CRS by ASTCT criteria", 0),
    ("Grade 1", 1),
    ("Grade 2", 2),
    ("Grade 3", 3),
    ("Grade 4", 4),
]
_BP_TEXT = {
    "none": "Her blood pressure is normal",
    "no-vasopressor": "Her blood pressure is low but recovers with intravenous fluids alone, without vasopressors",
    "one-vasopressor": "She needs one vasopressor (norepinephrine) to keep her blood pressure up",
    "multiple-vasopressors": "She needs norepinephrine and a second vasopressor (not vasopressin) to keep her blood pressure up",
}


def _o2_text(level: str, flow: int) -> str:
    return {
        "none": "breathes room air comfortably",
        "low-flow": f"needs oxygen at {flow} L/min through a nasal cannula",
        "high-flow": f"needs oxygen at {flow} L/min through a high-flow nasal cannula",
        "positive-pressure": "needs BiPAP (positive-pressure ventilation)",
    }[level]


def draw_crs_grade(rng: random.Random, options: Mapping[str, Any]) -> Params:
    bp = rng.choice(["none", "no-vasopressor", "one-vasopressor", "multiple-vasopressors"])
    o2 = rng.choice(["none", "low-flow", "high-flow", "positive-pressure"])
    flow = {
        "none": 0,
        "low-flow": rng.randint(1, 6),
        "high-flow": rng.randint(7, 40),
        "positive-pressure": 0,
    }[o2]
    temp = (
        rng.choice([37.6, 37.8, 38.1, 38.4, 38.6, 38.9, 39.2, 39.5, 40.1])
        if rng.random() < 0.2
        else rng.choice([38.1, 38.4, 38.6, 38.9, 39.2, 39.5, 40.1])
    )
    return {"day": rng.randint(1, 9), "temp_c": temp, "hypotension": bp, "oxygen": o2, "flow": flow}


@register(
    "crs_grade", "single", "a new patient's vital signs → ASTCT CRS grade (immunokit.toxicity.crs_grade)"
)
def crs_grade_item(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..toxicity import Hypotension, Oxygen, crs_grade

    fever = params["temp_c"] >= 38.0
    result = crs_grade(fever, params["hypotension"], params["oxygen"])
    hypo, oxy = _member(Hypotension, params["hypotension"]), _member(Oxygen, params["oxygen"])
    why = {
        0: "Without fever ≥ 38 °C (and no earlier CRS treated with antipyretics or anti-cytokine drugs) the ASTCT criteria for CRS are not met."
        if fever
        else "She has fever ≥ 38 °C, so the CRS criteria are met.",
        1: "Grade 1 is fever alone, without hypotension or hypoxia." if (hypo.grade or oxy.grade) else "—",
        2: "Grade 2 is hypotension without vasopressors or low-flow oxygen (≤ 6 L/min); check which sign is worse.",
        3: "Grade 3 is one vasopressor or high-flow oxygen (> 6 L/min); check the worse of the two signs.",
        4: "Grade 4 needs several vasopressors (not counting vasopressin) or positive-pressure ventilation.",
    }
    if not fever:
        why = {
            g: (
                "She has no fever (≥ 38 °C) and no earlier treated CRS, so the ASTCT criteria for CRS are not met, whatever the blood pressure and oxygen."
                if g
                else ""
            )
            for g in range(5)
        }
    bp = _BP_TEXT[params["hypotension"]]
    return {
        "prompt": (
            f"A *hypothetical* patient, day {params['day']} after CD19 CAR T cells, has a temperature of "
            f"{params['temp_c']:.1f} °C and no other cause of fever is found. {bp}, and she "
            f"{_o2_text(params['oxygen'], params['flow'])}. She has had no earlier CRS and no antipyretic or "
            "anti-cytokine treatment. What is her ASTCT CRS grade?"
        ),
        "explanation": (
            f"{result.reason[0].upper() + result.reason[1:]} Grade hypotension and hypoxia separately, then take the worse of the two; "
            "fever ≥ 38 °C is required to call it CRS unless an earlier CRS was treated."
        ),
        "options": grade_options(
            _CRS_OPTIONS, result.grade, why, result.reason[0].upper() + result.reason[1:]
        ),
    }


_ICE_WORDS = {
    "orientation": ("the year", "the month", "the city", "the hospital"),
}


def draw_ice_score(rng: random.Random, options: Mapping[str, Any]) -> Params:
    orient = [rng.random() < 0.7 for _ in range(4)]
    return {
        "day": rng.randint(3, 10),
        "orientation": orient,
        "naming": rng.randint(0, 3),
        "commands": rng.random() < 0.8,
        "writing": rng.random() < 0.6,
        "attention": rng.random() < 0.6,
    }


def _ice_story(params: Params) -> tuple[str, int, tuple[int, int, int, int, int]]:
    from ..toxicity import ice_score

    words = _ICE_WORDS["orientation"]
    known = [w for w, ok in zip(words, params["orientation"], strict=True) if ok]
    unknown = [w for w, ok in zip(words, params["orientation"], strict=True) if not ok]

    def join(xs: list[str]) -> str:
        return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]

    if not known:
        orient_text = "knows neither the year, the month, the city nor the hospital"
    elif not unknown:
        orient_text = "knows the year, the month, the city and the hospital"
    else:
        orient_text = f"knows {join(known)} but not {join(unknown).replace(' and ', ' or ')}"
    naming = params["naming"]
    name_text = {
        0: "names none of three objects",
        1: "names one of three objects",
        2: "names two of three objects",
        3: "names all three objects",
    }[naming]
    cmd = "follows a simple command" if params["commands"] else "cannot follow a simple command"
    wri = "writes a standard sentence" if params["writing"] else "cannot write a sentence"
    att = (
        "counts backwards from 100 by 10 correctly"
        if params["attention"]
        else "cannot count backwards from 100 by 10"
    )
    pts = (
        sum(params["orientation"]),
        naming,
        int(params["commands"]),
        int(params["writing"]),
        int(params["attention"]),
    )
    text = f"{orient_text}, {name_text}, {cmd}, {wri}, and {att}"
    return text, ice_score(*pts), pts


@register("ice_score", "numeric", "a new patient's answers → ICE score (immunokit.toxicity.ice_score)")
def ice_score_item(params: Params, options: Mapping[str, Any]) -> Fields:
    text, score, pts = _ice_story(params)
    return {
        "prompt": f"A *hypothetical* patient, day {params['day']} after CAR T cells, {text}. What is her ICE score?",
        "explanation": (
            f"Orientation {pts[0]} of 4, naming {pts[1]} of 3, command {pts[2]}, writing {pts[3]}, attention {pts[4]}: "
            f"ICE = {score} of 10. ICE 7–9 alone is ICANS grade 1, 3–6 grade 2, 0–2 grade 3."
        ),
        "answer": score,
        "tolerance": 0,
        "feedback_correct": f"Right — {score} of 10.",
        "feedback_incorrect": "Add the points of each task; orientation counts four items and naming three.",
        "mistakes": [
            mistake(
                10 - score, "You counted the tasks she failed; the ICE score counts the points she earned.", 0
            ),
            mistake(
                score - pts[0] + (1 if pts[0] else 0),
                "Orientation is worth up to 4 points: one for each of year, month, city and hospital.",
                0,
            ),
        ],
    }


_ICANS_OPTIONS = [("No ICANS", 0), ("Grade 1", 1), ("Grade 2", 2), ("Grade 3", 3), ("Grade 4", 4)]


def draw_icans_grade(rng: random.Random, options: Mapping[str, Any]) -> Params:
    p = draw_ice_score(rng, options)
    p["consciousness"] = rng.choice(
        ["normal", "normal", "awakens-spontaneously", "awakens-to-voice", "awakens-to-touch"]
    )
    p["seizure"] = rng.choice(["none", "none", "none", "resolves-rapidly"])
    p["edema"] = rng.choice(["none", "none", "none", "focal"])
    return p


@register(
    "icans_grade", "single", "a new patient's ICE answers and neurological findings → ASTCT ICANS grade"
)
def icans_grade_item(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..toxicity import Consciousness, Edema, Seizure, icans_grade

    text, score, _ = _ice_story(params)
    result = icans_grade(score, params["consciousness"], params["seizure"], "none", params["edema"])
    cons, seiz, ede = (
        _member(Consciousness, params["consciousness"]),
        _member(Seizure, params["seizure"]),
        _member(Edema, params["edema"]),
    )
    findings = [f"her level of consciousness: {cons.label}"]
    findings.append("she has had " + seiz.label if seiz.grade else "she has had no seizure")
    findings.append("imaging shows " + ede.label if ede.grade else "imaging shows no cerebral edema")
    why = {g: f"The grade is the most severe of the five domains: here {result.reason}." for g in range(5)}
    return {
        "prompt": (
            f"A *hypothetical* adult, day {params['day']} after CAR T cells, {text}. On examination, "
            f"{'; '.join(findings)}; there is no motor weakness. What is her ASTCT ICANS grade?"
        ),
        "explanation": (
            f"ICE = {score} of 10. ICANS is graded by the most severe domain (ICE score, consciousness, seizure, "
            f"motor findings, raised intracranial pressure): {result.reason}."
        ),
        "options": grade_options(
            _ICANS_OPTIONS, result.grade, why, f"{result.reason[0].upper()}{result.reason[1:]}."
        ),
    }


def draw_tocilizumab_dose(rng: random.Random, options: Mapping[str, Any]) -> Params:
    return {"weight_kg": rng.choice(list(range(8, 30)) + list(range(30, 131, 2)))}


@register(
    "tocilizumab_dose",
    "numeric",
    "weight → tocilizumab dose for CRS (immunokit.toxicity.tocilizumab_dose_mg)",
)
def tocilizumab_dose(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..toxicity import (
        TOCILIZUMAB_MAX_DOSE_MG,
        TOCILIZUMAB_MG_PER_KG_AT_LEAST_30KG,
        TOCILIZUMAB_MG_PER_KG_UNDER_30KG,
        TOCILIZUMAB_WEIGHT_BAND_KG,
        tocilizumab_dose_mg,
    )

    w = params["weight_kg"]
    dose = tocilizumab_dose_mg(w)
    hi, lo, band, cap = (
        TOCILIZUMAB_MG_PER_KG_UNDER_30KG,
        TOCILIZUMAB_MG_PER_KG_AT_LEAST_30KG,
        TOCILIZUMAB_WEIGHT_BAND_KG,
        TOCILIZUMAB_MAX_DOSE_MG,
    )
    rule = f"{num(hi)} mg/kg below {num(band)} kg; {num(lo)} mg/kg at {num(band)} kg or more, at most {num(cap)} mg"
    return {
        "prompt": (
            f"Using the label dosing of tocilizumab for CRS ({rule}), what dose, in mg, does a *hypothetical* "
            f"patient weighing {w} kg receive?"
        ),
        "explanation": (
            f"{w} kg is {'below' if w < band else 'at or above'} {num(band)} kg, so the dose is "
            f"{num(hi if w < band else lo)} mg/kg × {w} kg = {num((hi if w < band else lo) * w, 4)} mg"
            + (f", capped at {num(cap)} mg." if w >= band and lo * w > cap else ".")
        ),
        "answer": dose,
        "tolerance": 0.5,
        "units": "mg",
        "feedback_correct": f"Right — {num(dose, 4)} mg.",
        "feedback_incorrect": "Pick the mg/kg of the weight band, multiply by the weight, and apply the cap.",
        "mistakes": [
            mistake((lo if w < band else hi) * w, "You used the other weight band's mg/kg.", 0.5),
            mistake(lo * w, f"Above {num(cap / lo)} kg the dose is capped at {num(cap)} mg.", 0.5),
        ],
    }


# --------------------------------------------------------------------------------------------
# ICAHT (chapter 11)
# --------------------------------------------------------------------------------------------


def draw_early_icaht(rng: random.Random, options: Mapping[str, Any]) -> Params:
    start = rng.randint(1, 4)
    length = rng.choice([0, 2, 4, 6, 8, 10, 12, 14, 16, 20])
    deep = rng.randint(0, min(length, 10))
    counts = []
    for day in range(31):
        if start <= day < start + length:
            offset = day - start
            if offset >= 1 and offset <= deep:
                counts.append(rng.choice([20, 30, 40, 60, 80, 90]))
            else:
                counts.append(rng.choice([150, 220, 300, 380, 450, 490]))
        else:
            counts.append(
                rng.choice([700, 900, 1100, 1300, 1500, 1800, 2100])
                if day < start
                else rng.choice([600, 800, 1000, 1200, 1400, 1600])
            )
    return {"counts": counts}


@register(
    "early_icaht",
    "numeric",
    "31 daily neutrophil counts → early ICAHT grade (immunokit.supportive.early_icaht)",
)
def early_icaht_item(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..supportive import GRADE2_DAYS, GRADE3_DAYS, PROFOUND_ANC, SEVERE_ANC, early_icaht

    counts = params["counts"]
    grade, severe, profound = early_icaht(counts)
    by_500_only = (
        0
        if severe == 0
        else 1
        if severe < GRADE2_DAYS
        else 2
        if severe < GRADE3_DAYS
        else 3
        if severe < 31
        else 4
    )
    return {
        "prompt": (
            "A *hypothetical* patient's neutrophil counts (cells/µL) from day 0 to day +30 after CAR T cells are, "
            f"day by day: {', '.join(str(c) for c in counts)}. What is the early ICAHT grade (0–4)?"
        ),
        "explanation": (
            f"The counts are at or below {num(SEVERE_ANC)}/µL on {severe} days and at or below {num(PROFOUND_ANC)}/µL "
            f"on {profound} days. Grade by both durations (EHA/EBMT consensus) and take the higher: early ICAHT "
            f"grade {grade}."
        ),
        "answer": grade,
        "tolerance": 0,
        "feedback_correct": f"Right — grade {grade} ({severe} days ≤ {num(SEVERE_ANC)}/µL, {profound} days ≤ {num(PROFOUND_ANC)}/µL).",
        "feedback_incorrect": f"Count the days at or below {num(SEVERE_ANC)}/µL and at or below {num(PROFOUND_ANC)}/µL, grade each duration, and take the higher.",
        "mistakes": [
            mistake(
                by_500_only,
                f"That grade uses only the days at or below {num(SEVERE_ANC)}/µL; the days at or below {num(PROFOUND_ANC)}/µL can raise it.",
                0,
            ),
        ],
    }


def draw_late_icaht(rng: random.Random, options: Mapping[str, Any]) -> Params:
    n = rng.randint(3, 6)
    return {
        "counts": [rng.choice([90, 180, 320, 450, 480, 700, 900, 1100, 1250, 1400, 1600]) for _ in range(n)]
    }


@register(
    "late_icaht",
    "numeric",
    "neutrophil counts after day +30 → late ICAHT grade (immunokit.supportive.late_icaht)",
)
def late_icaht_item(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..supportive import LATE_THRESHOLDS, late_icaht

    counts = params["counts"]
    grade = late_icaht(counts)
    assert grade is not None
    single = 0
    for g, threshold in LATE_THRESHOLDS:
        if min(counts) <= threshold:
            single = g
            break
    rules = "; ".join(f"grade {g}: at least two counts ≤ {num(t)}/µL" for g, t in LATE_THRESHOLDS)
    return {
        "prompt": (
            f"After day +30 a *hypothetical* patient's neutrophil counts (cells/µL) are {', '.join(str(c) for c in counts)}. "
            "What is the late ICAHT grade (0–4)?"
        ),
        "explanation": f"A late grade needs at least two counts at or below its threshold ({rules}). Here that gives grade {grade}.",
        "answer": grade,
        "tolerance": 0,
        "feedback_correct": f"Right — late ICAHT grade {grade}.",
        "feedback_incorrect": "Find the most severe threshold that at least two counts reach.",
        "mistakes": [
            mistake(
                single,
                "A single low count is not enough: a late grade needs at least two counts at or below its threshold.",
                0,
            )
        ],
    }


# --------------------------------------------------------------------------------------------
# Target score (chapter 1; review 1) and log-kill (chapter 9)
# --------------------------------------------------------------------------------------------


def draw_target_score(rng: random.Random, options: Mapping[str, Any]) -> Params:
    return {
        "coverage": rng.randint(1, 3),
        "stem": rng.randint(0, 2),
        "mature": rng.randint(0, 2),
        "wstem": rng.choice([1.0, 0.75, 0.5]),
        "wmature": rng.choice([0.5, 1.0, 0.25, 0.75]),
    }


@register(
    "target_score",
    "numeric",
    "antigen properties and weights → the chapter's target score (immunokit.analysis.rank_antigens)",
)
def target_score(params: Params, options: Mapping[str, Any]) -> Fields:
    from ..analysis import rank_antigens

    c, s, m, ws, wm = params["coverage"], params["stem"], params["mature"], params["wstem"], params["wmature"]
    from ..analysis import AntigenRow

    row = AntigenRow("Y", "hypothetical leukemia", c, s, m, "generated")
    (r,) = rank_antigens([row], ws, wm)
    score = r.score
    return {
        "prompt": (
            f"A *hypothetical* antigen \u201cY\u201d, not in the chapter's table, has coverage {c}, stem {s} and mature {m}. "
            f"With weights w~stem~ = {num(ws)} and w~mature~ = {num(wm)}, what is its target score? Give two decimals."
        ),
        "explanation": (
            f"score = (coverage/3) × (1 − w~stem~·stem/2) × (1 − w~mature~·mature/2) = ({c}/3) × "
            f"(1 − {num(ws)}·{s}/2) × (1 − {num(wm)}·{m}/2) = {r.coverage_factor:.3f} × {r.stem_factor:.3f} × {r.mature_factor:.3f} = {score:.2f}."
        ),
        "answer": round(score, 6),
        "tolerance": 0.006,
        "feedback_correct": f"Right — {score:.2f}.",
        "feedback_incorrect": "Multiply the three factors: coverage/3, 1 − w~stem~·stem/2 and 1 − w~mature~·mature/2.",
        "mistakes": [
            mistake(
                c * r.stem_factor * r.mature_factor,
                "Coverage enters as coverage/3, a share between 0 and 1.",
                0.006,
            ),
            mistake(
                r.coverage_factor * (1 - s / 2) * (1 - m / 2),
                "You left out the weights: each penalty is weight × level/2.",
                0.006,
            ),
        ],
    }


def draw_log_kill(rng: random.Random, options: Mapping[str, Any]) -> Params:
    return {"log_cells": rng.randint(8, 14), "log_kill": rng.choice([1, 1.5, 2, 2.5, 3, 3.5, 4, 5])}


@register("log_kill", "numeric", "cells and log-kill per pulse → pulses to go below one cell")
def log_kill(params: Params, options: Mapping[str, Any]) -> Fields:
    a, b = params["log_cells"], params["log_kill"]
    pulses = math.floor(a / b + 1e-9) + 1
    return {
        "prompt": (
            f"A chemotherapy pulse with a log-kill of {num(b)} is given to 10^{a}^ leukemia cells. If nothing "
            "regrows between pulses, how many pulses are needed to bring the count **below** one cell?"
        ),
        "explanation": (
            f"Each pulse divides the count by 10^{num(b)}^: after n pulses, 10 to the power ({a} − {num(b)} × n) cells remain. "
            f"Below one cell needs {a} − {num(b)}n < 0, so n > {num(a / b)}: {pulses} pulses."
        ),
        "answer": pulses,
        "tolerance": 0,
        "feedback_correct": f"Right — {pulses} pulses.",
        "feedback_incorrect": "Each pulse removes log-kill powers of ten; count the pulses until the exponent is negative.",
        "hint": "Each pulse subtracts the log-kill from the power of ten; one cell is 10^0^.",
        "mistakes": [
            mistake(
                pulses - 1,
                f"{pulses - 1} pulses leave {num(10 ** (a - b * (pulses - 1)), 3)} cell(s): not yet below one.",
                0,
            ),
            mistake(a * b, "Pulses divide, they do not multiply: divide the exponent by the log-kill.", 0),
        ],
    }


__all__ = [
    "GENERATORS",
    "STATIC_VARIANTS",
    "Generator",
    "GeneratorError",
    "Variant",
    "canonical",
    "check_options",
    "generate_fields",
    "generator_names",
    "is_public",
    "variants",
]
