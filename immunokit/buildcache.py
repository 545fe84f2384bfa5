"""Keep the book's execution cache honest.

jupyter-cache keys a notebook on its code cells only, so a change to the toolkit (``immunokit/``), a quiz
bank or the bibliography would otherwise leave stale outputs in the built book. Before each build, this
module hashes those inputs and clears ``_build/.jupyter_cache`` when the hash changed.

Usage: ``python -m immunokit.buildcache [BUILD_ROOT]`` (default: the repository root).
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAMP = ".immunokit-inputs.sha256"
#: Parts of the toolkit that no notebook runs: the build's own Sphinx code, the page assets and the
#: grader. A change there must not re-execute every notebook.
NOT_RUN_BY_NOTEBOOKS = (
    "immunokit/sphinx/",
    "immunokit/sphinx_ext.py",
    "immunokit/static/",
    "immunokit/grader/",
)


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


def refresh(build_root: Path = ROOT, source_root: Path = ROOT) -> bool:
    """Clear the execution cache under ``build_root/_build`` if the inputs changed; True if cleared."""
    build = build_root / "_build"
    stamp = build / STAMP
    current = inputs_digest(source_root)
    previous = stamp.read_text().strip() if stamp.exists() else None
    cleared = False
    if previous != current:
        cache = build / ".jupyter_cache"
        if cache.exists():
            shutil.rmtree(cache)
            cleared = True
        build.mkdir(parents=True, exist_ok=True)
        stamp.write_text(current + "\n")
    return cleared


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    build_root = Path(args[0]) if args else ROOT
    if refresh(build_root):
        print("toolkit, quiz banks or bibliography changed: cleared the execution cache")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
