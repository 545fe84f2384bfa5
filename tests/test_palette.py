"""The theme's palettes copied for paper and for pages without JavaScript (tooling/immunokit_build/sphinx/palette.py)."""

from __future__ import annotations

import pytest

from immunokit_build.sphinx import palette


def test_the_light_palette_is_copied_from_the_installed_theme_for_print_and_no_javascript() -> None:
    theme = palette.theme_stylesheet().read_text(encoding="utf-8")
    css = palette.palette_css(theme)
    light = palette.palette(theme, "light")
    assert "--pst-color-text-base:#222832" in light and "--pst-color-background:#fff" in light
    print_block = css[css.index("@media print") :]
    assert light in print_block  # paper: always the light palette
    assert f'html[data-theme="auto"] {{ {light} }}' in css  # no JavaScript: light unless the system says dark


def test_a_theme_without_a_palette_is_reported_by_name() -> None:
    with pytest.raises(ValueError, match=r"no html\[data-theme=light\] palette"):
        palette.palette("html{color:red}", "light")
