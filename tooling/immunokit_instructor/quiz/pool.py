"""The instructor's secure pool: generated items as QTI question groups and GIFT categories, with keys.

``python -m immunokit_instructor.quiz export --seed SECRET --variants N --out DIR`` writes, for every bank of the
course (or the banks named)::

    DIR/qti/<bank>.zip      IMS QTI 1.2 (text2qti): each generated item is a question group of its N
                            variants with "pick: 1", so the LMS draws one variant per student; fixed items
                            stand alone. Written items are essays worth their rubric's points.
    DIR/gift/<bank>.gift    Moodle GIFT: each generated item's N variants in a category of their own
                            ($course$/Leukemia Immunotherapy/<chapter>/<item id>), ready for a "random
                            question" from that category; fixed items in the chapter's category.
    DIR/keys/<bank>.md      the answer key of every variant (its parameters, answer and tolerance).

Variants come from the generators' *secure* half of the parameter space, drawn with ``SECRET``
(:func:`immunokit.quiz.generators.variants`): none equals a public practice variant of the book, and the
same secret gives the same pool again. Keep the secret and the files away from students.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from immunokit.quiz.bank import Bank, QuizQuestion, variant_question
from immunokit.quiz.generators import GeneratorError, variants
from immunokit_instructor.quiz.export import gift_question, key_question


@dataclass(frozen=True)
class PoolItem:
    """One bank item and the questions an LMS draws from (one for a fixed item, N for a generated one)."""

    base: QuizQuestion
    questions: tuple[QuizQuestion, ...]
    params: tuple[str, ...] = ()


def secure_pool(bank: Bank, secret: str, n: int) -> list[PoolItem]:
    """Every item of ``bank``; generated ones with ``n`` distinct secure variants drawn with ``secret``."""
    if n < 1:
        raise ValueError(f"--variants must be at least 1, not {n}")
    out = []
    used: set[tuple[str, str]] = set()  # two items of a bank with one generator never share a variant
    for q in bank.questions:
        if q.generator is None:
            out.append(PoolItem(q, (q,)))
            continue
        fresh = (
            v
            for v in variants(
                q.generator, q.id, pool="secure", secret=secret, options=dict(q.generator_options)
            )
            if (q.generator, v.key) not in used
        )
        drawn = list(itertools.islice(fresh, n))
        used.update((q.generator, v.key) for v in drawn)
        if len(drawn) < n:
            raise GeneratorError(
                f"{bank.path.name}: item {q.id!r} (generator {q.generator!r}) has only {len(drawn)} secure "
                f"variants; ask for at most {len(drawn)}"
            )
        out.append(PoolItem(q, tuple(variant_question(q, v) for v in drawn), tuple(v.key for v in drawn)))
    return out


def _variant_id(q: QuizQuestion, k: int) -> QuizQuestion:
    from dataclasses import replace

    return replace(q, id=f"{q.id}-v{k + 1}")


def pool_gift(bank: Bank, pool: Sequence[PoolItem]) -> str:
    """GIFT with one category per generated item (its variants) and the chapter's category for the rest."""
    base = f"$course$/Leukemia Immunotherapy/{bank.chapter}"
    head = [f"// Secure pool of {bank.path.name} (chapter {bank.chapter}), exported by immunokit.quiz", ""]
    fixed = [gift_question(p.base) for p in pool if p.base.generator is None]
    parts = ["\n".join(head), f"$CATEGORY: {base}\n\n" + "\n\n".join(fixed)]
    for p in pool:
        if p.base.generator is None:
            continue
        body = "\n\n".join(gift_question(_variant_id(q, k)) for k, q in enumerate(p.questions))
        parts.append(
            f"// {p.base.id}: {len(p.questions)} variants; add a random question from this category\n"
            f"$CATEGORY: {base}/{p.base.id}\n\n{body}"
        )
    return "\n\n".join(parts) + "\n"


def pool_text2qti(bank: Bank, pool: Sequence[PoolItem]) -> str:
    """The bank in text2qti's format, each generated item a GROUP of its variants with ``pick: 1``."""
    from immunokit_instructor.quiz.qti import QUIZ_OPTIONS, question_text

    lines = [
        f"Quiz title: Leukemia Immunotherapy — {bank.chapter} (secure pool)",
        f"Quiz description: {len(pool)} questions; each generated question draws one of its variants per student.",
        *QUIZ_OPTIONS,
        "",
    ]
    number = 1
    blocks = []
    for p in pool:
        if p.base.generator is None:
            blocks.append(question_text(p.base, number))
            number += 1
            continue
        group = ["GROUP", "pick: 1", "points per question: 1", ""]
        for k, q in enumerate(p.questions):
            group.append(question_text(_variant_id(q, k), number))
            group.append("")
            number += 1
        group.append("END_GROUP")
        blocks.append("\n".join(group))
    return "\n".join(lines) + "\n" + "\n\n".join(blocks) + "\n"


def pool_key(bank: Bank, pool: Sequence[PoolItem], secret_hint: str) -> str:
    """A Markdown key: every variant of every generated item with its parameters, then the fixed items."""
    out = [
        f"# Secure pool key: {bank.path.name} (chapter {bank.chapter})",
        "",
        f"For instructors only. Drawn with the secret seed ending …{secret_hint}. Variant ids are the item id "
        "and -v1, -v2, … as in the QTI and GIFT files.",
        "",
    ]
    number = 1
    for p in pool:
        for k, q in enumerate(p.questions):
            qq = _variant_id(q, k) if p.base.generator else q
            text = key_question(qq, number)
            if p.base.generator:
                text += f"\n*Parameters:* `{json.dumps(json.loads(p.params[k]), ensure_ascii=False)}`\n"
            out.append(text)
            number += 1
    return "\n".join(out)


def write_pool(banks: Sequence[Bank], secret: str, n: int, outdir: str | Path) -> list[Path]:
    """Write QTI, GIFT and the key of every bank's secure pool into ``outdir``; return the paths."""
    from text2qti.config import Config  # type: ignore[import-untyped]
    from text2qti.qti import QTI  # type: ignore[import-untyped]
    from text2qti.quiz import Quiz as T2Quiz  # type: ignore[import-untyped]

    from immunokit_instructor.quiz.qti import partial_titles, save_qti

    outdir = Path(outdir)
    for sub in ("qti", "gift", "keys"):
        (outdir / sub).mkdir(parents=True, exist_ok=True)
    written = []
    hint = secret[-2:] if len(secret) > 6 else "…"
    for bank in banks:
        pool = secure_pool(bank, secret, n)
        stem = bank.path.name.removesuffix(".quiz.yml")
        gift = outdir / "gift" / f"{stem}.gift"
        gift.write_text(pool_gift(bank, pool), encoding="utf-8")
        key = outdir / "keys" / f"{stem}.md"
        key.write_text(pool_key(bank, pool, hint), encoding="utf-8")
        qti = outdir / "qti" / f"{stem}.zip"
        quiz = T2Quiz(pool_text2qti(bank, pool), config=Config(), source_name=str(outdir / f"{stem}.txt"))
        save_qti(QTI(quiz), qti, partial_titles(q for p in pool for q in p.questions))
        written += [qti, gift, key]
    return written


__all__ = ["PoolItem", "pool_gift", "pool_key", "pool_text2qti", "secure_pool", "write_pool"]
