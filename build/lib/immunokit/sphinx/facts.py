"""The ``{fact}`` role: a clinical number rendered from the data layer (``book/data/``).

``{fact}`e1910-hr-nejm``` renders the fact's value with its unit (``0.41``, ``9 mg/m²``);
``{fact}`e1910-hr-nejm:value``` renders the bare value. The rendered text is a
``<span class="ik-fact ik-fact--ID">`` so a page's numbers can be traced to the data layer.
Chapter notebooks write the same use as a link JupyterLab can show,
``[0.41](data/trials.yml#e1910-hr-nejm)``, which :mod:`immunokit.sphinx.notebookmarkup` reads as this role.

The data layer is validated when the builder starts: an invalid data file stops the build with every
problem listed (file, entry, field). An unknown id is an error at the role's line, which fails a
``-W`` build; the build also fails at its end, with every unknown id listed, when run without ``-W``.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

from .. import facts as _facts

_UNKNOWN_KEY = "ik_fact_unknown"


def fact_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    fact_id, _, fmt = text.strip().partition(":")
    if fmt not in ("", "value"):
        msg = inliner.reporter.error(
            f"{{fact}}`{text}`: unknown format {fmt!r} (write {{fact}}`ID` or {{fact}}`ID:value`)",
            line=lineno,
        )
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    table = _facts.current()
    fact = table.get(fact_id)
    if fact is None:
        env = inliner.document.settings.env
        unknown = getattr(env, _UNKNOWN_KEY, None)
        if unknown is None:
            unknown = []
            setattr(env, _UNKNOWN_KEY, unknown)
        unknown.append(f"{env.docname}:{lineno}: {fact_id!r}")
        msg = inliner.reporter.error(
            f"unknown fact id {fact_id!r} in {{fact}}`{text}`: not in book/data/*.yml "
            "(python -m immunokit.facts list shows every id)",
            line=lineno,
        )
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    shown = _facts.format_value(fact.value) if fmt == "value" else fact.text
    return [nodes.inline(rawtext, shown, classes=["ik-fact", f"ik-fact--{fact.id}"])], []


def _validate(app: Any) -> None:
    from sphinx.errors import ExtensionError

    try:
        _facts.current()
    except _facts.FactsError as exc:
        raise ExtensionError(f"the clinical data layer (book/data) is invalid:\n{exc}") from None


def _merge(app: Any, env: Any, docnames: Any, other: Any) -> None:
    mine = getattr(env, _UNKNOWN_KEY, None) or []
    mine.extend(getattr(other, _UNKNOWN_KEY, None) or [])
    setattr(env, _UNKNOWN_KEY, mine)


def _purge(app: Any, env: Any, docname: str) -> None:
    unknown = getattr(env, _UNKNOWN_KEY, None)
    if unknown:
        setattr(env, _UNKNOWN_KEY, [u for u in unknown if not u.startswith(f"{docname}:")])


def _stamp() -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(_facts.data_dir().glob("*.yml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _outdated(app: Any, env: Any, added: Any, changed: Any, removed: Any) -> list[str]:
    """A changed data layer re-reads every page: roles and "Evidence reviewed" lines read it."""
    stamp = _stamp()
    if getattr(env, "ik_facts_stamp", None) == stamp:
        return []
    env.ik_facts_stamp = stamp
    return sorted(set(env.found_docs) - set(added) - set(changed))


def _finish(app: Any, exception: Exception | None) -> None:
    if exception is not None:
        return
    unknown = getattr(app.env, _UNKNOWN_KEY, None)
    if unknown:
        from sphinx.errors import SphinxError

        raise SphinxError("unknown fact ids in {fact} roles and fact links: " + "; ".join(unknown))


def setup(app: Any) -> dict[str, Any]:
    app.add_role("fact", fact_role)
    app.connect("builder-inited", _validate)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
