"""From reading to running: repository and launch buttons, the clone command, the course bundle, the
toolkit's package index.

Everything comes from one setting, :mod:`immunokit_build.course` (``IMMUNOKIT_REPOSITORY_URL`` and
``IMMUNOKIT_REPOSITORY_BRANCH``, filled by the GitHub Pages workflow from the repository it runs in):

- set, the theme shows its repository, issue and edit buttons for that repository, and every notebook
  page (chapters and exercises) a launch menu: Binder (``IMMUNOKIT_BINDERHUB_URL``, default mybinder.org),
  Colab (GitHub repositories) and JupyterHub (only when ``IMMUNOKIT_JUPYTERHUB_URL`` is set);
- unset, none of these buttons appears, whatever ``_config.yml`` says: nothing is made up.

After the build, whatever the setting: the toolkit's wheel as a package index in ``simple/``
(:mod:`immunokit_build.siteindex`) and the course bundle in ``downloads/``. When the site's address is
known (``html.baseurl`` or ``BOOK_BASE_URL``, :func:`immunokit_build.course.site_url`), the notebooks
offered for download (``_sources/``, ``_downloads/``) and the bundle's name it in their first cell, so a
notebook downloaded alone installs the toolkit from that index.

Markup for pages:

``{course-commands}`` (directive)
    Its content is shell commands run in a copy of the course; set, a ``git clone`` of the repository
    comes first; unset, a sentence says to get the course's files from whoever published the book.
``{if-repository}`` / ``{unless-repository}`` (directives)
    Content shown only when the setting is set / unset.
``{exercise-launchers}`` (directive)
    A table of every exercise (from the catalog): its notebook to download and, when the setting is
    set, links that open it in Binder, Colab and the JupyterHub.
``{course-bundle}`` (role)
    A link to the course bundle (:mod:`immunokit_build.bundle`), which the build writes to
    ``downloads/leukemia-immunotherapy-course.zip``.
"""

from __future__ import annotations

import posixpath
import threading
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from immunokit_build import bootstrap, bundle, course, siteindex

LOGGER = logging.getLogger(__name__)
#: Where the course bundle is written, relative to the HTML output folder.
BUNDLE_PATH = f"downloads/{bundle.FILENAME}"


def _setting() -> course.Repository | None:
    try:
        return course.repository()
    except course.SettingError as err:
        raise ConfigError(str(err)) from None


def apply_setting(app: Any, config: Any) -> None:
    """Fill the theme's repository and launch options from the setting (or switch them off)."""
    repo = _setting()
    config.immunokit_repository = f"{repo.url}@{repo.branch}" if repo else ""
    options = dict(config.html_theme_options or {})
    launch = dict(options.get("launch_buttons") or {})
    for key in ("binderhub_url", "colab_url", "jupyterhub_url", "deepnote_url", "jupyterlite_url"):
        launch[key] = ""
    buttons = ("use_repository_button", "use_issues_button", "use_edit_page_button", "use_source_button")
    for key in buttons:
        options[key] = False
    options.pop("repository_url", None)
    if repo is not None and repo.provider is not None:
        options.update(repository_url=repo.url, repository_branch=repo.branch, path_to_docs="")
        options.update(dict.fromkeys(buttons[:3], True))
        try:
            launch["binderhub_url"] = course.binderhub()
            launch["jupyterhub_url"] = course.jupyterhub() or ""
        except course.SettingError as err:
            raise ConfigError(str(err)) from None
        if repo.provider == "github":
            launch["colab_url"] = course.COLAB
        launch.setdefault("notebook_interface", "jupyterlab")
    elif repo is not None:
        LOGGER.info(
            f"[launch] {repo.url} is not on github.com or gitlab.com: the book shows its clone command "
            "but no repository or launch buttons"
        )
    options["launch_buttons"] = launch
    config.html_theme_options = options


class CourseCommands(SphinxDirective):
    """Shell commands for a copy of the course, preceded by the clone command when it is known."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        repo = _setting()
        lines = list(self.content)
        out: list[nodes.Node] = []
        if repo is not None:
            lines = [repo.clone_command, *lines]
        else:
            out.append(
                nodes.paragraph(
                    text="Get a copy of the course's files from whoever published this book (its source "
                    "repository), open a terminal in that folder and run:"
                )
            )
        text = "\n".join(lines)
        block = nodes.literal_block(text, text, language="bash")
        block["classes"].append("ik-course-commands")
        out.append(block)
        return out


class IfRepository(SphinxDirective):
    """Content parsed only when the setting is set (``unless`` = only when it is unset)."""

    has_content = True
    unless = False

    def run(self) -> list[nodes.Node]:
        if (_setting() is None) != self.unless:
            return []
        container = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, container)
        return list(container.children)


class UnlessRepository(IfRepository):
    unless = True


def _link(text: str, url: str) -> nodes.reference:
    return nodes.reference("", text, refuri=url, classes=["ik-launch-link"])


class ExerciseLaunchers(SphinxDirective):
    """Every exercise of the catalog: download, and Binder / Colab / JupyterHub links when known.

    A list, not a table: it reflows on a phone and reads in order with a screen reader.
    """

    def run(self) -> list[nodes.Node]:
        from immunokit.exercises.catalog import exercises

        repo = _setting()
        hub = course.jupyterhub() if repo is not None else None
        binderhub = course.binderhub()
        docname = self.env.docname
        items = nodes.bullet_list(classes=["ik-exercise-launchers"])
        for exercise in exercises():
            path = f"exercises/{exercise.notebook}"
            chapter = int(exercise.id[2:4])
            item = nodes.list_item()
            about = nodes.paragraph()
            about += nodes.strong(text=exercise.title)
            about += nodes.Text(f" — chapter {chapter}, about {exercise.minutes} minutes. ")
            about += nodes.Text("Download ")
            about += addnodes.download_reference(
                "",
                "",
                nodes.literal(exercise.notebook, exercise.notebook, classes=["xref", "download"]),
                reftarget=f"/{path}",
                refdoc=docname,
                refexplicit=True,
                refdomain="",
                reftype="download",
            )
            if repo is not None:
                links = [("Binder", repo.binder_url(path, binderhub)), ("Colab", repo.colab_url(path))]
                if hub:
                    links.append(("JupyterHub", repo.jupyterhub_url(path, hub)))
                about += nodes.Text(", or open it in ")
                present = [(name, url) for name, url in links if url]
                for index, (name, url) in enumerate(present):
                    if index:
                        about += nodes.Text(" or " if index == len(present) - 1 else ", ")
                    about += _link(name, url)
            about += nodes.Text(".")
            item += about
            items += item
        return [items]


def bundle_role(
    name: str, rawtext: str, text: str, lineno: int, inliner: Any, options: Any = None, content: Any = None
) -> tuple[list[nodes.Node], list[Any]]:
    """``{course-bundle}`text``` — a link to the course bundle, relative to the page."""
    docname = inliner.document.settings.env.docname
    uri = posixpath.relpath(BUNDLE_PATH, posixpath.dirname(docname) or ".")
    label = text or bundle.FILENAME
    ref = nodes.reference(rawtext, label, refuri=uri, classes=["ik-course-bundle"])
    return [ref], []


def _course_root(app: Any) -> Path:
    return Path(app.config.immunokit_course_root or app.srcdir)


def start_wheel(app: Any) -> None:
    """Build the toolkit's wheel (about 2 s of setuptools, in a process of its own) while Sphinx reads and
    writes the pages on one core; :func:`write_downloads` waits for it. Should it fail, write_downloads
    builds it again and reports why."""
    if app.builder.format != "html":
        return

    def build() -> None:
        try:
            bundle.toolkit_wheel(_course_root(app))
        except Exception:  # reported by write_downloads, which builds it again
            pass

    app.immunokit_wheel_thread = threading.Thread(target=build, name="toolkit-wheel", daemon=True)
    app.immunokit_wheel_thread.start()


def write_downloads(app: Any, exception: Exception | None) -> None:
    """After an HTML build: the toolkit's package index (``simple/``), the course bundle, and the site's
    address in the first cell of every notebook offered for download."""
    thread = getattr(app, "immunokit_wheel_thread", None)
    if thread is not None:
        thread.join()
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    root = _course_root(app)
    try:
        site = course.site_url(configured=app.config.html_baseurl or "")
    except course.SettingError as err:
        raise ConfigError(str(err)) from None
    try:
        wheel = bundle.toolkit_wheel(root)
        siteindex.write(outdir, wheel)
        bundle.build_bundle(outdir / BUNDLE_PATH, root, site=site, wheel=wheel)
    except bundle.BundleError as err:
        LOGGER.warning(
            f"[launch] the toolkit's wheel, its package index or the course bundle was not built: {err}"
        )
    if not site:
        return
    notebooks = [*(outdir / "_sources").rglob("*.ipynb"), *(outdir / "_downloads").rglob("*.ipynb")]
    for path in sorted(notebooks):
        if _has_cell(path):
            bootstrap.refresh_file(path, site)


def _has_cell(path: Path) -> bool:
    import nbformat

    try:
        return bootstrap.find_cell(nbformat.read(path, as_version=4)) is not None
    except Exception:  # a notebook Sphinx copied that we cannot read is left as it is
        return False


def setup(app: Any) -> dict[str, Any]:
    # rebuild="env": a different repository re-reads the pages that show it (the clone command).
    app.add_config_value("immunokit_repository", "", "env")
    # The checkout the bundle is made from (default: the book's source folder, the repository root).
    app.add_config_value("immunokit_course_root", "", "")
    app.connect("config-inited", apply_setting, priority=400)
    app.add_directive("course-commands", CourseCommands)
    app.add_directive("if-repository", IfRepository)
    app.add_directive("unless-repository", UnlessRepository)
    app.add_directive("exercise-launchers", ExerciseLaunchers)
    app.add_role("course-bundle", bundle_role)
    app.connect("builder-inited", start_wheel)
    app.connect("build-finished", write_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
