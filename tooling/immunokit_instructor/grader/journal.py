"""Rows saved as each submission finishes, so a crash of the grader late in a run loses nothing already graded.

While a run goes on, ``grades.csv`` has a companion ``grades.partial.csv``: the CSV header, then the
rows of every finished submission, appended (and flushed to disk) the moment it finishes, in the order
they finish. At the end the grader writes ``grades.csv`` in path order (atomically) and removes the
partial file. After a crash the partial file is a valid CSV of everything graded so far (the same
columns and cell rules as the final one); a new run regrades everything and replaces it.
"""

from __future__ import annotations

import csv
import io
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from immunokit_instructor.grader.report import COLUMNS, Row


def partial_path(out: Path) -> Path:
    """``grades.csv`` → ``grades.partial.csv``."""
    return out.with_name(out.stem + ".partial" + out.suffix)


class Journal:
    """Appends the rows of each finished submission to :func:`partial_path`, flushed to disk each time."""

    def __init__(self, out: Path) -> None:
        self.path = partial_path(out)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        self._write([list(COLUMNS)])

    def _write(self, cells: Sequence[Sequence[str]]) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows(cells)
        data = buffer.getvalue().encode("utf-8")
        with self._lock:
            while data:
                data = data[os.write(self._fd, data) :]
            os.fsync(self._fd)

    def add(self, rows: Sequence[Row]) -> None:
        """Save one finished submission's rows."""
        self._write([row.cells() for row in rows])

    def close(self, remove: bool = True) -> None:
        os.close(self._fd)
        if remove:
            self.path.unlink(missing_ok=True)
