"""The published site serves the toolkit's wheel as a package index (PEP 503, the "simple" API).

The book's build (``build-finished``, :mod:`immunokit_build.sphinx.launch`) writes::

    _build/html/simple/index.html                                 the project list: immunokit
    _build/html/simple/immunokit/index.html                       the wheel, with #sha256= and requires-python
    _build/html/simple/immunokit/immunokit-<version>-py3-none-any.whl

so that ``pip download --index-url https://SITE/simple/ immunokit`` finds it on any static host (GitHub
Pages serves ``simple/immunokit/`` from its ``index.html``). The wheel is the one the course bundle
carries, built once per state of its sources (:func:`immunokit_build.bundle.toolkit_wheel`). The first
cell of every notebook (:mod:`immunokit_build.bootstrap`) downloads the toolkit from this index only and
takes its dependencies from pip's usual index.

Usage::

    python -m immunokit_build.siteindex OUT   # write OUT/simple/ (e.g. to serve it with python -m http.server)
"""

from __future__ import annotations

import argparse
import hashlib
import html
import shutil
import sys
import tomllib
import zipfile
from collections.abc import Sequence
from pathlib import Path

from immunokit_build import ROOT, bundle

PROJECT = "immunokit"
#: The folder of the index inside the site.
FOLDER = "simple"

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="pypi:repository-version" content="1.0">
<meta name="robots" content="noindex">
<title>{title}</title>
</head>
<body>
<h1>{title}</h1>
{links}
</body>
</html>
"""


def _requires_python(wheel: Path) -> str:
    """The wheel's ``Requires-Python`` ("" when it states none)."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        for line in archive.read(name).decode("utf-8").splitlines():
            if line.startswith("Requires-Python:"):
                return line.split(":", 1)[1].strip()
            if not line:
                break
    return ""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(out: Path, wheel: Path) -> Path:
    """Write the index of ``wheel`` into ``out/simple/`` (replacing an older one); return that folder."""
    index = Path(out) / FOLDER
    project = index / PROJECT
    if project.is_dir():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    shutil.copyfile(wheel, project / wheel.name)
    requires = _requires_python(wheel)
    attribute = f' data-requires-python="{html.escape(requires)}"' if requires else ""
    href = f"{wheel.name}#sha256={_sha256(wheel)}"
    link = f'<a href="{html.escape(href)}"{attribute}>{html.escape(wheel.name)}</a><br>'
    (project / "index.html").write_text(
        _PAGE.format(title=f"Links for {PROJECT}", links=link), encoding="utf-8"
    )
    (index / "index.html").write_text(
        _PAGE.format(title="Simple index", links=f'<a href="{PROJECT}/">{PROJECT}</a><br>'), encoding="utf-8"
    )
    return index


def version_of(wheel: Path) -> str:
    """The version in a wheel's file name (``immunokit-0.2.0-py3-none-any.whl`` → ``0.2.0``)."""
    return wheel.name.split("-")[1]


def check(index: Path, root: Path = ROOT) -> list[str]:
    """What is wrong with the index at ``index`` (``…/simple``): the wheel missing, a hash that does not
    match, or a version other than ``pyproject.toml``'s."""
    page = index / PROJECT / "index.html"
    if not page.is_file():
        return [f"{page}: missing"]
    text = page.read_text(encoding="utf-8")
    wheels = sorted((index / PROJECT).glob(f"{PROJECT}-*.whl"))
    if len(wheels) != 1:
        return [f"{index / PROJECT}: {len(wheels)} wheels, expected one"]
    found = []
    if f'href="{wheels[0].name}#sha256={_sha256(wheels[0])}"' not in text:
        found.append(f"{page}: no link to {wheels[0].name} with its sha256")
    version = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    if version_of(wheels[0]) != version:
        found.append(f"{wheels[0].name}: not version {version} of pyproject.toml")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m immunokit_build.siteindex", description=__doc__.splitlines()[0]
    )
    parser.add_argument("out", type=Path, help="the site's folder; the index goes into OUT/simple/")
    args = parser.parse_args(argv)
    try:
        print(write(args.out, bundle.toolkit_wheel()))
    except bundle.BundleError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
