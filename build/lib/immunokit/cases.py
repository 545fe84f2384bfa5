"""The patient journey: the composite patients who run through the course (``book/cases.yml``).

The registry lists, for each case, the chapters it appears in and its role there (``opens``,
``continues``, ``closes``). :func:`check_cases` checks it against the chapters themselves — every case
opens once and closes once, in reading order (``_toc.yml``); every listed chapter names the patient; every chapter
cell that introduces a case ("composite, fictional case", "invented") names a registered patient; and no
chapter mentions a registered patient without being listed. :func:`journey` renders the registry as a
table for the instructor guide::

    from immunokit.cases import journey
    journey()          # in book/instructors/patient_journey.ipynb

``python -m immunokit.cases`` checks the registry and exits 1 listing every problem.
"""

from __future__ import annotations

import html
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .chapters import toc_files

ROLES = ("opens", "continues", "closes")
#: Words that mark a cell introducing a case; such a cell must name a registered patient.
CASE_MARKERS = re.compile(r"composite, fictional case|invented (?:for teaching|but typical)", re.IGNORECASE)


@dataclass(frozen=True)
class Appearance:
    chapter: str
    role: str
    stage: str


@dataclass(frozen=True)
class Case:
    id: str
    name: str
    who: str
    appearances: tuple[Appearance, ...]


def _root() -> Path:
    return Path(__file__).resolve().parents[1]


def _markdown_cells(notebook: Path) -> list[str]:
    data = json.loads(notebook.read_text(encoding="utf-8"))
    return [
        "".join(c["source"]) if isinstance(c.get("source"), list) else str(c.get("source", ""))
        for c in data.get("cells", [])
        if c.get("cell_type") == "markdown"
    ]


def _chapters(book: Path) -> dict[str, Path]:
    return {p.name[:4]: p for p in sorted(book.glob("ch[0-9][0-9]_*.ipynb"))}


def reading_order(root: Path | None = None) -> list[str]:
    """Chapter ids in the order of ``_toc.yml`` (chapter 11 is read between 9 and 10).

    A book folder without its own ``_toc.yml`` (a copy in a test) uses this repository's; chapters the
    table of contents does not list follow in number order.
    """
    root = root or _root()
    toc_path = root / "_toc.yml" if (root / "_toc.yml").exists() else _root() / "_toc.yml"
    order: list[str] = []
    try:
        files = toc_files(toc_path)
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError):
        files = []
    for name in (Path(f).name for f in files):
        if re.match(r"ch\d{2}_", name) and name[:4] not in order:
            order.append(name[:4])
    return order + sorted(c for c in _chapters(root / "book") if c not in order)


def load_cases(path: Path | None = None) -> tuple[list[Case], list[str]]:
    """Read the registry; return (cases, problems in its form, each naming file, case and field)."""
    path = path or _root() / "book" / "cases.yml"
    name = path.name
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return [], [f"{name}: cannot read the case registry: {exc}"]
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        return [], [f"{name}: expected a mapping with a list under 'cases'"]
    cases, problems = [], []
    for i, raw in enumerate(data["cases"]):
        label = f"{name}: case no. {i + 1}"
        if not isinstance(raw, dict):
            problems.append(f"{label}: must be a mapping")
            continue
        label = f"{name}: case {raw.get('id', i + 1)!r}"
        missing = [k for k in ("id", "name", "who", "appearances") if not raw.get(k)]
        if missing:
            problems.append(f"{label}: missing {', '.join(missing)}")
            continue
        apps = []
        for j, a in enumerate(raw["appearances"]):
            if not (isinstance(a, dict) and a.get("chapter") and a.get("stage") and a.get("role") in ROLES):
                problems.append(
                    f"{label}, appearance no. {j + 1}: needs chapter, stage and role ({', '.join(ROLES)})"
                )
                continue
            apps.append(Appearance(str(a["chapter"]), str(a["role"]), str(a["stage"])))
        cases.append(Case(str(raw["id"]), str(raw["name"]), str(raw["who"]), tuple(apps)))
    return cases, problems


def check_cases(root: Path | None = None) -> list[str]:
    """Every problem of the registry against the chapters (empty when the journey is consistent)."""
    root = root or _root()
    book = root / "book"
    cases, problems = load_cases(book / "cases.yml")
    chapters = _chapters(book)
    cells = {cid: _markdown_cells(p) for cid, p in chapters.items()}
    rank = {cid: i for i, cid in enumerate(reading_order(root))}
    ids = [c.id for c in cases]
    problems += [
        f"cases.yml: case id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})
    ]
    for case in cases:
        label = f"cases.yml: case {case.id!r}"
        order = [a.chapter for a in case.appearances]
        roles = [a.role for a in case.appearances]
        if order != sorted(order, key=lambda cid: (rank.get(cid, len(rank)), cid)):
            problems.append(f"{label}: appearances are not in reading order ({', '.join(order)})")
        if not roles or roles[0] != "opens" or roles.count("opens") != 1:
            problems.append(f"{label}: must open exactly once, in its first appearance")
        if not roles or roles[-1] != "closes" or roles.count("closes") != 1:
            problems.append(f"{label}: is opened but never closed (the last appearance must close it)")
        word = re.compile(rf"\b{re.escape(case.name)}\b")
        for a in case.appearances:
            if a.chapter not in chapters:
                problems.append(f"{label}: chapter {a.chapter} does not exist")
            elif not any(word.search(t) for t in cells[a.chapter]):
                problems.append(
                    f"{label}: listed in {a.chapter}, but {chapters[a.chapter].name} never names {case.name}"
                )
        listed = set(order)
        for cid, texts in cells.items():
            if cid not in listed and any(word.search(t) for t in texts):
                problems.append(
                    f"{label}: {chapters[cid].name} names {case.name} but is not listed in the registry"
                )
    names = [re.compile(rf"\b{re.escape(c.name)}\b") for c in cases]
    for cid, texts in cells.items():
        for text in texts:
            if CASE_MARKERS.search(text) and not any(n.search(text) for n in names):
                first = text.strip().splitlines()[0]
                problems.append(
                    f"{chapters[cid].name}: the cell {first!r} introduces a case that is not in cases.yml"
                )
    return problems


class Journey:
    """The journey as a table (HTML in the book, Markdown as text)."""

    def __init__(self, cases: list[Case], titles: dict[str, str]) -> None:
        self.cases, self.titles = cases, titles

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = ""
        for case in self.cases:
            for k, a in enumerate(case.appearances):
                head = (
                    f'<th scope="rowgroup" rowspan="{len(case.appearances)}">{esc(case.name)}<br>'
                    f"<small>{esc(case.who)}</small></th>"
                    if k == 0
                    else ""
                )
                rows += (
                    f"<tr>{head}<td>{esc(self.titles.get(a.chapter, a.chapter))}</td>"
                    f"<td>{esc(a.role)}</td><td>{esc(a.stage)}</td></tr>"
                )
        return (
            '<table class="ik-course-map table"><caption>The patient journey: who appears where</caption>'
            '<thead><tr><th scope="col">Patient</th><th scope="col">Chapter</th><th scope="col">Role</th>'
            f'<th scope="col">Stage of the journey</th></tr></thead><tbody>{rows}</tbody></table>'
        )

    def __repr__(self) -> str:
        lines = ["| Patient | Chapter | Role | Stage |", "| --- | --- | --- | --- |"]
        for case in self.cases:
            for a in case.appearances:
                lines.append(
                    f"| {case.name} | {self.titles.get(a.chapter, a.chapter)} | {a.role} | {a.stage} |"
                )
        return "\n".join(lines)


def journey(root: Path | None = None) -> Journey:
    """The registry as a table with chapter titles (raises ValueError listing problems, if any)."""
    root = root or _root()
    problems = check_cases(root)
    if problems:
        raise ValueError("the patient journey is inconsistent:\n" + "\n".join(f"  - {p}" for p in problems))
    cases, _ = load_cases(root / "book" / "cases.yml")
    titles = {}
    for cid, path in _chapters(root / "book").items():
        match = next((re.match(r"#\s+(.+)", t) for t in _markdown_cells(path) if t.startswith("# ")), None)
        titles[cid] = f"{int(cid[2:])}. {match.group(1).strip()}" if match else cid
    return Journey(cases, titles)


def main() -> int:
    problems = check_cases()
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(problems)} problem(s) in the patient journey")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
