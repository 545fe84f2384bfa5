"""The course's one reader of a chapter: title, objectives, prerequisites and time, sections, code.

A chapter is a notebook ``book/chNN_<slug>.ipynb`` (or a MyST ``.md``) with the anatomy CONTRIBUTING.md
describes. :func:`read_chapter` parses it once; the quiz bank checks (objective ids), the instructor's
course map (titles, objectives, time) and the chapter tests all read the same :class:`Chapter`.
:func:`check_chapter` applies the rules every chapter (and the chapter template) must pass, and returns
each problem as a sentence naming the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from .citations import cited_keys

#: An objective bullet under ``## What you will learn``: ``- `ch04-o2` Compute …``.
OBJECTIVE_LINE = re.compile(r"^\s*[-*]\s+`(ch\d{2}-o\d+)`\s+(\S.*?)\s*$", re.MULTILINE)
#: The time in the *Prerequisites and time* line: ``About 75 minutes`` or ``About 60–75 minutes``.
TIME = re.compile(r"\bAbout\s+(\d+(?:\s*[–-]\s*\d+)?)\s+minutes\b")
#: The *Prerequisites and time* paragraph (it may wrap over several lines).
PREREQUISITES = re.compile(
    r"^\*\*Prerequisites and time\.\*\*\s+(.+?)(?:\n\s*\n|\Z)", re.MULTILINE | re.DOTALL
)
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$", re.MULTILINE)
CHAPTER_FILE = re.compile(r"ch\d{2}_[a-z0-9_]+\.(ipynb|md)")

#: How many objectives a chapter lists, and how many questions its bank has.
OBJECTIVES_PER_CHAPTER = range(3, 6)
QUESTIONS_PER_CHAPTER = range(6, 15)  # 6–10, plus up to four on unseen material (issue 18)
#: The level-2 sections every chapter has, in this order.
REQUIRED_SECTIONS = ("What you will learn", "Check your understanding", "Key points", "References")


@dataclass(frozen=True)
class Objective:
    """One learning objective: its id (``ch04-o2``) and what the student can do."""

    id: str
    text: str


#: A no-code activity is a ``## Activity without code: <title>`` section (issue 18): work a reader can do
#: on paper or in the online book, with its time on an italic first line (``*About 15 minutes, …*``)
#: and a model answer the reader opens (``<details><summary>Answers</summary> … </details>``).
ACTIVITY_PREFIX = "Activity without code:"
ACTIVITY_TIME = re.compile(r"^\s*\*About\s+(\d+)\s+minutes\b", re.MULTILINE)
MODEL_ANSWER = re.compile(
    r"<details>\s*<summary>[^<]*\banswers?\b[^<]*</summary>(.*?)</details>", re.IGNORECASE | re.DOTALL
)


@dataclass(frozen=True)
class Activity:
    """One no-code activity of a chapter (see :data:`ACTIVITY_PREFIX`)."""

    title: str  #: the heading after "Activity without code:"
    text: str  #: the section's text, model answer included
    minutes: int | None  #: from its "*About N minutes" line, or None

    @property
    def model_answer(self) -> str:
        """The text inside the ``<details>`` block whose summary says "Answers" ("" if there is none)."""
        match = MODEL_ANSWER.search(self.text)
        return match.group(1).strip() if match else ""


@dataclass(frozen=True)
class Chapter:
    """One chapter as written (see the module docstring)."""

    path: Path
    id: str  #: ``"ch04"``
    title: str
    objectives: tuple[Objective, ...]
    prerequisites: str | None  #: the text after **Prerequisites and time.**, or None
    minutes: str | None  #: ``"75"`` or ``"60–75"`` from that line, or None
    markdown: str  #: every markdown cell, joined
    code: tuple[str, ...]  #: the source of each code cell

    @property
    def bank(self) -> Path:
        """The question bank beside the chapter (``chNN_<slug>.quiz.yml``)."""
        return self.path.with_name(self.path.stem + ".quiz.yml")

    def objective_ids(self) -> list[str]:
        return [o.id for o in self.objectives]

    def section(self, title: str) -> str | None:
        """Text of the ``## title`` section (to the next heading of level 1 or 2), or None if absent."""
        return section(self.markdown, title)

    def activities(self) -> tuple[Activity, ...]:
        """The chapter's no-code activities, in reading order."""
        out = []
        for title, text in sections(self.markdown):
            if title.lower().startswith(ACTIVITY_PREFIX.lower()):
                minutes = ACTIVITY_TIME.search(text)
                out.append(
                    Activity(
                        title[len(ACTIVITY_PREFIX) :].strip(),
                        text,
                        int(minutes.group(1)) if minutes else None,
                    )
                )
        return tuple(out)


def sections(markdown: str) -> list[tuple[str, str]]:
    """Every ``##`` section of ``markdown`` as (title, text to the next level-1 or -2 heading)."""
    headings = [(m.start(), m.end(), len(m.group(1)), m.group(2)) for m in HEADING.finditer(markdown)]
    out = []
    for index, (_start, end, level, text) in enumerate(headings):
        if level == 2:
            following = [s for s, _e, lv, _t in headings[index + 1 :] if lv <= 2]
            out.append((text.strip(), markdown[end : following[0] if following else len(markdown)]))
    return out


def section(markdown: str, title: str) -> str | None:
    """Text of the ``## title`` section of ``markdown`` (to the next level-1 or -2 heading), or None."""
    for heading, text in sections(markdown):
        if heading.lower() == title.lower():
            return text
    return None


def _cells(path: Path) -> tuple[str, list[str]]:
    if path.suffix != ".ipynb":
        return path.read_text(encoding="utf-8"), []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not a notebook (JSON error on line {err.lineno}: {err.msg})") from err
    markdown, code = [], []
    for cell in data.get("cells", []):
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") == "markdown":
            markdown.append(text)
        elif cell.get("cell_type") == "code":
            code.append(text)
    return "\n\n".join(markdown), code


def read_chapter(path: str | Path) -> Chapter:
    """Parse the chapter at ``path`` (``.ipynb`` or ``.md``)."""
    path = Path(path)
    markdown, code = _cells(path)
    title = re.search(r"^#\s+(.+?)\s*$", markdown, re.MULTILINE)
    learn = section(markdown, "What you will learn") or ""
    objectives = tuple(Objective(m.group(1), m.group(2)) for m in OBJECTIVE_LINE.finditer(learn))
    prerequisites = PREREQUISITES.search(markdown)
    time = TIME.search(prerequisites.group(1)) if prerequisites else None
    return Chapter(
        path=path,
        id=path.name[:4],
        title=title.group(1) if title else path.stem,
        objectives=objectives,
        prerequisites=" ".join(prerequisites.group(1).split()) if prerequisites else None,
        minutes=re.sub(r"\s*[–-]\s*", "–", time.group(1)) if time else None,
        markdown=markdown,
        code=tuple(code),
    )


def check_chapter(
    path: str | Path,
    *,
    bib_keys: set[str] | None = None,
    glossary: Mapping[str, str] | None = None,
    load_bank: Callable[[Path], object] | None = None,
) -> list[str]:
    """Every rule a chapter breaks, as sentences naming the file (empty: the chapter passes).

    Parameters
    ----------
    path
        The chapter notebook; its bank is the ``.quiz.yml`` beside it.
    bib_keys, glossary
        Known bibliography keys, and the glossary as lower-cased term → its anchor (``term-…``, what a
        glossary link ``[text](glossary.md#term-…)`` points to); their checks are skipped when None.
    load_bank
        Validates the bank (e.g. :func:`immunokit.quiz.load_bank`), raising with every problem; the
        question count and objective coverage are checked here in any case.
    """
    ch = read_chapter(path)
    name = ch.path.name
    problems: list[str] = []
    if not CHAPTER_FILE.fullmatch(name):
        problems.append(f"{name}: a chapter file is named chNN_<slug>.ipynb (lowercase slug)")
    if not re.match(r"\s*# \S", ch.markdown):
        problems.append(f"{name}: the first cell must start with an H1 title (# Title)")
    ids = ch.objective_ids()
    if len(ids) not in OBJECTIVES_PER_CHAPTER:
        problems.append(
            f"{name}: '## What you will learn' lists {len(ids)} objectives with ids "
            f"({', '.join(ids) or 'none'}); a chapter has {OBJECTIVES_PER_CHAPTER.start}–"
            f"{OBJECTIVES_PER_CHAPTER.stop - 1}, each a bullet starting with its id in backticks"
        )
    wrong = [o for o in ids if not o.startswith(ch.id + "-")]
    if wrong:
        problems.append(f"{name}: objective ids must start with {ch.id}-: {wrong}")
    if len(set(ids)) != len(ids):
        problems.append(f"{name}: an objective id is repeated: {ids}")
    if ch.prerequisites is None:
        problems.append(f"{name}: no line starting '**Prerequisites and time.**'")
    elif ch.minutes is None:
        problems.append(
            f"{name}: the Prerequisites and time line must give the time as 'About N minutes' "
            "or 'About N–M minutes'"
        )
    positions = [ch.markdown.find(f"## {title}") for title in REQUIRED_SECTIONS]
    for title, at in zip(REQUIRED_SECTIONS, positions, strict=True):
        if at < 0:
            problems.append(f"{name}: no '## {title}' section")
    found = [p for p in positions if p >= 0]
    if found != sorted(found):
        problems.append(f"{name}: sections out of order (objectives → quiz → key points → references)")
    references = ch.section("References") or ""
    if "```{bibliography}" not in references or ":filter: docname in docnames" not in references:
        problems.append(f"{name}: '## References' needs a bibliography filtered to the page")
    if not any(ch.bank.name in c and "Quiz.from_bank(" in c for c in ch.code):
        problems.append(f'{name}: no code cell shows the quiz: Quiz.from_bank("{ch.bank.name}")')
    if not _has_figure(ch):
        problems.append(f"{name}: no figure: call a diagram from immunokit.diagrams or a plot_* function")
    problems += _check_bank(ch, load_bank)
    cited = set(cited_keys(ch.markdown))  # {cite} roles and citation links
    if bib_keys is not None:
        if not cited:
            problems.append(f"{name}: no citation ({{cite}} role or citation link to references.bib)")
        missing = sorted(cited - bib_keys)
        if missing:
            problems.append(f"{name}: cited keys missing from references.bib: {missing}")
    if glossary is not None:
        used = set()
        for raw in re.findall(r"\{term\}`([^`]+)`", ch.markdown):
            target = re.search(r"<([^<>]+)>\s*$", raw)
            used.add((target.group(1) if target else raw).strip().lower())
        unknown = sorted(used - set(glossary))
        if unknown:
            problems.append(f"{name}: {{term}} targets not in glossary.md: {unknown}")
        anchors = set(re.findall(r"\]\(glossary\.md#([^)\s]+)\)", ch.markdown))
        unknown = sorted(anchors - set(glossary.values()))
        if unknown:
            problems.append(f"{name}: glossary links to anchors no glossary term has: {unknown}")
    return problems


def check_activities(path: str | Path) -> list[str]:
    """Problems with the chapter's no-code activities (issue 18): every chapter has at least one, and
    each states its time and has a model answer. Kept apart from :func:`check_chapter`, which the
    chapter template must also pass."""
    ch = read_chapter(path)
    name = ch.path.name
    found = ch.activities()
    if not found:
        return [
            f"{name}: no no-code activity: add a '## {ACTIVITY_PREFIX} <title>' section that a reader can "
            "do on paper or in the online book, with a model answer in <details><summary>Answers</summary>"
        ]
    problems = []
    for activity in found:
        if not activity.model_answer:
            problems.append(
                f"{name}: activity '{activity.title}' has no model answer "
                "(<details><summary>Answers</summary> … </details>)"
            )
        if activity.minutes is None:
            problems.append(
                f"{name}: activity '{activity.title}' does not start with its time ('*About N minutes, …*')"
            )
    return problems


def _has_figure(ch: Chapter) -> bool:
    source = "\n".join(ch.code)
    names = {
        name.strip()
        for match in re.finditer(r"from\s+immunokit\.diagrams\s+import\s+\(?([^)\n]+)\)?", source)
        for name in match.group(1).split(",")
        if name.strip()
    }
    called = any(re.search(rf"\b{re.escape(n)}\s*\(", source) for n in names)
    return called or re.search(r"\bplot_\w+\s*\(", source) is not None


def _check_bank(ch: Chapter, load_bank: Callable[[Path], object] | None) -> list[str]:
    import yaml as pyyaml

    bank = ch.bank
    if not bank.exists():
        return [f"{ch.path.name}: no question bank {bank.name} beside it"]
    problems: list[str] = []
    if load_bank is not None:
        try:
            load_bank(bank)
        except Exception as err:  # the bank loader lists every problem in its message
            problems.append(str(err))
    try:
        data = pyyaml.safe_load(bank.read_text(encoding="utf-8"))
    except pyyaml.YAMLError as err:
        return [*problems, f"{bank.name}: not valid YAML: {err}"]
    questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(questions, list):
        return [*problems, f"{bank.name}: no question list"]
    if len(questions) not in QUESTIONS_PER_CHAPTER:
        problems.append(
            f"{bank.name}: {len(questions)} questions; a chapter quiz has "
            f"{QUESTIONS_PER_CHAPTER.start}–{QUESTIONS_PER_CHAPTER.stop - 1}"
        )
    defined = set(ch.objective_ids())
    tested = {  # a question tagged cross_chapter revisits an earlier chapter's objective (spaced review)
        str(q.get("objective")) for q in questions if isinstance(q, dict) and not q.get("cross_chapter")
    }
    if defined - tested:
        problems.append(f"{bank.name}: no question tests {sorted(defined - tested)}")
    if tested - defined:
        problems.append(
            f"{bank.name}: questions test objectives the chapter does not define: {sorted(tested - defined)}"
        )
    return problems


def toc_files(toc_path: Path) -> list[str]:
    """Every file of a Jupyter Book ``_toc.yml`` (root first, then parts and sections), in reading order,
    as written there (no suffix). The one reader of the table of contents."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                files.append(str(node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", []))
    walk(toc.get("chapters", []))
    return list(dict.fromkeys(files))


# ---- How long a chapter takes: the stated time and a transparent estimate (issue 18) ----------------

#: The time model, in one place. Reading speed for dense technical prose with numbers (general
#: non-fiction is read at about 200–240 words per minute; the lower end suits a textbook).
WORDS_PER_MINUTE = 180
#: Answering one quiz question and reading its feedback.
MINUTES_PER_QUIZ_ITEM = 1.5
#: Working with one interactive (an explorer, whose frames step through a parameter, or a calculator).
MINUTES_PER_INTERACTIVE = 5
#: Stepping through one step-by-step mechanism diagram (a :class:`immunokit.Stepper`, 4–6 frames).
MINUTES_PER_STEPPER = 3
#: A no-code activity that does not state its own time.
MINUTES_PER_ACTIVITY = 15
#: A stated time must bracket the estimate, or a single stated time lie within this share of it.
TIME_TOLERANCE = 0.25

#: Code cells that put an interactive on the page: ``occupancy.explorer()``, ``response_ci_explorer()``,
#: ``CrsCalculator()``.
INTERACTIVE_CALL = re.compile(r"\b\w*(?:explorer|Calculator)\s*\(")
#: Not read: HTML tags, role names, fences, maths, and a link's target (a glossary, fact or citation link
#: reads as its text: ``[(Kantarjian et al., 2017)](references.bib#kantarjian2017tower)`` is four words).
_MARKUP = re.compile(r"<[^>]+>|\{[a-z:]+\}|```[^\n]*|\$\$?[^$]*\$\$?|\]\([^()\s]*\)")


@dataclass(frozen=True)
class TimeEstimate:
    """The estimated minutes of one chapter, part by part (see the constants above)."""

    words: int  #: prose words, outside the no-code activities
    quiz_items: int
    interactives: int
    activity_minutes: int
    steppers: int = 0

    @property
    def reading(self) -> float:
        return self.words / WORDS_PER_MINUTE

    @property
    def quiz(self) -> float:
        return self.quiz_items * MINUTES_PER_QUIZ_ITEM

    @property
    def interactive(self) -> float:
        """Explorers, calculators and step-by-step diagrams."""
        return self.interactives * MINUTES_PER_INTERACTIVE + self.steppers * MINUTES_PER_STEPPER

    @property
    def total(self) -> int:
        """Whole minutes, rounded."""
        return round(self.reading + self.quiz + self.interactive + self.activity_minutes)

    def describe(self) -> str:
        """``"62: 18 reading, 21 quiz, 8 interactive, 15 activity"`` (parts of 0 minutes left out)."""
        parts = [
            (self.reading, "reading"),
            (self.quiz, "quiz"),
            (self.interactive, "interactive"),
            (self.activity_minutes, "activity"),
        ]
        return f"{self.total}: " + ", ".join(f"{m:.0f} {what}" for m, what in parts if round(m))


def prose_words(markdown: str) -> int:
    """Words a reader reads in ``markdown``: HTML tags, role names, fences and maths are not words."""
    text = _MARKUP.sub(" ", markdown)
    return len(re.findall(r"[^\W_][\w'’.,-]*", text))


def estimate_time(path: str | Path) -> TimeEstimate:
    """The chapter's estimated time: its prose (no-code activities excluded, they count by their own
    stated time), its quiz bank's items and its interactives, with the constants above."""
    ch = read_chapter(path)
    activities = ch.activities()
    prose = ch.markdown
    for activity in activities:
        prose = prose.replace(activity.text, "")
    items = 0
    if ch.bank.exists():
        data = yaml.safe_load(ch.bank.read_text(encoding="utf-8"))
        questions = data.get("questions") if isinstance(data, dict) else None
        items = len(questions) if isinstance(questions, list) else 0
    return TimeEstimate(
        words=prose_words(prose),
        quiz_items=items,
        interactives=sum(len(INTERACTIVE_CALL.findall(code)) for code in ch.code),
        activity_minutes=sum(a.minutes or MINUTES_PER_ACTIVITY for a in activities),
        steppers=len(_steppers_called(ch)),
    )


def _steppers_called(ch: Chapter) -> list[str]:
    """Diagram functions the chapter calls that return a :class:`immunokit.Stepper` (by annotation)."""
    import inspect

    from . import diagrams

    source = "\n".join(ch.code)
    out = []
    for match in re.finditer(r"from\s+immunokit\.diagrams\s+import\s+\(?([^)\n]+)\)?", source):
        for name in (n.strip() for n in match.group(1).split(",")):
            function = getattr(diagrams, name, None)
            if function is None or not re.search(rf"\b{re.escape(name)}\s*\(", source):
                continue
            returns = inspect.signature(function).return_annotation
            if getattr(returns, "__name__", returns) == "Stepper":
                out.append(name)
    return out


def stated_range(minutes: str | None) -> tuple[int, int] | None:
    """``"60–75"`` → (60, 75); ``"75"`` → (75, 75); None stays None."""
    if not minutes:
        return None
    low, _, high = minutes.partition("–")
    return int(low), int(high or low)


def sitting_minutes(book: str | Path) -> str:
    """The span of the chapters' stated times in ``book`` (``"40–80"``): the introduction's length of a
    sitting, computed so a new chapter cannot make it false."""
    ranges = [stated_range(read_chapter(p).minutes) for p in sorted(Path(book).glob("ch[0-9][0-9]_*.ipynb"))]
    known = [r for r in ranges if r]
    if not known:
        raise ValueError(f"{book}: no chapter states its time")
    return f"{min(low for low, _ in known)}–{max(high for _, high in known)}"


def check_time(path: str | Path) -> list[str]:
    """The stated time must bracket the estimate (a range), or be within :data:`TIME_TOLERANCE` of it."""
    ch = read_chapter(path)
    stated = stated_range(ch.minutes)
    if stated is None:
        return [f"{ch.path.name}: no stated time ('About N minutes' or 'About N–M minutes')"]
    estimate = estimate_time(path)
    low, high = stated
    total = estimate.total
    if low <= total <= high:
        return []
    if low == high and abs(low - total) <= TIME_TOLERANCE * total:
        return []
    return [
        f"{ch.path.name}: states about {ch.minutes} minutes but the estimate is {estimate.describe()} "
        f"(immunokit.chapters time model); state a range that contains {total}"
    ]


def time_model() -> str:
    """The time model in one sentence, with its constants (for the instructor's course map)."""
    return (
        f"prose words (no-code activities excluded) at {WORDS_PER_MINUTE} words a minute, "
        f"{MINUTES_PER_QUIZ_ITEM:g} minutes per quiz item, {MINUTES_PER_INTERACTIVE} per explorer or "
        f"calculator, {MINUTES_PER_STEPPER} per step-through diagram, and each no-code activity's own "
        f"stated time ({MINUTES_PER_ACTIVITY} if it states none); a stated range must contain the "
        f"estimate, and a single stated time must be within {TIME_TOLERANCE:.0%} of it"
    )
