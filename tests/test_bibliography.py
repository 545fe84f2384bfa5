"""The bibliography and the citations agree: no citation without an entry, no entry nobody cites."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from immunokit import citations

ROOT = Path(__file__).resolve().parents[1]
CITE = re.compile(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]+)`")
BANK_CITE = re.compile(r"^\s*cite:\s*([A-Za-z0-9_:\-]+)\s*$", re.M)
DATA_SOURCE = re.compile(r"^\s*source:\s*([A-Za-z0-9_:\-]+)\s*$", re.M)
TOOLKIT_KEY = re.compile(
    r"""(?:source|cite|key|bibkey|citation)\w*\s*[:=]\s*(?:str\s*=\s*)?["']([a-z][a-z0-9_\-]+\d{4}[a-z0-9_\-]*|[a-z]+logkill)["']"""
)


def bib_keys() -> set[str]:
    return citations.bib_keys(ROOT / "book" / "references.bib")


def cited_in_pages() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in [*ROOT.glob("book/**/*.md"), *ROOT.glob("book/**/*.ipynb")]:
        text = path.read_text(encoding="utf-8")
        for match in CITE.finditer(text):
            for key in match.group(1).split(","):
                found.setdefault(key.strip(), set()).add(str(path.relative_to(ROOT)))
        for key in citations.cited_keys(text):  # citation links ([(Author, 2017)](references.bib#key))
            found.setdefault(key, set()).add(str(path.relative_to(ROOT)))
    for path in ROOT.glob("book/**/*.quiz.yml"):
        for key in BANK_CITE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, set()).add(str(path.relative_to(ROOT)))
    for path in ROOT.glob("book/data/*.yml"):  # the clinical data layer: each fact's source key
        for key in DATA_SOURCE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, set()).add(str(path.relative_to(ROOT)))
    return found


def cited_by_toolkit() -> set[str]:
    keys: set[str] = set()
    for path in ROOT.glob("immunokit/**/*.py"):
        keys.update(TOOLKIT_KEY.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_citation_has_an_entry() -> None:
    keys = bib_keys()
    missing = {key: sorted(where) for key, where in cited_in_pages().items() if key not in keys}
    assert missing == {}, f"cited but not in book/references.bib: {missing}"


def test_every_entry_is_cited_somewhere() -> None:
    used = set(cited_in_pages()) | cited_by_toolkit() | {"okabe2008cud"}
    uncited = sorted(bib_keys() - used)
    assert uncited == [], f"entries in book/references.bib that nothing cites: {uncited}"


def test_bibliography_keys_are_unique(tmp_path: Path) -> None:
    citations.load(ROOT / "book" / "references.bib")  # the one reader refuses a repeated key
    twice = tmp_path / "twice.bib"
    twice.write_text("@misc{a2020x,\n year = {2020}\n}\n@misc{a2020x,\n year = {2021}\n}\n", encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"twice.bib: cannot read the bibliography: repeated bibliography entry: a2020x"
    ):
        citations.load(twice)
