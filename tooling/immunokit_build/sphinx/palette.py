"""The theme's own light palette where the theme leaves a page without one: on paper, and without JavaScript.

pydata-sphinx-theme sets its colours as custom properties on ``html[data-theme=light]`` and
``html[data-theme=dark]``; which one applies is decided by its script. Two readers were left out:

- **Print in dark mode** kept the dark palette: body text ``rgb(206,214,221)`` on white paper (1.4:1),
  or black pages with background graphics. Paper always takes the light palette.
- **Without JavaScript** the page keeps ``data-theme="auto"`` (the book's ``default_mode``), which no
  palette rule matches: no colours, and a see-through header over the text. ``auto`` takes the light
  palette, or the dark one when the system asks for dark.

The declarations are copied at build time from the installed theme's stylesheet (so they follow the
theme's version) into ``_static/ik-palette.css``, linked after the theme's stylesheets.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

FILENAME = "ik-palette.css"

#: Code blocks in dark mode use the dark Pygments style (light text); on paper they print dark on light.
_PRINT_EXTRA = (
    "html[data-theme] .highlight, html[data-theme] .highlight pre { background: #f5f5f5 !important; }\n"
    "html[data-theme=dark] .highlight * { color: #222832 !important; }\n"
    "html[data-theme] { color-scheme: light; }\n"
)


def theme_stylesheet() -> Path:
    """The installed pydata-sphinx-theme stylesheet."""
    import pydata_sphinx_theme  # type: ignore[import-untyped]

    path = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "styles"
    return path / "pydata-sphinx-theme.css"


def palette(css: str, mode: str) -> str:
    """Every declaration of the rules whose selector is exactly ``html[data-theme=<mode>]``, in order."""
    bodies = re.findall(r'(?:^|[}\s])html\[data-theme="?' + re.escape(mode) + r'"?\]\s*\{([^}]*)\}', css)
    if not bodies:
        raise ValueError(f"no html[data-theme={mode}] palette in the theme's stylesheet")
    return ";".join(b.strip().rstrip(";") for b in bodies)


def palette_css(css: str) -> str:
    """The stylesheet written to ``_static/ik-palette.css``."""
    light, dark = palette(css, "light"), palette(css, "dark")
    return (
        "/* Written by tooling/immunokit_build/sphinx/palette.py from pydata-sphinx-theme's own palettes. */\n"
        f'html[data-theme="auto"] {{ {light} }}\n'
        f'@media (prefers-color-scheme: dark) {{ html[data-theme="auto"] {{ {dark} }} }}\n'
        f"@media print {{\nhtml[data-theme] {{ {light} }}\n{_PRINT_EXTRA}}}\n"
    )


def _write(app: Any) -> None:
    if app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    text = palette_css(theme_stylesheet().read_text(encoding="utf-8"))
    target = static / FILENAME
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _write)
    # After the theme's stylesheets and before the book's own (immunokit.css, priority 500 too but later).
    app.add_css_file(FILENAME, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
