"""The executed copies of the notebooks (``_build/jupyter_execute/``) keep their outputs.

myst-nb writes, for every notebook page it reads, a copy to ``jupyter_execute/``. When it executes the
notebook itself, that copy has the outputs; when it takes them from jupyter-cache (as it does for every
notebook once ``immunokit_build.buildcache`` has executed them ahead of the build), it writes the notebook
it was given, without outputs (``myst_nb.sphinx_`` writes the input, not the merged notebook). The course
reads those copies (the item checks read the outputs a reader sees: ``immunokit.quiz.itemcheck``), so after
each notebook page is read its copy is rewritten with the cached outputs merged in, exactly as myst-nb
merged them into the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def executed_copy(app: Any, docname: str) -> Path:
    return Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"


def _merge_cached_outputs(app: Any, doctree: Any) -> None:
    import nbformat
    from jupyter_cache import get_cache

    docname = app.env.docname
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    copy = executed_copy(app, docname)
    cache_dir = Path(app.outdir).parent / ".jupyter_cache"
    if not copy.is_file() or not cache_dir.is_dir():
        return
    notebook = nbformat.read(copy, as_version=4)
    if any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"):
        return  # myst-nb executed it: the copy is the executed notebook
    try:
        _, merged = get_cache(str(cache_dir)).merge_match_into_notebook(notebook)
    except KeyError:
        return  # not cached (execution off for this page): nothing to merge
    # Written as nbformat writes them, without validating again: the copy was validated when read above
    # and the outputs when executed (buildcache's nbformat.writes, or jupyter-cache's check under myst-nb);
    # validating each figure-heavy notebook once more cost a second of every cold build.
    copy.write_text(nbformat.v4.writes_json(merged).rstrip("\n") + "\n", encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("doctree-read", _merge_cached_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
