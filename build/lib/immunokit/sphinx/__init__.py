"""Sphinx-side pieces of the book, one module per concern.

`immunokit.sphinx_ext` is the extension the book loads (`_config.yml`); each module here exposes
`setup(app)` and is registered from `immunokit.sphinx_ext.setup` with one line.
"""
