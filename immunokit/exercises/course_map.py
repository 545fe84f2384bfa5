"""The course map for instructors, computed from the chapters, the quiz banks and the exercise catalogue.

Nothing here is typed by hand, so the map cannot drift from the course: chapter titles and objectives
come from each chapter notebook (``# Title`` and the bullets under ``## What you will learn``), time
from its *Prerequisites and time* line, quiz coverage from ``book/chNN_*.quiz.yml``, and exercises from
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
    return ChapterRow(chapter.id, chapter.title, notebook.name, chapter.minutes or "?", objectives)


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


def to_markdown(rows: Sequence[ChapterRow]) -> str:
    """The map as two Markdown tables: chapters, then objectives."""
    out = [
        "| Chapter | Reading and model time | Objectives | Quiz questions | Exercise |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        out.append(
            f"| {row.number}. {plain_text(row.title)} | about {row.minutes} min | {len(row.objectives)} "
            f"| {row.quiz_questions} | {'; '.join(_exercise_cell(row)) or '—'} |"
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
        '<table class="ik-course-map table"><caption>Chapters: time, objectives, quiz and exercise</caption>'
        '<thead><tr><th scope="col">Chapter</th><th scope="col">Reading and model time</th>'
        '<th scope="col">Objectives</th><th scope="col">Quiz questions</th><th scope="col">Exercise</th></tr></thead><tbody>'
    )
    body = "".join(
        f'<tr><th scope="row">{row.number}. {inline_html(row.title)}</th>'
        f"<td>about {esc(row.minutes)} min</td><td>{len(row.objectives)}</td><td>{row.quiz_questions}</td>"
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


@dataclass
class CourseMap:
    """The map, rendered as HTML in notebooks and the book, and as Markdown in plain text."""

    rows: list[ChapterRow]

    def _repr_html_(self) -> str:
        return to_html(self.rows)

    def _repr_markdown_(self) -> str:
        return to_markdown(self.rows)

    def __repr__(self) -> str:
        return to_markdown(self.rows)

    def unexamined(self) -> list[str]:
        """Every objective that no quiz question and no exercise tests."""
        return [oid for row in self.rows for oid in row.unexamined()]


def course_map(root: Path | None = None) -> CourseMap:
    """The course map of the repository at ``root`` (default: this checkout)."""
    return CourseMap(course_rows(root))


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
    sys.stdout.write(to_markdown(cmap.rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
