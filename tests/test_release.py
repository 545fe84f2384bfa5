"""One version, shown everywhere: pyproject, the installed toolkit, CITATION.cff, CHANGELOG and the book."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml
from builtsite import ROOT
from harness import BookBuild

import immunokit


def _pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_version_is_the_same_in_pyproject_toolkit_citation_and_changelog() -> None:
    version = _pyproject_version()
    assert immunokit.__version__ == version, "reinstall the toolkit (make setup) after changing its version"
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == version, "CITATION.cff names another version than pyproject.toml"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## (\d+\.\d+\.\d+) — (\d{4}-\d{2}-\d{2})$", changelog, flags=re.M)
    assert releases, "CHANGELOG.md has no '## X.Y.Z — YYYY-MM-DD' release heading"
    assert releases[0][0] == version, f"the newest CHANGELOG entry is {releases[0][0]}, not {version}"
    assert str(citation["date-released"]) == releases[0][1], "CITATION.cff and CHANGELOG disagree on the date"


def test_licence_files_match_what_the_project_states() -> None:
    assert "Attribution 4.0 International" in (ROOT / "LICENSE-TEXT").read_text(encoding="utf-8")
    assert (ROOT / "LICENSE-CODE").read_text(encoding="utf-8").startswith("MIT License")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "CC-BY-4.0 AND MIT"  # an SPDX expression
    assert set(pyproject["project"]["license-files"]) == {"LICENSE.md", "LICENSE-CODE", "LICENSE-TEXT"}


@pytest.mark.build
def test_every_page_footer_shows_the_version_and_the_licences(book_build: BookBuild) -> None:
    version = _pyproject_version()
    for page in ("book/intro.html", "book/ch01_leukemia_and_immunity.html", "book/reuse.html"):
        text = (book_build.html / page).read_text(encoding="utf-8")
        assert f"Version {version}" in text, f"{page}: the footer does not show version {version}"
        assert "CC BY 4.0" in text and "code MIT" in text, f"{page}: the footer does not name the licences"
    reuse = (book_build.html / "book" / "reuse.html").read_text(encoding="utf-8")
    assert f"version <strong>{version}</strong>" in reuse
