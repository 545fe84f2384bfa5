"""One consistent patient story: every text of the course checked against the case file's facts.

``book/cases.yml`` holds, for each composite patient, ``facts``: age (and ``ages`` per chapter where the
story has moved on), diagnosis, history, the highest grade of each toxicity (``grades``), events, the
status word, and ``not_said`` — phrases that would contradict the facts, each with its reason.
:func:`check_story` reads every chapter (activities and the capstone included), every Part review, every
quiz item (stem, hint, explanation, keyed options, model answer and the top anchor of its rubric; never a
distractor, which is meant to be wrong), the prose and instructor pages, the exercise notebooks and the
case file's own descriptions, and reports, naming the file and the text:

* an age that is not the patient's age in that chapter ("Maya, now 35" where she is 34);
* a toxicity grade above the highest she had, or a "reached/peak/highest" grade that is not the highest
  ("her cytokine release syndrome reached grade 2" where it reached grade 3), and "no neurotoxicity" for a
  patient whose ICANS grade is not 0;
* a ``not_said`` phrase ("AML that relapsed" for a primary refractory AML);
* "cure"/"cured" said of a patient, unless quoted or negated: the course defines cure as years without
  relapse (chapters 5 and 10), and no patient of the story has reached it.

A passage concerns a patient when it names her or him: a paragraph (or table row) of a page, a whole quiz
item, or a case's own description. ``python -m immunokit.story`` prints every problem (exit 1 if any).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
_NUM = r"(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")"
_TOXICITY = {
    "CRS": r"CRS|cytokine\s+release\s+syndrome",
    "ICANS": r"ICANS|neurotoxicity|immune\s+effector\s+cell-associated\s+neurotoxicity\s+syndrome",
}
_PEAK = re.compile(r"\b(reached|peaked|peak|highest|maximum|max|at worst|worst)\b", re.IGNORECASE)
_CURE = re.compile(r"\bcur(?:e|ed|es|ing)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(not|no|never|nor|without|cannot)\b|n't\b", re.IGNORECASE)
_QUOTES = '"“”'


@dataclass(frozen=True)
class Facts:
    """What the case file says is true of one patient."""

    id: str
    name: str
    age: int | None
    ages: dict[str, int]
    grades: dict[str, int]
    status: str
    not_said: tuple[tuple[str, str], ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)

    def age_in(self, chapter: str | None) -> int | None:
        return self.ages.get(chapter or "", self.age)


@dataclass(frozen=True)
class Passage:
    """A piece of course text: where it is, which chapter's story it tells (if any), the text."""

    where: str
    chapter: str | None
    text: str


def _root() -> Path:
    return Path(__file__).resolve().parents[1]


def load_facts(path: Path) -> tuple[list[Facts], list[str]]:
    """The facts of every case (and problems in their form, each naming the case and the field)."""
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    out, problems = [], []
    for raw in data.get("cases", []) if isinstance(data, dict) else []:
        label = f"{path.name}: case {raw.get('id')!r}"
        facts = raw.get("facts")
        if not isinstance(facts, dict):
            problems.append(f"{label}: no facts (age, diagnosis, history, grades, events, status)")
            continue
        missing = [k for k in ("age", "diagnosis", "history", "grades", "events", "status") if k not in facts]
        if missing:
            problems.append(f"{label}: facts miss {', '.join(missing)}")
            continue
        not_said = []
        for entry in facts.get("not_said") or []:
            try:
                re.compile(entry["pattern"])
            except (re.error, KeyError, TypeError) as exc:
                problems.append(f"{label}: not_said entry {entry!r} is not a valid pattern ({exc})")
                continue
            not_said.append((str(entry["pattern"]), str(entry.get("because", ""))))
        out.append(
            Facts(
                id=str(raw["id"]),
                name=str(raw["name"]),
                age=int(facts["age"]) if facts.get("age") is not None else None,
                ages={str(k): int(v) for k, v in (facts.get("ages") or {}).items()},
                grades={str(k): int(v) for k, v in (facts.get("grades") or {}).items()},
                status=str(facts["status"]),
                not_said=tuple(not_said),
                raw=facts,
            )
        )
    return out, problems


# --------------------------------------------------------------------------------------------
# The course's texts
# --------------------------------------------------------------------------------------------


def _paragraphs(text: str) -> Iterator[str]:
    for block in re.split(r"\n\s*\n", text):
        lines = block.strip().splitlines()
        if lines and all(line.lstrip().startswith("|") for line in lines):
            yield from lines  # a table: each row is its own passage
        elif block.strip():
            yield block.strip()


def _notebook_markdown(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    return [
        "".join(c["source"]) if isinstance(c.get("source"), list) else str(c.get("source", ""))
        for c in cells
        if c.get("cell_type") == "markdown"
    ]


def _item_text(q: dict[str, Any]) -> str:
    """What a quiz item asserts: stem, hint, explanation, keyed options, model answer, top anchor."""
    parts = [str(q.get(k, "")) for k in ("prompt", "hint", "explanation", "feedback_correct", "model_answer")]
    for option in q.get("options") or []:
        if isinstance(option, dict) and option.get("correct"):
            parts += [str(option.get("text", "")), str(option.get("feedback", ""))]
    rubric = q.get("rubric")
    if isinstance(rubric, dict) and rubric.get("anchors"):
        parts.append(str(rubric["anchors"][-1]))
    return "\n".join(p for p in parts if p)


def passages(root: Path) -> Iterator[Passage]:
    """Every passage of the course whose story could concern a patient."""
    book = root / "book"
    for nb in sorted(book.glob("*.ipynb")) + sorted((book / "instructors").glob("*.ipynb")):
        chapter = nb.name[:4] if re.match(r"ch\d{2}_", nb.name) else None
        for cell in _notebook_markdown(nb):
            for para in _paragraphs(cell):
                yield Passage(str(nb.relative_to(root)), chapter, para)
    for page in sorted(book.glob("*.md")) + sorted((book / "instructors").glob("*.md")):
        for para in _paragraphs(page.read_text(encoding="utf-8")):
            yield Passage(str(page.relative_to(root)), None, para)
    for nb in sorted((root / "solutions").glob("*.ipynb")):
        chapter = nb.name[:4] if re.match(r"ch\d{2}_", nb.name) else None
        for cell in _notebook_markdown(nb):
            for para in _paragraphs(cell):
                yield Passage(str(nb.relative_to(root)), chapter, para)
    for bank in sorted(book.glob("*.quiz.yml")):
        data: Any = yaml.safe_load(bank.read_text(encoding="utf-8"))
        chapter = bank.name[:4] if bank.name.startswith("ch") else None
        for q in data.get("questions", []) if isinstance(data, dict) else []:
            if isinstance(q, dict):
                yield Passage(f"{bank.relative_to(root)} ({q.get('id')})", chapter, _item_text(q))
    cases: Any = yaml.safe_load((book / "cases.yml").read_text(encoding="utf-8"))
    for case in cases.get("cases", []) if isinstance(cases, dict) else []:
        yield Passage(
            f"book/cases.yml ({case.get('id')}, who)", None, f"{case.get('name')}: {case.get('who')}"
        )
        for a in case.get("appearances") or []:
            yield Passage(
                f"book/cases.yml ({case.get('id')}, {a.get('chapter')})",
                str(a.get("chapter")),
                f"{case.get('name')}: {a.get('stage')}",
            )


# --------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBER_WORDS[token.lower()]


def _quoted(text: str, index: int) -> bool:
    before = text[:index]
    straight = before.count('"') % 2 == 1
    curly = before.count("“") > before.count("”")
    return straight or curly


def _snippet(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 40) : end + 40].split())


def check_passage(p: Passage, facts: Facts) -> list[str]:
    """Contradictions between one passage and one patient's facts (the passage names the patient)."""
    text = p.text
    name = re.escape(facts.name)
    if not re.search(rf"\b{name}\b", text):
        return []
    where = f"{p.where}: about {facts.name}"
    out: list[str] = []
    expected = facts.age_in(p.chapter)
    age_patterns = (
        rf"\b{name}\s*,\s*(?:now\s+|aged\s+)?(?:an?\s+)?{_NUM}(?:-year-old)?\b",
        rf"\b{name}(?:\*\*)?(?:\s*\([^)]*\))?\s+is\s+(?:now\s+)?{_NUM}(?:-year-old|\s+years\s+old)?\b(?!\s*(?:days|weeks|months))",
        rf"\b{name}\b\W{{0,4}}(?:\(|:)?\s*an?\s+(?:boy|girl|woman|man)\s+of\s+{_NUM}\b",
    )
    for pattern in age_patterns:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            age = _number(m.group(1))
            if expected is not None and age != expected:
                out.append(
                    f"{where}: gives the age {age} ({_snippet(text, m.start(), m.end())!r}); "
                    f"the case file says {expected}{f' in {p.chapter}' if p.chapter else ''}"
                )
    for tox, words in _TOXICITY.items():
        if tox not in facts.grades:
            continue
        highest = facts.grades[tox]
        for pattern in (
            rf"\b(?:{words})\b([^.;]{{0,60}}?)\bgrade\s+(\d)",
            rf"\bgrade\s+(\d)\s+(?:{words})\b()",
        ):
            for m in re.finditer(pattern, text, re.IGNORECASE):
                between, grade = (
                    (m.group(1), m.group(2)) if m.group(2).isdigit() else (m.group(2), m.group(1))
                )
                n = int(grade)
                peak = _PEAK.search(between or "")
                if n > highest or (peak and n != highest):
                    out.append(
                        f"{where}: {tox} grade {n} ({_snippet(text, m.start(), m.end())!r}); the case file "
                        f"gives {facts.name}'s highest {tox} grade as {highest}"
                    )
        if highest > 0:
            for m in re.finditer(rf"\bno\s+(?:{words})\b", text, re.IGNORECASE):
                out.append(
                    f"{where}: says no {tox} ({_snippet(text, m.start(), m.end())!r}); the case file gives "
                    f"grade {highest}"
                )
    for pattern, because in facts.not_said:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            out.append(
                f"{where}: {_snippet(text, m.start(), m.end())!r} contradicts the case file: {because}"
            )
    for m in _CURE.finditer(text):
        if _quoted(text, m.start()) or _NEGATION.search(text[max(0, m.start() - 30) : m.start()]):
            continue
        out.append(
            f"{where}: {_snippet(text, m.start(), m.end())!r} calls the leukemia cured; the course keeps "
            f'"cure" for years without relapse, and the case file\'s status is {facts.status!r}'
        )
    return out


def check_story(root: Path | None = None) -> list[str]:
    """Every contradiction between the course's texts and ``book/cases.yml`` (empty when consistent)."""
    root = root or _root()
    facts, problems = load_facts(root / "book" / "cases.yml")
    for p in passages(root):
        for f in facts:
            problems += check_passage(p, f)
    return problems


def main() -> int:
    problems = check_story()
    for p in problems:
        print(p)
    print(f"{len(problems)} contradiction(s) with the case file")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["Facts", "Passage", "check_passage", "check_story", "load_facts", "passages"]
