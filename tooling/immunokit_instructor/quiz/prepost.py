"""A pre/post concept inventory: two parallel forms of generated items, and an item-level gain report.

``python -m immunokit_instructor.quiz prepost --seed SECRET [--items 12] --out DIR`` (``make export
SECRET=…``) picks 10–14 generated items spread over every Part of the course and writes two parallel
forms, **A** (give it before the course) and **B** (after it), exported like the secure pool::

    DIR/form-A.zip, DIR/form-B.zip      IMS QTI 1.2 (text2qti), results and answers hidden from students
    DIR/form-A.gift, DIR/form-B.gift    Moodle GIFT
    DIR/form-A-key.md, DIR/form-B-key.md  the answer key of each form, with each variant's parameters
    DIR/results-template.csv            the header of the CSV that ``prepost-report`` reads

Both forms ask the same items (same ids, same objective, same kind of computation) with different numbers:
for every item, form B's variant is never form A's, and both come from the generators' secure half of the
parameter space, so neither equals a public practice variant of the book. Items are chosen from the
chapter banks (not the reviews), one per objective, in turn from each chapter of a Part, preferring items
on new material (``-new-`` ids); the choice depends on the banks only, the numbers on the secret.

``python -m immunokit_instructor.quiz prepost-report PRE.csv POST.csv [--out REPORT.md]`` reads the two
result files and prints, per item, the share of students correct before and after and the normalized
gain ``g = (post − pre) / (100 − pre)`` (Hake 1998), then the class average gain from the class's average
scores. Only students present in both files count (the report says how many were left out).

The CSV format (one file per test; the instructor guide's quiz page shows an example)::

    student,ch01-new-antigen-score,ch02-new-abstract-per100,…
    s001,1,0,…
    s002,0.5,,…

* the header's first cell is ``student``; every other cell is an item id of the inventory (the QTI
  question titles and GIFT names of both forms), each once; both files need the same items, in any order;
* one row per student: an identifier (unique in the file; the same one in both files), then per item ``1``
  (correct), ``0`` (incorrect), a fraction between 0 and 1 (partial credit), or an empty cell (not
  answered, counted as incorrect and reported).

Every problem of both files is reported with its file and line, and the report is not written.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from immunokit.quiz.bank import Bank, BankError, QuizQuestion, load_bank, variant_question
from immunokit.quiz.generators import GeneratorError, variants
from immunokit_build import ROOT
from immunokit_instructor.quiz.export import gift_question, key_question

MIN_ITEMS, MAX_ITEMS = 10, 14
#: Generators whose exact answers need software the course teaches only in a live notebook (issue 23).
NEEDS_SOFTWARE = frozenset({"exact_ci_lower", "exact_ci_choice"})


class PrepostError(ValueError):
    """Malformed input; ``messages`` names every problem with its file and line."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


# ------------------------------------------------------------------------------------------------
# The two forms
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InventoryItem:
    """One item of the inventory: its Part, the bank item, and its variant on form A and on form B."""

    part: str
    base: QuizQuestion
    form_a: QuizQuestion
    form_b: QuizQuestion
    params_a: str
    params_b: str


def course_parts(root: Path) -> list[tuple[str, list[Bank]]]:
    """The Parts of ``_toc.yml`` (captions starting "Part") and the chapter banks of each, in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8")) or {}
    parts = []
    for part in toc.get("parts", []):
        caption = str(part.get("caption", ""))
        if not caption.startswith("Part"):
            continue
        banks = []
        for entry in part.get("chapters", []):
            file = Path(str(entry.get("file", "")))
            bank = root / f"{file}.quiz.yml"
            if bank.exists() and file.name.startswith("ch"):
                banks.append(load_bank(bank))
        parts.append((caption, banks))
    return parts


def _candidates(banks: Sequence[Bank]) -> list[QuizQuestion]:
    """Generated items of a Part, one per objective, taken in turn from each chapter."""
    per_chapter = []
    seen: set[str] = set()
    for bank in banks:
        gen = [q for q in bank.questions if q.generator is not None]
        # new material first, items needing software last, otherwise bank order
        gen.sort(key=lambda q: (q.generator in NEEDS_SOFTWARE, "-new-" not in q.id))
        chosen = []
        for q in gen:
            if q.objective not in seen:
                seen.add(q.objective)
                chosen.append(q)
        per_chapter.append(chosen)
    turns = [q for row in itertools.zip_longest(*per_chapter) for q in row if q is not None]
    return sorted(turns, key=lambda q: q.generator in NEEDS_SOFTWARE)  # stable: software last


def select_items(root: Path, n: int = 12) -> list[tuple[str, QuizQuestion]]:
    """``n`` generated items (10–14) spread as evenly as the banks allow over every Part."""
    if not MIN_ITEMS <= n <= MAX_ITEMS:
        raise PrepostError([f"--items must be between {MIN_ITEMS} and {MAX_ITEMS}, not {n}"])
    parts = [(caption, _candidates(banks)) for caption, banks in course_parts(root)]
    empty = [caption for caption, cands in parts if not cands]
    if not parts or empty:
        raise PrepostError(
            [f"no generated item in {c!r}: every Part needs one" for c in empty] or ["no Parts"]
        )
    quota = {caption: 0 for caption, _ in parts}
    while sum(quota.values()) < n:
        open_parts = [(c, cands) for c, cands in parts if quota[c] < len(cands)]
        # an item that needs software only when no Part has another one left
        easy = [(c, cands) for c, cands in open_parts if cands[quota[c]].generator not in NEEDS_SOFTWARE]
        open_parts = easy or open_parts
        if not open_parts:
            total = sum(len(c) for _, c in parts)
            raise PrepostError([f"the banks have only {total} eligible generated items; ask for fewer"])
        caption = min(open_parts, key=lambda pc: quota[pc[0]])[0]  # the Part with the fewest so far
        quota[caption] += 1
    return [(caption, q) for caption, cands in parts for q in cands[: quota[caption]]]


def build_forms(root: Path, secret: str, n: int = 12) -> list[InventoryItem]:
    """The inventory: for each selected item, two different secure variants drawn with ``secret``."""
    if not secret.strip():
        raise PrepostError(["--seed needs a non-empty secret"])
    used: set[tuple[str, str]] = set()
    out = []
    for part, q in select_items(root, n):
        assert q.generator is not None
        fresh = (
            v
            for v in variants(
                q.generator,
                q.id,
                pool="secure",
                secret=f"prepost:{secret}",
                options=dict(q.generator_options),
            )
            if (q.generator, v.key) not in used
        )
        drawn = list(itertools.islice(fresh, 2))
        if len(drawn) < 2:
            raise GeneratorError(f"item {q.id!r}: fewer than two secure variants for the two forms")
        used.update((q.generator, v.key) for v in drawn)
        a, b = (variant_question(q, v) for v in drawn)
        out.append(InventoryItem(part, q, a, b, drawn[0].key, drawn[1].key))
    return out


def _form_questions(items: Sequence[InventoryItem], form: str) -> list[tuple[QuizQuestion, str]]:
    return [(i.form_a, i.params_a) if form == "A" else (i.form_b, i.params_b) for i in items]


def form_text2qti(items: Sequence[InventoryItem], form: str) -> str:
    """One form in text2qti's format (question titles are the item ids, the same on both forms)."""
    from immunokit_instructor.quiz.qti import QUIZ_OPTIONS, question_text

    when = "before the course" if form == "A" else "after the course"
    head = [
        f"Quiz title: Leukemia Immunotherapy — concept inventory, form {form} ({when})",
        f"Quiz description: {len(items)} questions, one per concept; not graded for credit.",
        *QUIZ_OPTIONS,
        "",
    ]
    body = "\n\n".join(question_text(q, k + 1) for k, (q, _p) in enumerate(_form_questions(items, form)))
    return "\n".join(head) + "\n" + body + "\n"


def form_gift(items: Sequence[InventoryItem], form: str) -> str:
    """One form in GIFT, in its own category."""
    head = f"// Concept inventory, form {form}, exported by immunokit_instructor.quiz prepost"
    category = f"$CATEGORY: $course$/Leukemia Immunotherapy/concept inventory/form {form}"
    body = "\n\n".join(gift_question(q) for q, _p in _form_questions(items, form))
    return f"{head}\n{category}\n\n{body}\n"


def form_key(items: Sequence[InventoryItem], form: str, secret_hint: str) -> str:
    """The answer key of one form, with each variant's parameters and its Part."""
    out = [
        f"# Concept inventory, form {form}: answer key",
        "",
        f"For instructors only. Drawn with the secret seed ending …{secret_hint}. Item ids are the column "
        "names of the results CSV (see the instructor guide).",
        "",
    ]
    for k, (item, (q, params)) in enumerate(zip(items, _form_questions(items, form), strict=True)):
        out.append(key_question(q, k + 1))
        out.append(
            f"*Part:* {item.part} · *Parameters:* `{json.dumps(json.loads(params), ensure_ascii=False)}`\n"
        )
    return "\n".join(out)


def write_forms(items: Sequence[InventoryItem], secret: str, outdir: str | Path) -> list[Path]:
    """Write QTI, GIFT and key of both forms and the results template; return the paths."""
    from text2qti.config import Config  # type: ignore[import-untyped]
    from text2qti.qti import QTI  # type: ignore[import-untyped]
    from text2qti.quiz import Quiz as T2Quiz  # type: ignore[import-untyped]

    from immunokit_instructor.quiz.qti import partial_titles, save_qti

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    hint = secret[-2:] if len(secret) > 6 else "…"
    written = []
    for form in ("A", "B"):
        qti = outdir / f"form-{form}.zip"
        quiz = T2Quiz(
            form_text2qti(items, form), config=Config(), source_name=str(outdir / f"form-{form}.txt")
        )
        save_qti(QTI(quiz), qti, partial_titles(q for q, _p in _form_questions(items, form)))
        gift = outdir / f"form-{form}.gift"
        gift.write_text(form_gift(items, form), encoding="utf-8")
        key = outdir / f"form-{form}-key.md"
        key.write_text(form_key(items, form, hint), encoding="utf-8")
        written += [qti, gift, key]
    template = outdir / "results-template.csv"
    template.write_text("student," + ",".join(i.base.id for i in items) + "\n", encoding="utf-8")
    return [*written, template]


# ------------------------------------------------------------------------------------------------
# Results and the report
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Results:
    """One results CSV: the item ids (header order) and each student's score per item (None: blank)."""

    path: Path
    items: tuple[str, ...]
    scores: dict[str, dict[str, float | None]]


def read_results(path: str | Path) -> Results:
    """Read a results CSV; raise :class:`PrepostError` naming every problem with file and line."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PrepostError([f"{name}: cannot read ({exc.strerror})"]) from exc
    except UnicodeDecodeError as exc:
        raise PrepostError([f"{name}: not UTF-8 text ({exc.reason})"]) from exc
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise PrepostError([f"{name}:1: empty; expected a header 'student,<item id>,<item id>,…'"])
    problems: list[str] = []
    header = [c.strip() for c in rows[0]]
    if header[0].lower() != "student":
        problems.append(f"{name}:1: the first column must be 'student', not {header[0]!r}")
    items = header[1:]
    if not items:
        problems.append(f"{name}:1: no item columns after 'student'")
    for k, item in enumerate(items, start=2):
        if not item:
            problems.append(f"{name}:1: column {k} has no item id")
    for item in sorted({i for i in items if i and items.count(i) > 1}):
        problems.append(f"{name}:1: item {item!r} is a column twice")
    scores: dict[str, dict[str, float | None]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) != len(header):
            problems.append(f"{name}:{line}: {len(row)} cells, but the header has {len(header)}")
            continue
        student = row[0].strip()
        if not student:
            problems.append(f"{name}:{line}: no student identifier in the first cell")
            continue
        if student in scores:
            problems.append(f"{name}:{line}: student {student!r} appears a second time")
            continue
        got: dict[str, float | None] = {}
        for item, cell in zip(items, row[1:], strict=True):
            cell = cell.strip()
            if not cell:
                got[item] = None
                continue
            try:
                value = float(cell)
            except ValueError:
                problems.append(
                    f"{name}:{line}: {item}: {cell!r} is not a score (write 1, 0, a fraction such as 0.5, "
                    "or leave it empty)"
                )
                continue
            if not 0 <= value <= 1:
                problems.append(f"{name}:{line}: {item}: {cell} is outside 0–1 (1 is correct, 0 incorrect)")
                continue
            got[item] = value
        scores[student] = got
    if not scores and not problems:
        problems.append(f"{name}: no student rows after the header")
    if problems:
        raise PrepostError(problems)
    return Results(path, tuple(items), scores)


@dataclass(frozen=True)
class ItemGain:
    """One item of the report (percentages over the matched students)."""

    item: str
    pre_percent: float
    post_percent: float
    gain: float | None  # None when every student was already correct before
    blanks_pre: int
    blanks_post: int


@dataclass(frozen=True)
class Report:
    items: tuple[ItemGain, ...]
    matched: int
    only_pre: tuple[str, ...]
    only_post: tuple[str, ...]
    pre_average: float
    post_average: float
    class_gain: float | None


def normalized_gain(pre_percent: float, post_percent: float) -> float | None:
    """Hake's normalized gain ``(post − pre) / (100 − pre)``; ``None`` when ``pre`` is 100 %."""
    if pre_percent >= 100:
        return None
    return (post_percent - pre_percent) / (100 - pre_percent)


def compare(pre: Results, post: Results) -> Report:
    """Per-item and class gains over the students present in both files."""
    problems = []
    missing = [i for i in pre.items if i not in post.items]
    extra = [i for i in post.items if i not in pre.items]
    if missing:
        problems.append(f"{post.path}:1: no column for item(s) {', '.join(missing)} of {pre.path}")
    if extra:
        problems.append(f"{post.path}:1: item(s) {', '.join(extra)} are not in {pre.path}")
    matched = [s for s in pre.scores if s in post.scores]
    if not problems and not matched:
        problems.append(f"{pre.path} and {post.path}: no student appears in both files")
    if problems:
        raise PrepostError(problems)
    n = len(matched)
    rows = []
    for item in pre.items:
        before = [pre.scores[s][item] for s in matched]
        after = [post.scores[s][item] for s in matched]
        pre_pc = 100 * sum(v or 0.0 for v in before) / n
        post_pc = 100 * sum(v or 0.0 for v in after) / n
        rows.append(
            ItemGain(
                item,
                pre_pc,
                post_pc,
                normalized_gain(pre_pc, post_pc),
                sum(v is None for v in before),
                sum(v is None for v in after),
            )
        )
    pre_avg = sum(r.pre_percent for r in rows) / len(rows)
    post_avg = sum(r.post_percent for r in rows) / len(rows)
    return Report(
        tuple(rows),
        n,
        tuple(s for s in pre.scores if s not in post.scores),
        tuple(s for s in post.scores if s not in pre.scores),
        pre_avg,
        post_avg,
        normalized_gain(pre_avg, post_avg),
    )


def _band(g: float | None) -> str:
    """Hake's bands: high ≥ 0.7, medium 0.3–0.7, low < 0.3 (negative: a loss)."""
    if g is None:
        return "all correct before"
    if g < 0:
        return "loss"
    return "high" if g >= 0.7 else "medium" if g >= 0.3 else "low"


def _g(g: float | None) -> str:
    return "—" if g is None else f"{g:.2f}"


def report_markdown(rep: Report, pre: Path, post: Path) -> str:
    """The report as Markdown: a table per item, then the class."""
    out = [
        "# Concept inventory: pre/post report",
        "",
        f"Pre-test: `{pre}` · post-test: `{post}` · {rep.matched} students in both "
        "(percentages are over them; an empty cell counts as incorrect).",
        "",
        "| item | pre % correct | post % correct | normalized gain | band | unanswered (pre/post) |",
        "| --- | ---: | ---: | ---: | --- | ---: |",
    ]
    for r in rep.items:
        out.append(
            f"| {r.item} | {r.pre_percent:.1f} | {r.post_percent:.1f} | {_g(r.gain)} | {_band(r.gain)} | "
            f"{r.blanks_pre}/{r.blanks_post} |"
        )
    out += [
        "",
        f"**Class:** average {rep.pre_average:.1f} % correct before, {rep.post_average:.1f} % after; "
        f"class average normalized gain ⟨g⟩ = {_g(rep.class_gain)} ({_band(rep.class_gain)}), computed from "
        "the class's average scores: (post − pre) / (100 − pre).",
        "",
        "Normalized gain g = (post − pre) / (100 − pre): the share of what was still to learn that was "
        "learned. Bands after Hake (1998): high ≥ 0.7, medium 0.3–0.7, low < 0.3. Items in the low band "
        "or with a loss are where the course (or the item) needs a look.",
    ]
    if rep.only_pre or rep.only_post:
        out += [
            "",
            f"Left out: {len(rep.only_pre)} student(s) only in the pre-test ({', '.join(rep.only_pre) or '—'}), "
            f"{len(rep.only_post)} only in the post-test ({', '.join(rep.only_post) or '—'}).",
        ]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------------
# Command line (wired in __main__)
# ------------------------------------------------------------------------------------------------


def main_prepost(args: argparse.Namespace) -> int:
    try:
        items = build_forms(ROOT, args.seed or "", args.items)
        written = write_forms(items, args.seed, args.out)
    except PrepostError as exc:
        for m in exc.messages:
            print(f"prepost: {m}", file=sys.stderr)
        return 2
    except (BankError, GeneratorError) as exc:
        print(exc, file=sys.stderr)
        return 1
    parts = sorted({i.part for i in items})
    print(
        f"wrote {len(written)} files into {args.out}: {len(items)} items over {len(parts)} Parts, forms A and B"
    )
    return 0


def main_report(args: argparse.Namespace) -> int:
    problems = []
    results = []
    for path in (args.pre, args.post):
        try:
            results.append(read_results(path))
        except PrepostError as exc:
            problems += exc.messages
    if not problems:
        try:
            rep = compare(results[0], results[1])
        except PrepostError as exc:
            problems += exc.messages
    if problems:
        for m in problems:
            print(m, file=sys.stderr)
        print(f"prepost-report: {len(problems)} problem(s); no report written", file=sys.stderr)
        return 1
    text = report_markdown(rep, Path(args.pre), Path(args.post))
    print(text, end="")
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


__all__ = [
    "InventoryItem",
    "PrepostError",
    "Report",
    "Results",
    "build_forms",
    "compare",
    "normalized_gain",
    "read_results",
    "report_markdown",
    "select_items",
    "write_forms",
]
