"""The course's version, licence and citation, shown on every page of the book.

The version has one home, ``pyproject.toml``; the installed package's metadata carries it here. The
footer names it with the licences, and pages can write ``{{ version }}`` (a MyST substitution), and
``{{ sitting_minutes }}``, the span of the chapters' stated times (:func:`immunokit.chapters.sitting_minutes`).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from .. import __version__
from ..chapters import sitting_minutes

LICENCES = (
    ("text CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    ("code MIT", "https://opensource.org/license/mit"),
)


def footer_html(version: str = __version__) -> str:
    """One footer paragraph: the version and the licences, with links to their deeds."""
    links = " · ".join(f'<a href="{html.escape(url)}">{html.escape(name)}</a>' for name, url in LICENCES)
    return f'<p class="ik-release">Version {html.escape(version)} · Licensed {links}</p>'


def _configure(app: Any, config: Any) -> None:
    config.version = config.release = __version__
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = (options.get("extra_footer") or "") + footer_html()
    config.html_theme_options = options
    substitutions = dict(getattr(config, "myst_substitutions", None) or {})
    substitutions.setdefault("version", __version__)
    substitutions.setdefault("sitting_minutes", sitting_minutes(Path(app.srcdir) / "book"))
    config.myst_substitutions = substitutions


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _configure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
