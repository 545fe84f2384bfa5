"""Learning design checks of issue 18 that read every chapter through :mod:`immunokit.chapters`.

* every chapter (ch01–ch11) has at least one no-code activity (``## Activity without code: …``) with
  its time and a model answer the reader can open, and the instructor's course map lists it, derived
  from the chapter;
* every chapter's and review's quiz bank has at least 40 % of its items at Bloom level apply or above,
  counted by what the items' text supports (new material), not by the labels the banks declare;
* every chapter's stated time brackets the estimate of the time model (or is within 25 % of it), and
  the course map shows both.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from immunokit.chapters import (
    WORDS_PER_MINUTE,
    check_activities,
    check_time,
    estimate_time,
    read_chapter,
    stated_range,
    time_model,
)

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = sorted(BOOK.glob("ch[0-9][0-9]_*.ipynb"))
each_chapter = pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])


def test_the_chapters_to_check_are_numbered_from_one_without_gaps() -> None:
    numbers = [int(p.name[2:4]) for p in CHAPTERS]
    assert len(numbers) >= 11 and numbers == list(range(1, len(numbers) + 1)), numbers


@each_chapter
def test_every_chapter_has_a_no_code_activity_with_a_model_answer(path: Path) -> None:
    assert check_activities(path) == []
    activity = read_chapter(path).activities()[0]
    # The model answer is real text, not an empty <details>, and the activity sits before the quiz.
    assert len(activity.model_answer.split()) >= 40, activity.title
    markdown = read_chapter(path).markdown
    assert markdown.index("## Activity without code:") < markdown.index("## Check your understanding")


def test_a_chapter_without_an_activity_or_without_a_model_answer_is_named(tmp_path: Path) -> None:
    source = json.loads(CHAPTERS[0].read_text(encoding="utf-8"))
    for cell in source["cells"]:
        text = "".join(cell["source"])
        if "## Activity without code:" in text:
            cell["source"] = text.replace("<summary>Answers</summary>", "<summary>More</summary>")
    broken = tmp_path / CHAPTERS[0].name
    broken.write_text(json.dumps(source), encoding="utf-8")
    [problem] = check_activities(broken)
    assert CHAPTERS[0].name in problem and "no model answer" in problem

    source["cells"] = [c for c in source["cells"] if "## Activity without code:" not in "".join(c["source"])]
    broken.write_text(json.dumps(source), encoding="utf-8")
    [problem] = check_activities(broken)
    assert "no no-code activity" in problem and CHAPTERS[0].name in problem


def test_the_course_map_lists_each_chapters_activity_from_the_chapter() -> None:
    from immunokit_instructor.course_map import course_map, to_markdown

    cmap = course_map(ROOT)
    markdown, html = to_markdown(cmap.rows), cmap._repr_html_()
    assert "No-code activity" in markdown and '<th scope="col">No-code activity</th>' in html
    for path in CHAPTERS:
        for activity in read_chapter(path).activities():
            assert f"{activity.title} (about {activity.minutes} min)" in markdown, activity.title
    # The classroom kit points to that derived list instead of typing the titles a second time.
    classroom = (BOOK / "instructors" / "classroom.md").read_text(encoding="utf-8")
    pointer = re.search(r"[^.]*no-code activit[^.]*\{doc\}`course_map`[^.]*\.", classroom)
    assert pointer, "classroom.md does not send the reader to the course map's list of no-code activities"


def test_every_bank_reaches_40_percent_at_apply_or_above_by_the_text_not_the_labels() -> None:
    """The share is checked against the course's text (immunokit.quiz.itemcheck): a label of apply or
    above counts only when the item brings new material, so a bank cannot pass by relabelling."""
    from immunokit_instructor.course_map import checked_level_rows

    rows = checked_level_rows(ROOT)
    chapters = [r for r in rows if re.fullmatch(r"ch\d{2}", r.label)]
    assert [r.label for r in chapters] == [p.name[:4] for p in CHAPTERS]
    assert {r.label for r in rows} >= {"review1", "review2", "review3", "review4"}
    low = [f"{r.label}: {r.checked_higher} of {r.total}" for r in rows if r.checked_higher < 0.40 * r.total]
    assert not low, f"banks under 40 % at apply or above with new material: {low}"
    assert all(not r.printed for r in rows), [(r.label, r.printed) for r in rows if r.printed]


@each_chapter
def test_stated_time_brackets_the_estimate_of_the_time_model(path: Path) -> None:
    assert check_time(path) == []


def test_a_stated_time_far_from_the_estimate_is_named(tmp_path: Path) -> None:
    source = json.loads(CHAPTERS[0].read_text(encoding="utf-8"))
    stated = read_chapter(CHAPTERS[0]).minutes
    for cell in source["cells"]:
        text = "".join(cell["source"])
        cell["source"] = text.replace(f"About {stated} minutes", "About 150 minutes")
    broken = tmp_path / CHAPTERS[0].name
    broken.write_text(json.dumps(source), encoding="utf-8")
    [problem] = check_time(broken)
    assert CHAPTERS[0].name in problem and "150" in problem and str(estimate_time(broken).total) in problem


def test_the_course_map_shows_stated_and_estimated_time_and_the_model() -> None:
    from immunokit_instructor.course_map import course_map, to_markdown

    markdown = to_markdown(course_map(ROOT).rows)
    assert "| Time: stated (estimate) |" in markdown
    for path in CHAPTERS:
        row = f"| about {read_chapter(path).minutes} min ({estimate_time(path).describe()}) |"
        assert row in markdown, row
    assert str(WORDS_PER_MINUTE) in time_model() and "quiz item" in time_model()


def test_the_introduction_gives_a_range_that_holds_every_chapter() -> None:
    from immunokit.chapters import sitting_minutes

    intro = (BOOK / "intro.md").read_text(encoding="utf-8")
    assert "one sitting of {{ sitting_minutes }} minutes" in intro, "intro.md no longer states a sitting"
    low, high = stated_range(sitting_minutes(BOOK)) or (0, 0)
    for path in CHAPTERS:
        first, last = stated_range(read_chapter(path).minutes) or (0, 0)
        assert low <= first and last <= high, f"{path.name}: {first}–{last} minutes, intro says {low}–{high}"
    assert any(stated_range(read_chapter(p).minutes)[0] == low for p in CHAPTERS)  # type: ignore[index]
    assert any(stated_range(read_chapter(p).minutes)[1] == high for p in CHAPTERS)  # type: ignore[index]


@pytest.mark.build
@each_chapter
def test_built_page_shows_the_activity_with_its_answers_folded(path: Path, built_book: Path) -> None:
    """Online, the activity is a section of its own and the model answer stays closed until the reader
    opens it (a native <details>, reachable by keyboard and announced as a disclosure)."""
    html = (built_book / "book" / f"{path.stem}.html").read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r'<section id="activity-without-code', html)]
    assert len(starts) == len(read_chapter(path).activities()), f"{path.stem}: activity sections built"
    for start in starts:
        section = html[start : html.find("</section>", start)]
        assert re.search(r"<details>\s*<summary>Answers</summary>", section), section[:200]
        assert "<details open" not in section


@pytest.mark.build
def test_built_introduction_shows_the_computed_length_of_a_sitting(built_book: Path) -> None:
    from immunokit.chapters import sitting_minutes

    text = re.sub(r"<[^>]+>", "", (built_book / "book" / "intro.html").read_text(encoding="utf-8"))
    assert f"one sitting of {sitting_minutes(BOOK)} minutes" in text
    assert "{{" not in text
