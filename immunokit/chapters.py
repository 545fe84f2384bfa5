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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

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


def section(markdown: str, title: str) -> str | None:
    """Text of the ``## title`` section of ``markdown`` (to the next level-1 or -2 heading), or None."""
    headings = [(m.start(), m.end(), len(m.group(1)), m.group(2)) for m in HEADING.finditer(markdown)]
    for index, (_start, end, level, text) in enumerate(headings):
        if level == 2 and text.strip().lower() == title.lower():
            following = [s for s, _e, lv, _t in headings[index + 1 :] if lv <= 2]
            return markdown[end : following[0] if following else len(markdown)]
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
    glossary: set[str] | None = None,
    load_bank: Callable[[Path], object] | None = None,
) -> list[str]:
    """Every rule a chapter breaks, as sentences naming the file (empty: the chapter passes).

    Parameters
    ----------
    path
        The chapter notebook; its bank is the ``.quiz.yml`` beside it.
    bib_keys, glossary
        Known bibliography keys and (lower-cased) glossary terms; their checks are skipped when None.
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
    cited = {
        k.strip() for g in re.findall(r"\{cite(?::[a-z]+)?\}`([^`]+)`", ch.markdown) for k in g.split(",")
    }
    if bib_keys is not None:
        if not cited:
            problems.append(f"{name}: no {{cite}} citation")
        missing = sorted(cited - bib_keys)
        if missing:
            problems.append(f"{name}: cited keys missing from references.bib: {missing}")
    if glossary is not None:
        used = set()
        for raw in re.findall(r"\{term\}`([^`]+)`", ch.markdown):
            target = re.search(r"<([^<>]+)>\s*$", raw)
            used.add((target.group(1) if target else raw).strip().lower())
        unknown = sorted(used - glossary)
        if unknown:
            problems.append(f"{name}: {{term}} targets not in glossary.md: {unknown}")
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
