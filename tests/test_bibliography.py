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


# --- Every entry renders as a reader expects, and can be opened (issue 25 MIN-21, issue 26 item 24) -------------
#
# These tests render each entry with the book's own citation styles (``immunokit_author_year`` and
# ``immunokit_plain``, tooling/immunokit_build/sphinx/citestyle.py) and judge the text a reader sees, so a
# malformed entry fails however it is malformed.

from pybtex.database import BibliographyData, parse_string  # noqa: E402

from immunokit_build.sphinx import citestyle  # noqa: E402

#: Entries whose rendered year is not a four-digit year, with the reason. Nothing else may be.
UNDATED = {
    "trainalogkill": "a Springer living reference entry; its page shows no date, so the edition stands in for a year",
}

#: Entries that still lack a DOI, PMID or URL because none could be opened for them (issue 25 asks for one on
#: every entry). Each must gain one or go, with the sentences that rest on it; the list may only shrink.
UNRESOLVED = {
    "amgen2014blincyto": "the 2014 Blincyto label; only later label versions could be opened",
    "bayraktar2012haplo": "Biol Blood Marrow Transplant 2012;18:372-80; only an unofficial copy could be opened",
    "benjamin2022ucart19": "Lancet Haematol 2022 (CALM); only secondary records could be opened",
}

ORGANISATION_WORDS = re.compile(
    r"\b(Inc|LLC|Ltd|Corporation|Company|Administration|Agency|Commission|Society|Association|"
    r"Program|Programme|Institute|Organi[sz]ation|Pharma|Pharmaceuticals|Investigators|Group|News)\b\.?"
)
YEAR = re.compile(r"^\d{4}[a-z]?$")


def citation_problems(key: str, entry: object) -> list[str]:
    """What is wrong with one entry as a reader meets it: its in-text citation and its identifier."""
    from pybtex.style.template import FieldIsMissing

    problems = []
    try:
        rendered = citestyle.render_citation(key, entry).strip("[]() ")
    except FieldIsMissing as missing:  # the book's style cannot format it at all
        return [f"renders without a year or other required field: {missing}"]
    who, _, year = rendered.rpartition(", ")
    fields = {name.lower(): value for name, value in entry.fields.items()}  # type: ignore[attr-defined]
    title = " ".join(re.sub(r"[{}]", "", fields.get("title", "")).split())
    if not who:
        problems.append(f"renders without an author: {rendered!r}")
    if title and title.lower()[:40] in rendered.lower():
        problems.append(f"renders its title as the citation: {rendered!r}")
    if "others" in rendered.split():
        problems.append(f"renders 'others' instead of 'et al.': {rendered!r}")
    if key not in UNDATED and not YEAR.match(year):
        problems.append(f"renders without a year: {rendered!r}")
    for person in entry.persons.get("author", []):  # type: ignore[attr-defined]
        name = str(person)
        braced = (
            len(person.last_names) == 1 and person.last_names[0].startswith("{") and not person.first_names
        )
        if ORGANISATION_WORDS.search(name) and not braced:
            problems.append(f"an organisation written as a person (brace it: {{{{...}}}}): {name!r}")
    if not ({"doi", "pmid", "url"} & set(fields)) and key not in UNRESOLVED:
        problems.append("has no DOI, PMID or URL")
    return problems


def bibliography() -> BibliographyData:
    from pybtex.database import parse_file

    return parse_file(str(ROOT / "book" / "references.bib"), bib_format="bibtex")


def test_every_entry_renders_with_author_and_year_and_can_be_opened() -> None:
    data = bibliography()
    bad = {
        key: problems for key, entry in data.entries.items() if (problems := citation_problems(key, entry))
    }
    assert bad == {}, f"bibliography entries a reader would meet malformed: {bad}"


def test_exceptions_are_still_needed() -> None:
    """The exception lists shrink as entries are fixed: an entry that no longer needs one is taken off."""
    data = bibliography()
    gone = sorted((set(UNDATED) | set(UNRESOLVED)) - set(data.entries))
    assert gone == [], f"exceptions for entries no longer in references.bib: {gone}"
    for key in UNRESOLVED:
        fields = {name.lower() for name in data.entries[key].fields}
        assert not ({"doi", "pmid", "url"} & fields), f"{key} now has an identifier: take it off UNRESOLVED"
    for key in UNDATED:
        year = citestyle.render_citation(key, data.entries[key]).strip("[]() ").rpartition(", ")[2]
        assert not YEAR.match(year), f"{key} now renders a year: take it off UNDATED"


PLANTED = r"""
@misc{noauthor2020,
  title = {Licensure of a drug for the treatment of selected patients},
  year  = {2020},
  url   = {https://example.org/a}
}
@manual{unbraced2021,
  author = {U.S. Food and Drug Administration},
  title  = {A drug safety communication},
  year   = {2021},
  url    = {https://example.org/b}
}
@article{noyear2019,
  author = {Smith, Jane and others},
  title  = {A trial},
  journal = {Blood},
  doi    = {10.1/x}
}
@article{noid2018,
  author = {Smith, Jane and Jones, Ann},
  title  = {Another trial},
  journal = {Blood},
  year   = {2018}
}
@article{good2017,
  author = {Smith, Jane and others},
  title  = {A good trial},
  journal = {Blood},
  year   = {2017},
  pmid   = {123}
}
@manual{goodorg2016,
  author = {{U.S. Food and Drug Administration}},
  title  = {A label},
  year   = {2016},
  url    = {https://example.org/c}
}
"""


def test_planted_bad_entries_are_caught() -> None:
    data = parse_string(PLANTED, "bibtex")
    found = {key: citation_problems(key, entry) for key, entry in data.entries.items()}
    assert any("renders its title" in p for p in found["noauthor2020"]), found["noauthor2020"]
    assert any("organisation written as a person" in p for p in found["unbraced2021"]), found["unbraced2021"]
    assert any("without a year" in p for p in found["noyear2019"]), found["noyear2019"]
    assert found["noid2018"] == ["has no DOI, PMID or URL"]
    assert found["good2017"] == [] and found["goodorg2016"] == []
    assert citestyle.render_citation("good2017", data.entries["good2017"]).strip("[]") == "Smith et al., 2017"
    assert citestyle.render_citation("goodorg2016", data.entries["goodorg2016"]).strip("[]") == (
        "U.S. Food and Drug Administration, 2016"
    )
    assert citestyle.render_entry("good2017", data.entries["good2017"]).startswith(
        "Jane Smith et al. A good trial."
    )


def test_every_bibliography_directive_uses_the_books_style() -> None:
    """A ``{bibliography}`` list with its own ``:style:`` must name the book's, or 'others' comes back."""
    wrong = []
    for path in [*ROOT.glob("book/**/*.md"), *ROOT.glob("book/**/*.ipynb")]:
        for style in re.findall(r":style:\s*([\w-]+)", path.read_text(encoding="utf-8")):
            if style != citestyle.FORMATTING_STYLE:
                wrong.append(f"{path.relative_to(ROOT)}: :style: {style}")
    assert wrong == [], wrong
