"""Keep the book's execution cache and Sphinx's saved environment honest.

jupyter-cache keys a notebook on its code cells only, so a change to the toolkit (``immunokit/``), a quiz
bank or the bibliography would otherwise leave stale outputs in the built book; and Sphinx re-reads a page
only when its source changed, so clearing the execution cache alone would change nothing in an
incremental build. Before each build, this module hashes those inputs and, when the hash changed, clears
``_build/.jupyter_cache`` and Sphinx's environment ``_build/.doctrees`` (every notebook is read and run
again). A change to the build's own code (``immunokit/sphinx/``, ``sphinx_ext.py``), which Sphinx does
not track either, clears only the environment: pages are read again, outputs come from the cache.

Usage: ``python -m immunokit.buildcache [BUILD_ROOT]`` (default: the repository root).
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAMP = ".immunokit-inputs.sha256"
BUILD_CODE_STAMP = ".immunokit-build-code.sha256"
#: The build's own code: a change re-reads every page (Sphinx does not track extension code).
BUILD_CODE = ("immunokit/sphinx/", "immunokit/sphinx_ext.py")
#: Parts of the toolkit that no notebook runs: the build's own Sphinx code, the page assets and the
#: grader. A change there must not re-execute every notebook.
NOT_RUN_BY_NOTEBOOKS = (
    "immunokit/sphinx/",
    "immunokit/sphinx_ext.py",
    "immunokit/static/",
    "immunokit/grader/",
    "immunokit/buildcache.py",
)


def build_code_digest(root: Path = ROOT) -> str:
    """SHA-256 over the book build's own Sphinx code (:data:`BUILD_CODE`)."""
    digest = hashlib.sha256()
    for path in sorted(root.glob("immunokit/**/*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(BUILD_CODE) and "__pycache__" not in path.parts:
            digest.update(relative.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_digest(root: Path = ROOT) -> str:
    """SHA-256 over the toolkit's source the notebooks run, the quiz banks, the data layer and the bibliography."""
    digest = hashlib.sha256()
    files = sorted(
        [
            *root.glob("immunokit/**/*.py"),
            *root.glob("immunokit/**/*.json"),
            *root.glob("book/**/*.yml"),
            root / "book" / "references.bib",
        ]
    )
    for path in files:
        relative = path.relative_to(root).as_posix()
        if relative.startswith(NOT_RUN_BY_NOTEBOOKS):
            continue
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _changed(stamp: Path, current: str) -> bool:
    """True (and ``stamp`` updated) if ``current`` differs from the digest saved in ``stamp``."""
    previous = stamp.read_text().strip() if stamp.exists() else None
    if previous == current:
        return False
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current + "\n")
    return True


def refresh(build_root: Path = ROOT, source_root: Path = ROOT) -> bool:
    """Clear what a changed input makes stale under ``build_root/_build``; True if the execution cache went.

    Inputs the notebooks run changed: the execution cache and Sphinx's environment go. Only the build's
    own code changed: the environment goes (pages re-read from the cache)."""
    build = build_root / "_build"
    cleared = False
    inputs_changed = _changed(build / STAMP, inputs_digest(source_root))
    code_changed = _changed(build / BUILD_CODE_STAMP, build_code_digest(source_root))
    if inputs_changed:
        cache = build / ".jupyter_cache"
        if cache.exists():
            shutil.rmtree(cache)
            cleared = True
    if inputs_changed or code_changed:
        shutil.rmtree(build / ".doctrees", ignore_errors=True)
    return cleared


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    build_root = Path(args[0]) if args else ROOT
    if refresh(build_root):
        print(
            "toolkit, quiz banks or bibliography changed: cleared the execution cache; every page is rebuilt"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
