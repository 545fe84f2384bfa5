"""The course bundle for students: exercise and chapter notebooks with the toolkit's wheel, in one zip.

Usage::

    python -m immunokit_build.bundle OUT.zip      # build the bundle (the book's build does it for you)
    python -m immunokit_build.bundle --wheel DIR  # build only the toolkit's wheel into DIR

The wheel is built once per state of its sources (:func:`toolkit_wheel`, cached in
``_build/toolkit-wheel/<hash>/``); the bundle and the site's package index
(:mod:`immunokit_build.siteindex`) carry the same file.

The zip holds one folder::

    leukemia-immunotherapy-course/
        README.md                           how to start, in four lines
        immunokit-<version>-py3-none-any.whl the toolkit, with the question banks and bibliography
        exercises/<name>.ipynb              the student notebooks (no solutions)
        chapters/chNN_<slug>.ipynb          the chapters, without outputs
        LICENSE.md, LICENSE-TEXT, LICENSE-CODE  the terms of reuse (CC BY 4.0 text, MIT code)

Every notebook starts with the bootstrap cell (:mod:`immunokit_build.bootstrap`), which finds the wheel one
folder up and installs it when the toolkit is missing: unzip, open a notebook, run it. Nothing is
downloaded except the toolkit's dependencies (numpy, scipy, matplotlib, ipywidgets, …) when the Python
in use lacks them. The notebooks also name the published site (when known), the source they fall back on
if the wheel is moved away.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import nbformat

from immunokit_build import (
    ROOT,
    bootstrap,
    course,
    studentbanks,
)

FOLDER = f"{course.FOLDER}-course"
FILENAME = f"{FOLDER}.zip"
#: Fixed timestamp of every zip member: the same inputs give the same bytes.
_EPOCH = (2026, 1, 1, 0, 0, 0)

README = """\
# Leukemia Immunotherapy — course notebooks

1. Open a terminal (or Anaconda Prompt) in this folder and start Jupyter: `jupyter lab`
   (any Jupyter with Python 3.11 or newer: JupyterLab, Notebook 7, VS Code).
2. Open a notebook in `exercises/` or `chapters/` and run it from the top (Run → Run All Cells).
3. Its first cell installs the course toolkit from `{wheel}` (in this folder) if your Python lacks
   it; the toolkit's dependencies come from PyPI the first time. Or install it yourself first:
   `pip install {wheel}`.

Exercises check your answers cell by cell and give hints; hand in the `.ipynb` file your instructor asks for.
For education only: this course is not medical advice.
"""


class BundleError(RuntimeError):
    """The wheel or the bundle could not be built (the message says why)."""


def _sources(root: Path) -> list[Path]:
    """Every file the wheel is built from, relative to ``root``."""
    names = ("pyproject.toml", "MANIFEST.in", "README.md", "LICENSE.md", "LICENSE-CODE", "LICENSE-TEXT")
    files = [root / name for name in names]
    files += [
        p
        for p in (root / "immunokit").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and "_book" not in p.parts
    ]
    book = root / "book"
    files += [*book.glob("*.quiz.yml"), book / "references.bib", book / "cases.yml"]
    if (book / "data").is_dir():
        files += [p for p in (book / "data").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        raise BundleError(f"cannot build the toolkit's wheel, missing: {', '.join(missing)}")
    return sorted(p.relative_to(root) for p in files)


def build_wheel(out_dir: Path, root: Path = ROOT) -> Path:
    """Build the toolkit's wheel into ``out_dir`` offline (setuptools in this Python) and return it.

    The build runs on a clean copy of the sources, so the checkout gets no ``build/`` folder.
    """
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="immunokit-wheel-") as tmp:
        for rel in _sources(root):
            (Path(tmp) / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / rel, Path(tmp) / rel)
            if rel.name.endswith(".quiz.yml"):  # no model answers or rubrics in a student's wheel
                text = (root / rel).read_text(encoding="utf-8")
                (Path(tmp) / rel).write_text(studentbanks.student_bank(text), encoding="utf-8")
        code = "import sys; from setuptools import build_meta as b; print(b.build_wheel(sys.argv[1]), end='')"
        proc = subprocess.run(
            [sys.executable, "-c", code, str(out_dir)], cwd=tmp, capture_output=True, text=True
        )
    if proc.returncode != 0:
        raise BundleError(f"building the toolkit's wheel failed:\n{proc.stderr[-2000:]}")
    wheel = out_dir / proc.stdout.strip().splitlines()[-1]
    if not wheel.is_file():
        raise BundleError(f"the wheel build reported {wheel.name!r} but wrote no such file in {out_dir}")
    return wheel


#: Where :func:`toolkit_wheel` keeps the wheels it built, relative to the checkout.
WHEEL_CACHE = Path("_build") / "toolkit-wheel"


def wheel_hash(root: Path = ROOT) -> str:
    """Hash of what the wheel is made of: its sources, the code that builds it (this module and the bank
    filter) and the setuptools that builds it."""
    digest = hashlib.sha256()
    digest.update(importlib.metadata.version("setuptools").encode() + b"\0")
    for recipe in (Path(__file__), Path(studentbanks.__file__)):
        digest.update(recipe.read_bytes() + b"\0")
    for rel in _sources(root):
        digest.update(rel.as_posix().encode() + b"\0" + (root / rel).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def toolkit_wheel(root: Path = ROOT, cache: Path | None = None) -> Path:
    """The toolkit's wheel for the sources as they are: built into ``<cache>/<hash>/`` the first time,
    reused after (``cache`` defaults to ``_build/toolkit-wheel`` of ``root``). Older hashes are removed."""
    cache = Path(cache) if cache is not None else root / WHEEL_CACHE
    folder = cache / wheel_hash(root)
    found = sorted(folder.glob("immunokit-*.whl"))
    if len(found) == 1:
        return found[0]
    cache.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=cache))
    try:
        build_wheel(partial, root)
        try:
            partial.rename(folder)  # atomic: a parallel build that finished first keeps its folder
        except OSError:
            if len(list(folder.glob("immunokit-*.whl"))) != 1:
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    for stale in cache.iterdir():
        if stale.is_dir() and stale.name != folder.name and not stale.name.startswith("."):
            shutil.rmtree(stale, ignore_errors=True)
    return next(folder.glob("immunokit-*.whl"))


def notebooks(root: Path = ROOT) -> dict[str, Path]:
    """Bundle path → source notebook: every exercise and every chapter."""
    found = {f"exercises/{p.name}": p for p in sorted((root / "exercises").glob("*.ipynb"))}
    found.update({f"chapters/{p.name}": p for p in sorted((root / "book").glob("ch[0-9][0-9]_*.ipynb"))})
    return found


#: The licence texts travel with the bundle: whoever unzips it may reuse it on these terms.
LICENCE_FILES = ("LICENSE.md", "LICENSE-TEXT", "LICENSE-CODE")


def licences(root: Path = ROOT) -> dict[str, Path]:
    """Bundle path → licence file of the repository (those that exist)."""
    return {name: root / name for name in LICENCE_FILES if (root / name).is_file()}


def fingerprint(root: Path = ROOT, site: str = "") -> str:
    """Hash of everything the bundle is made of (the wheel's sources, notebooks, licences, the site)."""
    digest = hashlib.sha256()
    digest.update(wheel_hash(root).encode() + b"\0" + site.encode() + b"\0")
    for path in [*notebooks(root).values(), *licences(root).values()]:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _notebook_bytes(path: Path, site: str) -> bytes:
    nb = nbformat.read(path, as_version=4)
    bootstrap.apply(nb, site or bootstrap.wanted_site(nb))
    return (str(nbformat.writes(nb)) + "\n").encode("utf-8")


def build_bundle(out_zip: Path, root: Path = ROOT, site: str = "", wheel: Path | None = None) -> Path:
    """Write the course bundle to ``out_zip`` unless it is already current (its zip comment is the
    :func:`fingerprint`); return its path. ``site``: the published book's address, written into the
    notebooks' first cell (the source they fall back on without the wheel); ``wheel``: the toolkit's
    wheel (default: :func:`toolkit_wheel`)."""
    out_zip = Path(out_zip)
    stamp = fingerprint(root, site)
    if out_zip.is_file():
        try:
            with zipfile.ZipFile(out_zip) as existing:
                if existing.comment.decode() == stamp:
                    return out_zip
        except zipfile.BadZipFile:
            pass
    wheel = wheel or toolkit_wheel(root)
    members: dict[str, bytes] = {
        "README.md": README.format(wheel=wheel.name).encode("utf-8"),
        wheel.name: wheel.read_bytes(),
    }
    for name, source in notebooks(root).items():
        members[name] = _notebook_bytes(source, site)
    for name, source in licences(root).items():
        members[name] = source.read_bytes()
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    partial = out_zip.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            info = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, data)
        bundle.comment = stamp.encode()
    partial.replace(out_zip)
    return out_zip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m immunokit_build.bundle", description=__doc__.splitlines()[0]
    )
    parser.add_argument("out", nargs="?", type=Path, default=Path("_build") / FILENAME)
    parser.add_argument("--wheel", type=Path, metavar="DIR", help="build only the wheel, into DIR")
    args = parser.parse_args(argv)
    try:
        if args.wheel:
            print(build_wheel(args.wheel))
        else:
            print(build_bundle(args.out, site=course.site_url(ROOT)))
    except (BundleError, course.SettingError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
