"""The repository setting in the built book: a small book (the how-to-use and exercises pages, every
chapter and exercise notebook, none executed) built twice with the book's own Sphinx module, once with ``IMMUNOKIT_REPOSITORY_URL`` set and
once without; and the full strict build (made without the setting) checked for the same promises.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from bs4 import BeautifulSoup

from immunokit.exercises import catalog
from immunokit_build import bootstrap, siteindex

#: Two Sphinx builds of a small book (with and without the repository setting): `make check` skips it.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
URL = "https://github.com/example-org/leukemia-immunotherapy"
SITE = "https://example-org.github.io/leukemia-immunotherapy/"
BRANCH = "spring-2027"
HUB = "https://hub.example.edu"
CHAPTER = "book/ch04_bispecific_engagers"
EXERCISE = "exercises/ch07_kaplan_meier"
#: Every chapter and exercise notebook: in the small book they are pages, not executed.
NOTEBOOK_PAGES = [
    *(f"book/{p.stem}" for p in sorted((ROOT / "book").glob("ch[0-9][0-9]_*.ipynb"))),
    *(f"exercises/{p.stem}" for p in sorted((ROOT / "exercises").glob("*.ipynb"))),
]
BUNDLE = "downloads/leukemia-immunotherapy-course.zip"
PLACEHOLDERS = ["<this repository>", "&lt;this repository&gt;", "ORG/REPO", "example.com"]


def small_book(where: Path) -> Path:
    """A book of the how-to-use and exercises pages and every chapter and exercise notebook (not
    executed), using immunokit_build.sphinx.launch."""
    notebooks = [f"{page}.ipynb" for page in NOTEBOOK_PAGES]
    for rel in ["book/how-to-use.md", "book/exercises.md", "book/references.bib", *notebooks]:
        (where / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / rel, where / rel)
    (where / "book" / "instructors").mkdir()
    (where / "book" / "instructors" / "index.md").write_text("# Instructors\n", encoding="utf-8")
    (where / "intro.md").write_text("# Small book\n", encoding="utf-8")
    toc = {
        "format": "jb-book",
        "root": "intro",
        "chapters": [{"file": f} for f in ["book/how-to-use", "book/exercises", *NOTEBOOK_PAGES]],
    }
    (where / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")
    real = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config = {
        "title": "Small book",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "bibtex_bibfiles": ["book/references.bib"],
        "parse": real["parse"],
        "html": real["html"],
        "launch_buttons": real["launch_buttons"],
        "sphinx": {
            "extra_extensions": ["immunokit_build.sphinx.launch"],
            "config": {
                "immunokit_course_root": str(ROOT),
                "html_theme_options": real["sphinx"]["config"]["html_theme_options"],
                "suppress_warnings": ["myst.xref_missing", "myst.header"],
            },
        },
    }
    (where / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return where


def build(where: Path, setting: dict[str, str]) -> Path:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMMUNOKIT_", "BOOK_BASE_URL"))}
    env.update(setting)
    jupyter_book = [sys.executable, "-m", "immunokit_build.jupyter_book_cli"]  # as `make book` runs it
    proc = subprocess.run([*jupyter_book, "build", str(where)], env=env, capture_output=True, text=True)
    html = where / "_build" / "html"
    assert proc.returncode == 0 and (html / "index.html").exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    return html


@pytest.fixture(scope="module")
def with_setting(tmp_path_factory: pytest.TempPathFactory) -> Path:
    setting = {
        "IMMUNOKIT_REPOSITORY_URL": URL + ".git",
        "IMMUNOKIT_REPOSITORY_BRANCH": BRANCH,
        "IMMUNOKIT_JUPYTERHUB_URL": HUB,
        "BOOK_BASE_URL": SITE.rstrip("/"),
    }
    return build(small_book(tmp_path_factory.mktemp("with")), setting)


@pytest.fixture(scope="module")
def without_setting(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(small_book(tmp_path_factory.mktemp("without")), {})


def soup(html: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def links(page: BeautifulSoup) -> list[str]:
    return [a["href"] for a in page.find_all("a", href=True)]


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_with_the_setting_every_notebook_page_launches_binder_colab_and_the_hub(
    with_setting: Path, page: str
) -> None:
    hrefs = links(soup(with_setting, page))
    binder = f"https://mybinder.org/v2/gh/example-org/leukemia-immunotherapy/{BRANCH}?urlpath=lab/tree/{page}.ipynb"
    colab = f"https://colab.research.google.com/github/example-org/leukemia-immunotherapy/blob/{BRANCH}/{page}.ipynb"
    assert binder in hrefs, [h for h in hrefs if "binder" in h]
    assert colab in hrefs, [h for h in hrefs if "colab" in h]
    hub = [urlparse(h) for h in hrefs if h.startswith(HUB)]
    assert len(hub) == 1 and hub[0].path == "/hub/user-redirect/git-pull"
    query = parse_qs(hub[0].query)
    assert query["repo"] == [URL] and query["branch"] == [BRANCH]
    assert query["urlpath"] == [f"lab/tree/leukemia-immunotherapy/{page}.ipynb"]


def test_with_the_setting_the_exercises_page_launches_every_exercise(with_setting: Path) -> None:
    page = soup(with_setting, "book/exercises")
    hrefs = links(page)
    for exercise in catalog.exercises():
        path = f"exercises/{exercise.notebook}"
        assert (
            f"https://mybinder.org/v2/gh/example-org/leukemia-immunotherapy/{BRANCH}?urlpath=lab/tree/{path}"
            in hrefs
        )
        assert (
            f"https://colab.research.google.com/github/example-org/leukemia-immunotherapy/blob/{BRANCH}/{path}"
            in hrefs
        )
        hub = [parse_qs(urlparse(h).query) for h in hrefs if h.startswith(HUB) and path in h]
        assert hub and hub[0]["urlpath"] == [f"lab/tree/leukemia-immunotherapy/{path}"]
        download = [h for h in hrefs if h.endswith("/" + exercise.notebook) and "_downloads" in h]
        assert download, f"no download link for {exercise.notebook}"
        assert (with_setting / "book" / download[0]).resolve().is_file()
    # the exercise pages' own launch buttons (theme) and the table agree on the format
    assert set(links(soup(with_setting, EXERCISE))) & set(hrefs) >= {
        f"https://mybinder.org/v2/gh/example-org/leukemia-immunotherapy/{BRANCH}?urlpath=lab/tree/{EXERCISE}.ipynb",
        f"https://colab.research.google.com/github/example-org/leukemia-immunotherapy/blob/{BRANCH}/{EXERCISE}.ipynb",
    }


def test_with_the_setting_the_repository_buttons_point_at_it(with_setting: Path) -> None:
    page = soup(with_setting, CHAPTER)
    button = page.select_one("a.btn-source-repository-button, a[href='" + URL + "']")
    assert button is not None and button["href"] == URL
    hrefs = links(page)
    assert f"{URL}/edit/{BRANCH}/{CHAPTER}.ipynb" in hrefs
    assert any(h.startswith(f"{URL}/issues/new") for h in hrefs)


def test_with_the_setting_how_to_use_shows_the_real_clone_command(with_setting: Path) -> None:
    page = soup(with_setting, "book/how-to-use")
    commands = page.select_one(".ik-course-commands pre") or page.select_one(".ik-course-commands")
    assert commands is not None
    text = commands.get_text()
    assert text.startswith(
        f"git clone --branch {BRANCH} {URL}.git leukemia-immunotherapy && cd leukemia-immunotherapy"
    )
    assert "make book" in text
    body = page.get_text(" ")
    assert "Binder" in body and "Colab" in body
    assert not any(p in str(page) for p in PLACEHOLDERS)


def _first_cell_site(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "immunokit-bootstrap" in c["metadata"].get("tags", []))
    return bootstrap.baked_site("".join(cell["source"]))


def test_published_notebooks_install_from_the_sites_package_index(with_setting: Path) -> None:
    """The site's address known: every notebook offered for download names it, and the site serves the
    toolkit's wheel as a PEP 503 index there (version from pyproject.toml, sha256 that matches)."""
    downloads = sorted((with_setting / "_downloads").rglob("*.ipynb"))
    assert downloads
    for path in [*(with_setting / "_sources" / f"{page}.ipynb" for page in NOTEBOOK_PAGES), *downloads]:
        assert _first_cell_site(path) == SITE, path
    assert siteindex.check(with_setting / "simple") == []
    root = BeautifulSoup((with_setting / "simple" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [a["href"] for a in root.find_all("a")] == ["immunokit/"]
    page = BeautifulSoup(
        (with_setting / "simple" / "immunokit" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    (link,) = page.find_all("a")
    assert link["href"].startswith("immunokit-") and "#sha256=" in link["href"]
    assert link["data-requires-python"] == ">=3.11"
    with zipfile.ZipFile(with_setting / BUNDLE) as archive:
        exercise = next(n for n in archive.namelist() if n.endswith("exercises/ch07_kaplan_meier.ipynb"))
        cell = next(c for c in json.loads(archive.read(exercise))["cells"] if c["cell_type"] == "code")
        assert bootstrap.baked_site("".join(cell["source"])) == SITE  # the fallback when the wheel is moved
        wheel = link["href"].split("#")[0]
        assert any(n.endswith("/" + wheel) for n in archive.namelist())  # the bundle carries the same wheel


def test_without_a_site_the_index_is_still_written_and_notebooks_name_no_site(without_setting: Path) -> None:
    assert siteindex.check(without_setting / "simple") == []
    for page in NOTEBOOK_PAGES:
        assert _first_cell_site(without_setting / "_sources" / f"{page}.ipynb") == ""


def test_without_the_setting_no_repository_or_launch_button_and_no_placeholder(without_setting: Path) -> None:
    for page in [*NOTEBOOK_PAGES, "book/how-to-use", "book/exercises", "intro"]:
        html = (without_setting / f"{page}.html").read_text(encoding="utf-8")
        for absent in [
            "mybinder.org",
            "colab.research.google.com",
            "git-pull",
            "launch-buttons",
            "source-repository-button",
            "source-issues-button",
            "github.com",
            *PLACEHOLDERS,
        ]:
            assert absent not in html, f"{page}: {absent!r} appears without a repository setting"
    page = soup(without_setting, "book/how-to-use")
    text = page.select_one(".ik-course-commands").get_text()
    assert "git clone" not in text and text.lstrip().startswith("make book")
    assert "whoever published this book" in page.get_text(" ")
    assert "Binder" not in page.get_text(" ")
    exercises = soup(without_setting, "book/exercises")
    assert "Binder" not in exercises.get_text(" ") and "Colab" not in exercises.get_text(" ")
    downloads = [h for h in links(exercises) if "_downloads" in h and h.endswith(".ipynb")]
    assert len(downloads) == len(catalog.exercises())


@pytest.mark.parametrize("which", ["with_setting", "without_setting"])
def test_the_course_bundle_link_resolves_to_a_zip_of_the_exercises(
    which: str, request: pytest.FixtureRequest
) -> None:
    html: Path = request.getfixturevalue(which)
    page = soup(html, "book/how-to-use")
    target = [h for h in links(page) if h.endswith(".zip")]
    assert target == ["../" + BUNDLE]
    archive = (html / "book" / target[0]).resolve()
    names = zipfile.ZipFile(archive).namelist()
    assert any(n.endswith("exercises/ch07_kaplan_meier.ipynb") for n in names)


def test_the_strict_book_build_links_the_bundle_and_has_no_placeholder(built_book: Path) -> None:
    """The full book, as the test session builds it (without the setting)."""
    how_to = (built_book / "book" / "how-to-use.html").read_text(encoding="utf-8")
    assert not any(p in how_to for p in PLACEHOLDERS)
    assert (built_book / BUNDLE).is_file()
    assert siteindex.check(built_book / "simple") == []  # the toolkit's package index, served with the site
    names = zipfile.ZipFile(built_book / BUNDLE).namelist()
    expected = {p.name for p in (ROOT / "exercises").glob("*.ipynb")}
    assert {Path(n).name for n in names if "/exercises/" in n} == expected
