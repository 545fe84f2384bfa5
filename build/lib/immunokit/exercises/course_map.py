"""The course map for instructors, computed from the chapters, the quiz banks and the exercise catalogue.

Nothing here is typed by hand, so the map cannot drift from the course: chapter titles and objectives
come from each chapter notebook (``# Title`` and the bullets under ``## What you will learn``), the
stated time from its *Prerequisites and time* line and the estimated time from the time model of
:mod:`immunokit.chapters` (:func:`~immunokit.chapters.estimate_time`), the no-code activities from its
``## Activity without code: …`` sections, quiz coverage from ``book/chNN_*.quiz.yml``, and exercises from
:mod:`immunokit.exercises.catalog`. The instructor guide's page ``book/instructors/course_map.ipynb``
calls :func:`course_map` and shows the result; ``python -m immunokit.exercises.course_map`` prints it as
Markdown (to paste into a syllabus), and ``--unexamined`` lists objectives that no quiz question and no
exercise tests (exit 1 if there are any).
"""

from __future__ import annotations

import argparse
import html
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import chapters
from ..markup import inline_html, plain_text
from ..quiz.bank import BankError, load_bank
from .catalog import exercises
from .generate import repo_root


@dataclass
class ChapterRow:
    """What the map knows about one chapter."""

    chapter: str
    title: str
    notebook: str
    minutes: str
    objectives: list[tuple[str, str]] = field(default_factory=list)
    estimate: chapters.TimeEstimate | None = None
    activities: list[chapters.Activity] = field(default_factory=list)
    quiz_questions: int = 0
    quiz_by_objective: dict[str, int] = field(default_factory=dict)
    exercise_by_objective: dict[str, list[str]] = field(default_factory=dict)
    exercises: list[str] = field(default_factory=list)

    @property
    def number(self) -> int:
        """The chapter number (3 for ``ch03``)."""
        return int(self.chapter[2:])

    def unexamined(self) -> list[str]:
        """Objective ids that no quiz question and no exercise question tests."""
        return [
            oid
            for oid, _ in self.objectives
            if not self.quiz_by_objective.get(oid) and not self.exercise_by_objective.get(oid)
        ]


def read_chapter(notebook: Path) -> ChapterRow:
    """Title, objectives and time of one chapter notebook (parsed by :mod:`immunokit.chapters`)."""
    chapter = chapters.read_chapter(notebook)
    objectives = [(o.id, o.text) for o in chapter.objectives]
    return ChapterRow(
        chapter.id,
        chapter.title,
        notebook.name,
        chapter.minutes or "?",
        objectives,
        chapters.estimate_time(notebook),
        list(chapter.activities()),
    )


def course_rows(root: Path | None = None) -> list[ChapterRow]:
    """One row per chapter notebook in ``book/``, with quiz and exercise coverage filled in."""
    root = root or repo_root()
    rows = {}
    for notebook in sorted((root / "book").glob("ch[0-9][0-9]_*.ipynb")):
        rows[notebook.name[:4]] = read_chapter(notebook)
    for bank in sorted((root / "book").glob("ch[0-9][0-9]_*.quiz.yml")):
        row = rows.get(bank.name[:4])
        if row is None:
            continue
        try:
            questions = load_bank(bank).questions
        except BankError:
            continue  # an invalid bank examines nothing; the bank checks say why
        for quiz_question in questions:
            row.quiz_questions += 1
            oid = quiz_question.objective
            row.quiz_by_objective[oid] = row.quiz_by_objective.get(oid, 0) + 1
    for exercise in exercises():
        row = rows.get(exercise.chapter)
        if row is None:
            continue
        row.exercises.append(exercise.id)
        for question in exercise.questions:
            row.exercise_by_objective.setdefault(question.objective, []).append(question.id)
    return list(rows.values())


def _exercise_cell(row: ChapterRow) -> list[str]:
    from .catalog import find_exercise

    cells = []
    for exercise_id in row.exercises:
        exercise = find_exercise(exercise_id)
        if exercise is not None:
            cells.append(
                f"{exercise.id} ({len(exercise.questions)} questions, {exercise.points:g} points, "
                f"about {exercise.minutes} min)"
            )
    return cells


def _estimate_cell(row: ChapterRow) -> str:
    """The estimate in minutes and its parts: ``"49: 16 reading, 18 quiz, 15 activity"``."""
    return row.estimate.describe() if row.estimate else "?"


def _activity_cell(row: ChapterRow) -> list[str]:
    return [f"{a.title} (about {a.minutes} min)" if a.minutes else a.title for a in row.activities]


def to_markdown(rows: Sequence[ChapterRow]) -> str:
    """The map as two Markdown tables: chapters, then objectives."""
    out = [
        "| Chapter | Time: stated (estimate) | Objectives | Quiz questions | No-code activity | Exercise |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        out.append(
            f"| {row.number}. {plain_text(row.title)} | about {row.minutes} min ({_estimate_cell(row)}) "
            f"| {len(row.objectives)} | {row.quiz_questions} | {'; '.join(_activity_cell(row)) or '—'} "
            f"| {'; '.join(_exercise_cell(row)) or '—'} |"
        )
    out += [
        "",
        "| Objective | What the student can do | Quiz questions | Exercise questions |",
        "| --- | --- | --- | --- |",
    ]
    for row in rows:
        for oid, text in row.objectives:
            exercise_questions = ", ".join(row.exercise_by_objective.get(oid, [])) or "—"
            out.append(
                f"| `{oid}` | {plain_text(text)} | {row.quiz_by_objective.get(oid, 0)} | {exercise_questions} |"
            )
    return "\n".join(out) + "\n"


def to_html(rows: Sequence[ChapterRow]) -> str:
    """The map as two accessible HTML tables (captions, column headers with scope)."""
    esc = html.escape
    head = (
        '<table class="ik-course-map table"><caption>Chapters: time, objectives, quiz, no-code activity and '
        'exercise</caption><thead><tr><th scope="col">Chapter</th>'
        '<th scope="col">Time: stated (estimate)</th><th scope="col">Objectives</th>'
        '<th scope="col">Quiz questions</th><th scope="col">No-code activity</th>'
        '<th scope="col">Exercise</th></tr></thead><tbody>'
    )
    body = "".join(
        f'<tr><th scope="row">{row.number}. {inline_html(row.title)}</th>'
        f"<td>about {esc(row.minutes)} min<br>(estimate {esc(_estimate_cell(row))})</td>"
        f"<td>{len(row.objectives)}</td><td>{row.quiz_questions}</td>"
        f"<td>{'<br>'.join(inline_html(c) for c in _activity_cell(row)) or '—'}</td>"
        f"<td>{'<br>'.join(esc(c) for c in _exercise_cell(row)) or '—'}</td></tr>"
        for row in rows
    )
    second = (
        '</tbody></table><table class="ik-course-map table"><caption>Objectives and what examines them</caption>'
        '<thead><tr><th scope="col">Objective</th><th scope="col">What the student can do</th>'
        '<th scope="col">Quiz questions</th><th scope="col">Exercise questions</th></tr></thead><tbody>'
    )
    objective_rows = "".join(
        f'<tr><th scope="row"><code>{esc(oid)}</code></th><td>{inline_html(text)}</td>'
        f"<td>{row.quiz_by_objective.get(oid, 0)}</td>"
        f"<td>{esc(', '.join(row.exercise_by_objective.get(oid, [])) or '—')}</td></tr>"
        for row in rows
        for oid, text in row.objectives
    )
    return head + body + second + objective_rows + "</tbody></table>"


# ---- Bloom levels of the quiz items (every bank, the Part reviews included) ------------------


@dataclass
class BloomRow:
    """Quiz items of one bank per Bloom level (``level`` field of each question)."""

    bank: str
    label: str
    levels: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.levels.values())

    @property
    def higher(self) -> int:
        """Items at apply or above."""
        from ..quiz.bank import HIGHER_ORDER

        return sum(n for level, n in self.levels.items() if level in HIGHER_ORDER)


def bloom_rows(root: Path | None = None) -> list[BloomRow]:
    """One row per bank (chapters, then Part reviews), counting items per level."""
    from ..quiz.bank import load_bank

    root = root or repo_root()
    banks = sorted((root / "book").glob("ch[0-9][0-9]_*.quiz.yml")) + sorted(
        (root / "book").glob("review[0-9]*.quiz.yml")
    )
    out = []
    for path in banks:
        bank = load_bank(path)
        row = BloomRow(path.name.removesuffix(".quiz.yml"), bank.chapter)
        for q in bank.questions:
            row.levels[q.level] = row.levels.get(q.level, 0) + 1
        out.append(row)
    return out


def higher_order_share(rows: Sequence[BloomRow]) -> float:
    """Share of all items at apply or above (0–1)."""
    total = sum(r.total for r in rows)
    return sum(r.higher for r in rows) / total if total else 0.0


def bloom_markdown(rows: Sequence[BloomRow]) -> str:
    """Items per Bloom level per bank, with the share at apply or above, as a Markdown table."""
    from ..quiz.bank import LEVELS

    out = [
        "| Bank | " + " | ".join(LEVELS) + " | Items | Apply or above |",
        "| --- | " + " | ".join("---" for _ in LEVELS) + " | --- | --- |",
    ]
    for r in [*rows, _course_total(rows)]:
        share = f"{r.higher} ({100 * r.higher / r.total:.0f} %)" if r.total else "—"
        out.append(
            f"| {r.label} | "
            + " | ".join(str(r.levels.get(lv, 0)) for lv in LEVELS)
            + f" | {r.total} | {share} |"
        )
    return "\n".join(out) + "\n"


def _course_total(rows: Sequence[BloomRow]) -> BloomRow:
    total = BloomRow("course", "Whole course")
    for r in rows:
        for level, n in r.levels.items():
            total.levels[level] = total.levels.get(level, 0) + n
    return total


def bloom_html(rows: Sequence[BloomRow]) -> str:
    """The Bloom table as an accessible HTML table."""
    from ..quiz.bank import LEVELS

    esc = html.escape
    head = "".join(f'<th scope="col">{esc(lv)}</th>' for lv in LEVELS)
    body = ""
    for r in [*rows, _course_total(rows)]:
        share = f"{r.higher} ({100 * r.higher / r.total:.0f} %)" if r.total else "—"
        cells = "".join(f"<td>{r.levels.get(lv, 0)}</td>" for lv in LEVELS)
        body += f'<tr><th scope="row">{esc(r.label)}</th>{cells}<td>{r.total}</td><td>{esc(share)}</td></tr>'
    return (
        '<table class="ik-course-map table"><caption>Quiz items per Bloom level (revised taxonomy)</caption>'
        f'<thead><tr><th scope="col">Bank</th>{head}<th scope="col">Items</th>'
        f'<th scope="col">Apply or above</th></tr></thead><tbody>{body}</tbody></table>'
    )


@dataclass
class CourseMap:
    """The map, rendered as HTML in notebooks and the book, and as Markdown in plain text."""

    rows: list[ChapterRow]
    bloom: list[BloomRow] = field(default_factory=list)

    def _repr_html_(self) -> str:
        return to_html(self.rows) + (bloom_html(self.bloom) if self.bloom else "")

    def _repr_markdown_(self) -> str:
        return to_markdown(self.rows) + ("\n" + bloom_markdown(self.bloom) if self.bloom else "")

    def __repr__(self) -> str:
        return self._repr_markdown_()

    def unexamined(self) -> list[str]:
        """Every objective that no quiz question and no exercise tests."""
        return [oid for row in self.rows for oid in row.unexamined()]


def course_map(root: Path | None = None) -> CourseMap:
    """The course map of the repository at ``root`` (default: this checkout)."""
    return CourseMap(course_rows(root), bloom_rows(root))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m immunokit.exercises.course_map", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--unexamined", action="store_true", help="list objectives nothing examines; exit 1 if any"
    )
    args = parser.parse_args(argv)
    cmap = course_map()
    if args.unexamined:
        missing = cmap.unexamined()
        for oid in missing:
            print(f"not examined by any quiz question or exercise: {oid}")
        print(f"{len(missing)} unexamined objective(s)")
        return 1 if missing else 0
    sys.stdout.write(cmap._repr_markdown_())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
