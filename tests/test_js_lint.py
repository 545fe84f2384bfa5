"""The book's browser script passes ESLint (pinned in package.json, flat config in eslint.config.mjs)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from harness import IN_CI, ROOT

ESLINT = ROOT / "node_modules" / ".bin" / "eslint"


def test_eslint_finds_nothing_in_the_books_javascript() -> None:
    if not ESLINT.exists():
        if shutil.which("npm") is None and not IN_CI:
            pytest.skip("npm is not installed, so ESLint cannot be; JavaScript lint skipped")
        pytest.fail("ESLint is missing from node_modules: run `npm ci` (make setup)")
    proc = subprocess.run(
        [str(ESLINT), "--max-warnings", "0", "immunokit/static"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
