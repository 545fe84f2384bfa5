"""The instructor's classroom kit maps every chapter objective to one course outcome (issue 18)."""

from __future__ import annotations

import re
from pathlib import Path

from immunokit.quiz.bank import chapter_objectives

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "instructors" / "classroom.md"


def _outcome_rows() -> dict[str, list[str]]:
    rows = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*\*\*(CO\d)\*\*", line)
        if match:
            rows[match.group(1)] = re.findall(r"`(ch\d{2}-o\d+)`", line)
    return rows


def test_every_objective_maps_to_exactly_one_course_outcome() -> None:
    rows = _outcome_rows()
    assert len(rows) >= 5
    mapped = [o for objectives in rows.values() for o in objectives]
    defined = set().union(
        *(chapter_objectives(p) for p in sorted((ROOT / "book").glob("ch[0-9][0-9]_*.ipynb")))
    )
    assert not defined - set(mapped), f"objectives in no course outcome: {sorted(defined - set(mapped))}"
    assert not set(mapped) - defined, (
        f"the table names objectives no chapter defines: {sorted(set(mapped) - defined)}"
    )
    twice = sorted({o for o in mapped if mapped.count(o) > 1})
    assert not twice, f"objectives in two outcomes: {twice}"


def test_every_chapter_has_a_discussion_prompt_and_an_activity() -> None:
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("## Discussion prompts and in-class activities", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if re.match(r"\|\s*\d+\s*\|", line)]
    numbers = [int(line.split("|")[1]) for line in rows]
    chapters = sorted(int(p.name[2:4]) for p in (ROOT / "book").glob("ch[0-9][0-9]_*.ipynb"))
    assert numbers == chapters
    assert all(len([c for c in line.split("|") if c.strip()]) == 3 for line in rows)


def test_schedules_of_4_10_and_14_weeks_and_weights_that_add_up() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for weeks in (4, 10, 14):
        assert f"**{weeks} weeks" in text
    weights = text.split("## Suggested assessment weights", 1)[1].split("\n## ", 1)[0]
    assert sum(int(w) for w in re.findall(r"\|\s*(\d+) %\s*\|", weights)) == 100
