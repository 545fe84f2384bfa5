"""Build the instructors' exports with the book: every question bank as Moodle GIFT and IMS QTI, and
the whole course's printable answer key, written to ``<html output>/export/`` when an HTML build ends
(the instructor pages link to them). The same files come from ``make export``
(``python -m immunokit.quiz export-all``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

EXPORT_DIR = "export"


def _export(app: Any, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from ..quiz.course_export import export_course

    root = Path(app.srcdir)
    if not (root / "book").is_dir():  # a build of something else (a test fixture): nothing to export
        return
    export_course(Path(app.outdir) / EXPORT_DIR, root)


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", _export)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
